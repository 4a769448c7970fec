"""Bahan rakor: the review-meeting pack (PDF and PPTX) for the whole kota or one kecamatan.

One call, `generate(con, ...)`, gathers the figures with the dashboard's own queries and core functions
(summary.headline, rates.add_rates/lagging, targets.pick, projection, posyandu.performance,
convergence.complete_actions) - no indicator is computed differently here - and writes:

1. cover: region, area, period (Indonesian dates), "Data contoh (sintetis)" when the build is synthetic;
2. Ringkasan: the overview paragraph (konvergensi.narrative) and the KPI table against the target
   (stunted, prevalence with its Wilson 95% interval, change since last month and since the baseline,
   distance to the target; wasting, underweight, ibu hamil KEK, D/S);
3. Peta: kelurahan prevalence map (static, konvergensi.rakor_figures.static_map);
4. Tren: monthly stunted children against the target trajectory, with the projection (ui.charts.trend);
5. Kelurahan dengan prevalensi tertinggi (those with at least min_children_map measured children);
6. Posyandu perlu perhatian (posyandu.attention_reasons);
7. Aksi konvergensi of the period's year;
8. Definisi indikator (konvergensi.indicators).

For role publik every count of 1..suppress_below-1 and the rates computed from it are hidden with
konvergensi.suppress, in the KPI table, the map colours, the trend, and every table ("<5", "*").
No Streamlit here: pages/rakor.py and `python -m konvergensi rakor` both call `generate`.
"""

from __future__ import annotations

import datetime
import html
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from konvergensi import config as kconfig
from konvergensi import convergence, db, fmt, indicators, narrative, posyandu, projection, rates, suppress, summary, targets

SYNTHETIC_LABEL = "Data contoh (sintetis)"
FORMATS = ("pdf", "pptx")
ROLES = ("publik", "pimpinan", "petugas", "admin")
DEFINITION_KEYS = ("stunted", "prevalence_stunting", "wasted", "underweight", "bumil_kek", "ds_ratio", "nd_ratio")
LAGGING_ROWS = 10
POSYANDU_ROWS = 15
PPTX_POSYANDU_ROWS = 10     # a slide holds fewer rows than a page (reasons wrap)


class RakorError(ValueError):
    """A request the pack cannot serve (unknown area, a kelurahan, no data): Indonesian message."""


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Pack:
    """Everything the documents show, already formatted and suppressed for the role."""
    region_name: str
    area_id: str
    area_label: str                 # 'Kota Kupang' | 'Kecamatan Maulafa'
    area_level: str
    period: datetime.date
    generated: datetime.date
    synthetic: bool
    role: str
    suppress_below: int
    overview: str
    kpis: Table
    lagging: Table
    posyandu: Table
    aksi: Table
    definitions: list[indicators.Indicator]
    map_png: bytes | None
    map_figure: object | None       # the plotly figure behind map_png (tests look at its colours)
    map_note: str
    trend_png: bytes | None
    trend_note: str
    posyandu_summary: str
    aksi_summary: str
    timings: dict = field(default_factory=dict)

    @property
    def suppressing(self) -> bool:
        return suppress.applies(self.role)

    @property
    def title(self) -> str:
        return "Bahan Rapat Koordinasi Percepatan Penurunan Stunting"

    @property
    def subtitle(self) -> str:
        return f"{self.area_label} · {fmt.month(self.period)}"

    @property
    def place_line(self) -> str:
        """'Kota Kupang · Oktober 2024' or 'Kota Kupang · Kecamatan Maulafa · Oktober 2024'."""
        area = self.region_name if self.area_level == "kabkota" else f"{self.region_name} · {self.area_label}"
        return f"{area} · {fmt.month(self.period)}"

    def file_stem(self) -> str:
        return "rakor_" + "_".join(self.area_label.split()) + f"_{fmt.period_key(self.period)}"


# --- gathering -------------------------------------------------------------------------------------------

def _regions(con) -> pd.DataFrame:
    return summary.regions(con)


def resolve_area(con, area) -> tuple[str, str, str]:
    """(region_id, level, label) of a kota or kecamatan name/code; RakorError otherwise."""
    frame = _regions(con)
    if area is None or str(area).strip() == "":
        top = frame[frame.level == "kabkota"].sort_values("region_id")
        if not len(top):
            raise RakorError("basis data belum berisi wilayah (tabel regions kosong)")
        r = top.iloc[0]
        return r.region_id, "kabkota", r["name"]
    try:
        region_id = summary.region_id_of_area(con, area)
    except summary.AreaNotFound as exc:
        raise RakorError(str(exc)) from None
    r = frame[frame.region_id == region_id].iloc[0]
    if r.level == "kelurahan":
        raise RakorError(f"{r['name']!r} adalah kelurahan; bahan rakor dibuat untuk kota atau satu kecamatan "
                         f"(kelurahan ini masuk kecamatan {frame.set_index('region_id').name.get(r.parent_id, '-')})")
    label = r["name"] if r.level == "kabkota" else f"Kecamatan {r['name']}"
    return region_id, r.level, label


