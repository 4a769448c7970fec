"""Bahan rakor: the review-meeting pack (PDF and PPTX) for the whole kota or one kecamatan.

One call, `generate(con, ...)`, gathers the figures with the dashboard's own queries and core functions
(konvergensi.domain.overview - the same overview as Ringkasan -, rates.add_rates/lagging, projection,
posyandu.performance, convergence.complete_actions) - no indicator is computed differently here - and writes:

1. cover: region, area, period (Indonesian dates), "Data contoh (sintetis)" when the build is synthetic;
2. Ringkasan: the overview paragraph (konvergensi.domain.narrative) and the KPI table against the target
   (stunted, prevalence with its Wilson 95% interval, change since last month and since the baseline,
   distance to the target; wasting, underweight, ibu hamil KEK, D/S);
3. Peta: kelurahan prevalence map (static, konvergensi.figures.rakor_figures.static_map);
4. Tren: monthly stunted children against the target trajectory, with the Tren page's projection and notes
   (konvergensi.domain.trend_outlook: prevalence projected, count = prevalence x number measured, interval
   from the backtest; konvergensi.figures.charts.trend);
5. Kelurahan dengan prevalensi tertinggi (those with at least min_children_map measured children);
6. Posyandu perlu perhatian (posyandu.attention: the worst first, by severity score);
7. Aksi konvergensi of the period's year;
8. Definisi indikator (konvergensi.domain.indicators).

For role publik every count of 1..suppress_below-1 and the rates computed from it are hidden by the
dashboard's own viewer (konvergensi.domain.suppress.Viewer, reading the indicator registry's columns), in the KPI
table, the map colours, the trend, and every table ("<5", "*").
No Streamlit here: pages/rakor.py and `python -m konvergensi rakor` both call `generate`.
"""

from __future__ import annotations

import base64
import datetime
import functools
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2
import markupsafe
import pandas as pd

from konvergensi.core import config as kconfig
from konvergensi.domain import (convergence, indicators, posyandu, projection, rates, suppress, summary,
                                trend_outlook)
from konvergensi.store import db
from konvergensi.core import fmt
from konvergensi.domain import overview as area_overview
from konvergensi.figures import rakor_figures
from konvergensi.figures import charts, maps
from konvergensi.core import system

SYNTHETIC_LABEL = "Data contoh (sintetis)"
FORMATS = ("pdf", "pptx")
ROLES = ("publik", "pimpinan", "petugas", "admin")
DEFINITION_KEYS = ("stunted", "prevalence_stunting", "coverage", "stunted_estimated", "wasted", "underweight",
                   "bumil_kek", "ds_ratio", "nd_ratio")
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
        return f"{self.area_label} · {fmt.month_label(self.period)}"

    @property
    def place_line(self) -> str:
        """'Kota Kupang · Oktober 2024' or 'Kota Kupang · Kecamatan Maulafa · Oktober 2024' (a mass-weighing
        month says so: 'Kota Kupang · Agustus 2024 · penimbangan massal', fmt.month_label)."""
        area = self.region_name if self.area_level == "kabkota" else f"{self.region_name} · {self.area_label}"
        return f"{area} · {fmt.month_label(self.period)}"

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


def _kpi_table(ov: area_overview.Overview, area: str) -> Table:
    """The overview's KPI rows (konvergensi.domain.overview.Overview.kpis) as the pack's table."""
    rows = [[k.name, k.value, k.change or (fmt.MISSING if k.monthly else ""), k.note] for k in ov.kpis(area)]
    compare = f"Dibanding {fmt.month(ov.previous_period)}" if ov.previous_period else "Dibanding bulan lalu"
    return Table("Indikator utama", ["Indikator", f"Nilai {fmt.month(ov.period)}", compare, "Keterangan"], rows)


PACK_TREND_PARTS = ("estimate", "interval", "count_basis", "target", "target_passed", "insufficient")


def trend_note_text(outlook: trend_outlook.Outlook | None, target, minimum: int | None = None) -> str:
    """The note under the pack's trend chart: what the lines are, then the Tren page's own sentences
    (konvergensi.domain.trend_outlook; those in PACK_TREND_PARTS, to stay on one page) without Markdown bold."""
    note = ("Garis putus-putus ungu = lintasan target (★ = target); garis" if target else
            "Belum ada target untuk wilayah ini. Garis")
    note += (" titik-titik jingga = proyeksi jumlah dari prevalensi 12 bulan terakhir; ◆/◇ = bulan penimbangan "
             "massal (Februari/Agustus), tercatat/proyeksi.")
    if minimum:
        note += f" ○ = data kurang (kurang dari {minimum} balita diukur); bulan yang angkanya disembunyikan kosong."
    if outlook is not None:
        note += "".join(" " + trend_outlook.plain(outlook.parts[k]) for k in PACK_TREND_PARTS if k in outlook.parts)
    return note


