"""Ringkasan: where the area stands now, against last month, the baseline and the target."""

import pandas as pd
import streamlit as st

from konvergensi import fmt, narrative
from konvergensi.ui import charts, data, filters, layout


def minus(a, b):
    """a - b, or None when either is missing (e.g. a count hidden from the public)."""
    return None if fmt.is_missing(a) or fmt.is_missing(b) else a - b


layout.page_header("Ringkasan", "Posisi stunting saat ini dibanding bulan lalu, baseline, dan target.", "📊")
f = filters.filter_bar()
layout.require("eppgbm", f)

now = data.headline(f)   # small counts are None for the public (data.record_for_display)
if not now or now.get("children_measured") == 0:
    latest = data.latest_period_measured(f)
    layout.offer_period(f"Tidak ada data pengukuran balita di {f.area_name} untuk {f.period_label}"
                        + (f" ({f.subgroup_label})" if f.subgroup_label else "") + "."
                        + (f" Data terbaru untuk wilayah ini: **{fmt.month(latest)}**." if latest else
                           " Wilayah ini belum punya pengukuran: pilih wilayah lain."), latest)
    st.stop()

prev_period = data.previous_period(f.period)
prev = data.headline(f, period=prev_period) if prev_period else None
target = data.stunting_target(f)           # targets apply to all children: None under an age/sex filter
# baseline month: the area's own target, else the one set for its kecamatan or the whole kota (same rule as Peta)
base_period = target.baseline_period if target else data.baseline_period(f)
base = data.headline(f, period=base_period) if base_period and base_period != f.period else None
# A database that starts after the baseline month (real data in its first weeks) has nothing to compare with:
# no change since baseline, and a count target set against that baseline cannot be judged on these counts.
baseline_missing = base is not None and base.get("children_measured") == 0
if baseline_missing:
    base = None
BASELINE_MISSING = (f"Basis data ini tidak berisi pengukuran bulan baseline ({fmt.month(base_period)}) untuk "
                    f"{f.area_name}: perubahan sejak baseline dan jarak ke target belum dapat dinilai. Impor ekspor "
                    "e-PPGBM bulan baseline untuk membandingkannya." if baseline_missing else "")
kel = data.for_display(data.kelurahan_indicators(f, baseline_period=base_period),
                       ("measured", "stunted"), ("prevalence",))
lagging = data.lagging_kelurahan(kel)

if now["stunted"] is None:   # hidden from the public: too few children to show
    st.markdown(f"Per {f.period_label}, jumlah balita stunting di {f.area_name} kurang dari {data.suppress_below()} "
                "anak (angka kecil tidak ditampilkan untuk publik).")
else:
    st.markdown(narrative.overview(narrative.Situation(
        area=f.area_name, period=f.period, measured=now["children_measured"] or 0, stunted=now["stunted"],
        prevalence=now["prevalence_stunting"],
        previous_period=prev_period if prev else None,
        previous_stunted=prev["stunted"] if prev else None,
        previous_prevalence=prev["prevalence_stunting"] if prev else None,
        baseline_period=base_period if base else None,
        baseline_stunted=base["stunted"] if base else None,
        target_date=target.target_date if target and not baseline_missing else None,
        target_stunted=target.target_value if target and not baseline_missing else None,
        lagging=list(zip(lagging.name, lagging.prevalence)),
        subgroup=f.subgroup_label,
    )))
if baseline_missing:
    st.caption(f"⚠️ {BASELINE_MISSING}")

st.subheader(f"Stunting · {f.describe()}")
c1, c2, c3, c4 = st.columns(4)
# 12-month line inside the first two cards (counts hidden from the public stay out of it)
series = data.for_display(data.stunting_trend(f), ("measured", "stunted"), ("prevalence",), secondary=False)
series = series[series.period <= pd.Timestamp(f.period)].tail(12)
with c1:
    change = minus(now["stunted"], prev["stunted"]) if prev else None
    layout.kpi("Balita stunting", data.count_text(now["stunted"]),
               None if change is None else fmt.number(change, signed=True) + " vs bulan lalu",
               delta_color="inverse", chart_data=series.stunted.astype("float64").tolist(),
               help=f"{data.count_text(now['severely_stunted'])} di antaranya sangat pendek (TB/U < -3 SD). "
                    "Garis: 12 bulan terakhir.")