def _previous_period(con, period: datetime.date) -> datetime.date | None:
    from konvergensi import data_status

    return data_status.status(con).previous_period(period)


def _target(con, area_id: str, indicator: str = "stunted") -> targets.Target | None:
    return targets.pick(db.run_query(con, "targets_for_area", area_id=area_id), indicator)


def _baseline_period(con, area_id: str, top_id: str, target: targets.Target | None) -> datetime.date | None:
    """The area's own target baseline, else the region's (as the Peta page does)."""
    if target is not None:
        return target.baseline_period
    other = _target(con, top_id)
    return other.baseline_period if other else None


class _Display:
    """Counts and rates for the role: small counts hidden for publik (konvergensi.suppress)."""

    def __init__(self, role: str, threshold: int):
        self.on = suppress.applies(role)
        self.threshold = threshold

    def record(self, record: dict | None) -> dict | None:
        if record is None or not self.on:
            return record
        return suppress.suppress_record(record, summary.HEADLINE_COUNTS, summary.HEADLINE_RATES, self.threshold)

    def frame(self, frame: pd.DataFrame, counts, rate_columns, **options) -> pd.DataFrame:
        if not self.on:
            return frame
        cols = [c for c in counts if c in frame.columns]
        return suppress.suppress_frame(frame, cols, rate_columns, self.threshold, **options)

    def count(self, value, state=None) -> str:
        """'<5' / '*' for hidden counts (publik), else the Indonesian number."""
        if self.on and state in (suppress.PRIMARY, suppress.SECONDARY):
            return suppress.display_count(value, state, self.threshold)
        if value is None or (self.on and fmt.is_missing(value)):
            return suppress.label(self.threshold) if self.on else fmt.MISSING
        return fmt.number(value)


def _minus(a, b):
    return None if fmt.is_missing(a) or fmt.is_missing(b) else a - b


def _kpi_table(now: dict, prev: dict | None, base: dict | None, prev_period, base_period, target, show: _Display,
               kek_cm: float) -> Table:
    rows = []
    p_change = _minus(now["stunted"], prev["stunted"]) if prev else None
    rows.append(["Balita stunting (TB/U < -2 SD)", show.count(now["stunted"]),
                 fmt.MISSING if p_change is None else fmt.number(p_change, signed=True) + " anak",
                 f"{show.count(now['severely_stunted'])} sangat pendek (< -3 SD)"])
    pp = _minus(now["prevalence_stunting"], prev["prevalence_stunting"]) if prev else None
    interval = (f"IK 95% (Wilson) {fmt.percent(now.get('prevalence_stunting_low'))} – "
                f"{fmt.percent(now.get('prevalence_stunting_high'))}; " if now["prevalence_stunting"] is not None else "")
    rows.append(["Prevalensi stunting", fmt.percent(now["prevalence_stunting"]),
                 fmt.MISSING if pp is None else fmt.points(pp),
                 f"{interval}dari {show.count(now['children_measured'])} balita diukur"])
    if base is not None:
        b_change = _minus(now["stunted"], base["stunted"])
        b_points = _minus(now["prevalence_stunting"], base["prevalence_stunting"])
        rows.append([f"Perubahan sejak baseline {fmt.month(base_period)}",
                     fmt.MISSING if b_change is None else fmt.number(b_change, signed=True) + " anak",
                     "",
                     f"{fmt.points(b_points) if b_points is not None else fmt.MISSING}; baseline "
                     f"{show.count(base['stunted'])} anak ({fmt.percent(base['prevalence_stunting'])})"])
    else:
        rows.append(["Perubahan sejak baseline", fmt.MISSING, "", "belum ada baseline untuk wilayah ini"])
    if target is not None:
        gap = _minus(now["stunted"], target.target_value)
        rows.append([f"Jarak ke target {fmt.month(target.target_date)}",
                     fmt.MISSING if gap is None else ("tercapai" if gap <= 0 else f"{fmt.number(gap)} anak lagi"),
                     "", f"target {fmt.number(target.target_value)} anak; sumber: {target.source or '-'}"])
    else:
        rows.append(["Jarak ke target", fmt.MISSING, "", "belum ada target untuk wilayah ini"])

    def rate_row(label, key, count_key, den_key, extra=""):
        change = _minus(now.get(key), prev.get(key)) if prev else None
        rows.append([label, fmt.percent(now.get(key)), fmt.MISSING if change is None else fmt.points(change),
                     f"{show.count(now.get(count_key))} dari {show.count(now.get(den_key))}{extra}"])

    rate_row("Wasting (gizi kurang/buruk)", "prevalence_wasting", "wasted", "whz_measured", " balita")
    rate_row("Underweight (BB kurang)", "prevalence_underweight", "underweight", "waz_measured", " balita")
    rate_row("Ibu hamil KEK", "prevalence_bumil_kek", "bumil_kek", "bumil_measured",
             f" ibu hamil (LiLA < {fmt.number(kek_cm, 1)} cm)")
    ds_change = _minus(now.get("ds_ratio"), prev.get("ds_ratio")) if prev else None
    rows.append(["Partisipasi D/S", fmt.share(now.get("ds_ratio")),
                 fmt.MISSING if ds_change is None else fmt.points(ds_change * 100),
                 f"N/D {fmt.share(now.get('nd_ratio'))}; D {show.count(now.get('d'))} / S {show.count(now.get('s'))}"])
    compare = f"Dibanding {fmt.month(prev_period)}" if prev_period else "Dibanding bulan lalu"
    return Table("Indikator utama", ["Indikator", f"Nilai {fmt.month(now['period'])}", compare, "Keterangan"], rows)


