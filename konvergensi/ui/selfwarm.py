"""The server warms its own caches: the first page run of a process, and the first after the database
file changed (a build, an import from the app or the command line), starts a background thread that
opens every public page once over localhost (konvergensi.ui.warmup), so that the people who arrive next,
say twenty at the start of a review meeting, find the queries already answered (docs/scale.md "Many
users on one server"). Once per database file per process; the warm-up's own session does not start
another. Off when $KONVERGENSI_SELF_WARMUP is 0, and under Streamlit's AppTest (no server to call).
"""

from __future__ import annotations

import logging
import os
import threading
import time

import streamlit as st
from konvergensi.ui import warmup

_lock = threading.Lock()
_started: set[str] = set()          # database identities a warm-up was started for in this process
log = logging.getLogger("konvergensi.selfwarm")


def _server_url() -> str | None:
    from streamlit import runtime

    # AppTest runs pages with a MagicMock(spec=Runtime) in place of the runtime (isinstance passes for it)
    if not issubclass(type(runtime.get_instance()), runtime.Runtime):
        return None
    address = st.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::"):
        address = "127.0.0.1"
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{address}:{st.get_option('server.port')}" + (f"/{base}" if base else "")


def _run(url: str, identity: str) -> None:

    started = time.perf_counter()
    try:
        results = warmup.run(url)
    except Exception as exc:       # a warm-up must never disturb the server; say why it did not run
        log.warning("pemanasan cache gagal (%s): %s", url, exc)
        return
    failed = [page or "(beranda)" for page, _s, problem in results if problem]
    log.warning("cache dihangatkan: %d halaman dalam %.1f s%s (basis data %s)", len(results),
                time.perf_counter() - started, f"; gagal: {', '.join(failed)}" if failed else "", identity)


def ensure(identity: str) -> bool:
    """Start the warm-up for this database file unless it ran already; True when it was started now."""
    if os.environ.get("KONVERGENSI_SELF_WARMUP", "1") == "0":
        return False
    with _lock:
        if identity in _started:
            return False
        _started.add(identity)
    url = _server_url()
    if url is None:
        return False
    threading.Thread(target=_run, args=(url, identity), name="konvergensi-warmup", daemon=True).start()
    return True
