"""Targets as data: the baseline and target set for an area (rows of the `targets` table)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd

from konvergensi.core import fmt
from konvergensi.domain import projection
from konvergensi.store import sql


@dataclass(frozen=True)
class Target:
    indicator: str                      # 'stunted' (count) | 'prevalence_stunting' (percent)
    region_id: str
    baseline_period: datetime.date      # first day of the baseline month
    baseline_value: float
    target_period: datetime.date        # first day of the target month
    target_value: float
    source: str | None
    target_id: str | None = None        # 'allocated' when it ends with ALLOCATED_SUFFIX

    @property
    def allocated(self) -> bool:
        """Written by the proportional allocation (not set by an admin or the config)."""
        return is_allocated(self.target_id)

    @property
    def target_date(self) -> datetime.date:
        return self.target_period


def _month(value) -> datetime.date:
    return pd.Timestamp(value).date().replace(day=1)


def pick(frame: pd.DataFrame, indicator: str = "stunted") -> Target | None:
    """The most recent target of one indicator from rows of queries/targets_for_area.sql, or None. A row an
    admin imported (or the config set) wins over a row of the proportional allocation for the same area."""
    rows = frame[frame.indicator == indicator]
    if not len(rows):
        return None
    own = [not is_allocated(i) for i in rows.target_id] if "target_id" in rows else [True] * len(rows)
    rows = rows.assign(_own=own)
    if rows._own.any():
        rows = rows[rows._own]
    r = rows.sort_values("target_date").iloc[-1]
    return Target(indicator=indicator, region_id=r.region_id, baseline_period=_month(r.baseline_date),
                  baseline_value=float(r.baseline_value), target_period=_month(r.target_date),
                  target_value=float(r.target_value), source=None if pd.isna(r.source) else str(r.source),
                  target_id=r.target_id if "target_id" in rows else None)


# --- a target for every kecamatan and kelurahan ------------------------------------------------------------

# target_id of a row written by the allocation (konvergensi.store.allocation): "<region>:stunted:<baseline>:<target>"
# + this suffix. A row an admin imported (or the config set) never carries it, so it always wins.
ALLOCATED_SUFFIX = ":alokasi"
ALLOCATION_SOURCE = "Alokasi proporsional dari target {area} (baseline {month})"

STATUS_REACHED = "tercapai"
STATUS_ON_TRACK = "sesuai jalur"
STATUS_OFF_TRACK = "tidak sesuai jalur"
STATUS_NO_DATA = "belum dapat dinilai"
STATUS_NO_TARGET = "belum ada target"


def is_allocated(target_id) -> bool:
    """True for a row written by the proportional allocation (not set by an admin or the config)."""
    return isinstance(target_id, str) and target_id.endswith(ALLOCATED_SUFFIX)


def largest_remainder(weights, total: int) -> list[int]:
    """Whole numbers in proportion to `weights` that add up to `total` (Hamilton / largest-remainder
    method): each part gets the floor of its quota, and the units left go to the largest remainders
    (ties: the larger weight first, then the earlier part). All weights zero: all parts zero."""
    w = [max(float(x), 0.0) for x in weights]
    whole = sum(w)
    total = int(round(total))
    if whole <= 0 or total <= 0:
        return [0] * len(w)
    quotas = [total * x / whole for x in w]
    parts = [int(q // 1) for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(w)), key=lambda i: (-(quotas[i] - parts[i]), -w[i], i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def allocate(baseline: pd.DataFrame, target_value: float, fixed: dict | None = None) -> pd.DataFrame:
    """A kabupaten/kota's count target split over its kelurahan in proportion to each kelurahan's baseline
    count of stunted children (largest remainder, so the parts add up to the whole), re-balanced around the
    areas whose target is fixed (`fixed`: region_id -> own target of the same target date):

    - a fixed kelurahan keeps its target;
    - a fixed kecamatan's target, minus its fixed kelurahan, is split over its other kelurahan;
    - the city target, minus the fixed kecamatan and the fixed kelurahan of the other kecamatan, is split
      over the remaining kelurahan;
    - a kecamatan without a fixed target gets the sum of its kelurahan (fixed + allocated).

    When the fixed targets take more than there is, the free areas get 0 (never a negative target).
    `baseline`: kelurahan_id, kecamatan_id, baseline_stunted (queries/target_allocation_baseline.sql).
    Returns ALLOCATE_COLUMNS for the areas that are not fixed (kecamatan first, then kelurahan, each by id):
    region_id, level ('kecamatan' | 'kelurahan'), baseline_value, target_value, pool (the kecamatan whose own
    target a kelurahan's share comes from; '' for the city's), remaining (that pool's total before it was
    split: the pool's target minus its fixed parts, negative when over-committed), fixed (what the pool's fixed
    parts took). Empty when no child was stunted in the baseline month. `balance(result)` summarises the pools."""
    if not len(baseline) or float(baseline.baseline_stunted.sum()) <= 0:
        return pd.DataFrame(columns=ALLOCATE_COLUMNS)
    fixed = {str(k): float(v) for k, v in (fixed or {}).items()}
    kel = baseline.sort_values("kelurahan_id").reset_index(drop=True)
    kecamatan = set(kel.kecamatan_id)
    kec_fixed = {k: v for k, v in fixed.items() if k in kecamatan}
    kel_fixed = pd.to_numeric(kel.kelurahan_id.map(fixed), errors="coerce").astype("float64")
    pool = kel.kecamatan_id.map(lambda k: k if k in kec_fixed else "")
    # what each pool's fixed parts take: a fixed kecamatan's own kelurahan; for the city, the fixed kecamatan
    # and the fixed kelurahan outside them
    taken = {k: float(kel_fixed[pool == k].sum()) for k in kec_fixed}
    taken[""] = float(sum(kec_fixed.values())) + float(kel_fixed[pool == ""].sum())
    whole = {**kec_fixed, "": float(target_value)}
    remaining = {p: whole[p] - taken[p] for p in whole}
    free = kel_fixed.isna()
    value = kel_fixed.copy()
    for p in whole:
        share = (pool == p) & free
        if share.any():
            value[share] = largest_remainder(kel.baseline_stunted[share].tolist(), max(remaining[p], 0.0))
    kel = kel.assign(target_value=value, pool=pool, remaining=pool.map(remaining), fixed=pool.map(taken))
    kec = (kel.groupby("kecamatan_id", as_index=False)[["baseline_stunted", "target_value"]].sum()
           .sort_values("kecamatan_id"))
    kec = kec[~kec.kecamatan_id.isin(list(kec_fixed))]
    out = pd.concat([
        pd.DataFrame({"region_id": kec.kecamatan_id, "level": "kecamatan", "baseline_value": kec.baseline_stunted,
                      "target_value": kec.target_value, "pool": "", "remaining": remaining[""],
                      "fixed": taken[""]}),
        pd.DataFrame({"region_id": kel.kelurahan_id[free], "level": "kelurahan",
                      "baseline_value": kel.baseline_stunted[free], "target_value": kel.target_value[free],
                      "pool": kel.pool[free], "remaining": kel.remaining[free], "fixed": kel.fixed[free]}),
    ], ignore_index=True)[ALLOCATE_COLUMNS]
    for c in ("baseline_value", "target_value", "remaining", "fixed"):
        out[c] = out[c].astype(float)
    out.attrs["pools"] = {p: {"target": whole[p], "fixed": taken[p], "remaining": remaining[p],
                              "free_baseline": float(kel.baseline_stunted[(pool == p) & free].sum()),
                              "free": int(((pool == p) & free).sum())}
                          for p in whole}
    return out


ALLOCATE_COLUMNS = ["region_id", "level", "baseline_value", "target_value", "pool", "remaining", "fixed"]


def pool_note(remaining: float, fixed: float, whole: float, whole_name: str, free_baseline: float | None = None) -> str:
    """What a re-balanced share was cut from, in words ('' when nothing was fixed in the pool): the rest
    after the targets set for other areas, or that those took more than `whole_name`'s target, so 0."""
    if remaining < 0:
        return (f"; target yang ditetapkan sendiri ({fmt.number(fixed)} anak) melebihi target {whole_name} "
                f"({fmt.number(whole)} anak): sisa 0, wilayah yang lain mendapat 0")
    note = ""
    if fixed > 0:
        note = (f"; sisa setelah target yang ditetapkan sendiri ({fmt.number(fixed)} anak): "
                f"{fmt.number(remaining)} anak")
    if remaining > 0 and free_baseline is not None and free_baseline <= 0:
        note += f"; baseline 0 di semua wilayah yang dibagi: {fmt.number(remaining)} anak tidak terbagi"
    return note


