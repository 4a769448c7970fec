"""Indonesian table formatting: numbers stay numbers (sorting), hidden counts read '<5' and '*'."""

import pandas as pd

from konvergensi.domain import suppress
from konvergensi.figures import tables


def test_formats_and_colours():
    frame = pd.DataFrame({"n": [1234, 5], "p": [18.44, None], "s": [0.8, 0.5], "c": [1.25, -0.5]})
    styler = tables.styled(frame, {"n": "count", "p": "percent", "s": "share", "c": "points"},
                           {"s": lambda v: tables.threshold_colour(v, 0.8)})
    html = styler.to_html()
    for text in ("1.234", "18,4%", "80,0%", "50,0%", "+1,2", "-0,5"):
        assert text in html
    assert tables.GOOD in html and tables.POOR in html
    assert styler.data["n"].tolist() == [1234, 5]               # the data under the text are numbers


def test_hidden_counts_read_like_the_suppression_rule():
    frame = pd.DataFrame({"stunted": [3, 12, 0, 41], "measured": [40, 52, 30, 60]})
    hidden = suppress.suppress_frame(frame, ["stunted", "measured"], {"prevalence": ("stunted", "measured")})
    styler = tables.styled(hidden, {"stunted": "count", "measured": "count"})
    shown = styler.data
    assert shown["stunted"].tolist() == [-1.0, 10.0, 0.0, 40.0]   # the stand-in sorts below every real count
    html = styler.to_html().replace(" ", "")
    assert "><5<" in html and ">10<" in html and ">50<" in html   # 12 and 52 rounded to multiples of 5
    assert ">3<" not in html and ">12<" not in html and ">41<" not in html


def test_gradient():
    assert tables.gradient(None, 0, 10, ["#000000", "#ffffff"]) == ""
    assert tables.gradient(10, 0, 10, ["#000000", "#ffffff"]) == "background-color: rgb(255,255,255); color: #1f2933"
    assert tables.gradient(0, 0, 10, ["#000000", "#ffffff"]) == "background-color: rgb(0,0,0); color: #ffffff"


def test_empty_cells_of_nullable_columns_never_reach_a_rule():
    """A posyandu without an SKDN report has pd.NA in every count and ratio: formatters and colour rules
    written for numbers (v == sentinel, v >= target) must not see it (was: 'boolean value of NA is ambiguous')."""
    frame = pd.DataFrame({"s": pd.array([30, pd.NA], dtype="Int64"), "d": pd.array([3, pd.NA], dtype="Int64"),
                          "ds": pd.array([0.1, pd.NA], dtype="Float64"),
                          "name": pd.array(["Melati", pd.NA], dtype="string")})
    hidden = suppress.suppress_frame(frame, ["s", "d"], {"ds": ("d", "s")})
    seen = []

    def strict(v):                       # a rule that, like real ones, compares the value
        seen.append(v)
        return "color: red" if v > 0.05 else ""

    styler = tables.rendered(tables.styled(hidden, {"s": "count", "d": "count", "ds": "share", "name": "text"},
                                           {"ds": strict, "name": lambda v: "font-weight: bold" if v.startswith("M") else ""}))
    html = styler.to_html()
    assert "><5<" in html                                   # d = 3 hidden as before
    assert html.count(f">{tables.PLACEHOLDER}<") >= 3       # the empty row's cells read '–'
    assert all(not pd.isna(v) for v in seen)
