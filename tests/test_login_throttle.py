"""The failed-login throttle (konvergensi.core.auth.LoginThrottle): atomic across threads and processes,
per user name and source, with a short per-user ceiling that never locks the real admin out for long."""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from konvergensi.core import auth

PASSWORD = "sandi-rahasia-123"
ATTACKER, ADMIN_HOME = "203.0.113.9", "198.51.100.7"


@pytest.fixture(scope="module")
def users(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.toml"
    auth.add_user("kepala", PASSWORD, "admin", path=path)
    return path


@pytest.fixture(autouse=True)
def fresh_memory():
    auth._per_user.clear()
    yield
    auth._per_user.clear()


@pytest.fixture(params=["file", "memory"])
def throttle(request, tmp_path):
    return auth.LoginThrottle(tmp_path / auth.THROTTLE_FILE if request.param == "file" else None)


def _flood(throttle, users, n=25, source=ATTACKER, username="kepala"):
    """n simultaneous wrong passwords; returns (password checks made, results)."""
    checks, lock = [], threading.Lock()
    original = auth.verify_password
    barrier = threading.Barrier(n)

    def counting(password, stored):
        with lock:
            checks.append(password)
        return original(password, stored)

    def one(i):
        barrier.wait()
        return auth.attempt_login(throttle, username, f"salah-{i}", source, users)

    auth.verify_password = counting
    try:
        with ThreadPoolExecutor(n) as pool:
            results = list(pool.map(one, range(n)))
    finally:
        auth.verify_password = original
    return checks, results


def test_simultaneous_wrong_passwords_check_at_most_the_limit(throttle, users):
    checks, results = _flood(throttle, users)
    limit = throttle.per_source.max_failures
    assert len(checks) == limit == 5
    assert sum(r.wait > 0 for r in results) == 25 - limit           # refused unchecked
    assert all(r.user is None for r in results)
    assert sum(r.locked > 0 for r in results) == 1                   # the attempt that reached the limit
    # the right password from the flooded address is refused too while the lock holds
    again = auth.attempt_login(throttle, "KEPALA ", PASSWORD, ATTACKER, users)
    assert again.user is None and 0 < again.wait <= 60


def test_right_password_from_another_source_still_works_after_a_flood(throttle, users):
    _flood(throttle, users)
    result = auth.attempt_login(throttle, "kepala", PASSWORD, ADMIN_HOME, users)
    assert result.user is not None and result.user.username == "kepala"
    # a success clears the user's counts, not the attacker's address lock
    assert throttle.wait("kepala", ADMIN_HOME) == 0 and throttle.wait("kepala", ATTACKER) > 0


def test_locks_expire_and_stay_short(tmp_path):
    t = auth.LoginThrottle(tmp_path / auth.THROTTLE_FILE)
    now = 1_000_000.0
    for i in range(5):
        assert t.begin("kepala", ATTACKER, now=now + i).allowed
    refused = t.begin("kepala", ATTACKER, now=now + 10)
    assert not refused.allowed and refused.wait == pytest.approx(54)
    assert t.begin("kepala", ATTACKER, now=now + 65).allowed          # 60 s lock over
    # an attacker who keeps going from one address: doubling, but at most 15 minutes
    clock, waits = now + 100, []
    for _ in range(12):
        while (a := t.begin("kepala", ATTACKER, now=clock)).allowed:
            clock += 1
        waits.append(a.wait)
        clock += a.wait + 1
    assert max(waits) <= 900 and waits[-1] == pytest.approx(900, abs=2)
    # meanwhile the admin's own address was never locked
    assert t.begin("kepala", ADMIN_HOME, now=clock).allowed


def test_many_sources_hit_the_per_user_ceiling_for_minutes_not_an_hour(tmp_path):
    t = auth.LoginThrottle(tmp_path / auth.THROTTLE_FILE)
    clock, longest = 2_000_000.0, 0.0
    for round_ in range(10):                            # a botnet: one attempt per address, 20 addresses
        for i in range(20):
            assert t.begin("kepala", f"10.{round_}.0.{i}", now=clock).allowed
        blocked = t.begin("kepala", ADMIN_HOME, now=clock)
        assert not blocked.allowed                      # the per-user ceiling holds for everyone...
        longest = max(longest, blocked.wait)
        clock += blocked.wait + 0.5                     # ...and is over when it says
        assert t.begin("someone-else", ADMIN_HOME, now=clock).allowed
    assert 30 <= longest <= 300


def _hammer(path, barrier, results, n):
    """One server process: n attempts at once with the others (fork)."""
    t = auth.LoginThrottle(path)
    barrier.wait()
    results.put(sum(t.begin("kepala", ATTACKER).allowed for _ in range(n)))


def test_several_processes_share_one_count(tmp_path):
    ctx = multiprocessing.get_context("fork")
    path = tmp_path / auth.THROTTLE_FILE
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_hammer, args=(path, barrier, results, 6)) for _ in range(4)]
    for p in procs:
        p.start()
    allowed = sum(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert allowed == 5                                 # 24 attempts from 4 processes: 5 pass
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_unwritable_state_folder_keeps_an_atomic_count_in_memory(tmp_path, users):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    t = auth.LoginThrottle(blocker / "sub" / auth.THROTTLE_FILE)     # cannot be created, even by root
    checks, results = _flood(t, users, n=12)
    assert len(checks) == 5 and t.path is None


def test_made_up_names_cannot_grow_the_state_without_bound(tmp_path):
    t = auth.LoginThrottle(tmp_path / auth.THROTTLE_FILE, max_keys=3)
    now = time.time()
    for i in range(5):
        t.begin("kepala", ATTACKER, now=now)            # locked: the newest activity is kept
    for name in ("a1", "a2", "a3", "a4"):
        t.begin(name, ATTACKER, now=now - 100)
    with t._states(write=False) as states:
        assert len(states["source"]) == 3 and len(states["user"]) == 3
        assert "kepala" in states["user"]
    assert t.wait("kepala", ATTACKER) > 0
    # idle states are dropped once a window has passed
    t.begin("b1", ATTACKER, now=now + 10_000)
    with t._states(write=False) as states:
        assert set(states["user"]) == {"b1"}


@pytest.mark.parametrize("peer, headers, trusted, expected", [
    ("203.0.113.9", {"X-Forwarded-For": "1.2.3.4"}, (), "203.0.113.9"),        # headers of a stranger: ignored
    (None, {"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}, (), "198.51.100.7"),   # local proxy: the hop it added
    (None, {"x-real-ip": "198.51.100.8"}, (), "198.51.100.8"),
    (None, {"X-Real-IP": "6.6.6.6", "X-Forwarded-For": "198.51.100.8"}, (), "198.51.100.8"),
    ("10.0.0.2", {"X-Forwarded-For": "198.51.100.9"}, ("10.0.0.2",), "198.51.100.9"),   # trusted balancer
    (None, {"X-Forwarded-For": "bukan-alamat"}, (), "lokal"),
    (None, {}, (), "lokal"),
    ("2001:db8::1", None, (), "2001:db8::1"),
])
def test_client_source(peer, headers, trusted, expected):
    assert auth.client_source(peer, headers, trusted) == expected


def test_repeated_header_lines_from_streamlit():
    from streamlit.runtime.context import StreamlitHeaders

    headers = StreamlitHeaders([("X-Forwarded-For", "6.6.6.6"), ("x-forwarded-for", "7.7.7.7, 198.51.100.7")])
    assert auth.client_source(None, headers, ()) == "198.51.100.7"


def test_trusted_proxies_from_the_environment(monkeypatch):
    monkeypatch.setenv(auth.TRUSTED_PROXIES_ENV, "10.0.0.2, 10.0.0.3")
    assert auth.client_source("10.0.0.3", {"X-Forwarded-For": "198.51.100.9"}) == "198.51.100.9"
    assert auth.client_source("10.0.0.4", {"X-Forwarded-For": "198.51.100.9"}) == "10.0.0.4"


@pytest.mark.browser
@pytest.mark.slow
def test_a_flood_through_a_local_proxy_in_a_real_server(tiny_db, tiny_config, users, tmp_path):
    """The running server: a client behind a local proxy (X-Forwarded-For, peer 127.0.0.1) floods the admin
    with wrong passwords and is locked; the admin from another address logs in at once. The count is in
    the state file beside the audit log, keyed by the forwarded address."""
    import json

    import streamlit_server

    if not os.path.exists(streamlit_server.CHROMIUM):
        pytest.skip("Debian chromium is not installed (scripts/install-system-packages.sh installs it)")
    env = {"KONVERGENSI_USERS": str(users), "KONVERGENSI_AUDIT": str(tmp_path / "audit.log"),
           "KONVERGENSI_CONFIG": str(tiny_config)}

    def login(context, url, password):
        page = context.new_page()
        streamlit_server.login(page, url, "kepala", password)
        text = page.locator("[data-testid='stMainBlockContainer']").inner_text()
        page.close()
        return text

    with streamlit_server.server(tiny_db, env=env) as url, streamlit_server.browser() as browser:
        attacker = browser.new_context(extra_http_headers={"X-Forwarded-For": ATTACKER})
        said = [login(attacker, url, f"salah-{i}") for i in range(6)]
        admin = browser.new_context(extra_http_headers={"X-Forwarded-For": ADMIN_HOME})
        welcome = login(admin, url, PASSWORD)
    assert "Terlalu banyak percobaan gagal" in said[4] and "Terlalu banyak percobaan gagal" in said[5]
    assert "Anda masuk sebagai" in welcome
    state = json.loads((tmp_path / auth.THROTTLE_FILE).read_text())
    assert list(state["source"]) == [f"kepala\n{ATTACKER}"] and state["user"] == {}