def _state_columns(frame: pd.DataFrame, counts) -> pd.DataFrame:
    """The suppression mark of each count cell as a column `_state_<count>` (survives filtering/sorting)."""
    states = frame.attrs.get("suppressed") or {}
    return frame.assign(**{f"_state_{c}": states.get(c, [None] * len(frame)) for c in counts if c in frame.columns})


def gather(con: duckdb.DuckDBPyConnection, *, period=None, area=None, role: str = "publik", config=None,
           figures: bool = True, today: datetime.date | None = None) -> Pack:
    """Collect and format everything the pack shows (and render its two images when `figures`)."""
    from konvergensi import rakor_figures
    from konvergensi.ui import charts, maps

    if role not in ROLES:
        raise RakorError(f"peran {role!r} tidak dikenal; pilih salah satu: {', '.join(ROLES)}")
    cfg = config if config is not None else kconfig.load()
    thresholds = cfg.thresholds
    threshold = suppress.threshold(cfg)
    show = _Display(role, threshold)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    area_id, level, label = resolve_area(con, area)
    top = _regions(con)
    kabkota = top[top.level == "kabkota"].sort_values("region_id")
    parent = dict(zip(top.region_id, top.parent_id))
    top_id = area_id                      # the kabupaten/kota of the area (a province holds several)
    while parent.get(top_id) in parent:
        top_id = parent[top_id]
    if top_id not in set(kabkota.region_id):
        top_id = kabkota.region_id.iloc[0]
    try:
        period = summary.month_start(period) if period is not None else summary.latest_period(con)
    except ValueError as exc:
        raise RakorError(str(exc)) from None
    if period is None:
        raise RakorError("basis data belum berisi data pengukuran: tidak ada periode untuk bahan rakor")
    info = db.build_info(con)
    region_name = (info.get("region_name") if len(kabkota) == 1 else None) or top[top.region_id == top_id].name.iloc[0]

    now_raw = summary.headline(con, period, area_id, None, None, cfg)
    if not now_raw["children_measured"]:
        latest = summary.latest_period(con)
        raise RakorError(f"belum ada balita yang diukur di {label} pada {fmt.month(period)}; bulan terakhir "
                         f"dengan data: {fmt.month(latest)} (--period {fmt.period_key(latest)})")
    prev_period = _previous_period(con, period)
    target = _target(con, area_id)
    base_period = _baseline_period(con, area_id, top_id, target)
    now = show.record(now_raw)
    prev = show.record(summary.headline(con, prev_period, area_id, None, None, cfg)) if prev_period else None
    base = show.record(summary.headline(con, base_period, area_id, None, None, cfg)) if base_period else None

    min_children = thresholds.min_children_map
    counts = rates.add_rates(db.run_query(con, "indicators_by_kelurahan", period=period,
                                          baseline_period=base_period or period, area_id=area_id, age_group=None,
                                          sex=None, kek_muac=thresholds.kek_muac_cm), min_children)
    kel = _state_columns(show.frame(counts, maps.COUNT_COLUMNS, maps.RATE_COLUMNS), maps.COUNT_COLUMNS)
    lag = rates.lagging(kel, LAGGING_ROWS)

    if now["stunted"] is None:
        overview = (f"Per {fmt.month(period)}, jumlah balita stunting di {label} kurang dari {threshold} anak "
                    "(angka kecil tidak ditampilkan untuk publik).")
    else:
        overview = narrative.overview(narrative.Situation(
            area=label, period=period, measured=now["children_measured"] or 0, stunted=now["stunted"],
            prevalence=now["prevalence_stunting"], previous_period=prev_period if prev else None,
            previous_stunted=prev["stunted"] if prev else None,
            previous_prevalence=prev["prevalence_stunting"] if prev else None,
            baseline_period=base_period if base else None, baseline_stunted=base["stunted"] if base else None,
            target_date=target.target_date if target else None,
            target_stunted=target.target_value if target else None,
            lagging=list(zip(lag.name, lag.prevalence))))
    kpis = _kpi_table(now, prev, base, prev_period, base_period, target, show, thresholds.kek_muac_cm)
    timings["data"] = time.perf_counter() - t0

    # lagging kelurahan
    lag_rows = [[r["name"], r["kecamatan"], show.count(r["measured"], r["_state_measured"]),
                 show.count(r["stunted"], r["_state_stunted"]), fmt.percent(r["prevalence"]),
                 maps.wilson_text(r["prevalence_lo"], r["prevalence_hi"]),
                 fmt.points(r["change_points"]) if base_period else fmt.MISSING]
                for _, r in lag.iterrows()]
    lag_note = (f"Hanya kelurahan dengan sedikitnya {min_children} balita terukur (di bawah itu angka terlalu "
                "tidak pasti). IK = interval kepercayaan 95% (Wilson).")
    if base_period:
        lag_note += f" Perubahan: dibanding baseline {fmt.month(base_period)}."
    lagging = Table("Kelurahan dengan prevalensi tertinggi",
                    ["Kelurahan", "Kecamatan", "Diukur", "Stunting", "Prevalensi", "IK 95%", "Perubahan"],
                    lag_rows, lag_note)

    # posyandu needing attention
    perf = posyandu.performance(db.run_query(con, "posyandu_performance", period=period, area_id=area_id),
                                thresholds)
    t = thresholds
    perf = _state_columns(show.frame(perf.reset_index(drop=True), posyandu.PERFORMANCE_COUNTS, posyandu.PERFORMANCE_RATES), posyandu.PERFORMANCE_COUNTS)
    attention = perf[perf.attention.fillna("") != ""]
    attention = attention.assign(_n=attention.attention.str.count(";")).sort_values(
        ["_n", "ds", "name"], ascending=[False, True, True], na_position="last")
    pos_rows = [[r["name"], r["kelurahan"], {True: "ya", False: "tidak"}.get(r["opened"], "tidak lapor")
                 if not fmt.is_missing(r["opened"]) else "tidak lapor",
                 fmt.share(r["ds"]), fmt.share(r["nd"]),
                 r["strata_computed"] if not fmt.is_missing(r["strata_computed"]) else "data kurang", r["attention"]]
                for _, r in attention.head(POSYANDU_ROWS).iterrows()]
    pos_note = (f"Perlu perhatian: tidak buka, D/S < {fmt.share(t.ds_target, 0)}, N/D < {fmt.share(t.nd_target, 0)}, "
                "strata hitung Pratama, atau strata tercatat lebih tinggi dari strata hitung.")
    if len(attention) > POSYANDU_ROWS:
        pos_note += f" Ditampilkan {POSYANDU_ROWS} dari {fmt.number(len(attention))}; daftar lengkap di halaman Posyandu."
    posyandu_table = Table("Posyandu yang perlu perhatian",
                           ["Posyandu", "Kelurahan", "Buka", "D/S", "N/D", "Strata hitung", "Alasan"], pos_rows, pos_note)
    posyandu_summary = (f"{fmt.number(len(attention))} dari {fmt.number(len(perf))} posyandu di {label} perlu "
                        f"perhatian pada {fmt.month(period)}.")

    # aksi konvergensi of the year (kabupaten/kota level)
    year = period.year
    actions = convergence.complete_actions(db.run_query(con, "aksi_by_year", year=year), year)
    counts_by_status = convergence.action_summary(actions)
    aksi_rows = [[str(r.aksi_no), r.name, r.status if r.recorded else f"{r.status} (belum dicatat)",
                  fmt.date(r.done_date) if "done_date" in actions and not fmt.is_missing(r.done_date) else fmt.MISSING,
                  r.opd if not fmt.is_missing(getattr(r, "opd", None)) else fmt.MISSING]
                 for r in actions.itertuples(index=False)]
    aksi = Table(f"Aksi konvergensi {year}", ["No", "Aksi", "Status", "Tanggal selesai", "OPD"], aksi_rows,
                 "Delapan aksi konvergensi tingkat kabupaten/kota (berlaku untuk seluruh wilayah).")
    aksi_summary = (f"{counts_by_status['Selesai']} dari {counts_by_status['total']} aksi selesai, "
                    f"{counts_by_status['Berjalan']} berjalan, {counts_by_status['Belum mulai']} belum mulai.")

    # figures
    map_png = trend_png = map_figure = None
    map_note = (f"Abu-abu muda = {maps.INSUFFICIENT_LABEL}: kurang dari {min_children} balita terukur.")
    if show.on:
        map_note += f" Abu-abu tua = {maps.HIDDEN_LABEL} untuk publik."
    shapes = maps.load_boundaries(con, area_id)
    if shapes is not None:
        map_note += " " + shapes.note   # boundary source and licence, or that the tiles are schematic
    series = show.frame(rates.add_prevalence(db.run_query(con, "stunting_trend", area_id=area_id, age_group=None, sex=None)),
                        ("measured", "stunted"), ("prevalence",), secondary=False)
    series = series[pd.to_datetime(series.period) <= pd.Timestamp(period)]
    trajectory = (projection.trajectory(target.baseline_period, target.baseline_value, target.target_period,
                                        target.target_value) if target else None)
    # project to the target date, or 6 months ahead when there is none or it has passed (as the Tren page)
    horizon = target.target_period if target and target.target_period > period else projection.add_months(period, 6)
    proj = projection.project(series.period, series.stunted, until=horizon) if len(series) else None
    trend_note = ("Garis putus-putus ungu = lintasan target dari baseline ke target (★); " if target else
                  "Belum ada target untuk wilayah ini. ")
    trend_note += ("garis" if target else "Garis") + (" titik-titik jingga = proyeksi tren 12 bulan terakhir dengan "
                                                     "rentang prediksi 95%; ◆ = bulan penimbangan (Februari/Agustus).")
    if proj:
        trend_note += (f" Bila tren berlanjut, pada {fmt.month(horizon)} diperkirakan {fmt.number(proj.end_value)} anak "
                       f"(rentang {fmt.number(proj.end_lower)} – {fmt.number(proj.end_upper)}).")
    if target and target.target_period <= period:
        trend_note += f" Tenggat target {fmt.month(target.target_period)} sudah lewat."
    elif proj and target:
        verdict = {"tercapai": "kemungkinan tercapai", "tidak tercapai": "tidak akan tercapai dengan laju ini",
                   "belum pasti": "belum pasti tercapai"}[proj.verdict(target.target_value)]
        trend_note += f" Target {fmt.number(target.target_value)} anak {verdict}."
    if figures:
        t1 = time.perf_counter()
        if shapes is not None:
            enough = counts["measured"] >= min_children
            frame = kel.merge(shapes.rows[["region_id"]], on="region_id", how="inner") if len(kel) else kel
            enough = frame.region_id.map(dict(zip(counts.region_id, enough)))
            fig = rakor_figures.static_map(frame, shapes.geojson, maps.LAYERS["prevalensi"], enough=enough,
                                           outlines=shapes.outlines,
                                           labels="kecamatan" if level == "kabkota" else "kelurahan")
            map_png, map_figure = rakor_figures.to_png(fig, 1000, 640), fig
        if len(series):
            fig = charts.trend(series, value="stunted", label="Jumlah balita stunting", kind="count",
                               trajectory=trajectory, projection=proj.frame if proj else None,
                               target=(target.target_period, target.target_value) if target else None, height=520)
            trend_png = rakor_figures.to_png(fig, 1000, 520)
        timings["figures"] = time.perf_counter() - t1

    return Pack(region_name=str(region_name), area_id=area_id, area_label=label, area_level=level, period=period,
                generated=today or datetime.date.today(), synthetic=bool(info.get("synthetic")), role=role,
                suppress_below=threshold, overview=overview, kpis=kpis, lagging=lagging, posyandu=posyandu_table,
                aksi=aksi, definitions=[indicators.get(k) for k in DEFINITION_KEYS], map_png=map_png, map_figure=map_figure,
                map_note=map_note, trend_png=trend_png, trend_note=trend_note, posyandu_summary=posyandu_summary,
                aksi_summary=aksi_summary, timings=timings)


