"""Tren: monthly stunting against the target trajectory, with a prevalence projection (weighing-month effect,
backtested interval; konvergensi.domain.projection.project_prevalence) up to 6 months ahead."""

import pandas as pd
import streamlit as st

from konvergensi.core import fmt
from konvergensi.domain import indicators, projection
from konvergensi.figures import charts
from konvergensi.ui import data, filters, layout

layout.page_header("Tren", "Perkembangan bulanan dibanding lintasan target, dan ke mana tren saat ini mengarah.", "📈")
f = filters.filter_bar(show_period=False)
layout.require("eppgbm")

MEASURES = {"jumlah": "Jumlah balita stunting", "prevalensi": "Prevalensi stunting (%)"}
WINDOWS = {"12": "12 bulan terakhir", "6": "6 bulan terakhir", "24": "24 bulan terakhir"}
c1, c2 = st.columns([2, 1])
with c1:
    measure = filters.url_choice("Ukuran", MEASURES, url_key="ukuran")
with c2:
    window = int(filters.url_choice("Dasar proyeksi", WINDOWS, url_key="jendela", widget="select"))

# small monthly counts are hidden from the public (a gap in the line); rows are months, not parts of a total
viewer = data.viewer()
series = viewer.frame(data.stunting_trend(f), indicators.STUNTING, secondary=False)
if not len(series):
    layout.empty_state(f"Belum ada data pengukuran untuk {f.area_name}.")
    st.stop()

column, kind = ("stunted", "count") if measure == "jumlah" else ("prevalence", "percent")
target = data.stunting_target(f, "stunted" if measure == "jumlah" else "prevalence_stunting")
last = projection.month_start(projection.month_index(series.period.max()))
# project to the target date, or 6 months ahead; the interval is tested up to 6 months, so no further
horizon = target.target_period if target and target.target_period > last else projection.add_months(last, 6)
trajectory = projection.trajectory(target.baseline_period, target.baseline_value, target.target_period,
                                   target.target_value) if target else None
# prevalence is projected (counts follow how many children were measured); a count only as prevalence x
# the number measured in the latest comparable month (weighing month or routine month)
proj = projection.project_prevalence(series.period, series.stunted, series.measured, until=horizon, window=window)
shown = None
if proj:
    shown = proj.frame if kind == "percent" else projection.count_from_prevalence(proj.frame, series.period, series.measured)
band_label = (f"Rentang proyeksi (memuat {fmt.percent(proj.held_percent, 0)} hasil pada uji mundur)"
              if proj and proj.tested else "Rentang proyeksi")

fig = data.shared(charts.trend, series, value=column, label=MEASURES[measure], kind=kind, trajectory=trajectory,
                  projection=shown if shown is not None and len(shown) > 1 else None,
                  target=(target.target_period, target.target_value) if target else None,
                  band_label=band_label, projection_label="Proyeksi prevalensi" if kind == "percent" else
                  "Proyeksi jumlah (dari prevalensi)")
st.plotly_chart(fig, theme=None, config={"displayModeBar": False})

