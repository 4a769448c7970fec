"""Tren: monthly stunting against the target trajectory, with a prevalence projection (weighing-month effect,
backtested interval; konvergensi.domain.projection.project_prevalence) up to 6 months ahead. The projection,
its labels and notes come from konvergensi.domain.trend_outlook (shared with the meeting pack)."""

import streamlit as st

from konvergensi.domain import indicators, projection, trend_outlook
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
raw = data.stunting_trend(f)
series = viewer.frame(raw, indicators.STUNTING)
if not len(series):
    layout.empty_state(f"Belum ada data pengukuran untuk {f.area_name}.")
    st.stop()

column, kind = ("stunted", "count") if measure == "jumlah" else ("prevalence", "percent")
target = data.stunting_target(f, "stunted" if measure == "jumlah" else "prevalence_stunting")
trajectory = projection.trajectory(target.baseline_period, target.baseline_value, target.target_period,
                                   target.target_value) if target else None
# projection, labels and notes shared with the meeting pack (konvergensi.domain.trend_outlook)
out = trend_outlook.outlook(series, target, kind=kind, window=window)
# each month's Wilson interval and "data kurang" (fewer than the minimum measured, on the true counts)
minimum = data.min_children_map()
months = data.shared(trend_outlook.monthly, series, raw, minimum, viewer.hidden_below)

fig = data.shared(charts.trend, months, value=column, label=MEASURES[measure], kind=kind, trajectory=trajectory,
                  projection=out.shown, target=(target.target_period, target.target_value) if target else None,
                  band_label=out.band_label, projection_label=out.projection_label)
st.plotly_chart(fig, theme=None, config={"displayModeBar": False})

notes = list(out.notes)
if not target:
    notes.append("Target berlaku untuk semua balita; tidak ditampilkan untuk kelompok umur/jenis kelamin."
                 if f.age_group or f.sex else f"Belum ada target untuk {f.area_name}.")
st.markdown("\n".join(f"- {n}" for n in notes))
st.caption("◆ = bulan penimbangan massal (Februari dan Agustus): jauh lebih banyak balita diukur, sehingga jumlah "
           "stunting yang ditemukan melonjak; ◇ = bulan penimbangan massal dalam proyeksi. Yang diproyeksikan adalah "
           "prevalensi, bukan jumlah. Proyeksi tidak memperhitungkan kebijakan baru. Uji mundur: lihat docs/projection.md.")
st.caption(f"○ = **data kurang**: kurang dari {minimum} balita diukur pada bulan itu, angkanya sangat tidak pasti. "
           + ("Garis tipis pada prevalensi = IK 95% (Wilson) bulan itu; " if kind == "percent" else "")
           + "arahkan kursor ke titik untuk melihat IK 95% dan jumlah balita diukur. Bulan yang angkanya "
           "disembunyikan untuk publik dibiarkan kosong (garis terputus), bukan nol.")
layout.definition_box("stunted" if measure == "jumlah" else "prevalence_stunting")

sub = viewer.frame(data.stunting_trend_by_subarea(f), indicators.STUNTING)
if f.area_level != "kelurahan" and sub.subarea_id.nunique() > 1:
    level = "kecamatan" if f.area_level == "kabkota" else "kelurahan"
    st.subheader(f"Prevalensi per {level}")
    st.plotly_chart(data.shared(charts.small_multiples, sub, group="subarea", value="prevalence", label="Prevalensi (%)"),
                    theme=None, config={"displayModeBar": False})
