"""Small-count suppression for the role ``publik`` (UU 27/2022: no child may be recognisable).

Rule (primary suppression): a count of 1 to ``threshold - 1`` children (default: 1-4) is not shown;
it reads "<5". Zero is shown (it identifies nobody). Every rate computed from a hidden count (its
numerator OR its denominator) is blanked too, with its confidence interval: 3 of 40 children stunted
is as revealing as "7,5%".

Secondary suppression: a hidden cell must not be recoverable by subtraction.
- Column-wise: the rows of a frame are treated as parts of a total that is published elsewhere (the
  kelurahan of a kecamatan add up to the kecamatan figure shown on Ringkasan). When exactly one cell
  of a count column is hidden, the smallest other positive cell of that column is hidden too (it
  reads "*"). Pass ``secondary=False`` for frames whose rows are not parts of a total (a time series),
  and ``total_row=`` for a frame that holds its own total row.
- Row-wise: ``row_totals={"measured": ["boys", "girls"]}`` declares a total column and its parts; when
  exactly one part of a row is hidden and the total is shown, the smallest other positive part (or,
  failing that, the total) is hidden as well.
Both rules are applied until nothing changes. A single-row frame cannot be protected by the rows it
has: suppress the published total too (its count is small whenever its only part is).

Who is suppressed: `applies(role)` (only ``publik``; pimpinan/petugas/admin see every count).
The threshold comes from the config (`config.thresholds.suppress_below`, konvergensi.settings): `threshold(config)`.

    >>> frame = pd.DataFrame({"stunted": [3, 12, 0], "measured": [40, 50, 30]})
    >>> out = suppress_frame(frame, ["stunted", "measured"], {"prevalence": ("stunted", "measured")})
    >>> out["stunted"].tolist()       # 3 is hidden; 12 is hidden too, else 15 - 12 reveals 3
    [<NA>, <NA>, 0]

No Streamlit here: the meeting pack and the downloads use the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from konvergensi.settings import DEFAULTS

DEFAULT_THRESHOLD = DEFAULTS.suppress_below   # without a config
PRIMARY = "primary"
SECONDARY = "secondary"
SECONDARY_LABEL = "*"
NOTE = ("Angka kurang dari {t} (1–{m}) tidak ditampilkan untuk publik (\"<{t}\"); angka bertanda \"*\" "
        "ikut disembunyikan agar angka kecil tidak dapat dihitung dari total. Persentase dari angka "
        "tersebut juga dikosongkan.")



class Mask(dict):
    """The suppression mask kept in ``frame.attrs['suppressed']``: ``{column: [state per row]}``.

    pandas deep-copies ``attrs`` into the result of every operation on a frame (``__finalize__``); for a
    mask of one list per count column that copy cost more CPU than drawing the page (Posyandu: 0.9 s of a
    1.3 s rerun). The mask is never edited in place (`suppress_frame` builds a new one), so copies share it.
    """

    def __deepcopy__(self, memo):
        return self


# rate column -> the columns it is computed from. Used when `rate_columns` is a plain list of names.
# Kept in step with konvergensi.rates.RATES (imported below when available) and summary.headline keys.
KNOWN_RATES: dict[str, tuple[str, ...]] = {
    "prevalence": ("stunted", "measured"),
    "prevalence_stunting": ("stunted", "children_measured"),
    "prevalence_severe": ("severely_stunted", "measured"),
    "prevalence_wasting": ("wasted", "whz_measured"),
    "prevalence_underweight": ("underweight", "waz_measured"),
    "prevalence_bumil_kek": ("bumil_kek", "bumil_measured"),
    "baseline_prevalence": ("baseline_stunted", "baseline_measured"),
    "ds_percent": ("d", "s"),
    "ds": ("d", "s"),
    "ds_ratio": ("d", "s"),
    "nd_ratio": ("n", "d"),
    "change_points": ("prevalence", "baseline_prevalence"),
    "change_stunted": ("stunted", "baseline_stunted"),
}
try:  # the dashboard's own rate table wins where it names the same column
    from konvergensi.rates import RATES as _RATES

    KNOWN_RATES.update({k: tuple(v) for k, v in _RATES.items()})
except ImportError:  # pragma: no cover - rates.py always ships with the package
    pass


def applies(role: str | None) -> bool:
    """True when figures shown to this role must be suppressed (only ``publik``; unknown = publik)."""
    return role not in ("pimpinan", "petugas", "admin")


def threshold(config=None) -> int:
    """The configured threshold (`config.thresholds.suppress_below`; a config or its thresholds; None: the
    default of konvergensi.settings)."""
    if config is None:
        return DEFAULT_THRESHOLD
    return getattr(config, "thresholds", config).suppress_below


def label(threshold: int = DEFAULT_THRESHOLD) -> str:
    """What a hidden small count reads as: '<5'."""
    return f"<{threshold}"


def note(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The sentence shown under a suppressed table (Bahasa Indonesia)."""
    return NOTE.format(t=threshold, m=threshold - 1)


