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
- Row-wise: ``row_totals={"measured": ["boys", "girls"]}`` declares a total column and ALL its parts; when
  exactly one part of a row is hidden and the total is shown, the smallest other positive part (or,
  failing that, the total) is hidden as well. A part that is not shown at all (not a column of the
  frame, not a key of the record) already keeps a hidden part from being recovered: nothing more is
  hidden (stunted = severely + moderately stunted, with no moderate count on the card).
Both rules are applied until nothing changes. A single-row frame cannot be protected by the rows it
has: suppress the published total too (its count is small whenever its only part is). One record of
figures (`suppress_record`, the KPI cards) gets the row-wise rule.

Who sees what is a `Viewer`: built from the role and the configured threshold (`Viewer.of(role, config)`),
it hides small counts for role publik and shows everything to the others, with one method per thing a
page, map, chart, download or the meeting pack shows: `frame`, `record`, `rows`, `grid`, `count_text`,
`share_text`, `note`, `with_states`, `hidden_as_text`. Which counts a frame holds and which rates are made
of them is read from the indicator registry (`konvergensi.domain.indicators.Columns`, e.g. `indicators.KELURAHAN`).

Who is suppressed: `applies(role)` (only ``publik``; pimpinan/petugas/admin see every count).
The threshold comes from the config (`config.thresholds.suppress_below`, konvergensi.core.settings): `threshold(config)`.

    >>> frame = pd.DataFrame({"stunted": [3, 12, 0], "measured": [40, 50, 30]})
    >>> out = suppress_frame(frame, ["stunted", "measured"], {"prevalence": ("stunted", "measured")})
    >>> out["stunted"].tolist()       # 3 is hidden; 12 is hidden too, else 15 - 12 reveals 3
    [<NA>, <NA>, 0]

No Streamlit here: the dashboard (konvergensi.ui.data.viewer), the meeting pack and the downloads use the
same viewer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from konvergensi.core import fmt
from konvergensi.domain import indicators

from konvergensi.core.settings import DEFAULTS

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


def applies(role: str | None) -> bool:
    """True when figures shown to this role must be suppressed (only ``publik``; unknown = publik)."""
    return role not in ("pimpinan", "petugas", "admin")


def threshold(config=None) -> int:
    """The configured threshold (`config.thresholds.suppress_below`; a config or its thresholds; None: the
    default of konvergensi.core.settings)."""
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
    if state == PRIMARY or (state is None and is_suppressed(value, threshold)):
        return label(threshold)
    if state == SECONDARY:
        return SECONDARY_LABEL
    return fmt.number(value)