# --- PDF (WeasyPrint) ------------------------------------------------------------------------------------

PAGE_CSS = """
@page { size: A4 landscape; margin: 14mm 14mm 16mm 14mm;
  @bottom-left { content: "FOOTER"; font-size: 8pt; color: #555; font-family: "DejaVu Sans", sans-serif; }
  @bottom-right { content: "Halaman " counter(page) " dari " counter(pages); font-size: 8pt; color: #555;
    font-family: "DejaVu Sans", sans-serif; }
  @top-right { content: "BANNER"; font-size: 9pt; color: #b45309; font-weight: bold;
    font-family: "DejaVu Sans", sans-serif; } }
"""
CSS = """
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #1f2933; }
section { page-break-before: always; }
section.cover { page-break-before: avoid; text-align: left; padding-top: 40mm; }
h1 { font-size: 24pt; color: #0f766e; margin: 0 0 6mm 0; }
h2 { font-size: 16pt; color: #0f766e; margin: 0 0 4mm 0; }
.area { font-size: 20pt; font-weight: bold; }
.period { font-size: 16pt; margin-top: 3mm; }
.meta { margin-top: 14mm; color: #555; }
.synthetic { display: inline-block; margin-top: 8mm; padding: 2mm 4mm; background: #fef3c7; color: #92400e;
  border: 1px solid #f59e0b; font-weight: bold; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th { background: #0f766e; color: white; text-align: left; padding: 1.5mm 2mm; }
td { border-bottom: 1px solid #e5e7eb; padding: 1.3mm 2mm; vertical-align: top; }
p.note { font-size: 8.5pt; color: #555; }
img.figure { display: block; margin: 0 auto; max-width: 100%; max-height: 140mm; }
.overview { font-size: 11pt; line-height: 1.4; margin-bottom: 4mm; }
dl dt { font-weight: bold; margin-top: 2mm; }
dl dd { margin: 0 0 0 4mm; font-size: 8.5pt; }
"""


