"""Small-count protection for the role ``publik`` (UU 27/2022: no child may be recognisable), by rounding.

The rule, as statistics offices publish small-area tables (BPS, ONS and ABS use the same idea):

1. a count of people from 1 to ``t - 1`` (``t`` = ``thresholds.suppress_below``, default 5: counts 1-4) is not
   shown; it reads "<5";
2. every other count of people is rounded to the nearest multiple of ``t`` (0 stays 0; 5-7 read 5, 8-12 read
   10, 13-17 read 15, ...);
3. every rate, interval and difference shown is computed again from the rounded counts; a rate is blank when
   one of its counts is hidden.

Why it survives subtraction, across every view at once: each published count is 0, a multiple of ``t`` or
"<t", so any sum or difference of published counts (a kecamatan minus its other kelurahan, a kelurahan minus
its posyandu, one month minus another, a total minus its parts, a rate times its published denominator) is
a multiple of ``t`` and can never be a hidden count of 1 to ``t - 1``. The rule is applied cell by cell, so it
holds whichever cells a page, chart, download or the meeting pack puts side by side; no secondary suppression
is needed (the old "hide one more cell" rule protected one column of one table, and was beaten by
subtracting across pages). The price, stated under every figure shown to the public: a total can differ from
the sum of its rounded parts (each part is off by at most (t - 1) / 2), and a percentage is the rounded
numerator over the rounded denominator.

Who sees what is a `Viewer`: built from the role and the configured threshold (`Viewer.of(role, config)`),
it protects counts for role publik and shows everything to the others, with one method per thing a page,
map, chart, download or the meeting pack shows: `frame`, `record`, `rows`, `grid`, `count_text`,
`share_text`, `note`, `with_states`, `hidden_as_text`. Which counts a frame holds and which rates are made
of them is read from the indicator registry (`konvergensi.domain.indicators.Columns`, e.g. `indicators.KELURAHAN`).

Who is protected against: `applies(role)` (only ``publik``; pimpinan/petugas/admin see exact counts).

    >>> frame = pd.DataFrame({"stunted": [3, 12, 0], "measured": [40, 58, 30]})
    >>> out = suppress_frame(frame, ["stunted", "measured"], {"prevalence": ("stunted", "measured")})
    >>> out["stunted"].tolist(), out["measured"].tolist()
    ([<NA>, 10, 0], [40, 60, 30])

No Streamlit here: the dashboard (konvergensi.ui.data.viewer), the meeting pack and the downloads use the
same viewer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from konvergensi.core import fmt
from konvergensi.domain import indicators, summary

from konvergensi.core.settings import DEFAULTS

DEFAULT_THRESHOLD = DEFAULTS.suppress_below   # without a config
PRIMARY = "primary"
NOTE = ("Angka 1–{m} tidak ditampilkan untuk publik (ditulis \"<{t}\"); jumlah orang lainnya dibulatkan ke "
        "kelipatan {t} terdekat, dan persentase serta selisih dihitung dari angka yang sudah dibulatkan (kosong bila "
        "angkanya disembunyikan). Karena itu jumlah bagian bisa sedikit berbeda dari totalnya, dan angka kecil "
        "tidak dapat dihitung dengan mengurangkan angka-angka yang ditampilkan.")
SHORT_NOTE = ("🔒 Tampilan publik: jumlah orang dibulatkan ke kelipatan {t} terdekat, angka 1–{m} ditulis "
              "\"<{t}\", dan persentase dihitung dari angka yang dibulatkan.")


class Mask(dict):
    """The protection mask kept in ``frame.attrs['suppressed']``: ``{column: [state per row]}`` (None: shown,
    rounded; 'primary': hidden small count).

    pandas deep-copies ``attrs`` into the result of every operation on a frame (``__finalize__``); for a
    mask of one list per count column that copy cost more CPU than drawing the page (Posyandu: 0.9 s of a
    1.3 s rerun). The mask is never edited in place (`suppress_frame` builds a new one), so copies share it.
    """

    def __deepcopy__(self, memo):
        return self


def applies(role: str | None) -> bool:
    """True when figures shown to this role must be protected (only ``publik``; unknown = publik)."""
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
    """The sentence shown with figures for the public (Bahasa Indonesia)."""
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


def rounded(value, base: int = DEFAULT_THRESHOLD):
    """A count as the public sees it: None when hidden (1 to base-1) or missing, else the nearest multiple of
    `base` (halves up; 0 stays 0). Series/arrays give float64 with NaN for hidden or missing cells."""
    if isinstance(value, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        num = pd.to_numeric(pd.Series(value), errors="coerce").astype("float64").to_numpy()
        out = np.floor(num / base + 0.5) * base
        out[(num > 0) & (num < base)] = np.nan
        return pd.Series(out, index=value.index) if isinstance(value, pd.Series) else out
    if fmt.is_missing(value) or is_suppressed(value, base):
        return None
    return int(np.floor(float(value) / base + 0.5)) * base


def suppress_value(value, threshold: int = DEFAULT_THRESHOLD):
    """A single count as the public sees it (`rounded`)."""
    return rounded(value, threshold)


def display_count(value, state: str | None = None, threshold: int = DEFAULT_THRESHOLD) -> str:
    """Text for one count cell as the public sees it: '<5' (hidden), else the rounded Indonesian number."""
    if state == PRIMARY or (state is None and is_suppressed(value, threshold)):
        return label(threshold)
    return fmt.number(rounded(value, threshold))


def _rate_sources(rate_columns, count_columns: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Rate -> the columns it is made of. A mapping says so itself; a rate given by name only takes its
    sources from the indicator registry (konvergensi.domain.indicators.sources_of: the frame whose sources are all
    among these counts and rates, else the first frame that has the name), and an unknown name is made of
    every count of the row."""
    if isinstance(rate_columns, Mapping):
        return {rate: (src,) if isinstance(src, str) else tuple(src) for rate, src in rate_columns.items()}
    available = set(count_columns) | set(rate_columns)
    out = {}
    for rate in rate_columns:
        known = indicators.sources_of(rate)
        out[rate] = next((s for s in known if set(s) <= available), known[0] if known else tuple(count_columns))
    return out