def is_suppressed(value, threshold: int = DEFAULT_THRESHOLD):
    """True for a count from 1 to threshold-1. Scalars give a bool; Series/arrays a boolean array.

    Missing values and zero are not suppressed (they reveal no one).
    """
    if isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        num = pd.to_numeric(pd.Series(value), errors="coerce").astype("float64")
        result = ((num > 0) & (num < threshold)).fillna(False).to_numpy(dtype=bool)
        return pd.Series(result, index=value.index) if isinstance(value, pd.Series) else result
    try:
        if value is None or pd.isna(value):
            return False
        number = float(value)
    except (TypeError, ValueError):
        return False
    return 0 < number < threshold


def suppress_value(value, threshold: int = DEFAULT_THRESHOLD):
    """None for a small count, else the value (for a single KPI figure)."""
    return None if is_suppressed(value, threshold) else value


def display_count(value, state: str | None = None, threshold: int = DEFAULT_THRESHOLD) -> str:
    """Text for one count cell: '<5' (primary), '*' (secondary), else the Indonesian number."""
    from konvergensi import fmt

    if state == PRIMARY or (state is None and is_suppressed(value, threshold)):
        return label(threshold)
    if state == SECONDARY:
        return SECONDARY_LABEL
    return fmt.number(value)


def _rate_sources(rate_columns, count_columns: Sequence[str]) -> dict[str, tuple[str, ...]]:
    if isinstance(rate_columns, Mapping):
        return {rate: (src,) if isinstance(src, str) else tuple(src) for rate, src in rate_columns.items()}
    return {rate: KNOWN_RATES.get(rate, tuple(count_columns)) for rate in rate_columns}


