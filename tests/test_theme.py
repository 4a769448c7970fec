"""Every plotly figure the dashboard draws writes numbers the Indonesian way (decimal comma, thousands dot):
axis ticks read 4.000 beside hover texts written by konvergensi.core.fmt (issue 17: '4000' beside '4.050')."""

import ast
from pathlib import Path

import pandas as pd
import plotly.io as pio

from konvergensi.figures import charts, theme

FIGURES = Path(__file__).resolve().parent.parent / "konvergensi" / "figures"


def test_the_template_has_indonesian_separators_and_stays_plotly():
    assert theme.TEMPLATE.layout.separators == ",."
    # otherwise plotly's own look (Streamlit's import changes the default template)
    assert theme.TEMPLATE.layout.colorway == pio.templates["plotly"].layout.colorway


def test_a_figure_carries_them_into_what_the_browser_gets():
    series = pd.DataFrame({"period": pd.to_datetime(["2026-01-01", "2026-02-01"]), "stunted": [4000, 4050]})
    fig = charts.trend(series, value="stunted", label="Jumlah", kind="count")
    assert '"separators":",."' in pio.to_json(fig).replace(" ", "")


def test_no_figure_module_names_plotly_s_template_itself():
    """Every figure module takes the template from konvergensi.figures.theme (one definition)."""
    for path in FIGURES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "template":
                assert not (isinstance(node.value, ast.Constant) and node.value.value == "plotly"), path.name
