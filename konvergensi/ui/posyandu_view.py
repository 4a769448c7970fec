"""The Posyandu page's table and downloads, built once per database file, filters and viewer kind.

`table(period, area_id, hidden_below, only_attention, sort)` is called through
`konvergensi.ui.data.shared`: the sorted, suppressed rows, the styled table (rendered once: its 24 columns
x hundreds of posyandu of Indonesian number formats and colours are the page's main cost) and the CSV
bytes are the same objects for every session that asks for the same view. pages/posyandu.py only draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from konvergensi.core import export
from konvergensi.domain import posyandu, suppress
from konvergensi.ui import data
from konvergensi.figures import tables

SORTS = {"perhatian": "Perlu perhatian dulu", "ds": "D/S terendah", "nd": "N/D terendah",
         "prevalensi": "Prevalensi stunting tertinggi", "nama": "Nama"}
ORDER = {"perhatian": (["attention_score", "ds", "name"], [False, True, True]), "ds": (["ds"], [True]), "nd": (["nd"], [True]),
         "prevalensi": (["prevalence_stunting"], [False]), "nama": (["name"], [True])}

COLUMNS = {  # column -> (header, kind for tables.styled); the reasons first, beside the name and kelurahan
    "name": ("Posyandu", "text"), "kelurahan": ("Kelurahan", "text"), "attention": ("Perlu perhatian", "text"),
    "kecamatan": ("Kecamatan", "text"),
    "opened": ("Buka", "text"), "s": ("S", "count"), "k": ("K", "count"), "d": ("D", "count"), "n": ("N", "count"),
    "ks": ("K/S", "share"), "ds": ("D/S", "share"), "nd": ("N/D", "share"), "bgm": ("BGM", "count"),
    "bgm_d": ("BGM/D", "share"), "t2": ("2T", "count"), "ds_6m": ("D/S 6 bulan (%)", None),
    "kader_count": ("Kader terdaftar", "count"), "kader_on_duty": ("Kader bertugas (rata-rata)", "decimal"),
    "openings_year": ("Buka per tahun", "decimal"), "coverage": ("Cakupan layanan utama", "share"),
    "strata_recorded": ("Strata tercatat", "text"), "strata_computed": ("Strata hitung", "text"),
    "children_measured": ("Balita diukur", "count"), "prevalence_stunting": ("Prevalensi stunting", "percent"),
}
NOT_OPEN_BLANK = ("ks", "ds", "nd", "bgm_d")   # no weighing this month: shown as not open, not as 0 % in red


def _items(values) -> list:
    """A list cell (numpy array, list, or missing) as a plain list."""
    if isinstance(values, np.ndarray):
        return values.tolist()
    return list(values) if isinstance(values, (list, tuple)) else []


@dataclass(frozen=True)
class PosyanduTable:
    rows: int                 # posyandu shown (after the attention filter)
    styler: Styler            # the table as shown (rendered once, tables.rendered)
    download: pd.DataFrame    # the same rows for the Excel/CSV files, headers in Indonesian
    csv: bytes


PERCENT_IN_FILES = ("ks", "ds", "nd", "bgm_d", "coverage")   # shares 0..1 on screen, percents in the files


def table(period, area_id: str, hidden_below: int | None, only_attention: bool, sort: str,
          synthetic: bool = False) -> PosyanduTable:
    """The posyandu of the area at `period`, filtered and sorted as chosen; counts protected for the public
    when `hidden_below` is set (None: the viewer sees every count) on screen and in the files, which are
    marked as demo data when `synthetic`."""
    t = data.thresholds()
    full = data.performance_table(period, area_id)
    view = full[full.attention.fillna("") != ""] if only_attention else full
    order = ORDER[sort]
    view = view.assign(attention=view.attention.fillna("")).sort_values(order[0], ascending=order[1],
                                                                        na_position="last").reset_index(drop=True)
    viewer = suppress.Viewer(hidden_below)
    view = viewer.frame(view, posyandu.COLUMNS)
    closed = (view.opened.astype("boolean") == False).fillna(False).to_numpy(dtype=bool)   # noqa: E712
    attrs = view.attrs
    view = view.assign(**{c: view[c].astype("Float64").mask(closed) for c in NOT_OPEN_BLANK})
    view.attrs = attrs
    shown = view[list(COLUMNS)].assign(
        opened=view.opened.map({True: "ya", False: "tidak"}).fillna("tidak lapor"),
        strata_computed=view.strata_computed.fillna("data kurang"),
        # plain lists: Streamlit turns every cell into text once more when it shows a styled table, and a
        # numpy array is slow to print
        ds_6m=[v.tolist() if isinstance(v, np.ndarray) else v for v in view.ds_6m] if not viewer.hides else
        [viewer.rate_series(_items(d), _items(s)) for d, s in zip(view.d_6m, view.s_6m)])
    shown.attrs = view.attrs   # the suppression mask travels with the rows
    styler = tables.styled(
        shown, {c: k for c, (_, k) in COLUMNS.items() if k},
        {"ds": lambda v: tables.threshold_colour(v, t.ds_target), "nd": lambda v: tables.threshold_colour(v, t.nd_target),
         "prevalence_stunting": lambda v: tables.threshold_colour(v, 20, higher_is_better=False, fair_margin=0.5),
         "attention": lambda v: f"background-color: {tables.POOR}" if v else ""},
        hidden_label=viewer.label,
    )

    download = view[[c for c in COLUMNS if c != "ds_6m"]].assign(opened=shown.opened,
                                                                  strata_computed=shown.strata_computed)
    # one convention in the files: every rate a percent with "(%)" in its header (D/S 67,8, not 0.678)
    download = download.assign(**{c: (download[c].astype("Float64") * 100).round(1) for c in PERCENT_IN_FILES},
                               prevalence_stunting=download.prevalence_stunting.astype("Float64").round(1))
    download.attrs = view.attrs
    download = viewer.hidden_as_text(download)   # the file says "<5" where the screen does
    download = download.rename(columns={c: h + (" (%)" if c in PERCENT_IN_FILES or c == "prevalence_stunting"
                                                 else "") for c, (h, _) in COLUMNS.items()})
    download = export.marked(download, synthetic)   # demo data says so on every row
    return PosyanduTable(rows=len(view), styler=tables.rendered(styler), download=download,
                         csv=export.to_csv_bytes(download))
