"""The plotly template every figure uses: plotly's own ('plotly'; importing Streamlit changes plotly's
default, so it is named explicitly) with Indonesian number separators, so an axis tick reads 4.000 beside a
hover's 4.050 and 0,5 (decimal comma, thousands dot), as konvergensi.core.fmt writes numbers."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = go.layout.Template(pio.templates["plotly"])
TEMPLATE.layout.separators = ",."   # decimal comma, thousands dot
