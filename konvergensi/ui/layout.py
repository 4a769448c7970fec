"""Page furniture shared by every page: header with the data's date, the synthetic-data banner,
indicator definition boxes, the friendly "no database" page, KPI cards.

Every page starts with `page_header(...)`; every figure gets a `definition_box(...)` nearby saying its
numerator, denominator and period (from `konvergensi.domain.indicators`, the one place definitions live).
"""

from __future__ import annotations

import streamlit as st

from konvergensi.core import fmt, paths, text
from konvergensi.ui import data
from konvergensi.domain import indicators
from konvergensi.store import data_status
from konvergensi.ui import filters

SYNTHETIC_BANNER = (
    "**Data contoh (sintetis).** Semua angka di dasbor ini dibuat oleh program untuk demonstrasi; "
    "bentuknya meniru data Kota Kupang, tetapi tidak ada satu pun angka yang nyata. "
    "Jangan dikutip sebagai data resmi."
)


def _leave_v1_page_discovery() -> None:
    """Make sure app.py's st.navigation (roles, sections) is in charge.

    With a `pages/` folder next to app.py, the first request a fresh server process gets for a page URL
    (e.g. /peta) is served by Streamlit's old automatic page discovery, which runs pages/peta.py directly
    and never app.py: no role check, every file in pages/ listed. st.navigation switches that mode off, but
    only once app.py has run. So a page that finds itself run that way switches it off and reruns, and
    app.py then serves the same URL through the registry.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(title: str, subtitle: str | None = None, icon: str | None = None) -> dict:
    """Title, the data's date and source, and the synthetic banner. Returns build_info."""
    _leave_v1_page_discovery()
    info = data.build_info()
    st.title(f"{icon} {title}" if icon else title)
    if info.get("synthetic"):
        st.warning(SYNTHETIC_BANNER, icon="⚠️")
    bits = [f"Wilayah: **{text.md(info.get('region_name', '-'))}**",
            f"Data s.d. **{fmt.month(info.get('data_end'))}**",
            f"Diperbarui {fmt.date(info.get('built_at'))}"]
    if subtitle:
        st.markdown(subtitle)
    st.caption(" · ".join(bits))
    if note := data.viewer().short_note():   # role publik: say once per page how the figures are protected
        st.caption(note)
    return info


def definition_text(key: str) -> str:
    """Markdown for one indicator: name, numerator, denominator, period rule (and note)."""

    ind = indicators.get(key)
    lines = [f"**{ind.label}**",
             f"- Pembilang: {ind.numerator}",
             f"- Penyebut: {ind.denominator}",
             f"- Periode: {ind.period_rule}"]
    if getattr(ind, "note", None):
        lines.append(f"- Catatan: {ind.note}")
    if getattr(ind, "source", None):
        lines.append(f"- Sumber: {ind.source}")
    return "\n".join(lines)


def definition_box(*keys: str, title: str = "Definisi", expanded: bool = False) -> None:
    """An expander with the definition of each indicator shown nearby."""
    with st.expander(f"ℹ️ {title}", expanded=expanded):
        st.markdown("\n\n".join(definition_text(k) for k in keys))


def kpi(label: str, value: str, delta: str | None = None, *, help: str | None = None,
        delta_color: str = "normal", delta_arrow: str = "auto", chart_data=None, chart_type: str = "line") -> None:
    """One KPI card. For stunting, lower is better: pass delta_color='inverse'. delta_arrow='off' for a
    delta that is a note (e.g. the target), chart_data for a small trend line inside the card."""
    st.metric(label, value, delta=delta, delta_color=delta_color, help=help, border=True, delta_arrow=delta_arrow,
              chart_data=chart_data, chart_type=chart_type)


def empty_state(message: str) -> None:
    st.info(message, icon="ℹ️")


def require(kind: str, f=None, *, stop: bool = True) -> bool:
    """Stop the page, saying plainly what is missing and what to import next, unless the database holds
    `kind` of data (konvergensi.store.data_status.KINDS) and, when the filters `f` are given, has it for their
    period. A period without data offers a button to the latest month that has it. Returns True when the
    data is there (with stop=False the page goes on after the message)."""

    status = data.data_status()
    if not status.has(kind):
        empty_state(data_status.missing_message(kind, status))
    elif f is not None and not status.has_period(kind, f.period):
        offer_period(data_status.period_message(kind, f.period, status), status.latest(kind), kind=kind,
                     key=f"require_latest_{kind}")
    else:
        return True
    if stop:
        st.stop()
    return False


def kind_hint(kind: str, f=None) -> str | None:
    """A short note for a card whose figure needs data the database lacks ('Belum ada data ibu hamil
    untuk Oktober 2026. '), or None when the data is there."""

    status = data.data_status()
    label = data_status.KINDS[kind].label
    if not status.has(kind):
        return f"Belum ada data {label} di basis data (impor di Kelola data). "
    if f is not None and not status.has_period(kind, f.period):
        return f"Tidak ada data {label} untuk {data_status.period_label(kind, f.period)}. "
    return None


def offer_period(message: str, latest, *, kind: str = "eppgbm", key: str = "offer_latest") -> None:
    """Say that the chosen period has no `kind` of data, with a button to the latest period that has (if any)."""

    empty_state(message)
    if latest:
        st.button(f"Tampilkan {data_status.period_label(kind, latest)}", key=key, on_click=filters.choose_period, args=(latest,), type="primary")


def database_missing_page(message: str, *, details: bool = False) -> None:
    """Shown instead of every page when the database is missing or cannot be read. Never a traceback;
    absolute server paths only with `details` (an admin's session): the public sees relative paths and
    file names (konvergensi.core.paths.redact)."""
    show = str if details else paths.redact
    st.title("Dasbor Konvergensi Stunting")
    st.error("**Basis data belum tersedia atau tidak dapat dibaca.**", icon="🛑")
    expected = data.expected_database()
    which = (f"basis data wilayah **{expected['region']}**, berkas `{show(expected['path'])}`"
             if expected["region"] else "satu berkas basis data DuckDB")
    if expected["advice"]:      # an install from before each region had its own file
        st.markdown(f"Dasbor membaca {which}. Berkas itu belum ada.\n\n**Yang perlu dilakukan:** "
                    f"{show(expected['advice'])}. Setelah itu muat ulang halaman ini.")
    else:
        st.markdown(
            f"""
Dasbor membaca {which}. Berkas itu belum ada, rusak, atau dibuat oleh versi lain.

**Yang perlu dilakukan** (di folder proyek):

```
{show(expected['command'])}
```

Perintah itu membuat basis data contoh (sintetis). Untuk data nyata tambahkan `--sources FOLDER`
(atau `--empty`, lalu impor). Setelah selesai, muat ulang halaman ini (tidak perlu memulai ulang server).
Untuk memakai berkas lain, atur variabel lingkungan `KONVERGENSI_DB`.
"""
        )
    with st.expander("Rincian teknis"):
        st.code(show(message), language=None)
