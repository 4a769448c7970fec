"""The overview of an area for one month: where it stands now, against last month, the baseline and the target.

One computation serves Ringkasan (pages/ringkasan.py through `konvergensi.ui.data.overview`) and the meeting
pack (`konvergensi.report.rakor.gather`), so the two cannot disagree:

- now, previous month, baseline month: `summary.headline` of the area and subgroup (the numbers of
  `python -m konvergensi summary`). For the public (`hidden_below` = the suppression threshold) small counts
  and the rates computed from them are None (`suppress.suppress_record`) BEFORE any difference is taken, so
  no change reveals a hidden count.
- previous month: the month before when the database has measurements for it
  (`data_status.DataStatus.previous_period`), else there is no comparison; a count is not compared with a
  month in which nobody of the area and subgroup was measured (0 of 0 is not "0 stunted").
- target: the area's own stunting target (`konvergensi.domain.targets`); none under an age or sex filter (targets
  are set for all children of an area).
- baseline month: the baseline of the area's target, else of the nearest enclosing area that has one (its
  kecamatan, then its kabupaten/kota), as on Peta. In the baseline month itself there is nothing to compare.
- a baseline month without data: when the database holds no measured children of the area (and subgroup)
  in the baseline month, there is no change since baseline and the count target is 'belum dapat dinilai'
  (a database that starts after the baseline month would otherwise compare with 0 children).

- small numbers: below `min_children` measured children (thresholds.min_children_map, the Peta rule, decided
  on the true counts) a prevalence (stunting, wasting and underweight, each by its own denominator) reads
  "data kurang" with n and its Wilson interval instead of a plain figure, its change vs last month or the
  baseline is not given (no arrow), and the paragraph says the figure is uncertain.

`Overview.kpis` gives the rows both show (value now, change vs last month, change since baseline, target
status), already formatted ('<5' for a hidden count); pages and the pack only lay them out.
No Streamlit here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import duckdb

from konvergensi.store import data_status, db
from konvergensi.core import fmt
from konvergensi.core.settings import DEFAULTS
from konvergensi.domain import indicators, narrative, summary, suppress, targets

NOT_JUDGED = "belum dapat dinilai"
TARGET_PASSED = " (tanggal target sudah lewat)"
WEIGHING_MONTHS = fmt.WEIGHING_MONTHS    # bulan penimbangan massal: far more children measured than in other months
WEIGHING_LABEL = f"bulan {fmt.WEIGHING_LABEL}"
INSUFFICIENT = "data kurang"   # as on Peta (konvergensi.figures.maps.INSUFFICIENT_LABEL)
# rate -> the count of children it is out of: below the minimum measured it reads "data kurang"
SMALL_DENOMINATOR = {"prevalence_stunting": "children_measured", "prevalence_wasting": "whz_measured",
                     "prevalence_underweight": "waz_measured"}
# count -> the count it is out of (stunted -> children_measured): a count is not compared with a month in
# which none of its denominator were measured
DENOMINATOR = {r.numerator: r.denominator for r in reversed(indicators.HEADLINE.rates)}   # first rate wins


def minus(a, b):
    """a - b, or None when either is missing (e.g. a count hidden from the public)."""
    return None if fmt.is_missing(a) or fmt.is_missing(b) else a - b


@dataclass(frozen=True)
class Kpi:
    """One indicator row of the overview, formatted for display."""
    key: str                  # 'stunted', 'prevalence_stunting', 'since_baseline', 'target', 'prevalence_wasting', ...
    label: str                # short label (Ringkasan's card)
    name: str                 # the meeting pack's row label
    value: str                # the value now ('<5' for a count hidden from the public)
    change: str | None        # change vs the previous month ('+3 anak', '+1,2 poin persen'); None: no comparison
    monthly: bool             # the row is compared with the previous month (the pack prints '–' when it cannot be)
    note: str                 # what the value is made of
    delta: str | None = None  # the second figure of the since-baseline and target rows
    steady: bool = False      # the change is exactly nothing (e.g. 0 stunted against 0): no arrow, no colour
    insufficient: bool = False  # too few children measured: the value reads "data kurang" (note: n, interval)


@dataclass(frozen=True)
class Overview:
    period: datetime.date
    area_id: str | None
    age_group: str | None
    sex: int | None
    now: dict                                 # summary.headline, small counts None when hidden
    previous_period: datetime.date | None     # the month before, when it has measurements
    previous: dict | None
    baseline_period: datetime.date | None     # the baseline month of the area's (or an enclosing area's) target
    baseline: dict | None                     # None: no baseline month, the baseline month itself, or no data in it
    baseline_missing: bool                    # the baseline month has no measured children of this area/subgroup
    target: targets.Target | None             # None under an age/sex filter or when no target is set
    hidden_below: int | None = None           # the suppression threshold when small counts are hidden
    coverage_warn_points: float = DEFAULTS.coverage_warn_points   # warn on count changes past this coverage shift
    min_children: int = DEFAULTS.min_children_map   # fewer measured: a prevalence reads "data kurang"
    few: frozenset = frozenset()            # rates (SMALL_DENOMINATOR) with too few measured now
    previous_few: frozenset = frozenset()   # ... in the previous month
    baseline_few: frozenset = frozenset()   # ... in the baseline month

    # --- numbers -----------------------------------------------------------------------------------------

    @property
    def measured(self) -> bool:
        """Children of the area and subgroup were measured in the month (a hidden small count is some)."""
        return self.now.get("children_measured") != 0

    @property
    def hidden(self) -> bool:
        """The month's stunted count is hidden from this viewer (too few children)."""
        return self.hidden_below is not None and self.now.get("stunted") is None

    @property
    def at_baseline(self) -> bool:
        return self.baseline_period is not None and self.baseline_period == self.period

    def change(self, key: str):
        """now - previous month of one figure, None without a previous month, when either is hidden, or for
        a count whose denominator was 0 last month in this area (no children measured is not 0 stunted)."""
        if not self.previous or self.previous.get(DENOMINATOR.get(key)) == 0:
            return None
        if key in self.few or key in self.previous_few:    # an uncertain rate gets no arrow
            return None
        return minus(self.now.get(key), self.previous.get(key))

    def since_baseline(self, key: str):
        """now - baseline month of one figure, None without a usable baseline, when either is hidden, or for
        a rate with too few children measured in either month."""
        if key in self.few or key in self.baseline_few:
            return None
        return minus(self.now.get(key), self.baseline.get(key)) if self.baseline else None

    @property
    def baseline_measured(self):
        """Children measured (valid HAZ) in the baseline month: the coverage a count target was set on."""
        if self.at_baseline:
            return self.now.get("children_measured")
        return self.baseline.get("children_measured") if self.baseline else None

    @property
    def comparable_stunted(self):
        """The stunted count now at the baseline month's coverage: prevalence now x children measured in the
        baseline month. A count target was set on the count found in the baseline month; the count found
        now moves with how many children were measured (mass-weighing months measure many more), so the
        target is judged on this figure (like with like). None when either is missing or hidden."""
        prevalence, measured = self.now.get("prevalence_stunting"), self.baseline_measured
        if prevalence is None or not measured:
            return None
        return prevalence / 100 * measured

    @property
    def target_basis(self) -> str | None:
        """Which figure the target is compared with: 'stunted_at_baseline_coverage' (see comparable_stunted),
        None without a target or when it cannot be judged."""
        if self.target is None or self.baseline_missing or self.comparable_stunted is None:
            return None
        return "stunted_at_baseline_coverage"

    @property
    def target_gap(self):
        """Stunted children above the target at the baseline's coverage (<= 0: reached); None without a
        target, when the figures are hidden, or when the target cannot be judged (baseline month without
        data)."""
        if self.target is None or self.baseline_missing:
            return None
        return minus(self.comparable_stunted, self.target.target_value)

    def coverage_shift(self, other: dict | None):
        """Coverage now minus coverage in `other` (a headline record), in percentage points; None when
        either is unknown."""
        if not other or self.now.get("coverage") is None or other.get("coverage") is None:
            return None
        return (self.now["coverage"] - other["coverage"]) * 100

    def coverage_warning(self, other: dict | None, limit_points: float, what: str) -> str:
        """A warning for a change in counts when coverage moved by more than `limit_points` ('' if not)."""
        shift = self.coverage_shift(other)
        if shift is None or abs(shift) <= limit_points:
            return ""
        return (f"cakupan pengukuran {('naik' if shift > 0 else 'turun')} {fmt.number(abs(shift), 1)} poin dibanding "
                f"{what}: perubahan jumlah anak sebagian karena jumlah anak yang diukur; bandingkan prevalensi "
                "atau perkiraan seluruh balita")

    @property
    def weighing_month(self) -> bool:
        """February and August are the mass-weighing months (bulan penimbangan balita)."""
        return self.period is not None and self.period.month in WEIGHING_MONTHS

    @property
    def target_status(self) -> str:
        """'tercapai', '12 anak lagi', 'belum dapat dinilai', or '–' (no target, or the count is hidden)."""
        if self.target is not None and self.baseline_missing:
            return NOT_JUDGED
        gap = self.target_gap
        if gap is None:
            return fmt.MISSING
        return "tercapai" if gap <= 0 else f"{fmt.number(round(gap))} anak lagi"

    @property
    def target_passed(self) -> bool:
        return self.target is not None and self.period > self.target.target_date

    # --- text --------------------------------------------------------------------------------------------

    def count(self, value) -> str:
        """A count for display: '<5' when it is hidden from this viewer, else the Indonesian number."""
        return suppress.Viewer(self.hidden_below).count_text(value)

    def baseline_missing_text(self, area: str) -> str:
        """Why there is no change since baseline and no verdict on the target ('' when there is data)."""
        if not self.baseline_missing:
            return ""
        return (f"Basis data ini tidak berisi pengukuran bulan baseline ({fmt.month(self.baseline_period)}) untuk "
                f"{area}: perubahan sejak baseline dan jarak ke target belum dapat dinilai. Impor ekspor e-PPGBM "
                "bulan baseline untuk membandingkannya.")

    def situation(self, area: str, lagging=(), subgroup: str = "") -> narrative.Situation:
        """The numbers of the overview paragraph (lagging: (kelurahan, prevalence) worst first)."""
        now, base, judged = self.now, self.baseline, self.target is not None and not self.baseline_missing
        prev = self.previous if self.previous and self.previous.get("children_measured") != 0 else None
        return narrative.Situation(
            area=area, period=self.period, measured=now.get("children_measured") or 0, stunted=now.get("stunted"),
            prevalence=now.get("prevalence_stunting"),
            previous_period=self.previous_period if prev else None,
            previous_stunted=prev["stunted"] if prev else None,
            previous_prevalence=prev["prevalence_stunting"] if prev else None,
            baseline_period=self.baseline_period if base else None,
            baseline_stunted=base["stunted"] if base else None,
            target_date=self.target.target_date if judged else None,
            target_stunted=self.target.target_value if judged else None,
            comparable_stunted=self.comparable_stunted if judged else None,
            lagging=list(lagging), subgroup=subgroup,
            uncertain="prevalence_stunting" in self.few, minimum=self.min_children,
            interval=(now.get("prevalence_stunting_low"), now.get("prevalence_stunting_high")),
            previous_uncertain="prevalence_stunting" in self.previous_few,
            baseline_uncertain="prevalence_stunting" in self.baseline_few)

    def paragraph(self, area: str, lagging=(), subgroup: str = "") -> str:
        """The overview paragraph (konvergensi.domain.narrative), or the sentence saying the count is hidden."""
        if self.hidden:
            return (f"Per {fmt.month(self.period)}, jumlah balita stunting di {area} kurang dari "
                    f"{self.hidden_below} anak (angka kecil tidak ditampilkan untuk publik).")
        return narrative.overview(self.situation(area, lagging, subgroup))

    def kpis(self, area: str) -> list[Kpi]:
        """The indicator rows: stunted, prevalence, change since baseline, distance to the target, wasting,
        underweight, ibu hamil KEK, D/S."""
        now, count = self.now, self.count
        rows = []
        change = self.change("stunted")
        warn = self.coverage_warning(self.previous, self.coverage_warn_points, "bulan lalu")
        rows.append(Kpi("stunted", "Balita stunting ditemukan", "Balita stunting ditemukan (TB/U < -2 SD, e-PPGBM)",
                        count(now.get("stunted")),
                        None if change is None else fmt.number(change, signed=True) + " anak", True,
                        f"{count(now.get('severely_stunted'))} sangat pendek (< -3 SD)"
                        + (f"; {WEIGHING_LABEL}" if self.weighing_month else "") + (f". ⚠️ {warn}" if warn else ""),
                        steady=change == 0))
        change = self.change("prevalence_stunting")
        interval = (f"IK 95% (Wilson) {fmt.percent(now.get('prevalence_stunting_low'))} – "
                    f"{fmt.percent(now.get('prevalence_stunting_high'))}; "
                    if now.get("prevalence_stunting") is not None else "")
        if "prevalence_stunting" in self.few:
            rows.append(self._few_row("prevalence_stunting", "Prevalensi stunting", "Prevalensi stunting",
                                      "children_measured", "balita diukur"))
        else:
            rows.append(Kpi("prevalence_stunting", "Prevalensi stunting", "Prevalensi stunting",
                            fmt.percent(now.get("prevalence_stunting")), None if change is None else fmt.points(change),
                            True, f"{interval}dari {count(now.get('children_measured'))} balita diukur",
                            steady=change == 0))
        rows.append(self._coverage_row())
        rows.append(self._estimated_row())
        rows.append(self._baseline_row(area))
        rows.append(self._target_row(area))

        def rate(key, label, count_key, den_key, unit, value=fmt.percent, scale=1):
            if key in self.few:
                return self._few_row(key, label, label, den_key, f"{unit} diukur")
            change = self.change(key)
            return Kpi(key, label, label, value(now.get(key)), None if change is None else fmt.points(change * scale),
                       True, f"{count(now.get(count_key))} dari {count(now.get(den_key))} {unit}", steady=change == 0)

        kek_cm = (now.get("thresholds") or {}).get("kek_muac_cm")
        rows.append(rate("prevalence_wasting", "Wasting (gizi kurang/buruk)", "wasted", "whz_measured", "balita"))
        rows.append(rate("prevalence_underweight", "Underweight (BB kurang)", "underweight", "waz_measured", "balita"))
        rows.append(rate("prevalence_bumil_kek", "Ibu hamil KEK", "bumil_kek", "bumil_measured",
                         f"ibu hamil (LiLA < {fmt.number(kek_cm, 1)} cm)"))
        change = self.change("ds_ratio")
        rows.append(Kpi("ds_ratio", "Partisipasi D/S", "Partisipasi D/S", fmt.share(now.get("ds_ratio")),
                        None if change is None else fmt.points(change * 100), True,
                        f"N/D {fmt.share(now.get('nd_ratio'))}; D {count(now.get('d'))} / S {count(now.get('s'))}",
                        steady=change == 0))
        return rows

    def few_text(self, key: str, den_key: str, unit: str = "balita diukur") -> str:
        """'hanya 7 balita diukur (kurang dari 10); IK 95% (Wilson) 2,6% – 51,3%': why a rate reads "data
        kurang" (the interval is blank when a count is hidden from the public)."""
        # for the public a count is rounded (8 reads 10): "fewer than the minimum" is said without it
        n = (f"kurang dari {self.min_children} {unit}" if self.hidden_below is not None else
             f"hanya {self.count(self.now.get(den_key))} {unit} (kurang dari {self.min_children})")
        interval = fmt.interval(self.now.get(key + '_low'), self.now.get(key + '_high'))
        return n if interval == fmt.MISSING else f"{n}; IK 95% (Wilson) {interval}"   # hidden: no interval

    @property
    def _few_since_baseline(self) -> bool:
        return "prevalence_stunting" in self.few or "prevalence_stunting" in self.baseline_few

    def _few_row(self, key: str, label: str, name: str, den_key: str, unit: str) -> Kpi:
        """A prevalence with too few children measured: "data kurang", n and the interval, no change."""
        return Kpi(key, label, name, INSUFFICIENT, None, True,
                   f"{self.few_text(key, den_key, unit)}: angka terlalu tidak pasti untuk disimpulkan",
                   insufficient=True)

    def _coverage_row(self) -> Kpi:
        now = self.now
        if now.get("coverage") is None:
            why = ("sasaran tidak dirinci menurut umur/jenis kelamin" if self.age_group or self.sex else
                   "sasaran balita tahun ini belum diimpor (python -m konvergensi import sasaran)"
                   if now.get("target_population") is None else "angka kecil tidak ditampilkan")
            return Kpi("coverage", "Cakupan pengukuran", "Cakupan pengukuran balita", fmt.MISSING, None, True, why)
        shift = self.coverage_shift(self.previous)
        return Kpi("coverage", "Cakupan pengukuran", "Cakupan pengukuran balita", fmt.share(now["coverage"]),
                   None if shift is None else fmt.points(shift), True,
                   f"{self.count(now.get('children_measured'))} balita diukur dari "
                   f"{fmt.number(now['target_population'])} sasaran balita"
                   + (f" ({WEIGHING_LABEL})" if self.weighing_month else ""))

    def _estimated_row(self) -> Kpi:
        now = self.now
        label, name = "Perkiraan stunting seluruh balita", "Perkiraan balita stunting di seluruh sasaran"
        if now.get("stunted_estimated") is None:
            return Kpi("stunted_estimated", label, name, fmt.MISSING, None, True,
                       "perlu sasaran balita dan prevalensi (lihat cakupan)")
        if "prevalence_stunting" in self.few:
            return Kpi("stunted_estimated", label, name, INSUFFICIENT, None, True,
                       f"rentang {fmt.number(round(now['stunted_estimated_low']))}–"
                       f"{fmt.number(round(now['stunted_estimated_high']))} anak; prevalensi dari "
                       f"{self.few_text('prevalence_stunting', 'children_measured')}", insufficient=True)
        change = None
        if self.previous and self.previous.get("stunted_estimated") is not None \
                and "prevalence_stunting" not in self.previous_few:
            change = now["stunted_estimated"] - self.previous["stunted_estimated"]
        return Kpi("stunted_estimated", label, name, fmt.number(round(now["stunted_estimated"])),
                   None if change is None else fmt.number(round(change), signed=True) + " anak", True,
                   f"rentang {fmt.number(round(now['stunted_estimated_low']))}–"
                   f"{fmt.number(round(now['stunted_estimated_high']))} anak (prevalensi dengan IK 95% Wilson × "
                   f"{fmt.number(now['target_population'])} sasaran); dapat dibandingkan antarbulan walau cakupan "
                   "berubah")

    def _baseline_row(self, area: str) -> Kpi:
        if self.baseline_period is None:
            return Kpi("since_baseline", "Sejak baseline", "Perubahan sejak baseline", fmt.MISSING, None, False,
                       "belum ada baseline untuk wilayah ini")
        month = fmt.month(self.baseline_period)
        label, name = f"Sejak baseline {month}", f"Perubahan sejak baseline {month}"
        if self.baseline_missing:
            return Kpi("since_baseline", label, name, fmt.MISSING, None, False, self.baseline_missing_text(area))
        if self.baseline is None:
            return Kpi("since_baseline", label, name, fmt.MISSING, None, False,
                       f"{fmt.month(self.period)} adalah bulan baseline")
        change, points = self.since_baseline("stunted"), self.since_baseline("prevalence_stunting")
        warn = self.coverage_warning(self.baseline, self.coverage_warn_points, "bulan baseline")
        return Kpi("since_baseline", label, name,
                   fmt.MISSING if change is None else fmt.number(change, signed=True) + " anak", None, False,
                   (f"{fmt.points(points)}" if points is not None or not self._few_since_baseline else
                    f"prevalensi: {INSUFFICIENT}, perubahannya tidak dihitung")
                   + f"; baseline {self.count(self.baseline.get('stunted'))} anak "
                   f"({fmt.percent(self.baseline.get('prevalence_stunting'))})" + (f". ⚠️ {warn}" if warn else ""),
                   None if points is None else fmt.points(points))

    def _target_row(self, area: str) -> Kpi:
        t = self.target
        if t is None:
            note = ("target berlaku untuk semua balita suatu wilayah; tidak ada target untuk kelompok umur/jenis "
                    "kelamin" if self.age_group or self.sex else "belum ada target untuk wilayah ini")
            return Kpi("target", "Jarak ke target", "Jarak ke target", fmt.MISSING, None, False, note)
        goal = f"target {fmt.number(t.target_value)} anak" + (TARGET_PASSED if self.target_passed else "")
        note = f"{goal}; sumber: {t.source or '-'}"
        if self.target_basis:
            note += (f". Dibandingkan setara: prevalensi sekarang × {fmt.number(self.baseline_measured)} balita yang "
                     f"diukur pada bulan baseline = {fmt.number(round(self.comparable_stunted))} anak (target "
                     "ditetapkan dari jumlah yang ditemukan pada cakupan bulan baseline; jumlah yang ditemukan "
                     "sekarang naik-turun mengikuti banyaknya anak yang diukur)")
        if self.baseline_missing:
            note += f". {self.baseline_missing_text(area)}"
        label = f"Jarak ke target {fmt.month(t.target_date)}"
        return Kpi("target", label, label, self.target_status, None, False, note, goal)