def suppression_mask(frame: pd.DataFrame, count_columns: Sequence[str],
                     threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Per count cell: None (shown, rounded) or 'primary' (a small count, hidden). Same index as `frame`."""
    state = {c: np.where(is_suppressed(frame[c], threshold), PRIMARY, None).astype(object) for c in count_columns}
    return pd.DataFrame(state, index=frame.index, columns=list(count_columns))


def _rescaled(rate: pd.Series, num, den, num_r, den_r) -> pd.Series:
    """A rate proportional to num/den (any scale) recomputed from the rounded counts: rate x (num_r / num) /
    (den_r / den). A zero numerator keeps its rate (0); no denominator gives NaN."""
    rate = pd.to_numeric(rate, errors="coerce").astype("float64").to_numpy()
    num, den = (np.asarray(pd.to_numeric(pd.Series(x), errors="coerce"), dtype="float64") for x in (num, den))
    num_r, den_r = np.asarray(num_r, dtype="float64"), np.asarray(den_r, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(num > 0, rate * (num_r / num) / (den_r / den), rate)
    out[~(den_r > 0)] = np.nan
    return out


def suppress_frame(frame: pd.DataFrame, count_columns: Sequence[str],
                   rate_columns: Sequence[str] | Mapping[str, Sequence[str] | str] = (),
                   threshold: int = DEFAULT_THRESHOLD, *, as_text: bool = False,
                   columns: "indicators.Columns | None" = None) -> pd.DataFrame:
    """A copy of `frame` safe to show to ``publik`` (the rule of the module docstring).

    count_columns: columns holding counts of people: hidden cells become <NA> (nullable Int64/Float64), the
      others are rounded to a multiple of `threshold`; with ``as_text=True`` the whole column becomes text:
      '<5' or the Indonesian number.
    rate_columns: figures computed from those counts, recomputed from the rounded counts and blank (NaN) where
      one of their sources is hidden. Either a mapping ``{"share": ("at_risk", "families")}`` (a rate of two
      counts, numerator first, in any scale) or a list of names the indicator registry knows.
    columns: the frame's registry description (`indicators.Columns`): its rates are recomputed with the
      registry's formula (and their Wilson bounds ``<rate>_lo``/``<rate>_hi``), its derived columns with
      theirs (a 'difference' such as the change since baseline). A figure whose formula is not known here
      (a derived column without formula, a rate of one count) is blanked entirely: an exact figure made of
      exact counts would undo the rounding.

    The mask (None/'primary' per count cell) is kept in ``result.attrs['suppressed']`` as
    ``{column: [state per row]}``.
    """
    missing = [c for c in count_columns if c not in frame.columns]
    if missing:
        raise KeyError(f"count columns not in frame: {missing}")
    mask = suppression_mask(frame, count_columns, threshold)
    prior = frame.attrs.get("suppressed") or {}
    for c in count_columns:   # a frame protected before keeps its marks (its hidden cells are <NA> now)
        states = prior.get(c)
        if states is not None and len(states) == len(frame):
            mask[c] = [old if old is not None else new for old, new in zip(states, mask[c])]
    out = frame.copy()
    exact: dict[str, np.ndarray] = {}
    protected: dict[str, np.ndarray] = {}
    for c in count_columns:
        values = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        exact[c] = values.to_numpy()
        protected[c] = rounded(values, threshold).to_numpy()
        if as_text:
            out[c] = pd.Series([label(threshold) if s == PRIMARY else fmt.number(None if np.isnan(v) else v)
                                for v, s in zip(protected[c], mask[c])], index=frame.index, dtype=object)
        else:
            out[c] = pd.array(protected[c], dtype="Float64").round(0).astype("Int64") \
                if bool(np.all(np.isnan(exact[c]) | (exact[c] == np.round(exact[c])))) \
                else pd.array(protected[c], dtype="Float64")
    hidden = {c: mask[c].notna().to_numpy() for c in count_columns}
    todo = _rate_sources(rate_columns, count_columns)
    registry = {r.column: r for r in (columns.rates if columns is not None else ())}
    derived = {d.column: d for d in (columns.derived if columns is not None else ())}
    todo.update({c: r.hidden_by for c, r in registry.items() if c in frame.columns})
    todo.update({c: d.sources for c, d in derived.items() if c in frame.columns and d.sources})
    values = {c: protected[c] for c in count_columns}
    progress = True
    while todo and progress:   # a figure may be made of another figure (change_points of prevalence)
        progress = False
        for name, src in list(todo.items()):
            if any(s in todo and s != name for s in src):
                continue
            del todo[name]
            progress = True
            hide = np.zeros(len(frame), dtype=bool)
            for s in src:
                hide |= hidden.get(s, np.zeros(len(frame), dtype=bool))
            hidden[name] = hide
            if name not in out.columns:
                continue
            new = _recomputed(name, frame, values, registry, derived, src, threshold)
            new = np.asarray(new, dtype="float64").copy()
            new[hide] = np.nan
            # a figure the caller left blank (e.g. "data kurang") stays blank
            new[np.isnan(pd.to_numeric(frame[name], errors="coerce").astype("float64").to_numpy())] = np.nan
            values[name] = new
            out[name] = new
            for bound in (f"{name}_lo", f"{name}_hi"):
                if bound in out.columns:
                    out[bound] = _bound(name, bound, frame, values, registry, hide)
    out.attrs["suppressed"] = Mask({c: [None if s is None or s is pd.NA or s != s else s for s in mask[c]]
                                    for c in count_columns})
    return out


def _recomputed(name, frame, values, registry, derived, src, threshold) -> np.ndarray:
    """One figure of the frame computed again from the protected counts (see `suppress_frame`)."""
    n = len(frame)
    if name in registry:
        r = registry[name]
        if r.numerator in values and r.denominator in values:
            return indicators.rate_of(values[r.numerator], values[r.denominator], r.scale).to_numpy()
    if name in derived and derived[name].formula == "difference" and all(s in values for s in src):
        return values[src[0]] - values[src[1]]
    if name not in derived and name not in registry and len(src) == 2 and all(s in values for s in src):
        num, den = src
        return _rescaled(frame[name], frame[num], frame[den], values[num], values[den])
    return np.full(n, np.nan)


def _bound(name, bound, frame, values, registry, hide) -> np.ndarray:
    """A rate's Wilson bound from the protected counts (NaN when the rate's formula is not in the registry)."""
    r = registry.get(name)
    if r is None or r.numerator not in values or r.denominator not in values:
        return np.full(len(frame), np.nan)
    low, high = indicators.wilson_interval(values[r.numerator], values[r.denominator])
    out = np.asarray(low if bound.endswith("_lo") else high, dtype="float64") * (r.scale / 100.0)
    out = out.copy()
    out[hide] = np.nan
    return out


class Record(dict):
    """A record of figures as a viewer may see them (`suppress_record`): hidden counts are None, the others
    rounded, and `states` says which were hidden ({key: 'primary'})."""

    states: dict = {}


def suppress_record(record: Mapping, count_keys: Iterable[str],
                    rate_keys: Sequence[str] | Mapping[str, Sequence[str] | str] = (),
                    threshold: int = DEFAULT_THRESHOLD, *,
                    columns: "indicators.Columns | None" = None) -> Record:
    """A dict of headline figures (e.g. konvergensi.domain.summary.headline) as the public sees it: counts
    rounded (small ones None), the registry's rates and their Wilson bounds (`<rate>_low` / `<rate>_high`)
    computed again from the rounded counts (None when a count is hidden), and the sasaran balita figures
    (coverage, estimated number) likewise (konvergensi.domain.summary.population_rates)."""
    count_keys = [k for k in count_keys if k in record]
    out = Record(record)
    states = {k: PRIMARY for k in count_keys if is_suppressed(record[k], threshold)}
    for k in count_keys:
        out[k] = rounded(record[k], threshold)
    hidden = set(states)
    registry = {r.column: r for r in (columns.rates if columns is not None else ())}
    for rate, src in _rate_sources(rate_keys, count_keys).items():
        if rate not in out:
            continue
        bounds = [b for b in (f"{rate}_low", f"{rate}_high") if b in out]
        if any(s in hidden for s in src):
            hidden.add(rate)
            for key in [rate, *bounds]:
                out[key] = None
            continue
        r = registry.get(rate)
        if r is not None and r.numerator in out and r.denominator in out:
            num, den = out[r.numerator], out[r.denominator]
            out[rate] = indicators.rate_of(num, den, r.scale) if num is not None else None
            if bounds:
                low, high = indicators.wilson_interval(num, den) if num is not None and den else (None, None)
                out[f"{rate}_low"] = None if low is None else low * r.scale / 100
                out[f"{rate}_high"] = None if high is None else high * r.scale / 100
        elif len(src) == 2 and all(s in record for s in src) and out[rate] is not None:
            num, den = src
            value = _rescaled(pd.Series([out[rate]]), [record[num]], [record[den]], [out[num]], [out[den]])[0]
            out[rate] = None if np.isnan(value) else float(value)
            for key in bounds:
                out[key] = None
        else:
            for key in [rate, *bounds]:
                out[key] = None
    if "target_population" in out:
        out.update(summary.population_rates(out))
    out.states = states
    return out


@dataclass(frozen=True)
class Viewer:
    """Who is looking, and so what may be shown: `hidden_below` is the threshold when counts are protected
    for this viewer (role publik: small ones hidden, the others rounded), None when every count is shown
    exactly (pimpinan, petugas, admin).

    Build it with `Viewer.of(role, config)`. `cache` (optional, e.g. konvergensi.ui.data.shared) runs the
    protection of a frame once per frame content; the viewer is equal and hashed by `hidden_below` only,
    so it can key a cache itself.

    Frames are described by a `konvergensi.domain.indicators.Columns` (which columns are counts, which rates are
    made of which counts), or by a list of count columns and the rates (`suppress_frame`).
    """
    hidden_below: int | None = DEFAULT_THRESHOLD
    cache: Callable | None = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, role: str | None, config=None, *, cache: Callable | None = None) -> "Viewer":
        """The viewer of a role (publik: counts protected with the configured threshold)."""
        return cls(threshold(config) if applies(role) else None, cache)

    @property
    def hides(self) -> bool:
        """True when counts are protected (small hidden, others rounded) for this viewer."""
        return self.hidden_below is not None

    @property
    def threshold(self) -> int:
        return self.hidden_below if self.hidden_below is not None else DEFAULT_THRESHOLD

    @property
    def label(self) -> str:
        """What a hidden small count reads as: '<5'."""
        return label(self.threshold)

    def note(self) -> str | None:
        """The sentence to show with figures when counts are protected for this viewer, else None."""
        return note(self.threshold) if self.hides else None

    def short_note(self) -> str | None:
        """One line for the top of every page the public sees (None for the other roles)."""
        return SHORT_NOTE.format(t=self.threshold, m=self.threshold - 1) if self.hides else None

    # --- frames ---------------------------------------------------------------------------------------

    def frame(self, frame: pd.DataFrame, columns: "indicators.Columns | Iterable[str]" = (),
              rates: Sequence[str] | Mapping[str, Sequence[str] | str] = (), *,
              as_text: bool = False) -> pd.DataFrame:
        """The frame as this viewer may see it (unchanged for a viewer who sees everything).

        columns: the frame's `indicators.Columns` (its counts and the rates and derived columns made of them),
        or the count columns (then `rates`: a mapping rate -> (numerator, denominator), or rate names known
        to the registry). Counts the frame does not have are skipped. as_text: counts as text ('<5', '1.235')."""
        if not self.hides:
            return frame
        if isinstance(columns, indicators.Columns):
            counts, sources, described = columns.counts, _rate_sources(rates, columns.counts), columns
        else:
            counts, sources, described = tuple(columns), _rate_sources(rates, tuple(columns)), None
        counts = [c for c in counts if c in frame.columns]
        if self.cache is not None:
            return self.cache(suppress_frame, frame, counts, sources, self.hidden_below, as_text=as_text,
                              columns=described)
        return suppress_frame(frame, counts, sources, self.hidden_below, as_text=as_text, columns=described)

    def record(self, record: Mapping | None, columns: "indicators.Columns" = indicators.HEADLINE):
        """One record of figures (KPI cards) as this viewer may see it (`suppress_record`)."""
        if record is None or not self.hides:
            return record
        return suppress_record(record, columns.counts, columns.sources(), self.hidden_below, columns=columns)

    def rows(self, frame: pd.DataFrame, count: str) -> pd.DataFrame:
        """The rows this viewer may see one by one (e.g. the points of a scatter): for role publik, rows whose
        `count` is small are left out (the figures of the others come from a protected frame)."""
        if not self.hides:
            return frame
        return frame[~is_suppressed(frame[count], self.threshold)]

    def grid(self, matrix: pd.DataFrame, rows: pd.DataFrame, by: Sequence[str],
             columns: "indicators.Columns") -> pd.DataFrame:
        """A matrix of one rate made from `rows` (index `by[0]`, columns `by[1]`, e.g. kelurahan x indicator
        coverage; the rate is the first of `columns`) as this viewer may see it: for role publik each cell is
        recomputed from its summed counts rounded, blank where one of them is small."""
        if not self.hides or matrix.empty:
            return matrix.copy()
        r = columns.rates[0]
        sums = rows.groupby(list(by))[[r.numerator, r.denominator]].sum()
        value = indicators.rate_of(rounded(sums[r.numerator], self.threshold),
                                   rounded(sums[r.denominator], self.threshold), r.scale)
        value = pd.Series(value.to_numpy(), index=sums.index).unstack()
        value = value.reindex(index=matrix.index, columns=matrix.columns)
        return value.where(matrix.notna())

    def with_states(self, frame: pd.DataFrame, counts: "indicators.Columns | Iterable[str]") -> pd.DataFrame:
        """`frame` (as returned by `frame`) with the mark of each count cell as a column `_state_<count>`
        (None or 'primary'): it survives filtering and sorting row by row."""
        counts = counts.counts if isinstance(counts, indicators.Columns) else counts
        states = frame.attrs.get("suppressed") or {}
        return frame.assign(**{f"_state_{c}": pd.Series(states.get(c, [None] * len(frame)), index=frame.index,
                                                        dtype=object) for c in counts if c in frame.columns})

    def hidden_as_text(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` (derived from a result of `frame`, its mask in attrs) with every hidden count cell reading
        '<5' (for a file to download: it says what the screen says)."""
        states = frame.attrs.get("suppressed") or {}
        return frame.assign(**{c: [self.label if s == PRIMARY else v for v, s in zip(frame[c].astype(object), states[c])]
                               for c in states if c in frame.columns and len(states[c]) == len(frame)})

    def rate_series(self, numerators, denominators, scale: float = 100.0, digits: int = 1) -> list:
        """A short series of one rate (a sparkline: D/S per month) from its monthly counts as this viewer may
        see it: for role publik each point from the rounded counts, None where a count is small or missing."""
        out = []
        for num, den in zip(numerators, denominators):
            if self.hides:
                num, den = rounded(num, self.threshold), rounded(den, self.threshold)
            value = None if fmt.is_missing(num) or fmt.is_missing(den) else indicators.rate_of(num, den, scale)
            out.append(None if value is None else round(value, digits))
        return out

    # --- single figures -------------------------------------------------------------------------------

    def count_text(self, value, state: str | None = None) -> str:
        """One count as text: for role publik '<5' when it is small or was hidden (a missing value after
        `record`/`frame`), else the number rounded to a multiple of the threshold; for the others the exact
        Indonesian number ('–' when missing)."""
        if self.hides:
            if state == PRIMARY or fmt.is_missing(value) or is_suppressed(value, self.threshold):
                return self.label
            return fmt.number(rounded(value, self.threshold))
        return fmt.number(value)

    def count_of(self, record: Mapping, key: str) -> str:
        """A count of a record from `record` as text."""
        return self.count_text(record.get(key), getattr(record, "states", {}).get(key))

    def share_text(self, value, numerator=None, denominator=None, *, kind: str = "percent") -> str:
        """A rate of two counts as text ('percent' 0-100 or 'ratio' 0-1): for role publik blank ('–') when
        one of its counts is small or hidden, else computed again from the rounded counts."""
        if self.hides:
            counts = [c for c in (numerator, denominator) if c is not None]
            if any(fmt.is_missing(c) or is_suppressed(c, self.threshold) for c in counts):
                return fmt.MISSING
            if len(counts) == 2 and not fmt.is_missing(value):
                value = float(_rescaled(pd.Series([value]), [numerator], [denominator],
                                        [rounded(numerator, self.threshold)],
                                        [rounded(denominator, self.threshold)])[0])
        return fmt.share(value) if kind == "ratio" else fmt.percent(value)