def allocation_rows(baseline: pd.DataFrame, root: Target, root_name: str, month_label: str,
                    fixed: dict | None = None) -> pd.DataFrame:
    """Rows of `targets` for the allocation of `root` (a kabupaten/kota count target), re-balanced around the
    `fixed` areas (region_id -> own count target with root's target date; `allocate`): one row per kecamatan
    and kelurahan that is not fixed. The source text names the target a share was cut from and, when other
    areas' own targets were taken off first, what was left (or that nothing was: 0)."""
    parts = allocate(baseline, root.target_value, fixed)
    pools = parts.attrs.get("pools", {})
    names = (dict(zip(baseline.kecamatan_id, baseline.kecamatan_name)) if "kecamatan_name" in baseline
             else {})
    base = ALLOCATION_SOURCE.format(area=root_name, month=month_label)

    def source(r) -> str:
        p = pools.get(r.pool) or {}
        if r.pool:
            name = f"kecamatan {names.get(r.pool, r.pool)}"
            text = ALLOCATION_SOURCE.format(area=name, month=month_label)
        else:
            name, text = root_name, base
        return text + pool_note(p.get("remaining", 0.0), p.get("fixed", 0.0), p.get("target", 0.0), name,
                                p.get("free_baseline") if r.level == "kelurahan" else None)

    bd, td = root.baseline_period, root.target_period
    return pd.DataFrame({
        "target_id": [f"{r}:stunted:{bd}:{td}{ALLOCATED_SUFFIX}" for r in parts.region_id],
        "region_id": parts.region_id.to_numpy(), "indicator": "stunted", "baseline_date": bd,
        "baseline_value": parts.baseline_value.to_numpy(), "target_date": td,
        "target_value": parts.target_value.to_numpy(),
        "source": [source(r) for r in parts.itertuples(index=False)],
    }, columns=["target_id", "region_id", "indicator", "baseline_date", "baseline_value", "target_date",
                "target_value", "source"])


