"""Keluarga berisiko stunting (BKKBN family data) by the definition of Perpres 72/2021
(konvergensi.domain.convergence.family_at_risk): families at risk and not assessable, each risk factor's share of the
families whose data record it, per area and kelurahan, and the overlap with children actually measured stunted
(families_at_risk.child_ids against the month's measurements)."""

import streamlit as st

from konvergensi.domain import convergence as cv
from konvergensi.figures import charts
from konvergensi.ui import data, filters, layout
from konvergensi.ui import convergence as ucv
from konvergensi.figures import convergence_charts as cvcharts

layout.page_header("Keluarga berisiko stunting",
                   "Keluarga sasaran dengan faktor risiko (data keluarga BKKBN), dibandingkan dengan balita "
                   "yang benar-benar terukur stunting.", "🏠")
f = filters.filter_bar(show_subgroups=False)

layout.require("keluarga")
years = [int(y) for y in data.query("keluarga_years").year]
year = int(filters.url_choice("Tahun data keluarga", {str(y): str(y) for y in years}, url_key="tahun_keluarga",
                              default=str(cv.pick_year(years, f.period)), widget="select"))

fam = data.query("keluarga_by_kelurahan", year=year, period=f.period, area_id=f.area_id)
kids = data.query("keluarga_stunting_overlap", year=year, period=f.period, area_id=f.area_id)
o = cv.overlap(fam, kids)
factors = cv.risk_factor_totals(fam)
held, not_held = cv.recorded_factors(factors)
viewer = data.viewer()

st.subheader(f"{f.area_name} · data keluarga {year}")
c1, c2, c3, c4 = st.columns(4)
with c1:
    layout.kpi("Keluarga terdata", viewer.count_text(o.families))
with c2:
    layout.kpi("Keluarga berisiko stunting", viewer.count_text(o.at_risk),
               help=f"{viewer.share_text(o.shares['at_risk'], o.at_risk, o.families)} dari keluarga terdata")
with c3:
    layout.kpi(f"Balita stunting {f.period_label}", viewer.count_text(o.stunted),
               help=f"dari {viewer.count_text(o.measured)} balita diukur")
with c4:
    layout.kpi("… di keluarga berisiko", viewer.count_text(o.stunted_in_risk_family),
               help=viewer.share_text(o.shares["stunted_in_risk_family"], o.stunted_in_risk_family, o.stunted)
               + " dari balita stunting bulan itu berasal dari keluarga berisiko")
st.caption(cv.AT_RISK_DEFINITION)
if o.families:
    st.caption(("Faktor risiko yang tercatat di data keluarga " + str(year) + ": " + ", ".join(held) + "."
                if held else f"Data keluarga {year} tidak mencatat satu pun faktor risiko.")
               + (" Tidak tercatat: " + ", ".join(not_held) + " (dihitung \"tidak diketahui\", bukan "
                  "\"tidak berisiko\")." if not_held else ""))
if o.risk_unknown:
    st.caption(f"**{viewer.count_text(o.risk_unknown)}** keluarga sasaran "
               f"({viewer.share_text(o.shares['risk_unknown'], o.risk_unknown, o.families)} dari keluarga terdata) "
               "belum dapat dinilai: tidak ada faktor bernilai Ya, tetapi sebagian faktornya tidak tercatat.")
layout.definition_box("families_at_risk", "stunted")

st.subheader("Faktor risiko")
if o.families:
    bars = viewer.frame(factors, ["families", "assessed"], {"share": ("families", "assessed")})
    shown = bars.dropna(subset=["share"]).astype({"share": "float64"})
    st.plotly_chart(charts.ranking(shown, name="label", value="share", kind="percent", colour="#b45309",
                                   label="Keluarga dengan faktor (% dari keluarga yang faktornya tercatat)"),
                    theme=None, config={"displayModeBar": False}, key="keluarga_factors")
    ucv.table(factors, {"label": ("Faktor risiko", "text"), "families": ("Keluarga dengan faktor", "count"),
                        "assessed": ("Keluarga dinilai", "count"), "share": ("Persentase", "percent")},
              counts=["families", "assessed"], rates={"share": ("families", "assessed")},
              key="keluarga_factor_table")
    hidden = viewer.hides and shown["share"].count() < factors["share"].count()
    st.caption("Satu keluarga bisa punya beberapa faktor risiko. Persentase = keluarga dengan faktor / keluarga "
               "terdata yang faktor itu tercatat (Ya atau Tidak); faktor yang tidak tercatat tidak digambar."
               + (f" Faktor dengan kurang dari {viewer.threshold} keluarga tidak ditampilkan untuk publik." if hidden else ""))
