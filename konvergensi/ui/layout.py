"""Page furniture shared by every page: header with the data's date, the synthetic-data banner,
indicator definition boxes, the friendly "no database" page, KPI cards.

Every page starts with `page_header(...)`; every figure gets a `definition_box(...)` nearby saying its
numerator, denominator and period (from `konvergensi.indicators`, the one place definitions live).
"""

from __future__ import annotations

import streamlit as st

from konvergensi import fmt
from konvergensi.ui import data

SYNTHETIC_BANNER = (
    "**Data contoh (sintetis).** Semua angka di dasbor ini dibuat oleh program untuk demonstrasi; "
    "bentuknya meniru data Kota Kupang, tetapi tidak ada satu pun angka yang nyata. "
    "Jangan dikutip sebagai data resmi."
)

BUILD_HINT = "python -m konvergensi build"


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
    bits = [f"Wilayah: **{info.get('region_name', '-')}**",
            f"Data s.d. **{fmt.month(info.get('data_end'))}**",
            f"Diperbarui {fmt.date(info.get('built_at'))}"]
    if subtitle:
        st.markdown(subtitle)
    st.caption(" · ".join(bits))
    return info


def definition_text(key: str) -> str:
    """Markdown for one indicator: name, numerator, denominator, period rule (and note)."""
    from konvergensi import indicators

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


def database_missing_page(message: str) -> None:
    """Shown instead of every page when the database is missing or cannot be read. Never a traceback."""
    st.title("Dasbor Konvergensi Stunting")
    st.error("**Basis data belum tersedia atau tidak dapat dibaca.**", icon="🛑")
    st.markdown(
        f"""
Dasbor membaca satu berkas basis data DuckDB. Berkas itu belum ada, rusak, atau dibuat oleh versi lain.

**Yang perlu dilakukan** (di folder proyek):

```
{BUILD_HINT}
```

Perintah itu membuat basis data contoh (sintetis). Untuk data nyata gunakan
`python -m konvergensi build --sources FOLDER`. Setelah selesai, muat ulang halaman ini
(tidak perlu memulai ulang server). Untuk memakai berkas lain, atur variabel lingkungan `KONVERGENSI_DB`.
"""
    )
    with st.expander("Rincian teknis"):
        st.code(message, language=None)
