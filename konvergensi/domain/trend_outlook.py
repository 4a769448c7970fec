"""Where the monthly stunting series is heading, in numbers and words: the glue shared by the Tren page
(pages/tren.py) and the meeting pack (konvergensi.report.rakor), so both say the same thing.

`outlook(series, target, kind, window)` takes the monthly series (period, stunted, measured and the shown
column: `stunted` for counts, `prevalence` for percent) and the area's target (konvergensi.domain.targets,
or None) and returns:

- `projection`: PREVALENCE projected with the weighing-month effect and the backtested interval
  (konvergensi.domain.projection.project_prevalence), to the target date or at most 6 months ahead;
- `shown`: that projection in the unit shown. Counts are never extrapolated: a projected count is projected
  prevalence x the number measured in the latest comparable month (`projection.count_from_prevalence`);
- the legend labels, with the interval's meaning ("memuat X% hasil pada uji mundur"), never "95%";
- `notes`: the explanatory sentences (Markdown bold with **; `plain` removes it for the pack), from `parts`:
  key -> sentence (method, estimate, interval, count_basis, count_why, target, target_passed, trajectory,
  insufficient), so the pack can keep the ones that fit on its page.

`monthly(shown, raw, minimum, hidden_below)` adds to the monthly series what the line says about each month:
its Wilson 95% interval (`low`, `high`, from the counts shown), `few` (fewer than `minimum` children measured,
decided on the true counts as on Peta: drawn as a hollow marker) and `hover` (e.g. 'data kurang: 5 balita
diukur, IK 95% 2,6% – 51,3%'). A month whose count is hidden from the public stays missing (a gap in the
line, never 0). `contiguous_tail(values)`: the last run of months without a gap (KPI sparklines).

No Streamlit, no database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd

from konvergensi.core import fmt
from konvergensi.domain import indicators, projection, suppress

DEFAULT_WINDOW = 12      # the Tren page's default "Dasar proyeksi"


@dataclass(frozen=True)
class Outlook:
    kind: str                                    # "count" or "percent"
    last: datetime.date                          # last month of the series
    horizon: datetime.date                       # the month projected to (target date or 6 months ahead)
    projection: projection.PrevalenceProjection | None
    shown: pd.DataFrame | None                   # projection in the unit shown; None below 2 rows
    band_label: str
    projection_label: str
    parts: dict                                  # note key -> sentence, in the page's order (see `notes`)

    @property
    def notes(self) -> tuple[str, ...]:
        """The page's notes: one per part, the count's 'why' in the same note as its basis."""
        out: list[str] = []
        for key, text in self.parts.items():
            if key == "count_why" and out:
                out[-1] += " " + text
            else:
                out.append(text)
        return tuple(out)

    @property
    def tested(self) -> bool:
        """The interval has been tested by the backtest (otherwise none is drawn)."""
        return bool(self.projection and self.projection.tested)


def monthly(shown: pd.DataFrame, raw: pd.DataFrame | None = None, minimum: int | None = None,
            hidden_below: int | None = None) -> pd.DataFrame:
    """`shown` (period, stunted, measured: as the viewer may see them) with `low`, `high` (Wilson 95% of
    stunted/measured, percent; NaN where a count is hidden or nobody was measured), `few` (0 < true measured
    < minimum; `raw` holds the true counts, default `shown`) and `hover` (the month's note for the chart).
    `hidden_below`: the viewer's threshold when counts are protected (suppress.Viewer.hidden_below), else None."""
    count_text = suppress.Viewer(hidden_below).count_text
    out = shown.copy()
    stunted = pd.to_numeric(out["stunted"], errors="coerce").astype("float64")
    measured = pd.to_numeric(out["measured"], errors="coerce").astype("float64")
    low, high = indicators.wilson_interval(stunted.to_numpy(), measured.to_numpy())
    out["low"], out["high"] = low, high
    source = shown if raw is None else raw
    true = dict(zip(pd.to_datetime(source["period"]), pd.to_numeric(source["measured"], errors="coerce")))
    n = pd.Series([true.get(p) for p in pd.to_datetime(out["period"])], index=out.index, dtype="float64")
    out["few"] = (n > 0) & (n < minimum) if minimum else False
    # for the public a count is rounded (8 reads 10): "fewer than the minimum" is said without it
    few_n = (lambda m: f"kurang dari {minimum}") if hidden_below is not None else \
        (lambda m: f"{fmt.number(m)} (kurang dari {minimum})")
    out["hover"] = [
        (f"data kurang: {few_n(m)} balita diukur, IK 95% {fmt.percent(lo)} – {fmt.percent(hi)}" if few else
         f"IK 95% {fmt.percent(lo)} – {fmt.percent(hi)}; {count_text(m)} balita diukur" if not fmt.is_missing(lo)
         else f"{count_text(m)} balita diukur")
        for m, lo, hi, few in zip(out["measured"], low, high, out["few"])]
    return out


def contiguous_tail(values) -> list[float]:
    """The last run of values without a missing one: a sparkline drawn through a hidden month would show
    0 or join its neighbours, so it shows only the months since the last gap."""
    out: list[float] = []
    for v in reversed(list(values)):
        if fmt.is_missing(v):
            break
        out.append(float(v))
    return out[::-1]


def plain(text: str) -> str:
    """A note without its Markdown bold (for the PDF/PPTX)."""
    return text.replace("**", "")


def outlook(series: pd.DataFrame, target, kind: str = "count", window: int = DEFAULT_WINDOW) -> Outlook:
    """Projection, labels and notes for `series` (see the module docstring). `series` must not be empty."""
    column = "stunted" if kind == "count" else "prevalence"
    last = projection.month_start(projection.month_index(series.period.max()))
    # project to the target date, or 6 months ahead; the interval is tested up to 6 months, so no further
    horizon = target.target_period if target and target.target_period > last else projection.add_months(last, 6)
    # prevalence is projected (counts follow how many children were measured); a count only as prevalence x
    # the number measured in the latest comparable month (weighing month or routine month)
    proj = projection.project_prevalence(series.period, series.stunted, series.measured, until=horizon, window=window)
    shown = None
    if proj:
        shown = proj.frame if kind == "percent" else projection.count_from_prevalence(proj.frame, series.period,
                                                                                       series.measured)
    if shown is not None and len(shown) <= 1:
        shown = None
    band_label = (f"Rentang proyeksi (memuat {fmt.percent(proj.held_percent, 0)} hasil pada uji mundur)"
                  if proj and proj.tested else "Rentang proyeksi")
    projection_label = "Proyeksi prevalensi" if kind == "percent" else "Proyeksi jumlah (dari prevalensi)"

    as_text = fmt.number if kind == "count" else fmt.percent
    notes = {}
    if proj and shown is not None:
        end = shown.iloc[-1]
        fit = proj.fit
        effect = ("tidak dapat diperkirakan (tidak ada bulan penimbangan dan bulan biasa sekaligus)"
                  if fit.weighing_effect is None else fmt.points(fit.weighing_effect, 2))
        notes["method"] = (
            f"**Cara proyeksi:** prevalensi {fit.months_used} bulan terakhir ({fmt.month(fit.first_period)} – "
            f"{fmt.month(fit.last_period)}) diringkas menjadi garis lurus ditambah selisih tetap untuk bulan "
            f"penimbangan massal (Februari/Agustus), lalu garis itu diteruskan: tren {fmt.points(fit.slope_per_month, 2)} "
            f"per bulan, selisih bulan penimbangan {effect}."
        )
        in_band = not (fmt.is_missing(end.lower) or fmt.is_missing(end.upper))
        band_text = f" (rentang {as_text(end.lower)} – {as_text(end.upper)})" if in_band else " (tanpa rentang)"
        notes["estimate"] = (f"Bila pola ini berlanjut, pada {fmt.month(end.period)} diperkirakan **{as_text(end.fit)}**{band_text}.")
        if proj.tested:
            notes["interval"] = (
                f"**Arti rentang:** lebarnya diambil dari kesalahan proyeksi cara yang sama di masa lalu wilayah ini "
                f"({proj.level_text} kesalahan itu berada di dalamnya). Pada uji mundur (proyeksi dibuat dari setiap "
                f"bulan lampau memakai data sampai bulan itu saja, 1–6 bulan ke depan) rentang seperti ini memuat angka "
                f"sebenarnya **{fmt.number(proj.held)} dari {fmt.number(proj.tested)} kali ({fmt.percent(proj.held_percent, 0)})**."
            )
        else:
            notes["interval"] = ("**Tanpa rentang:** riwayat wilayah ini belum cukup panjang untuk menguji seberapa sering "
                         "proyeksi meleset, jadi rentang tidak ditampilkan.")
        if kind == "count":
            basis = shown.drop_duplicates("basis_period")
            notes["count_basis"] = ("Jumlah proyeksi = prevalensi proyeksi × jumlah balita yang diukur pada bulan sejenis "
                                    "terakhir (" + ", ".join(f"{fmt.month(r.basis_period)}: {fmt.number(r.measured_basis)} diukur"
                                                             for r in basis.itertuples()) + ").")
            notes["count_why"] = ("Jumlah mentah tidak diproyeksikan langsung karena naik-turun mengikuti banyaknya "
                                  "balita yang diukur.")
        reaches = target is not None and target.target_period > last and projection.month_index(end.period) >= \
            projection.month_index(target.target_period)
        if target and target.target_period > last and not reaches:
            notes["target"] = (f"Target {fmt.month(target.target_period)} lebih dari 6 bulan lagi: proyeksi hanya diuji sampai "
                         "6 bulan ke depan, jadi tidak dipakai untuk menilai target.")
        elif reaches:
            verdict = proj.verdict(target.target_value) if kind == "percent" else \
                projection.band_verdict(end.lower, end.upper, target.target_value)
            notes["target"] = ({
                "tercapai": f"Target {as_text(target.target_value)} pada {fmt.month(target.target_period)} **kemungkinan tercapai** "
                            "(seluruh rentang di bawah target).",
                "tidak tercapai": f"Target {as_text(target.target_value)} pada {fmt.month(target.target_period)} "
                                  "**tidak akan tercapai** dengan laju saat ini (seluruh rentang di atas target).",
                "belum pasti": f"Apakah target {as_text(target.target_value)} pada {fmt.month(target.target_period)} "
                               "tercapai **belum pasti** (target berada di dalam rentang proyeksi).",
                "tanpa rentang": f"Tanpa rentang yang teruji, tercapai-tidaknya target {as_text(target.target_value)} "
                                 f"pada {fmt.month(target.target_period)} tidak dinilai.",
            }[verdict])
    else:
        notes["insufficient"] = ("Data belum cukup (kurang dari 3 bulan dengan balita diukur) untuk proyeksi.")
    if target and target.target_period <= last:
        recorded = series[series.period == pd.Timestamp(target.target_period)][column]
        value = recorded.iloc[0] if len(recorded) else None
        if fmt.is_missing(value):
            notes["target_passed"] = (f"Tanggal target ({fmt.month(target.target_period)}) sudah lewat; tidak ada angka tercatat untuk bulan itu.")
        else:
            met = value <= target.target_value
            notes["target_passed"] = (f"Tanggal target sudah lewat: pada {fmt.month(target.target_period)} tercatat **{as_text(value)}**, "
                         f"target {as_text(target.target_value)} **{'tercapai' if met else 'tidak tercapai'}**. "
                         f"Proyeksi di atas menunjukkan arah sampai {fmt.month(horizon)}.")
    if target:
        notes["trajectory"] = (f"Lintasan target: garis lurus dari baseline {fmt.month(target.baseline_period)} "
                     f"({as_text(target.baseline_value)}) ke target {fmt.month(target.target_period)} "
                     f"({as_text(target.target_value)}). Sumber target: {target.source or '-'}.")
    return Outlook(kind=kind, last=last, horizon=horizon, projection=proj, shown=shown, band_label=band_label,
                   projection_label=projection_label, parts=notes)