with c2:
    change = minus(now["prevalence_stunting"], prev["prevalence_stunting"]) if prev else None
    interval = (f"IK 95% (Wilson): {fmt.percent(now.get('prevalence_stunting_low'))} – "
                f"{fmt.percent(now.get('prevalence_stunting_high'))}; " if now["prevalence_stunting"] is not None else "")
    layout.kpi("Prevalensi stunting", fmt.percent(now["prevalence_stunting"]),
               None if change is None else fmt.points(change) + " vs bulan lalu", delta_color="inverse",
               chart_data=series.prevalence.astype("float64").round(2).tolist(),
               help=f"{interval}dari {data.count_text(now['children_measured'])} balita yang diukur")
with c3:
    if base:
        change = minus(now["stunted"], base["stunted"])
        layout.kpi(f"Sejak baseline {fmt.month(base_period)}",
                   fmt.MISSING if change is None else fmt.number(change, signed=True) + " anak",
                   None if minus(now["prevalence_stunting"], base["prevalence_stunting"]) is None
                   else fmt.points(now["prevalence_stunting"] - base["prevalence_stunting"]),
                   delta_color="inverse",
                   help=f"Baseline: {data.count_text(base['stunted'])} anak stunting "
                        f"({fmt.percent(base['prevalence_stunting'])}) di {f.area_name}"
                        f"{' (' + f.subgroup_label + ')' if f.subgroup_label else ''}, dihitung dengan aturan yang sama. "
                        "Bulan baseline dari target wilayah ini, atau dari target kecamatan/kota bila wilayah ini tidak punya.")
    else:
        layout.kpi("Sejak baseline", fmt.MISSING, help=BASELINE_MISSING or "Belum ada baseline untuk wilayah dan kelompok ini.")
with c4:
    if target and baseline_missing:
        layout.kpi(f"Jarak ke target {fmt.month(target.target_date)}", "belum dapat dinilai",
                   f"target {fmt.number(target.target_value)} anak", delta_color="off", delta_arrow="off",
                   help=BASELINE_MISSING)
    elif target:
        gap = minus(now["stunted"], target.target_value)
        layout.kpi(f"Jarak ke target {fmt.month(target.target_date)}",
                   fmt.MISSING if gap is None else "tercapai" if gap <= 0 else f"{fmt.number(gap)} anak lagi",
                   f"target {fmt.number(target.target_value)} anak"
                   + (" (tanggal target sudah lewat)" if f.period > target.target_date else ""),
                   delta_color="off", delta_arrow="off",
                   help=f"Target ditetapkan: {target.source or '-'}")
    else:
        layout.kpi("Jarak ke target", fmt.MISSING,
                   help="Target berlaku untuk semua balita di wilayah yang punya target; "
                        "tidak ada target untuk pilihan ini.")

st.subheader("Gizi balita, ibu hamil, dan posyandu")
d1, d2, d3, d4 = st.columns(4)
with d1:
    layout.kpi("Wasting (gizi kurang/buruk)", fmt.percent(now.get("prevalence_wasting")),
               help=f"{data.count_text(now.get('wasted'))} balita")
with d2:
    layout.kpi("Underweight (BB kurang)", fmt.percent(now.get("prevalence_underweight")),
               help=f"{data.count_text(now.get('underweight'))} balita")
with d3:
    layout.kpi("Ibu hamil KEK", fmt.percent(now.get("prevalence_bumil_kek")),
               help=(layout.kind_hint("bumil", f) or "") + f"{data.count_text(now.get('bumil_kek'))} dari {data.count_text(now.get('bumil_measured'))} "
                    f"ibu hamil dengan LiLA < {fmt.number(data.kek_muac(), 1)} cm. Tidak dipilah menurut umur/jenis "
                    "kelamin balita.")
with d4:
    layout.kpi("Partisipasi D/S", fmt.share(now.get("ds_ratio")),
               help=(layout.kind_hint("skdn", f) or "") + f"N/D (berat badan naik): {fmt.share(now.get('nd_ratio'))}. Dari laporan SKDN posyandu; "
                    "tidak dipilah menurut umur/jenis kelamin.")

layout.definition_box("stunted", "prevalence_stunting", "wasted", "underweight", "bumil_kek", "ds_ratio")

if f.area_level != "kelurahan":
    st.subheader("Kelurahan dengan prevalensi tertinggi")
    if len(lagging):
        st.plotly_chart(data.shared(charts.ranking, lagging, name="name", value="prevalence",
                                    label="Prevalensi stunting (%)"),
                        theme=None, config={"displayModeBar": False})
        st.caption(f"Hanya kelurahan dengan sedikitnya {data.min_children_map()} balita terukur "
                   "(di bawah itu angka terlalu tidak pasti). Lihat semua di halaman Peta.")
    else:
        layout.empty_state("Belum ada kelurahan dengan cukup balita terukur pada periode ini.")
