"""Tren: monthly stunting against the target trajectory, with a projection to the target date."""

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
# project to the target date, or 6 months ahead when there is no target or it has passed
horizon = target.target_period if target and target.target_period > last else projection.add_months(last, 6)
trajectory = projection.trajectory(target.baseline_period, target.baseline_value, target.target_period,
                                   target.target_value) if target else None
proj = projection.project(series.period, series[column], until=horizon, window=window)

fig = data.shared(charts.trend, series, value=column, label=MEASURES[measure], kind=kind, trajectory=trajectory,
                  projection=proj.frame if proj else None,
                  target=(target.target_period, target.target_value) if target else None)
st.plotly_chart(fig, theme=None, config={"displayModeBar": False})

as_text = fmt.number if kind == "count" else fmt.percent
notes = []
if proj:
    notes.append(
        f"Garis tren dihitung dari {proj.months_used} bulan ({fmt.month(proj.first_period)} – "
        f"{fmt.month(proj.last_period)}): rata-rata {as_text(proj.slope_per_month) if kind == 'count' else fmt.points(proj.slope_per_month)} "
        f"per bulan. Bila tren ini berlanjut, pada {fmt.month(horizon)} diperkirakan **{as_text(proj.end_value)}** "
        f"(rentang 95%: {as_text(proj.end_lower)} – {as_text(proj.end_upper)})."
    )
    if target and target.target_period <= last:
        pass   # the target date has passed: judged on the recorded figure below, not on a projection
    elif target:
        verdict = proj.verdict(target.target_value)
        notes.append({
            "tercapai": f"Target {as_text(target.target_value)} pada {fmt.month(target.target_period)} **kemungkinan tercapai**.",
            "tidak tercapai": f"Target {as_text(target.target_value)} pada {fmt.month(target.target_period)} "
                              "**tidak akan tercapai** dengan laju saat ini.",
            "belum pasti": f"Apakah target {as_text(target.target_value)} pada {fmt.month(target.target_period)} "
                           "tercapai **belum pasti** (target berada di dalam rentang proyeksi).",
        }[verdict])
else:
    notes.append("Data belum cukup (kurang dari 3 bulan) untuk proyeksi tren.")
if target and target.target_period <= last:
    recorded = series[series.period == pd.Timestamp(target.target_period)][column]
    value = recorded.iloc[0] if len(recorded) else None
    if fmt.is_missing(value):
        notes.append(f"Tanggal target ({fmt.month(target.target_period)}) sudah lewat; tidak ada angka tercatat untuk bulan itu.")
    else:
        met = value <= target.target_value
        notes.append(f"Tanggal target sudah lewat: pada {fmt.month(target.target_period)} tercatat **{as_text(value)}**, "
                     f"target {as_text(target.target_value)} **{'tercapai' if met else 'tidak tercapai'}**. "
                     f"Proyeksi di atas menunjukkan arah tren sampai {fmt.month(horizon)}.")
if target:
    notes.append(f"Lintasan target: garis lurus dari baseline {fmt.month(target.baseline_period)} "
                 f"({as_text(target.baseline_value)}) ke target {fmt.month(target.target_period)} "
                 f"({as_text(target.target_value)}). Sumber target: {target.source or '-'}.")
elif f.age_group or f.sex:
    notes.append("Target berlaku untuk semua balita; tidak ditampilkan untuk kelompok umur/jenis kelamin.")
else:
    notes.append(f"Belum ada target untuk {f.area_name}.")
st.markdown("\n".join(f"- {n}" for n in notes))
st.caption("◆ = bulan penimbangan massal (Februari dan Agustus): lebih banyak balita diukur tinggi/panjangnya, "
           "sehingga jumlah stunting biasanya melonjak pada bulan-bulan itu. Proyeksi adalah garis lurus "
           "(kuadrat terkecil) dengan rentang prediksi 95%; tidak memperhitungkan musim atau kebijakan baru.")
layout.definition_box("stunted" if measure == "jumlah" else "prevalence_stunting")

sub = viewer.frame(data.stunting_trend_by_subarea(f), indicators.STUNTING, secondary=False)
if f.area_level != "kelurahan" and sub.subarea_id.nunique() > 1:
    level = "kecamatan" if f.area_level == "kabkota" else "kelurahan"
    st.subheader(f"Prevalensi per {level}")
    st.plotly_chart(data.shared(charts.small_multiples, sub, group="subarea", value="prevalence", label="Prevalensi (%)"),
                    theme=None, config={"displayModeBar": False})
