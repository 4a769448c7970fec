"""The Peta page's map and table, built once per data shown and shared by every session.

Called through `konvergensi.ui.data.shared` (arguments hashed by content): the choropleth with its
polygons and the styled kelurahan table are the page's main cost. pages/peta.py only draws.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from konvergensi.domain import suppress
from konvergensi.ui import data
from konvergensi.figures import maps, tables

TABLE_COLUMNS = ["name", "kecamatan", "measured", "stunted", "prevalence", "ik", "change_points",
                 "prevalence_wasting", "prevalence_underweight", "ds", "prevalence_bumil_kek", "status"]
TABLE_FORMATS = {"measured": "count", "stunted": "count", "prevalence": "percent", "change_points": "points",
                 "prevalence_wasting": "percent", "prevalence_underweight": "percent", "ds": "share",
                 "prevalence_bumil_kek": "percent"}


def choropleth(frame: pd.DataFrame, map_area: str, layer_key: str, enough: pd.Series, hover: list[str],
               highlight: str | None):
    """maps.choropleth of `frame` on the kelurahan polygons of `map_area` (None without boundaries)."""
    shapes = data.boundaries(map_area)
    if shapes is None:
        return None
    return maps.choropleth(frame, shapes.geojson, maps.LAYERS[layer_key], enough=enough, hover_extra=hover,
                           outlines=shapes.outlines, highlight=highlight)


def table(kel: pd.DataFrame, enough: pd.Series, hidden_below: int | None) -> Styler:
    """The kelurahan table (rendered once). `kel` as shown (suppressed for publik: its mask in attrs),
    `enough` the true "enough children" flags."""
    shown = kel.assign(ik=[maps.wilson_text(a, b) for a, b in zip(kel.prevalence_lo, kel.prevalence_hi)],
                       status=["" if ok else maps.INSUFFICIENT_LABEL for ok in enough])[TABLE_COLUMNS]
    shown.attrs = kel.attrs    # the suppression mask travels with the rows
    return tables.rendered(tables.styled(
        shown, TABLE_FORMATS, {"prevalence": lambda v: tables.gradient(v, 0, 40, maps.SCALE_BAD_HIGH)},
        hidden_label=suppress.Viewer(hidden_below).label))
