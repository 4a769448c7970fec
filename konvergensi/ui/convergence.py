"""Streamlit pieces shared by the convergence pages (aksi, scorecard, ibu hamil, keluarga berisiko,
Kampung KB): the thresholds they use, and tables shown through the viewer (`konvergensi.ui.data.viewer`:
small counts hidden for role publik).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from konvergensi.core import fmt
from konvergensi.ui import data
from konvergensi.core import paths


def bumil_thresholds() -> dict:
    """Named parameters of queries/bumil_*.sql from the configured thresholds (konvergensi.core.settings)."""
    t = data.thresholds()
    return {"kek_muac": t.kek_muac_cm, "anaemia_hb": t.anaemia_hb_g_dl, "ttd_min": t.ttd_min, "anc_min": t.anc_min}


def thresholds_caption(t: dict) -> str:
    return (f"Ambang yang dipakai (berkas konfigurasi): KEK = LiLA < {fmt.number(t['kek_muac'], 1)} cm; "
            f"anemia = Hb < {fmt.number(t['anaemia_hb'], 1)} g/dL; TTD ≥ {t['ttd_min']} tablet; "
            f"ANC ≥ {t['anc_min']} kunjungan.")


_TEXT = {
    "count": lambda v: fmt.number(v),
    "percent": lambda v: fmt.percent(v),
    "share": lambda v: fmt.share(v),
    "decimal": lambda v: fmt.number(v, 1),
    "text": lambda v: str(v),
}


def _as_text(value, kind: str) -> str:
    if isinstance(value, str):
        return value
    return fmt.MISSING if fmt.is_missing(value) else _TEXT[kind](value)


def table(frame: pd.DataFrame, columns: dict[str, tuple[str, str]], *, counts=(), rates=None,
          colours: dict | None = None, key: str | None = None, height: int | str = "auto",
          sort_by: tuple[str, bool] | None = None, **options) -> None:
    """Show `frame` as a table: columns maps column -> (Indonesian header, kind: 'count', 'percent',
    'share', 'decimal', 'text'). `counts` (a list of count columns, or the frame's
    konvergensi.domain.indicators.Columns) and the rates made of them (`rates`: rate -> (numerator, denominator))
    are shown as the viewer may see them first (for role publik small counts read '<5').

    Numeric columns stay numbers (the table sorts by value; Indonesian formats through the Styler);
    a column with a missing value becomes text with an en dash, since Streamlit shows a missing cell
    as "None" whatever the formatter says. `colours` (column -> value -> CSS) see the numbers.
    sort_by=(column, ascending) sorts after suppression (hidden values last).
    """
    viewer = data.viewer()
    shown = viewer.frame(frame, counts, rates or {}, as_text=True, **options)
    masked = any(v is not None for states in shown.attrs.get("suppressed", {}).values() for v in states)
    if sort_by:   # after suppression: a hidden value must not give itself away by its rank
        column, ascending = sort_by
        order = pd.to_numeric(shown[column], errors="coerce").sort_values(ascending=ascending, na_position="last")
        shown = shown.loc[order.index]
    keep = [c for c in columns if c in shown.columns]
    label = {c: columns[c][0] for c in keep}
    css = pd.DataFrame("", index=shown.index, columns=keep)
    for c, rule in (colours or {}).items():
        if c in keep:
            css[c] = [rule(v) if not isinstance(v, str) or columns[c][1] == "text" else "" for v in shown[c]]
    view = pd.DataFrame(index=shown.index)
    formats = {}
    for c in keep:
        kind = columns[c][1]
        values = shown[c]
        as_text = kind == "text" or values.isna().any() or values.map(lambda v: isinstance(v, str)).any()
        if as_text:
            view[label[c]] = [_as_text(v, kind) for v in values]
        else:
            view[label[c]] = values
            formats[label[c]] = _TEXT[kind]
    css.columns = [label[c] for c in keep]
    styler = view.style.format(formats).apply(lambda _: css, axis=None).hide(axis="index")
    st.dataframe(styler, hide_index=True, width="stretch", key=key, height=height)
    if masked and viewer.note():
        st.caption(viewer.note())


def kampung_kb_missing(area_name: str) -> str:
    """What to do when no kelurahan of the area is marked Kampung KB (the marks come from the config)."""

    where = getattr(data.config(), "path", None)
    if where is not None and where.is_relative_to(paths.ROOT):
        where = where.relative_to(paths.ROOT)
    return (f"Belum ada data Kampung KB untuk {area_name}: belum ada kelurahan yang ditandai sebagai Kampung "
            "Keluarga Berkualitas.\n\n**Langkah berikutnya:** tulis nama kelurahan Kampung KB (dari Dinas "
            "P2KB/BKKBN) di daftar `[kampung_kb] kelurahan = [...]` pada berkas konfigurasi wilayah"
            + (f" (`{where}`)" if where else "") + ", lalu jalankan `python -m konvergensi build --refresh` "
            "(data yang sudah ada tetap).")