as_text = fmt.number if kind == "count" else fmt.percent
notes = []
if proj and shown is not None and len(shown) > 1:
    end = shown.iloc[-1]
    fit = proj.fit
    effect = ("tidak dapat diperkirakan (tidak ada bulan penimbangan dan bulan biasa sekaligus)"
              if fit.weighing_effect is None else fmt.points(fit.weighing_effect, 2))
    notes.append(
        f"**Cara proyeksi:** prevalensi {fit.months_used} bulan terakhir ({fmt.month(fit.first_period)} – "
        f"{fmt.month(fit.last_period)}) diringkas menjadi garis lurus ditambah selisih tetap untuk bulan "
        f"penimbangan massal (Februari/Agustus), lalu garis itu diteruskan: tren {fmt.points(fit.slope_per_month, 2)} "
        f"per bulan, selisih bulan penimbangan {effect}."
    )
    in_band = not (fmt.is_missing(end.lower) or fmt.is_missing(end.upper))
    band_text = f" (rentang {as_text(end.lower)} – {as_text(end.upper)})" if in_band else " (tanpa rentang)"
    notes.append(f"Bila pola ini berlanjut, pada {fmt.month(end.period)} diperkirakan **{as_text(end.fit)}**{band_text}.")
    if proj.tested:
        notes.append(
            f"**Arti rentang:** lebarnya diambil dari kesalahan proyeksi cara yang sama di masa lalu wilayah ini "
            f"({proj.level_text} kesalahan itu berada di dalamnya). Pada uji mundur (proyeksi dibuat dari setiap "
            f"bulan lampau memakai data sampai bulan itu saja, 1–6 bulan ke depan) rentang seperti ini memuat angka "
            f"sebenarnya **{fmt.number(proj.held)} dari {fmt.number(proj.tested)} kali ({fmt.percent(proj.held_percent, 0)})**."
        )
    else:
        notes.append("**Tanpa rentang:** riwayat wilayah ini belum cukup panjang untuk menguji seberapa sering "
                     "proyeksi meleset, jadi rentang tidak ditampilkan.")
    if kind == "count":
        basis = shown.drop_duplicates("basis_period")
        notes.append("Jumlah proyeksi = prevalensi proyeksi × jumlah balita yang diukur pada bulan sejenis terakhir ("
                     + ", ".join(f"{fmt.month(r.basis_period)}: {fmt.number(r.measured_basis)} diukur" for r in basis.itertuples())
                     + "). Jumlah mentah tidak diproyeksikan langsung karena naik-turun mengikuti banyaknya balita yang diukur.")
    reaches = target is not None and target.target_period > last and projection.month_index(end.period) >= \
        projection.month_index(target.target_period)
    if target and target.target_period > last and not reaches:
        notes.append(f"Target {fmt.month(target.target_period)} lebih dari 6 bulan lagi: proyeksi hanya diuji sampai "
                     "6 bulan ke depan, jadi tidak dipakai untuk menilai target.")
    elif reaches:
        verdict = proj.verdict(target.target_value) if kind == "percent" else \
            projection.band_verdict(end.lower, end.upper, target.target_value)
        notes.append({
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
    notes.append("Data belum cukup (kurang dari 3 bulan dengan balita diukur) untuk proyeksi.")
if target and target.target_period <= last:
    recorded = series[series.period == pd.Timestamp(target.target_period)][column]
    value = recorded.iloc[0] if len(recorded) else None
    if fmt.is_missing(value):
        notes.append(f"Tanggal target ({fmt.month(target.target_period)}) sudah lewat; tidak ada angka tercatat untuk bulan itu.")
    else:
        met = value <= target.target_value
        notes.append(f"Tanggal target sudah lewat: pada {fmt.month(target.target_period)} tercatat **{as_text(value)}**, "
                     f"target {as_text(target.target_value)} **{'tercapai' if met else 'tidak tercapai'}**. "
                     f"Proyeksi di atas menunjukkan arah sampai {fmt.month(horizon)}.")
if target:
    notes.append(f"Lintasan target: garis lurus dari baseline {fmt.month(target.baseline_period)} "
                 f"({as_text(target.baseline_value)}) ke target {fmt.month(target.target_period)} "
                 f"({as_text(target.target_value)}). Sumber target: {target.source or '-'}.")
elif f.age_group or f.sex:
    notes.append("Target berlaku untuk semua balita; tidak ditampilkan untuk kelompok umur/jenis kelamin.")
else:
    notes.append(f"Belum ada target untuk {f.area_name}.")
st.markdown("\n".join(f"- {n}" for n in notes))
st.caption("◆ = bulan penimbangan massal (Februari dan Agustus): jauh lebih banyak balita diukur, sehingga jumlah "
           "stunting yang ditemukan melonjak; ◇ = bulan penimbangan massal dalam proyeksi. Yang diproyeksikan adalah "
           "prevalensi, bukan jumlah. Proyeksi tidak memperhitungkan kebijakan baru. Uji mundur: lihat docs/projection.md.")
layout.definition_box("stunted" if measure == "jumlah" else "prevalence_stunting")

sub = viewer.frame(data.stunting_trend_by_subarea(f), indicators.STUNTING, secondary=False)
if f.area_level != "kelurahan" and sub.subarea_id.nunique() > 1:
    level = "kecamatan" if f.area_level == "kabkota" else "kelurahan"
    st.subheader(f"Prevalensi per {level}")
    st.plotly_chart(data.shared(charts.small_multiples, sub, group="subarea", value="prevalence", label="Prevalensi (%)"),
                    theme=None, config={"displayModeBar": False})