def gather(con: duckdb.DuckDBPyConnection, *, period=None, area=None, role: str = "publik", config=None,
           figures: bool = True, today: datetime.date | None = None) -> Pack:
    """Collect and format everything the pack shows (and render its two images when `figures`)."""

    if role not in ROLES:
        raise RakorError(f"peran {role!r} tidak dikenal; pilih salah satu: {', '.join(ROLES)}")
    cfg = config if config is not None else kconfig.load()
    thresholds = cfg.thresholds
    viewer = suppress.Viewer.of(role, cfg)        # small counts hidden for publik, as on the dashboard
    threshold = viewer.threshold
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    area_id, level, label = resolve_area(con, area)
    top = _regions(con)
    kabkota = top[top.level == "kabkota"].sort_values("region_id")
    top_id = area_overview.enclosing(con, area_id)[-1]     # the kabupaten/kota of the area
    try:
        period = summary.month_start(period) if period is not None else summary.latest_period(con)
    except ValueError as exc:
        raise RakorError(str(exc)) from None
    if period is None:
        raise RakorError("basis data belum berisi data pengukuran: tidak ada periode untuk bahan rakor")
    info = db.build_info(con)
    region_name = (info.get("region_name") if len(kabkota) == 1 else None) or top[top.region_id == top_id].name.iloc[0]

    ov = area_overview.compute(con, period, area_id, config=cfg,
                               hidden_below=viewer.hidden_below)
    if not ov.measured:
        latest = summary.latest_period(con)
        raise RakorError(f"belum ada balita yang diukur di {label} pada {fmt.month(period)}; bulan terakhir "
                         f"dengan data: {fmt.month(latest)} (--period {fmt.period_key(latest)})")
    target, base_period = ov.target, ov.baseline_period

    min_children = thresholds.min_children_map
    counts = rates.add_rates(db.run_query(con, "indicators_by_kelurahan", period=period,
                                          baseline_period=base_period or period, area_id=area_id, age_group=None,
                                          sex=None, kek_muac=thresholds.kek_muac_cm), min_children)
    kel = viewer.with_states(viewer.frame(counts, indicators.KELURAHAN), indicators.KELURAHAN)
    lag = rates.lagging(kel, LAGGING_ROWS)

    overview = ov.paragraph(label, zip(lag.name, lag.prevalence))
    kpis = _kpi_table(ov, label)
    timings["data"] = time.perf_counter() - t0

    # lagging kelurahan
    lag_rows = rates.lagging_rows(lag, viewer.count_text, bool(base_period))
    lag_note = (f"Hanya kelurahan dengan sedikitnya {min_children} balita terukur (di bawah itu angka terlalu "
                "tidak pasti). IK = interval kepercayaan 95% (Wilson).")
    if base_period:
        lag_note += f" Perubahan: dibanding baseline {fmt.month(base_period)}."
    lagging = Table("Kelurahan dengan prevalensi tertinggi", rates.LAGGING_COLUMNS, lag_rows, lag_note)

    # posyandu needing attention
    perf = posyandu.performance(db.run_query(con, "posyandu_performance", period=period, area_id=area_id),
                                thresholds)
    t = thresholds
    perf = viewer.with_states(viewer.frame(perf.reset_index(drop=True), posyandu.COLUMNS), posyandu.COLUMNS)
    attention = perf[perf.attention.fillna("") != ""]
    attention = attention.sort_values(["attention_score", "ds", "name"], ascending=[False, True, True],
                                      na_position="last")
    pos_rows = [[r["name"], r["kelurahan"], {True: "ya", False: "tidak"}.get(r["opened"], "tidak lapor")
                 if not fmt.is_missing(r["opened"]) else "tidak lapor",
                 fmt.share(r["ds"]), fmt.share(r["nd"]),
                 r["strata_computed"] if not fmt.is_missing(r["strata_computed"]) else "data kurang", r["attention"]]
                for _, r in attention.head(POSYANDU_ROWS).iterrows()]
    pos_note = (f"Perlu perhatian, yang paling parah dulu (skor sedikitnya {fmt.number(t.attention_min_score)}): "
                f"tidak buka, belum lapor SKDN, D/S < {fmt.share(t.attention_ds, 0)}, N/D < "
                f"{fmt.share(t.attention_nd, 0)}, stunting ≥ {fmt.percent(t.attention_prevalence, 0)}, strata hitung "
                "Pratama, atau strata tercatat lebih tinggi dari strata hitung (definisi di halaman Posyandu).")
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
    if viewer.hides:
        map_note += f" Abu-abu tua = {maps.HIDDEN_LABEL} untuk publik."
    shapes = maps.load_boundaries(con, area_id)
    if shapes is not None:
        map_note += " " + shapes.note   # boundary source and licence, or that the tiles are schematic
    raw = rates.add_prevalence(db.run_query(con, "stunting_trend", area_id=area_id, age_group=None, sex=None))
    series = viewer.frame(raw, indicators.STUNTING)
    series = series[pd.to_datetime(series.period) <= pd.Timestamp(period)]
    # each month's "data kurang" (hollow marker) and interval, a hidden month a gap (as on Tren)
    months = trend_outlook.monthly(series, raw, min_children, viewer.hidden_below)
    trajectory = (projection.trajectory(target.baseline_period, target.baseline_value, target.target_period,
                                        target.target_value) if target else None)
    # the Tren page's projection, labels and notes (its default view: counts, 12-month window): prevalence
    # projected with the weighing-month effect and the backtested interval; a count only as projected
    # prevalence x the number measured in the latest comparable month
    outlook = trend_outlook.outlook(series, target, kind="count") if len(series) else None
    trend_note = trend_note_text(outlook, target, min_children if months.few.any() else None)
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
            fig = charts.trend(months, value="stunted", label="Jumlah balita stunting", kind="count",
                               trajectory=trajectory, projection=outlook.shown,
                               target=(target.target_period, target.target_value) if target else None, height=520,
                               band_label=outlook.band_label, projection_label=outlook.projection_label)
            trend_png = rakor_figures.to_png(fig, 1000, 520)
        timings["figures"] = time.perf_counter() - t1

    return Pack(region_name=str(region_name), area_id=area_id, area_label=label, area_level=level, period=period,
                generated=today or datetime.date.today(), synthetic=bool(info.get("synthetic")), role=role,
                suppress_below=threshold, overview=overview, kpis=kpis, lagging=lagging, posyandu=posyandu_table,
                aksi=aksi, definitions=[indicators.get(k) for k in DEFINITION_KEYS], map_png=map_png, map_figure=map_figure,
                map_note=map_note, trend_png=trend_png, trend_note=trend_note, posyandu_summary=posyandu_summary,
                aksi_summary=aksi_summary, timings=timings)