def suppression_mask(frame: pd.DataFrame, count_columns: Sequence[str], threshold: int = DEFAULT_THRESHOLD,
                     *, secondary: bool = True, total_row=None,
                     row_totals: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Per count cell: None (shown), 'primary' (small count) or 'secondary' (hidden so that a small count
    cannot be recovered by subtraction). Same index as `frame`, one column per count column."""
    counts = {c: pd.to_numeric(frame[c], errors="coerce").astype("float64").to_numpy() for c in count_columns}
    state = {c: np.where(is_suppressed(frame[c], threshold), PRIMARY, None).astype(object) for c in count_columns}
    n = len(frame)
    parts = np.ones(n, dtype=bool)
    if total_row is not None:
        parts &= ~np.asarray(frame.index == total_row)

    def hidden(c):
        return state[c] != None  # noqa: E711 (elementwise on an object array)

    def hide_smallest(c, candidates: np.ndarray) -> bool:
        values = np.where(candidates & ~hidden(c) & (counts[c] > 0), counts[c], np.inf)
        if not np.isfinite(values).any():
            return False
        state[c][int(np.argmin(values))] = SECONDARY
        return True

    changed = secondary
    while changed:
        changed = False
        for c in count_columns:   # parts of a column add up to a published total
            if n > 1 and (hidden(c) & parts).sum() == 1:
                changed |= hide_smallest(c, parts)
        for total, members in (row_totals or {}).items():
            members = [m for m in members if m in state]
            for i in range(n):
                hidden_parts = [m for m in members if state[m][i] is not None]
                if len(hidden_parts) != 1 or state.get(total, [None] * n)[i] is not None:
                    continue
                visible = [m for m in members if state[m][i] is None and counts[m][i] > 0]
                if visible:
                    smallest = min(visible, key=lambda m: counts[m][i])
                    state[smallest][i] = SECONDARY
                elif total in state:
                    state[total][i] = SECONDARY
                else:
                    continue
                changed = True
    return pd.DataFrame(state, index=frame.index, columns=list(count_columns))


def suppress_frame(frame: pd.DataFrame, count_columns: Sequence[str],
                   rate_columns: Sequence[str] | Mapping[str, Sequence[str] | str] = (),
                   threshold: int = DEFAULT_THRESHOLD, *, secondary: bool = True, total_row=None,
                   row_totals: Mapping[str, Sequence[str]] | None = None, as_text: bool = False) -> pd.DataFrame:
    """A copy of `frame` safe to show to ``publik``.

    count_columns: columns holding counts of people. Hidden cells become <NA> (nullable Int64/Float64),
      or with ``as_text=True`` the whole column becomes text: '<5', '*', or the Indonesian number.
    rate_columns: rates computed from those counts, blanked (NaN) where any source is hidden. Either a
      mapping ``{"prevalence": ("stunted", "measured")}`` or a list of names: known names
      (`KNOWN_RATES`, e.g. 'prevalence', 'ds_percent') use their sources, unknown ones are blanked when
      any count of the row is hidden. A rate's Wilson bounds ``<rate>_lo``/``<rate>_hi`` (when present)
      and rates computed from blanked rates (e.g. 'change_points') are blanked along with it.
    secondary / total_row / row_totals: see the module docstring.

    The mask (None/'primary'/'secondary' per count cell) is kept in ``result.attrs['suppressed']`` as
    ``{column: [state per row]}``.
    """
    missing = [c for c in count_columns if c not in frame.columns]
    if missing:
        raise KeyError(f"count columns not in frame: {missing}")
    mask = suppression_mask(frame, count_columns, threshold, secondary=secondary, total_row=total_row,
                            row_totals=row_totals)
    prior = frame.attrs.get("suppressed") or {}
    for c in count_columns:   # a frame suppressed before keeps its marks (its hidden cells are <NA> now)
        states = prior.get(c)
        if states is not None and len(states) == len(frame):
            mask[c] = [old if old is not None else new for old, new in zip(states, mask[c])]
    out = frame.copy()
    blanked: dict[str, np.ndarray] = {}
    for c in count_columns:
        hide = mask[c].notna().to_numpy()
        blanked[c] = hide
        if as_text:
            out[c] = pd.Series([display_count(v, s, threshold) for v, s in zip(frame[c], mask[c])],
                               index=frame.index, dtype=object)
        else:
            values = pd.to_numeric(frame[c], errors="coerce")
            whole = values.dropna()
            dtype = "Int64" if len(whole) == 0 or bool((whole == whole.round()).all()) else "Float64"
            column = values.astype(dtype)
            column[hide] = pd.NA
            out[c] = column
    sources = _rate_sources(rate_columns, count_columns)
    pending = dict(sources)
    for name in list(pending):   # bounds follow their rate
        for bound in (f"{name}_lo", f"{name}_hi"):
            if bound in frame.columns and bound not in pending:
                pending[bound] = (name,)
    progress = True
    while pending and progress:   # a rate may depend on another rate (change_points)
        progress = False
        for rate, src in list(pending.items()):
            if any(s in pending and s != rate for s in src):
                continue
            hide = np.zeros(len(frame), dtype=bool)
            for s in src:
                if s in blanked:
                    hide |= blanked[s]
            blanked[rate] = hide
            if rate in out.columns:
                column = pd.to_numeric(out[rate], errors="coerce").astype("float64")
                column[hide] = np.nan
                out[rate] = column
            del pending[rate]
            progress = True
    out.attrs["suppressed"] = Mask({c: [None if s is None or s is pd.NA or s != s else s for s in mask[c]]
                                    for c in count_columns})
    return out


def suppress_record(record: Mapping, count_keys: Iterable[str],
                    rate_keys: Sequence[str] | Mapping[str, Sequence[str] | str] = (),
                    threshold: int = DEFAULT_THRESHOLD) -> dict:
    """A dict of headline figures (e.g. konvergensi.summary.headline) with small counts set to None and
    the rates computed from them set to None. Secondary suppression does not apply to one record."""
    count_keys = [k for k in count_keys if k in record]
    out = dict(record)
    hidden = {k for k in count_keys if is_suppressed(record[k], threshold)}
    for k in hidden:
        out[k] = None
    for rate, src in _rate_sources(rate_keys, count_keys).items():
        if rate in out and any(s in hidden for s in src):
            out[rate] = None
            hidden.add(rate)
    return out