def path_value(target: Target, period) -> float:
    """The straight-line trajectory's value for a month (konvergensi.domain.projection.trajectory): the
    baseline before the baseline month, the target from the target month on."""
    month = _month(period)
    if month <= target.baseline_period:
        return target.baseline_value
    if month >= target.target_period:
        return target.target_value
    path = projection.trajectory(target.baseline_period, target.baseline_value, target.target_period,
                                 target.target_value)
    return float(path.loc[path.period == month, "value"].iloc[0])


LEAGUE_COLUMNS = ["region_id", "name", "level", "parent_name", "measured", "baseline", "target", "stunted",
                  "path", "gap", "gap_share", "status", "target_date", "allocated", "source"]


def league(counts: pd.DataFrame, target_rows: pd.DataFrame, period) -> pd.DataFrame:
    """The league table of an area's kecamatan or kelurahan for a month.

    counts: region_id, name, level, parent_name, measured, stunted (queries/target_league.sql);
    target_rows: rows of `targets` (queries/targets_in_area.sql); each region's target is `pick`ed from its
    own rows (a row an admin imported wins over the allocated one). Returns LEAGUE_COLUMNS: baseline and
    target of the region's target, the current count, the path value for the month, gap = current - target,
    gap_share = the region's max(gap, 0) over the sum of max(gap, 0) of all regions (None when nothing
    remains), status (see `judge`), worst first (largest share of the remaining gap)."""
    rows = []
    for r in counts.itertuples(index=False):
        t = pick(target_rows[target_rows.region_id == r.region_id]) if len(target_rows) else None
        rows.append({
            "region_id": r.region_id, "name": r.name, "level": r.level, "parent_name": r.parent_name,
            "measured": int(r.measured), "stunted": int(r.stunted),
            "baseline": t.baseline_value if t else None, "target": t.target_value if t else None,
            "path": path_value(t, period) if t else None,
            "target_date": t.target_period if t else None,
            "allocated": t.allocated if t else False,
            "source": t.source if t else None,
        })
    frame = pd.DataFrame(rows, columns=[c for c in LEAGUE_COLUMNS if c not in ("gap", "gap_share", "status")])
    frame = judge(frame)
    frame = frame.sort_values(["gap_share", "gap", "name"], ascending=[False, False, True], na_position="last")
    return frame.reset_index(drop=True)[LEAGUE_COLUMNS]