def _rate_sources(rate_columns, count_columns: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Rate -> the columns it is made of. A mapping says so itself; a rate given by name only takes its
    sources from the indicator registry (konvergensi.domain.indicators.sources_of: the frame whose sources are all
    among these counts and rates, else the first frame that has the name), and an unknown name is blanked
    whenever any count of the row is hidden."""
    if isinstance(rate_columns, Mapping):
        return {rate: (src,) if isinstance(src, str) else tuple(src) for rate, src in rate_columns.items()}
    available = set(count_columns) | set(rate_columns)
    out = {}
    for rate in rate_columns:
        known = indicators.sources_of(rate)
        out[rate] = next((s for s in known if set(s) <= available), known[0] if known else tuple(count_columns))
    return out


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
            if any(m not in frame.columns for m in members):
                continue   # a part that is not shown: a hidden part cannot be recovered from the total
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
      mapping ``{"prevalence": ("stunted", "measured")}`` or a list of names: names the indicator
      registry knows (konvergensi.domain.indicators, e.g. 'prevalence', 'ds_percent') use their sources, unknown
      ones are blanked when any count of the row is hidden. A rate's Wilson bounds ``<rate>_lo``/``<rate>_hi`` (when present)
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


class Record(dict):
    """A record of figures as a viewer may see them (`suppress_record`): hidden counts are None, and
    `states` says which were hidden and why ({key: 'primary' | 'secondary'})."""

    states: dict = {}


def suppress_record(record: Mapping, count_keys: Iterable[str],
                    rate_keys: Sequence[str] | Mapping[str, Sequence[str] | str] = (),
                    threshold: int = DEFAULT_THRESHOLD, *,
                    totals: Mapping[str, Sequence[str]] | None = None) -> Record:
    """A dict of headline figures (e.g. konvergensi.domain.summary.headline) with small counts set to None and
    the rates computed from them set to None, with their Wilson bounds (`<rate>_low` / `<rate>_high`).

    totals: ``{"children_measured": ["boys", "girls"]}`` for a card that shows a total and its parts: the
    row-wise rule of `suppression_mask` (when exactly one part is hidden and the total is shown, the
    smallest other positive part, or else the total, is hidden too; a part the record does not hold is not
    shown, which already protects the hidden one). The column-wise rule does not apply to one record."""
    count_keys = [k for k in count_keys if k in record]
    frame = pd.DataFrame({k: [record[k]] for k in count_keys}, index=[0])
    frame = frame.assign(**{k: [record[k]] for p in (totals or {}).values() for k in p
                            if k in record and k not in frame.columns})
    mask = suppression_mask(frame, count_keys, threshold, secondary=True, row_totals=totals) if count_keys else {}
    states = {k: mask[k].iloc[0] for k in count_keys if mask[k].iloc[0] is not None}
    out = Record(record)
    for k in states:
        out[k] = None
    hidden = set(states)
    for rate, src in _rate_sources(rate_keys, count_keys).items():
        if rate in out and any(s in hidden for s in src):
            out[rate] = None
            hidden.add(rate)
            for bound in (f"{rate}_low", f"{rate}_high"):
                if bound in out:
                    out[bound] = None
    out.states = states
    return out


@dataclass(frozen=True)
class Viewer:
    """Who is looking, and so what may be shown: `hidden_below` is the threshold when small counts are
    hidden from this viewer (role publik), None when every count is shown (pimpinan, petugas, admin).

    Build it with `Viewer.of(role, config)`. `cache` (optional, e.g. konvergensi.ui.data.shared) runs the
    suppression of a frame once per frame content; the viewer is equal and hashed by `hidden_below` only,
    so it can key a cache itself.

    Frames are described by a `konvergensi.domain.indicators.Columns` (which columns are counts, which rates are
    made of which counts), or by a list of count columns and the rates (`suppress_frame`).
    """
    hidden_below: int | None = DEFAULT_THRESHOLD
    cache: Callable | None = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, role: str | None, config=None, *, cache: Callable | None = None) -> "Viewer":
        """The viewer of a role (publik: small counts hidden below the configured threshold)."""
        return cls(threshold(config) if applies(role) else None, cache)

    @property
    def hides(self) -> bool:
        """True when small counts are hidden from this viewer."""
        return self.hidden_below is not None

    @property
    def threshold(self) -> int:
        return self.hidden_below if self.hidden_below is not None else DEFAULT_THRESHOLD

    @property
    def label(self) -> str:
        """What a hidden small count reads as: '<5'."""
        return label(self.threshold)

    def note(self) -> str | None:
        """The sentence to show under figures when small counts are hidden from this viewer, else None."""
        return note(self.threshold) if self.hides else None

    # --- frames ---------------------------------------------------------------------------------------

    def frame(self, frame: pd.DataFrame, columns: "indicators.Columns | Iterable[str]" = (),
              rates: Sequence[str] | Mapping[str, Sequence[str] | str] = (), **options) -> pd.DataFrame:
        """The frame as this viewer may see it (unchanged for a viewer who sees everything).

        columns: the frame's `indicators.Columns` (its counts, the rates made of them and, unless given in
        `options`, its row totals), or the count columns (then `rates`: a mapping rate -> sources, or rate
        names known to the registry). Counts the frame does not have are skipped. options: as
        `suppress_frame` (secondary=False for a time series, total_row, row_totals, as_text)."""
        if not self.hides:
            return frame
        if isinstance(columns, indicators.Columns):
            counts, sources = columns.counts, {**columns.sources(), **_rate_sources(rates, columns.counts)}
            if columns.totals and "row_totals" not in options:
                options["row_totals"] = columns.row_totals()
        else:
            counts, sources = tuple(columns), _rate_sources(rates, tuple(columns))
        counts = [c for c in counts if c in frame.columns]
        if self.cache is not None:
            return self.cache(suppress_frame, frame, counts, sources, self.hidden_below, **options)
        return suppress_frame(frame, counts, sources, self.hidden_below, **options)

    def record(self, record: Mapping | None, columns: "indicators.Columns" = indicators.HEADLINE):
        """One record of figures (KPI cards) as this viewer may see it: small counts and the rates made of
        them are None, with the registry's totals-and-parts rule (`suppress_record`)."""
        if record is None or not self.hides:
            return record
        return suppress_record(record, columns.counts, columns.sources(), self.hidden_below,
                               totals=columns.row_totals())

    def rows(self, frame: pd.DataFrame, count: str) -> pd.DataFrame:
        """The rows this viewer may see one by one (e.g. the points of a scatter): for role publik, rows whose
        `count` is small are left out."""
        if not self.hides:
            return frame
        return frame[~is_suppressed(frame[count], self.threshold)]

    def grid(self, matrix: pd.DataFrame, rows: pd.DataFrame, by: Sequence[str], counts: Sequence[str]) -> pd.DataFrame:
        """A copy of a matrix made from `rows` (index `by[0]`, columns `by[1]`, e.g. kelurahan x indicator
        coverage) with the cells whose summed `counts` include a small one blanked for role publik."""
        if not self.hides or matrix.empty:
            return matrix.copy()
        sums = rows.groupby(list(by))[list(counts)].sum()
        small = np.zeros(len(sums), dtype=bool)
        for c in counts:
            small |= np.asarray(is_suppressed(sums[c], self.threshold), dtype=bool)
        small = pd.Series(small, index=sums.index).unstack()
        small = small.reindex(index=matrix.index, columns=matrix.columns).fillna(False).astype(bool)
        return matrix.mask(small)

    def with_states(self, frame: pd.DataFrame, counts: "indicators.Columns | Iterable[str]") -> pd.DataFrame:
        """`frame` (as returned by `frame`) with the suppression mark of each count cell as a column
        `_state_<count>` (None, 'primary', 'secondary'): it survives filtering and sorting row by row."""
        counts = counts.counts if isinstance(counts, indicators.Columns) else counts
        states = frame.attrs.get("suppressed") or {}
        return frame.assign(**{f"_state_{c}": pd.Series(states.get(c, [None] * len(frame)), index=frame.index,
                                                        dtype=object) for c in counts if c in frame.columns})

    def hidden_as_text(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` (derived from a result of `frame`, its mask in attrs) with every hidden count cell reading
        '<5' or '*' (for a file to download: it says what the screen says)."""
        states = frame.attrs.get("suppressed") or {}
        texts = {PRIMARY: self.label, SECONDARY: SECONDARY_LABEL}
        return frame.assign(**{c: [texts.get(s, v) for v, s in zip(frame[c].astype(object), states[c])]
                               for c in states if c in frame.columns and len(states[c]) == len(frame)})

    # --- single figures -------------------------------------------------------------------------------

    def count_text(self, value, state: str | None = None) -> str:
        """One count as text: for role publik '<5' when it is small, was hidden ('primary', or None/missing
        after `record`/`frame`) and '*' when hidden so that another cannot be recovered ('secondary');
        otherwise the Indonesian number ('–' when missing)."""
        if self.hides:
            if state in (PRIMARY, SECONDARY):
                return display_count(value, state, self.threshold)
            if fmt.is_missing(value) or is_suppressed(value, self.threshold):
                return self.label
        return fmt.number(value)

    def count_of(self, record: Mapping, key: str) -> str:
        """A count of a record from `record` as text, with '*' for a count hidden by the totals rule."""
        return self.count_text(record.get(key), getattr(record, "states", {}).get(key))

    def share_text(self, value, *counts, kind: str = "percent") -> str:
        """A rate as text ('percent' 0-100 or 'ratio' 0-1); blank ('–') for role publik when one of the
        counts it is made of is small or hidden."""
        if self.hides and any(fmt.is_missing(c) or is_suppressed(c, self.threshold) for c in counts):
            return fmt.MISSING
        return fmt.share(value) if kind == "ratio" else fmt.percent(value)
