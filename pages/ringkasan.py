"""Ringkasan: where the area stands now, against last month, the baseline and the target."""

import pandas as pd
import streamlit as st

from konvergensi.core import fmt, text
from konvergensi.domain import indicators, rates, trend_outlook
from konvergensi.figures import charts
from konvergensi.ui import data, filters, layout

layout.page_header("Ringkasan", "Posisi stunting saat ini dibanding bulan lalu, baseline, dan target.", "📊")
f = filters.filter_bar()
layout.require("eppgbm", f)

ov = data.overview(f)   # konvergensi.domain.overview: small counts are None for the public
if not ov.measured:
    latest = data.latest_period_measured(f)
    layout.offer_period(f"Tidak ada data pengukuran balita di {f.area_name} untuk {f.period_label}"
                        + (f" ({f.subgroup_label})" if f.subgroup_label else "") + "."
                        + (f" Data terbaru untuk wilayah ini: **{fmt.month(latest)}**." if latest else
                           " Wilayah ini belum punya pengukuran: pilih wilayah lain."), latest)
    st.stop()

viewer = data.viewer()
kel = viewer.frame(data.kelurahan_indicators(f, baseline_period=ov.baseline_period), indicators.KELURAHAN)
lagging = data.lagging_kelurahan(kel)
kpi = {k.key: k for k in ov.kpis(f.area_name)}

st.markdown(ov.paragraph(f.area_name, zip(lagging.name.map(text.md), lagging.prevalence), f.subgroup_label))
if ov.baseline_missing:
    st.caption(f"⚠️ {ov.baseline_missing_text(f.area_name)}")


def card(key: str, better: str | None = "lower", **options) -> None:
    """One KPI card from the overview's row `key`: its change vs last month (or its second figure) as delta;
    `better` 'lower' (stunting), 'higher' (D/S) or None (a delta that is a note, as the target's)."""
    k = kpi[key]
    delta = f"{k.change} vs bulan lalu" if k.change else k.delta
    if k.steady:      # no change (e.g. 0 against 0): neither a red nor a green arrow
        better, options = None, {**options, "delta_arrow": "off"}
    layout.kpi(k.label, k.value, delta, delta_color={"lower": "inverse", "higher": "normal"}.get(better, "off"),
               **options)


st.subheader(f"Stunting · {f.describe()}")
c1, c2, c3, c4 = st.columns(4)
# line inside the first two cards: the last 12 months, or for the public only the months since the last
# hidden one (st.metric's chart_data is a Vega-Lite sparkline: a NaN there is not a documented gap, so none
# is passed; trend_outlook.contiguous_tail)
series = viewer.frame(data.stunting_trend(f), indicators.STUNTING)
series = series[series.period <= pd.Timestamp(f.period)].tail(12)
counts = trend_outlook.contiguous_tail(series.stunted)
shares = [round(v, 2) for v in trend_outlook.contiguous_tail(series.prevalence)]
line = (f"Garis: {len(counts)} bulan terakhir" + (" (sejak bulan terakhir yang angkanya disembunyikan)"
                                                   if len(counts) < len(series) else "") + ".")
with c1:
    card("stunted", chart_data=counts if len(counts) > 1 else None, help=f"{kpi['stunted'].note}. {line}")
with c2:
    card("prevalence_stunting", chart_data=shares if len(shares) > 1 and not kpi["prevalence_stunting"].insufficient
         else None, help=kpi["prevalence_stunting"].note)
with c3:
    card("since_baseline",
         help=f"{kpi['since_baseline'].note}"
              + (". Dihitung dengan aturan yang sama; bulan baseline dari target wilayah ini, atau dari target "
                 "kecamatan/kota bila wilayah ini tidak punya." if ov.baseline else ""))
with c4:
    card("target", better=None, delta_arrow="off", help=kpi["target"].note)

st.subheader("Ditemukan dan diperkirakan")
st.caption("Jumlah balita stunting yang ditemukan (e-PPGBM, seperti dilaporkan kota) naik-turun mengikuti banyaknya "
           "anak yang diukur; bulan penimbangan massal (Februari, Agustus) mengukur jauh lebih banyak. Cakupan dan "
           "perkiraan seluruh balita (prevalensi × sasaran balita) membuat bulan-bulan dapat dibandingkan.")
e1, e2 = st.columns(2)
with e1:
    card("coverage", better="higher", help=kpi["coverage"].note)
with e2:
    card("stunted_estimated", help=kpi["stunted_estimated"].note)
layout.definition_box("coverage", "stunted_estimated")

st.subheader("Gizi balita, ibu hamil, dan posyandu")
d1, d2, d3, d4 = st.columns(4)
with d1:
    card("prevalence_wasting", help=kpi["prevalence_wasting"].note)
with d2:
    card("prevalence_underweight", help=kpi["prevalence_underweight"].note)
with d3:
    card("prevalence_bumil_kek", help=(layout.kind_hint("bumil", f) or "") + kpi["prevalence_bumil_kek"].note
         + ". Tidak dipilah menurut umur/jenis kelamin balita.")
with d4:
    card("ds_ratio", better="higher", help=(layout.kind_hint("skdn", f) or "") + kpi["ds_ratio"].note
         + ". Dari laporan SKDN posyandu; tidak dipilah menurut umur/jenis kelamin.")

layout.definition_box("stunted", "prevalence_stunting", "wasted", "underweight", "bumil_kek", "ds_ratio")

if f.area_level != "kelurahan":
    st.subheader("Kelurahan yang paling tertinggal")
    kel_states = viewer.with_states(kel, indicators.KELURAHAN)
    tabs = st.tabs(list(rates.LAGGING_BY.values()))
    for tab, by in zip(tabs, rates.LAGGING_BY):
        with tab:
            ranked = rates.lagging(kel_states, 5, by=by)
            if not len(ranked):
                layout.empty_state("Belum ada kelurahan dengan cukup balita terukur pada periode ini.")
                continue
            rows = rates.lagging_rows(ranked, viewer.count_text, bool(ov.baseline_period))
            labels = rates.label_with_kecamatan(ranked) if f.area_level == "kabkota" else list(ranked["name"])
            hover = [f"{r[3]} dari {r[2]} balita diukur · IK 95% {r[5]}" for r in rows]
            chart = ranked.assign(label=labels)
            st.plotly_chart(data.shared(charts.ranking, chart, name="label", value=by,
                                        label="Prevalensi stunting (%)" if by == "prevalence" else
                                        "Jumlah balita stunting", kind="percent" if by == "prevalence" else "count",
                                        hover=hover),
                            theme=None, config={"displayModeBar": False}, key=f"lagging_{by}")
            st.dataframe(pd.DataFrame(rows, columns=rates.LAGGING_COLUMNS), hide_index=True,
                         key=f"lagging_table_{by}")
    st.caption(f"Hanya kelurahan dengan sedikitnya {data.min_children_map()} balita terukur (di bawah itu angka "
               "terlalu tidak pasti). IK = interval kepercayaan 95% (Wilson)."
               + (f" Perubahan: poin persen dibanding baseline {fmt.month(ov.baseline_period)}."
                  if ov.baseline_period else "") + " Lihat semua di halaman Peta.")