def judge(frame: pd.DataFrame) -> pd.DataFrame:
    """gap, gap_share and status of league rows from their stunted, measured, target and path columns (the
    one definition: `league` uses it on the true counts, the public's league table on the rounded counts,
    konvergensi.ui.peta_view.league_shown). gap = stunted - target (None without a target, without measured
    children, or when stunted is hidden); status 'tercapai' (stunted <= target), 'sesuai jalur' (stunted <= the
    straight path's value for the month, `path`), 'tidak sesuai jalur'; 'belum ada target' / 'belum dapat
    dinilai' (no child measured in the month); None when stunted is hidden."""
    num = {c: pd.to_numeric(frame[c], errors="coerce").astype("float64") for c in ("stunted", "measured",
                                                                                 "target", "path")}
    judged = num["target"].notna() & (num["measured"].fillna(0) > 0)
    gap = (num["stunted"] - num["target"]).where(judged)
    remaining = gap.clip(lower=0)
    whole = float(remaining.sum(skipna=True))

    def verdict(stunted, measured, target, path):
        if pd.isna(target):
            return STATUS_NO_TARGET
        if pd.isna(measured) or not measured:
            return STATUS_NO_DATA
        if pd.isna(stunted):
            return None
        if stunted <= target:
            return STATUS_REACHED
        return STATUS_ON_TRACK if stunted <= path else STATUS_OFF_TRACK

    return frame.assign(gap=gap,
                        gap_share=(remaining / whole) if whole > 0 else None,
                        status=[verdict(*v) for v in zip(num["stunted"], num["measured"], num["target"],
                                                         num["path"])])


def league_table(con, area_id: str, period, by_kelurahan: bool = False) -> pd.DataFrame:
    """`league` of the area's kecamatan (of a kabupaten/kota) or kelurahan (of a kecamatan; every kelurahan
    when `by_kelurahan`) for a month, from queries/target_league.sql and queries/targets_in_area.sql."""
    period = _month(period)
    counts = sql.run_query(con, "target_league", area_id=area_id, period=period, by_kelurahan=bool(by_kelurahan))
    return league(counts, sql.run_query(con, "targets_in_area", area_id=area_id), period)


# the counts of children in a league table: role publik sees them rounded (konvergensi.domain.suppress), and
# gap, gap_share and status judged again from the rounded counts (`judge`)
LEAGUE_COUNTS = ("measured", "baseline", "target", "path", "stunted")
