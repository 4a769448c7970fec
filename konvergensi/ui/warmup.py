"""Warm a running dashboard: open every page a public visitor sees, once, so the first people to arrive
do not wait for the database.

    python -m konvergensi warmup [--url http://localhost:8501] [--pages ringkasan,peta,...]

A fresh server (or a freshly built or imported database: the caches are keyed on the file) computes
every query the first time a page is asked for: about 2.5 s for Ringkasan on the city database. When
twenty people open the dashboard in the same second, they all wait for that and then for each other
(docs/scale.md "Many users on one server"). Run this once after `streamlit run app.py` has started and
after each `build` or import, e.g. in the service's start script; it takes a few seconds.

It speaks Streamlit's own websocket protocol (the `BackMsg`/`ForwardMsg` protobufs a browser sends;
the `websockets` package comes with Streamlit): one session, one `rerun_script` per page, exactly what
the browser sends when someone clicks the sidebar. `bench/load.py` uses the same client for its users.
"""

from __future__ import annotations

import asyncio
import time
from konvergensi.ui import registry


def ws_url(url: str) -> str:
    return url.rstrip("/").replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"


def connect(url: str, timeout: float):
    """An (async) websocket session with the dashboard at `url` (http://host:port)."""
    import websockets

    return websockets.connect(ws_url(url), subprotocols=["streamlit"], origin=url.rstrip("/"), max_size=None,
                              open_timeout=timeout)


TIMEOUT = "waktu habis"     # how a problem that is a timeout begins (the rest of the pages are then skipped)


async def open_page(ws, page: str, timeout: float) -> tuple[float, int, str | None]:
    """Run one page (its url name; '' = the default page) in the session: (seconds until the server
    said the script finished, elements received, problem or None)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page
    t0 = time.perf_counter()
    await ws.send(msg.SerializeToString())
    problem, deltas = None, 0
    try:
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=timeout))
            kind = fm.WhichOneof("type")
            if kind == "delta":
                deltas += 1
                d = fm.delta
                if d.WhichOneof("type") == "new_element" and d.new_element.WhichOneof("type") == "exception":
                    problem = f"galat di halaman: {d.new_element.exception.message[:100]}"
            elif kind == "page_not_found":
                problem = f"halaman tidak ditemukan: {page or '/'}"
            elif kind == "script_finished":
                status = fm.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    problem = problem or f"halaman berhenti sebelum selesai (status {status})"
                break
    except asyncio.TimeoutError:
        problem = f"{TIMEOUT} setelah {timeout:.0f} detik"
    return time.perf_counter() - t0, deltas, problem


def public_pages() -> list[str]:
    """Url names of the pages a visitor who is not logged in sees ('' for the default page)."""

    specs = [s for group in registry.pages_for("publik").values() for s in group]
    return ["" if s.default else s.url_path for s in specs if s.url_path != "masuk"]


async def warm(url: str, pages: list[str], timeout: float = 120.0) -> list[tuple[str, float, str | None]]:
    """Open `pages` one after the other in one session: [(page, seconds, problem or None)]."""
    results = []
    async with connect(url, timeout) as ws:
        for page in pages:
            seconds, _, problem = await open_page(ws, page, timeout)
            results.append((page, seconds, problem))
            if problem and problem.startswith(TIMEOUT):
                break
    return results


def run(url: str, pages: list[str] | None = None, timeout: float = 120.0) -> list[tuple[str, float, str | None]]:
    return asyncio.run(warm(url, public_pages() if pages is None else pages, timeout))