# --- computing -------------------------------------------------------------------------------------------

def target(con: duckdb.DuckDBPyConnection, area_id: str, indicator: str = "stunted", age_group=None,
           sex=None) -> targets.Target | None:
    """The target set for the area (konvergensi.domain.targets.pick), None under an age or sex filter: targets are
    set for all children of an area."""
    if age_group or sex:
        return None
    return targets.pick(db.run_query(con, "targets_for_area", area_id=area_id), indicator)


def enclosing(con: duckdb.DuckDBPyConnection, area_id: str) -> list[str]:
    """The area and the areas that hold it, nearest first (kelurahan, kecamatan, kabupaten/kota)."""
    parent = dict(zip(*[summary.regions(con)[c] for c in ("region_id", "parent_id")]))
    chain = []
    while area_id and area_id in parent and area_id not in chain:
        chain.append(area_id)
        area_id = parent[area_id]
    return chain


def baseline_period(con: duckdb.DuckDBPyConnection, area_id: str) -> datetime.date | None:
    """The baseline month for "change since baseline": the stunting target's baseline of the area, else of
    the nearest enclosing area with one (None when no target is set)."""
    for area in enclosing(con, area_id):
        t = target(con, area)
        if t is not None:
            return t.baseline_period
    return None


def compute(con: duckdb.DuckDBPyConnection, period=None, area_id: str | None = None, age_group=None, sex=None,
            config=None, hidden_below: int | None = None) -> Overview:
    """The overview of an area (None: the first kabupaten/kota) and subgroup for a month (None: the latest
    with data). `hidden_below`: the suppression threshold when small counts are hidden from the viewer.
    `config` None: the default thresholds (min_children_map 10: a prevalence of fewer children measured
    reads "data kurang")."""
    period = summary.month_start(period) if period is not None else summary.latest_period(con)
    thresholds = config.thresholds if config is not None else DEFAULTS
    viewer = suppress.Viewer(hidden_below)   # the registry's headline counts, rates and totals (publik)
    few = {}   # month -> rates with too few children measured, decided on the true counts (as on Peta)

    def headline(month):
        record = summary.headline(con, month, area_id, age_group, sex, config)
        few[month] = frozenset(small_rates(record, thresholds.min_children_map))
        return viewer.record(record)

    now = headline(period)
    area = now.get("area_id")
    previous_period = data_status.status(con).previous_period(period) if period else None
    goal = target(con, area, "stunted", age_group, sex) if area else None
    base_period = goal.baseline_period if goal else (baseline_period(con, area) if area else None)
    base, missing = None, False
    if base_period is not None and base_period != period:
        base = headline(base_period)
        if base.get("children_measured") == 0:
            base, missing = None, True
    previous = headline(previous_period) if previous_period else None
    return Overview(period=period, area_id=area, age_group=age_group, sex=now.get("sex"), now=now,
                    previous_period=previous_period, previous=previous,
                    baseline_period=base_period, baseline=base, baseline_missing=missing, target=goal,
                    hidden_below=hidden_below, coverage_warn_points=thresholds.coverage_warn_points,
                    min_children=thresholds.min_children_map, few=few[period],
                    previous_few=few.get(previous_period, frozenset()),
                    baseline_few=few.get(base_period, frozenset()) if base is not None else frozenset())


def small_rates(record: dict, minimum: int) -> list[str]:
    """The rates of a headline record (SMALL_DENOMINATOR) whose children measured are 1 to minimum - 1: too
    few for the figure to mean anything alone (none measured is no figure at all, not "data kurang")."""
    return [key for key, den in SMALL_DENOMINATOR.items()
            if not fmt.is_missing(record.get(den)) and 0 < record[den] < minimum]