# --- PDF (WeasyPrint) ------------------------------------------------------------------------------------

def _css_string(text: str) -> str:
    """Text for a CSS content: "..." value (quotes and backslashes escaped, no line breaks)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")


def _suppression_sentence(pack: Pack) -> str:
    return suppress.note(pack.suppress_below) if pack.suppressing else ""


@functools.cache
def _templates() -> jinja2.Environment:
    """The templates of konvergensi/report/templates, HTML-escaped (autoescape): a name from the database such as
    'Kali <Bening> & Co' reaches the PDF as text, never as markup."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("konvergensi.report", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(css=lambda text: markupsafe.Markup(_css_string(text)),
                       png=lambda data: base64.b64encode(data).decode(), month=fmt.month, month_label=fmt.month_label, date=fmt.date)
    return env


def to_html(pack: Pack) -> str:
    """The PDF's HTML, from konvergensi/report/templates/rakor.html.j2."""
    footer = pack.place_line + (f" · {SYNTHETIC_LABEL}" if pack.synthetic else "")
    return _templates().get_template("rakor.html.j2").render(
        pack=pack, footer=footer, banner=SYNTHETIC_LABEL if pack.synthetic else "",
        suppression=_suppression_sentence(pack), synthetic_label=SYNTHETIC_LABEL)


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
    text_box(slide, Inches(0.4), Inches(3.8), width - Inches(0.8), Inches(0.6), f"Periode data: {fmt.month_label(pack.period)}", 20)
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
    packages the formats need that are missing (konvergensi.core.system: one line saying what to install)."""

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