def _e(text) -> str:
    return html.escape(str(text))


def _css_string(text: str) -> str:
    """Text for a CSS content: "..." value (quotes and backslashes escaped, no line breaks)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")


def _table_html(t: Table) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in t.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in t.rows)
    if not t.rows:
        body = f"<tr><td colspan='{len(t.columns)}'>Tidak ada.</td></tr>"
    note = f"<p class='note'>{_e(t.note)}</p>" if t.note else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"


def _img(png: bytes | None, alt: str) -> str:
    if not png:
        return f"<p>{_e(alt)}: tidak ada data.</p>"
    import base64

    return f"<img class='figure' alt='{_e(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


def _suppression_sentence(pack: Pack) -> str:
    return suppress.note(pack.suppress_below) if pack.suppressing else ""


def to_html(pack: Pack) -> str:
    footer = pack.place_line
    if pack.synthetic:
        footer += f" · {SYNTHETIC_LABEL}"
    banner = SYNTHETIC_LABEL if pack.synthetic else ""
    page_css = PAGE_CSS.replace("FOOTER", _css_string(footer)).replace("BANNER", _css_string(banner))
    supp = _suppression_sentence(pack)
    supp_html = f"<p class='note'>{_e(supp)}</p>" if supp else ""
    defs = "".join(f"<dt>{_e(d.label)}</dt><dd>Pembilang: {_e(d.numerator)}<br>Penyebut: {_e(d.denominator)}<br>"
                   f"Periode: {_e(d.period_rule)}{('<br>' + _e(d.note)) if d.note else ''}</dd>"
                   for d in pack.definitions)
    role_text = "publik (angka kecil disembunyikan)" if pack.suppressing else pack.role
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{_e(pack.title)}</title>
<style>{page_css}{CSS}</style></head><body>
<section class="cover">
<h1>{_e(pack.title)}</h1>
<div class="area">{_e(pack.region_name)}{'' if pack.area_level == 'kabkota' else ' · ' + _e(pack.area_label)}</div>
<div class="period">Periode data: {_e(fmt.month(pack.period))}</div>
{f'<div class="synthetic">{SYNTHETIC_LABEL}</div>' if pack.synthetic else ''}
<div class="meta">Dibuat {_e(fmt.date(pack.generated))} dari Dasbor Konvergensi Stunting · untuk: {_e(role_text)}</div>
</section>
<section><h2>Ringkasan {_e(pack.subtitle)}</h2>
<p class="overview">{_e(pack.overview)}</p>
{_table_html(pack.kpis)}{supp_html}
<p class="note">Definisi setiap indikator ada di halaman terakhir.</p></section>
<section><h2>Peta prevalensi stunting per kelurahan</h2>{_img(pack.map_png, 'Peta')}
<p class="note">{_e(pack.map_note)}</p>{supp_html}</section>
<section><h2>Tren balita stunting dan lintasan target</h2>{_img(pack.trend_png, 'Tren')}
<p class="note">{_e(pack.trend_note)}</p>{supp_html}</section>
<section><h2>{_e(pack.lagging.title)}</h2>{_table_html(pack.lagging)}{supp_html}</section>
<section><h2>{_e(pack.posyandu.title)}</h2><p>{_e(pack.posyandu_summary)}</p>{_table_html(pack.posyandu)}{supp_html}</section>
<section><h2>{_e(pack.aksi.title)}</h2><p>{_e(pack.aksi_summary)}</p>{_table_html(pack.aksi)}</section>
<section><h2>Definisi indikator</h2><dl>{defs}</dl></section>
</body></html>"""