else:
    layout.empty_state(f"Tidak ada keluarga tercatat di {f.area_name} untuk tahun {year}.")

table = cv.family_status_shares(fam)
columns = {"name": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"), "families": ("Keluarga terdata", "count"),
           "at_risk": ("Keluarga berisiko", "count"), "at_risk_share": ("Berisiko (%)", "percent"),
           "risk_unknown": ("Belum dapat dinilai", "count")}
ucv.table(table, columns, counts=["families", "at_risk", "risk_unknown"], sort_by=("at_risk", False),
          rates={"at_risk_share": ("at_risk", "families")}, key="keluarga_table")

st.subheader("Faktor risiko per kelurahan")
factor = filters.url_choice("Faktor risiko", cv.RISK_FACTORS, url_key="faktor", widget="select")
ucv.table(cv.risk_factor_by_kelurahan(fam, factor),
          {"name": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"),
           "with_factor": ("Keluarga dengan faktor", "count"), "assessed": ("Keluarga dinilai", "count"),
           "share": ("Persentase", "percent")},
          counts=["with_factor", "assessed"], rates={"share": ("with_factor", "assessed")}, sort_by=("share", False),
          key="keluarga_factor_kelurahan")

st.subheader(f"Keluarga berisiko dan balita yang terukur stunting ({f.period_title})")
st.markdown(
    f"Dari **{viewer.count_text(o.stunted)}** balita yang terukur stunting pada {f.period_label}, "
    f"**{viewer.count_text(o.stunted_in_risk_family)}** ({viewer.share_text(o.shares['stunted_in_risk_family'], o.stunted_in_risk_family, o.stunted)}) "
    f"berasal dari keluarga berisiko, **{viewer.count_text(o.stunted_other_family)}** dari keluarga terdata lain "
    f"(tidak berisiko atau belum dapat dinilai), dan **{viewer.count_text(o.stunted_not_in_family_data)}** tidak ditemukan di data keluarga {year}. "
    f"Dari **{viewer.count_text(o.at_risk_child_measured)}** keluarga berisiko yang anaknya diukur, "
    f"**{viewer.count_text(o.at_risk_child_stunted)}** punya sedikitnya satu anak stunting.")
per_kel = cv.overlap_by_kelurahan(fam, kids)
if o.stunted and not viewer.hides:
    st.plotly_chart(cvcharts.overlap_bars(per_kel), theme=None, config={"displayModeBar": False}, key="keluarga_overlap")
ucv.table(per_kel, sort_by=("stunted", False), columns=
          {"name": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"), "stunted": ("Balita stunting", "count"),
           "stunted_in_risk_family": ("… di keluarga berisiko", "count"),
           "stunted_other_family": ("… di keluarga lain", "count"),
           "stunted_not_in_family_data": ("… tidak ada di data keluarga", "count"),
           "at_risk_child_measured": ("Keluarga berisiko dgn anak diukur", "count"),
           "at_risk_child_stunted": ("… dgn anak stunting", "count")},
          counts=["stunted", "stunted_in_risk_family", "stunted_other_family", "stunted_not_in_family_data",
                  "at_risk_child_measured", "at_risk_child_stunted"], key="keluarga_overlap_table")
st.caption("Pencocokan memakai kode anak tersamar (HMAC) pada data keluarga (anggota keluarga) dan data "
           "pengukuran; balita stunting dihitung sekali menurut pengukuran sah terakhirnya di bulan itu, di "
           "kelurahan tempat ia diukur. Keluarga dihitung di kelurahan domisilinya. Balita stunting yang tidak "
           "ada di data keluarga menandakan keluarga sasaran yang belum terdata oleh Tim Pendamping Keluarga.")
