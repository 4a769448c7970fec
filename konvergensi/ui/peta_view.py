"""The Peta page's map and table, built once per data shown and shared by every session.

Called through `konvergensi.ui.data.shared` (arguments hashed by content): the choropleth with its
polygons and the styled kelurahan table are the page's main cost. pages/peta.py only draws.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from konvergensi.domain import suppress, targets
from konvergensi.ui import data
from konvergensi.figures import maps, tables

TABLE_COLUMNS = ["name", "kecamatan", "measured", "stunted", "prevalence", "ik", "change_points",
                 "prevalence_wasting", "prevalence_underweight", "ds", "prevalence_bumil_kek", "status"]
TABLE_FORMATS = {"measured": "count", "stunted": "count", "prevalence": "percent", "change_points": "points",
                 "prevalence_wasting": "percent", "prevalence_underweight": "percent", "ds": "share",
                 "prevalence_bumil_kek": "percent"}


def choropleth(frame: pd.DataFrame, map_area: str, layer_key: str, enough: pd.Series, hover: list[str],
               highlight: str | None):
    """maps.choropleth of `frame` on the kelurahan polygons of `map_area` (None without boundaries), naming
    the five kelurahan that fare worst on the layer and the selected one (readable on a projector)."""
    shapes = data.boundaries(map_area)
    if shapes is None:
        return None
    layer = maps.LAYERS[layer_key]
    named = tuple(dict.fromkeys(maps.worst(frame, layer, enough) + ([highlight] if highlight else [])))
    return maps.choropleth(frame, shapes.geojson, layer, enough=enough, hover_extra=hover,
                           outlines=shapes.outlines, highlight=highlight, named=named,
                           hidden_rows=maps.hidden(frame, layer))


def table(kel: pd.DataFrame, enough: pd.Series, hidden_below: int | None) -> Styler:
    """The kelurahan table (rendered once). `kel` as shown (suppressed for publik: its mask in attrs),
    `enough` the true "enough children" flags."""
    shown = kel.assign(ik=[maps.wilson_text(a, b) for a, b in zip(kel.prevalence_lo, kel.prevalence_hi)],
                       status=["" if ok else maps.INSUFFICIENT_LABEL for ok in enough])[TABLE_COLUMNS]
    shown.attrs = kel.attrs    # the suppression mask travels with the rows
    return tables.rendered(tables.styled(
        shown, TABLE_FORMATS, {"prevalence": lambda v: tables.gradient(v, 0, 40, maps.SCALE_BAD_HIGH)},
        hidden_label=suppress.Viewer(hidden_below).label))


# --- Target per wilayah -----------------------------------------------------------------------------------

LEAGUE_TABLE_COLUMNS = ["name", "parent_name", "baseline", "target", "path", "stunted", "gap", "gap_share",
                        "status", "basis"]
LEAGUE_FORMATS = {"baseline": "count", "target": "count", "path": "count", "stunted": "count", "gap": "count",
                  "gap_share": "share"}
STATUS_COLOURS = {targets.STATUS_REACHED: "background-color: #d9f0d3", targets.STATUS_ON_TRACK: "background-color: #fff7bc",
                  targets.STATUS_OFF_TRACK: "background-color: #fddbc7"}


def league_shown(league: pd.DataFrame, hidden_below: int | None) -> pd.DataFrame:
    """The league table as the viewer may see it: for role publik the counts (baseline, target, its path,
    stunted, measured) rounded, and the gap, its share and the status judged again from them
    (konvergensi.domain.targets.judge); a hidden count reads as hidden, and so does its status (it would
    tell the count's range)."""
    viewer = suppress.Viewer(hidden_below)
    if not viewer.hides:
        return league
    shown = viewer.frame(league, targets.LEAGUE_COUNTS)
    attrs = shown.attrs
    shown = targets.judge(shown)
    hidden = (attrs.get("suppressed") or {}).get("stunted")
    shown = shown.assign(status=[maps.HIDDEN_LABEL if h is not None else s for s, h in zip(shown.status, hidden)])
    shown.attrs = attrs
    return shown


def league_table(shown: pd.DataFrame, hidden_below: int | None) -> Styler:
    """The "Target per wilayah" table (rendered once): `shown` from `league_shown`."""
    frame = shown.assign(basis=["alokasi proporsional" if a else ("belum ada" if pd.isna(s) else "ditetapkan")
                                for a, s in zip(shown.allocated, shown.source)])[LEAGUE_TABLE_COLUMNS]
    frame.attrs = shown.attrs
    return tables.rendered(tables.styled(frame, LEAGUE_FORMATS, {"status": lambda v: STATUS_COLOURS.get(v, "")},
                                         hidden_label=suppress.Viewer(hidden_below).label))


def with_target_gap(kel: pd.DataFrame, shown_league: pd.DataFrame) -> pd.DataFrame:
    """The kelurahan frame with the map layer's column (konvergensi.figures.maps.TARGET_GAP): each kelurahan's
    current count minus its own target from the kelurahan league (`league_shown(..., by_kelurahan)`:
    blank where the count is hidden or no target is set)."""
    gap = shown_league.set_index("region_id")["gap"]
    out = kel.assign(**{maps.TARGET_GAP: pd.to_numeric(kel.region_id.map(gap), errors="coerce")})
    out.attrs = kel.attrs
    return out


def has_targets(league: pd.DataFrame) -> bool:
    """Whether any row of a league table has a target."""
    return bool(len(league)) and bool(league["target"].notna().any())
