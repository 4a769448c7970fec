"""Indonesian table formatting: numbers stay numbers (sorting), hidden counts read '<5' and '*'."""

import pandas as pd

from konvergensi import suppress
from konvergensi.ui import tables


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
    frame = pd.DataFrame({"stunted": [3, 12, 0, 40], "measured": [40, 50, 30, 60]})
    hidden = suppress.suppress_frame(frame, ["stunted", "measured"], {"prevalence": ("stunted", "measured")})
    styler = tables.styled(hidden, {"stunted": "count", "measured": "count"})
    shown = styler.data
    assert shown["stunted"].tolist() == [-1.0, -2.0, 0.0, 40.0]   # stand-ins sort below every real count
    html = styler.to_html()
    assert "><5<" in html and ">*<" in html
    assert ">3<" not in html.replace(" ", "") and ">12<" not in html.replace(" ", "")


def test_gradient():
    assert tables.gradient(None, 0, 10, ["#000000", "#ffffff"]) == ""
    assert tables.gradient(10, 0, 10, ["#000000", "#ffffff"]) == "background-color: rgb(255,255,255); color: #1f2933"
    assert tables.gradient(0, 0, 10, ["#000000", "#ffffff"]) == "background-color: rgb(0,0,0); color: #ffffff"
