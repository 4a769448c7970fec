"""Scorecard kelurahan: coverage of the 18 convergence indicators (5 service packages) per kelurahan as a
heat-map table with stunting prevalence beside it, a per-kelurahan view, and which indicators go
together with prevalence across kelurahan (Spearman), with a plain caution."""

import dataclasses

import pandas as pd
import streamlit as st

from konvergensi.domain import convergence as cv
from konvergensi.core import fmt
from konvergensi.domain import indicators
from konvergensi.figures import convergence_charts as charts
from konvergensi.ui import data, filters, layout
from konvergensi.figures import tables
from konvergensi.ui import convergence as ucv
from konvergensi.figures.maps import SCALE_BAD_HIGH, SCALE_COVERAGE


layout.page_header("Scorecard kelurahan",
                   "Cakupan layanan konvergensi bagi rumah tangga 1.000 HPK per kelurahan, dibandingkan "
                   "dengan prevalensi stunting.", "🧮")
f = filters.filter_bar(show_subgroups=False)
f = dataclasses.replace(f, age_group=None, sex=None)   # the scorecard is about households: all children

layout.require("scorecard")
periods = [pd.Timestamp(p).date() for p in data.query("scorecard_periods").period]
default = next((p for p in periods if p <= f.period), periods[0])
sc_key = filters.url_choice("Periode laporan scorecard", {fmt.period_key(p): fmt.month(p) for p in periods},
                            url_key="scorecard", default=fmt.period_key(default), widget="select")
sc_period = fmt.parse_period(sc_key)

rows = data.query("scorecard_by_kelurahan", period=sc_period, area_id=f.area_id)
if not len(rows):
    layout.empty_state(f"Belum ada laporan scorecard dari {f.area_name} untuk {fmt.month(sc_period)}.")
    st.stop()
reference = data.query("scorecard_indicators")
names = dict(zip(reference.indicator_no.astype(int), reference.name))
by_indicator = cv.coverage_by_indicator(rows)
by_package = cv.coverage_by_package(rows)
matrix = cv.coverage_matrix(rows)
viewer = data.viewer()
# role publik: counts rounded and prevalence from the rounded counts, like every other page; "data kurang"
# (`enough`) is judged on the true counts, as on Peta
kel = viewer.frame(data.kelurahan_indicators(f), indicators.KELURAHAN)

st.subheader(f"Cakupan per paket layanan · {f.area_name}, {fmt.month(sc_period)}")
total_cov = cv.total_coverage(rows)
cols = st.columns(len(by_package) + 1)
with cols[0]:
    layout.kpi("18 indikator", fmt.percent(total_cov),
               help="Jumlah rumah tangga yang memenuhi / jumlah sasaran, dijumlahkan atas 18 indikator.")
for col, r in zip(cols[1:], by_package.itertuples(index=False)):
    with col:
        layout.kpi(r.package, fmt.percent(r.coverage))
layout.definition_box("scorecard_coverage", "prevalence_stunting")

# --- heat-map table -----------------------------------------------------------------------------------------
st.subheader("Peta panas: kelurahan × indikator")
# role publik: no cell built on 1-4 households (met or eligible)
heat = viewer.grid(matrix, rows, ("region_id", "indicator_no"), indicators.SCORECARD)
heat.columns = [cv.short_name(c) for c in heat.columns]
minimum = data.min_children_map()
table = (kel[["region_id", "name", "kecamatan", "measured", "stunted"]]
         .assign(prevalence=kel.prevalence.astype("float64").where(kel.enough))
         .merge(heat, left_on="region_id", right_index=True, how="inner"))
columns = {"name": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"),
           "prevalence": (f"Stunting {fmt.month_short(f.period)} (%)", "percent"),
           "measured": ("Balita diukur", "count")}
columns |= {c: (c, "percent") for c in heat.columns}
colours = {"prevalence": lambda v: tables.gradient(v, 0, 40, SCALE_BAD_HIGH)}
colours |= {c: (lambda v: tables.gradient(v, 0, 100, SCALE_COVERAGE)) for c in heat.columns}
ucv.table(table, columns, sort_by=("prevalence", False), counts=indicators.STUNTING, colours=colours,
          key="scorecard_heat")
st.caption(f"Sel = cakupan indikator (%) pada laporan {fmt.month(sc_period)}; kosong = tidak dilaporkan. "
           f"Prevalensi stunting pada {f.period_label}, kosong bila balita diukur kurang dari {minimum}.")