def to_pdf(pack: Pack) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(pack)).write_pdf()


# --- PPTX (python-pptx) ----------------------------------------------------------------------------------

SLIDE_TITLES = ("Bahan rakor", "Ringkasan", "Peta", "Tren", "Kelurahan", "Posyandu", "Aksi", "Definisi")


def to_pptx(pack: Pack) -> bytes:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    width = prs.slide_width
    teal = RGBColor(0x0F, 0x76, 0x6E)

    def text_box(slide, left, top, w, h, text, size=12, bold=False, colour=None):
        box = slide.shapes.add_textbox(left, top, w, h)
        frame = box.text_frame
        frame.word_wrap = True
        para = frame.paragraphs[0]
        para.text = text
        para.font.size = Pt(size)
        para.font.bold = bold
        if colour is not None:
            para.font.color.rgb = colour
        return box

    def new_slide(title: str):
        slide = prs.slides.add_slide(prs.slide_layouts[5])   # "Title Only"
        slide.shapes.title.text = title
        slide.shapes.title.left, slide.shapes.title.top = Inches(0.4), Inches(0.2)
        slide.shapes.title.width, slide.shapes.title.height = width - Inches(0.8), Inches(0.9)
        para = slide.shapes.title.text_frame.paragraphs[0]
        para.font.size, para.font.bold, para.font.color.rgb = Pt(26), True, teal
        footer = pack.place_line
        if pack.synthetic:
            footer = f"{SYNTHETIC_LABEL} · {footer}"
        text_box(slide, Inches(0.4), prs.slide_height - Inches(0.45), width - Inches(0.8), Inches(0.35), footer, 10,
                 colour=RGBColor(0x92, 0x40, 0x0E) if pack.synthetic else RGBColor(0x55, 0x55, 0x55))
        return slide

    def table(slide, t: Table, top, col_widths=None, size=10):
        rows = t.rows or [["Tidak ada."] + [""] * (len(t.columns) - 1)]
        left, w = Inches(0.4), width - Inches(0.8)
        shape = slide.shapes.add_table(len(rows) + 1, len(t.columns), left, top, w, Inches(0.3) * (len(rows) + 1))
        tab = shape.table
        if col_widths:
            total = sum(col_widths)
            for i, cw in enumerate(col_widths):
                tab.columns[i].width = Emu(int(w * cw / total))
        for j, c in enumerate(t.columns):
            tab.cell(0, j).text = c
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                tab.cell(i, j).text = str(v)
        for i in range(len(rows) + 1):
            for j in range(len(t.columns)):
                for p in tab.cell(i, j).text_frame.paragraphs:
                    p.font.size = Pt(size)
        return shape

    def picture(slide, png, top, max_h):
        if not png:
            text_box(slide, Inches(0.6), top, Inches(8), Inches(0.5), "Tidak ada data.", 14)
            return
        pic = slide.shapes.add_picture(io.BytesIO(png), Inches(0.4), top, height=max_h)
        if pic.width > width - Inches(0.8):
            ratio = (width - Inches(0.8)) / pic.width
            pic.width, pic.height = int(pic.width * ratio), int(pic.height * ratio)
        pic.left = int((width - pic.width) / 2)

    supp = _suppression_sentence(pack)
    # 1 cover
    slide = new_slide(pack.title)
    slide.shapes.title.top = Inches(1.6)
    text_box(slide, Inches(0.4), Inches(3.0), width - Inches(0.8), Inches(0.7),
             pack.region_name + ("" if pack.area_level == "kabkota" else f" · {pack.area_label}"), 28, True)
    text_box(slide, Inches(0.4), Inches(3.8), width - Inches(0.8), Inches(0.6), f"Periode data: {fmt.month(pack.period)}", 20)
    if pack.synthetic:
        text_box(slide, Inches(0.4), Inches(4.6), Inches(5), Inches(0.5), SYNTHETIC_LABEL, 18, True, RGBColor(0x92, 0x40, 0x0E))
    text_box(slide, Inches(0.4), Inches(5.4), width - Inches(0.8), Inches(0.5),
             f"Dibuat {fmt.date(pack.generated)} dari Dasbor Konvergensi Stunting", 12)
    # 2 KPI
    slide = new_slide(f"Ringkasan {pack.subtitle}")
    text_box(slide, Inches(0.4), Inches(1.1), width - Inches(0.8), Inches(1.2), pack.overview, 12)
    table(slide, pack.kpis, Inches(2.45), [3, 2, 2, 5], 11)
    if supp:
        text_box(slide, Inches(0.4), Inches(6.45), width - Inches(0.8), Inches(0.5), supp, 9)
    # 3 map
    slide = new_slide("Peta prevalensi stunting per kelurahan")
    picture(slide, pack.map_png, Inches(1.1), Inches(5.3))
    text_box(slide, Inches(0.4), Inches(6.45), width - Inches(0.8), Inches(0.5), pack.map_note, 10)
    # 4 trend
    slide = new_slide("Tren balita stunting dan lintasan target")
    picture(slide, pack.trend_png, Inches(1.1), Inches(4.9))
    text_box(slide, Inches(0.4), Inches(6.1), width - Inches(0.8), Inches(0.8), pack.trend_note, 10)
    # 5 lagging
    slide = new_slide(pack.lagging.title)
    table(slide, pack.lagging, Inches(1.2), [3, 3, 1.4, 1.4, 1.6, 2.6, 2.6], 11)
    text_box(slide, Inches(0.4), Inches(6.2), width - Inches(0.8), Inches(0.7), " ".join(x for x in (pack.lagging.note, supp) if x), 9)
    # 6 posyandu
    slide = new_slide(pack.posyandu.title)
    text_box(slide, Inches(0.4), Inches(1.0), width - Inches(0.8), Inches(0.4), pack.posyandu_summary, 12)
    shown = Table(pack.posyandu.title, pack.posyandu.columns, pack.posyandu.rows[:PPTX_POSYANDU_ROWS])
    table(slide, shown, Inches(1.45), [2.6, 2, 1, 1, 1, 1.5, 5.6], 9)
    note = pack.posyandu.note
    if len(pack.posyandu.rows) > PPTX_POSYANDU_ROWS:
        note = f"Slide ini: {PPTX_POSYANDU_ROWS} teratas (PDF: {len(pack.posyandu.rows)}). " + note
    text_box(slide, Inches(0.4), Inches(6.45), width - Inches(0.8), Inches(0.5), note, 9)
    # 7 aksi
    slide = new_slide(pack.aksi.title)
    text_box(slide, Inches(0.4), Inches(1.0), width - Inches(0.8), Inches(0.4), pack.aksi_summary, 12)
    table(slide, pack.aksi, Inches(1.5), [0.6, 6, 2.4, 2, 2.5], 11)
    # 8 definitions
    slide = new_slide("Definisi indikator")
    box = text_box(slide, Inches(0.4), Inches(1.1), width - Inches(0.8), Inches(5.6), "", 10)
    frame = box.text_frame
    for i, d in enumerate(pack.definitions):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = f"{d.label}: {d.numerator} Penyebut: {d.denominator}"
        para.font.size = Pt(10)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- one call --------------------------------------------------------------------------------------------

