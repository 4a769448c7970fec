"""Tables in Indonesian formats that still sort by number.

`styled(frame, formats, colours)` returns a pandas Styler: Streamlit shows the formatted text
("1.234", "18,4%") but sorts on the underlying numbers. Colours are CSS backgrounds computed here
(no matplotlib needed). Keep tables small: pages pass only the rows and columns they show.

Column kinds for `formats`: 'count' (1.234), 'percent' (value in %, 18,4%), 'share' (fraction,
0.184 -> 18,4%), 'points' (+1,2 poin persen), 'decimal' (1 decimal), 'text'.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from konvergensi.core import fmt

_FORMATTERS = {
    "count": lambda v: fmt.number(v),
    "percent": lambda v: fmt.percent(v),
    "share": lambda v: fmt.share(v),
    "points": lambda v: fmt.number(v, 1, signed=True) if not fmt.is_missing(v) else fmt.MISSING,
    "decimal": lambda v: fmt.number(v, 1),
    "text": lambda v: fmt.MISSING if fmt.is_missing(v) else str(v),
}

# Safe for colour-blind readers (no red against green): light blue = target met, pale yellow = close, orange =
# below; their lightness falls in that order, so the order also reads in greyscale (tests/test_colours.py)
GOOD, FAIR, POOR, NONE = "#dbe9f6", "#fbeeb8", "#f0a06a", ""
PLACEHOLDER = "–"                                   # st.dataframe(placeholder=...) for missing cells
HIDDEN_SENTINEL = {"primary": -1.0}   # stand-in for a count hidden from the public


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def gradient(value, low: float, high: float, scale: list[str]) -> str:
    """CSS background for a value on a colour scale between low and high ('' when missing)."""
    if fmt.is_missing(value) or high == low:
        return ""
    t = min(max((float(value) - low) / (high - low), 0.0), 1.0) * (len(scale) - 1)
    i = min(int(t), len(scale) - 2)
    a, b = _hex_to_rgb(scale[i]), _hex_to_rgb(scale[i + 1])
    w = t - i
    r, g, bl = (round(a[k] + (b[k] - a[k]) * w) for k in range(3))
    text = "#ffffff" if (0.299 * r + 0.587 * g + 0.114 * bl) < 140 else "#1f2933"
    return f"background-color: rgb({r},{g},{bl}); color: {text}"


def threshold_colour(value, good_at: float, higher_is_better: bool = True, fair_margin: float = 0.1) -> str:
    """GOOD (blue) when the target is met, FAIR (yellow) within `fair_margin` (relative) of it, POOR (orange)
    below."""
    if fmt.is_missing(value):
        return ""
    v = float(value)
    if higher_is_better:
        colour = GOOD if v >= good_at else FAIR if v >= good_at * (1 - fair_margin) else POOR
    else:
        colour = GOOD if v <= good_at else FAIR if v <= good_at * (1 + fair_margin) else POOR
    return f"background-color: {colour}"


def styled(frame: pd.DataFrame, formats: dict[str, str], colours: dict[str, callable] | None = None,
           *, hidden_label: str = "<5") -> Styler:
    """Formatted (and optionally coloured) view of `frame`; `colours` maps column -> value -> CSS.

    Cells hidden by konvergensi.domain.suppress (the mask it keeps in `frame.attrs['suppressed']`) read
    `hidden_label` ('<5', a small count).
    """
    frame = frame.reset_index(drop=True)
    suppressed = {c: states for c, states in (frame.attrs.get("suppressed") or {}).items()
                  if c in frame.columns and len(states) == len(frame)}
    if suppressed:
        # Streamlit shows its placeholder for a missing cell whatever the Styler says: give hidden cells a
        # negative stand-in (sorts below every real count) that the formatter turns into '<5'.
        frame = frame.assign(**{c: pd.array([HIDDEN_SENTINEL[s] if s in HIDDEN_SENTINEL else v
                                             for v, s in zip(frame[c], states)], dtype="Float64")
                                for c, states in suppressed.items()})
    formatters = {c: _FORMATTERS[k] for c, k in formats.items() if c in frame.columns}
    for column in suppressed:
        base = formatters.get(column, _FORMATTERS["count"])
        formatters[column] = lambda v, base=base: hidden_label if v == HIDDEN_SENTINEL["primary"] else base(v)
    styler = frame.style.format({c: _null_safe(f, fmt.MISSING) for c, f in formatters.items()})
    for column, rule in (colours or {}).items():
        if column in frame.columns:
            styler = styler.map(_null_safe(rule, ""), subset=[column])
    return styler.hide(axis="index")


def _null_safe(rule, missing):
    """`rule` for a cell, or `missing` for an empty one (None, NaN, pd.NA, NaT).

    The one place where empty cells are handled: a posyandu without an SKDN report, a kelurahan with no
    measurement, ... reach every formatter and colour rule as pd.NA, whose truth value raises
    ("boolean value of NA is ambiguous") in any comparison a rule makes.
    """
    def safe(value):
        return missing if fmt.is_missing(value) else rule(value)
    return safe


def rendered(styler: Styler) -> Styler:
    """`styler` with its cell texts and colours computed now, once.

    Streamlit renders a Styler again (Styler._compute and ._translate: a format and a colour rule per
    cell) every time st.dataframe shows it. A styler kept in `konvergensi.ui.data.shared` and rendered
    here is shown to every session without that work. Do not restyle it afterwards.
    """
    styler._compute()
    translated = styler._translate(False, False)   # the two calls Streamlit's marshall_styler makes
    styler._compute = lambda: styler
    styler._translate = lambda *args, **kwargs: translated
    return styler