with st.expander("Daftar 18 indikator dan paket layanannya"):
    ucv.table(by_indicator.assign(short=[cv.short_name(n) for n in by_indicator.indicator_no]),
              {"short": ("Kolom", "text"), "indicator": ("Indikator", "text"), "target_group": ("Kelompok sasaran", "text"),
               "package": ("Paket layanan", "text"), "met": ("RT memenuhi", "count"), "eligible": ("RT sasaran", "count"),
               "coverage": ("Cakupan (%)", "percent")},
              counts=indicators.SCORECARD, key="scorecard_list")

# --- one kelurahan ------------------------------------------------------------------------------------------
st.subheader("Rincian satu kelurahan")
reporting = table.sort_values("name")
if f.kelurahan_id and f.kelurahan_id in set(reporting.region_id):
    pick = f.kelurahan_id
else:
    pick = st.selectbox("Kelurahan", reporting.region_id.tolist(), key="scorecard_kelurahan",
                        format_func=dict(zip(reporting.region_id, reporting.name)).get)
one = table.set_index("region_id").loc[pick]
area_cov = by_indicator.set_index("indicator_no")["coverage"]
c1, c2, c3 = st.columns([1, 1, 2])
with c1:
    layout.kpi("Prevalensi stunting", fmt.percent(one["prevalence"]),
               help=f"{f.period_label}; {viewer.count_text(one['measured'])} balita diukur")
with c2:
    layout.kpi("Cakupan semua indikator", fmt.percent(cv.total_coverage(rows, pick)))
with c3:
    row = matrix.loc[pick].dropna().sort_values()
    weakest = ", ".join(f"{cv.short_name(n)} ({fmt.percent(v, 0)})" for n, v in row.head(3).items())
    st.markdown(f"**Cakupan terendah:** {weakest or fmt.MISSING}")
st.plotly_chart(charts.kelurahan_profile(matrix.loc[pick], area_cov, names, one["name"], f.area_name),
                theme=None, config={"displayModeBar": False}, key="scorecard_profile")

# --- association --------------------------------------------------------------------------------------------
st.subheader("Indikator yang paling berhubungan dengan prevalensi stunting")
enough = kel[kel["enough"]].set_index("region_id")["prevalence"]
assoc = cv.association(matrix, enough, min_n=5)
usable = assoc[assoc["usable"]]
if not len(usable):
    layout.empty_state(f"Perlu sedikitnya 5 kelurahan dengan data scorecard dan sedikitnya {minimum} balita "
                       f"terukur untuk menghitung hubungan; {f.area_name} punya {int(assoc['n'].max() or 0)}.")
else:
    top = usable.iloc[0]
    no = int(top["indicator_no"])
    direction = ("makin tinggi cakupannya, makin **rendah** prevalensi stunting" if top["rho"] < 0
                 else "makin tinggi cakupannya, makin **tinggi** prevalensi stunting")
    st.markdown(f"Paling kuat: **{names.get(no, cv.short_name(no))}** — korelasi Spearman "
                f"rho = **{fmt.number(top['rho'], 2)}** ({top['strength']}) pada **{int(top['n'])} kelurahan**: "
                f"{direction}.")
    c1, c2 = st.columns([1.1, 1])
    with c1:
        st.plotly_chart(charts.association_bars(assoc, names), theme=None, config={"displayModeBar": False},
                        key="scorecard_assoc")
    with c2:
        pts = matrix[[no]].rename(columns={no: "coverage"}).join(enough.rename("prevalence"), how="inner")
        pts = pts.join(kel.set_index("region_id")[["name", "stunted"]]).dropna(subset=["coverage", "prevalence"])
        pts = viewer.rows(pts, "stunted")   # role publik: no point built on 1-4 stunted children
        st.plotly_chart(charts.coverage_vs_prevalence(pts, f"Cakupan: {cv.short_name(no)} (%)"), theme=None,
                        config={"displayModeBar": False}, key="scorecard_scatter")
    st.caption(f"Korelasi peringkat Spearman antara cakupan ({fmt.month(sc_period)}) dan prevalensi stunting "
               f"({f.period_label}) antarkelurahan dengan sedikitnya {minimum} balita terukur; merah = paling kuat, "
               "abu-abu = kurang dari 5 kelurahan. n = jumlah kelurahan.")
st.info(cv.ASSOCIATION_CAUTION, icon="⚠️")