@dataclass
class Result:
    pack: Pack
    files: dict[str, bytes]          # 'pdf' / 'pptx' -> bytes
    seconds: dict[str, float]

    def file_name(self, fmt_: str) -> str:
        return f"{self.pack.file_stem()}.{fmt_}"


def generate(con: duckdb.DuckDBPyConnection, *, period=None, area=None, role: str = "publik",
             formats=FORMATS, config=None, today: datetime.date | None = None) -> Result:
    """Gather the pack and render the requested formats ('pdf', 'pptx'). Raises RakorError with an
    Indonesian message for an unknown area, a kelurahan, an invalid period, an empty database, or system
    packages the formats need that are missing (konvergensi.system: one line saying what to install)."""
    from konvergensi import system

    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise RakorError(f"format {unknown or formats!r} tidak dikenal; pilih pdf dan/atau pptx")
    problem = system.meeting_pack_problem(formats)
    if problem:
        raise RakorError(problem)
    t0 = time.perf_counter()
    pack = gather(con, period=period, area=area, role=role, config=config, today=today)
    seconds = dict(pack.timings)
    files = {}
    for f in formats:
        t1 = time.perf_counter()
        files[f] = to_pdf(pack) if f == "pdf" else to_pptx(pack)
        seconds[f] = time.perf_counter() - t1
    seconds["total"] = time.perf_counter() - t0
    return Result(pack, files, seconds)


def write(result: Result, out_dir: str | Path) -> list[Path]:
    """Write the files of a result into out_dir (created if missing); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for f, content in result.files.items():
        path = out / result.file_name(f)
        path.write_bytes(content)
        paths.append(path)
    return paths
