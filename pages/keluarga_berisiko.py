"""Keluarga berisiko stunting (BKKBN family data): counts by risk factor and kelurahan, and the overlap
with children actually measured stunted (families_at_risk.child_ids against the month's measurements)."""

import streamlit as st

from konvergensi import convergence as cv
from konvergensi.ui import charts, data, filters, layout
from konvergensi.ui import convergence as ucv
from konvergensi.ui import convergence_charts as cvcharts

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

st.subheader(f"{f.area_name} · data keluarga {year}")
c1, c2, c3, c4 = st.columns(4)
with c1:
    layout.kpi("Keluarga terdata", ucv.count_text(o.families))
with c2:
    layout.kpi("Keluarga berisiko stunting", ucv.count_text(o.at_risk),
               help=f"{ucv.share_text(o.at_risk / o.families * 100 if o.families else None, o.at_risk, o.families)} "
                    "dari keluarga terdata")
with c3:
    layout.kpi(f"Balita stunting {f.period_label}", ucv.count_text(o.stunted),
               help=f"dari {ucv.count_text(o.measured)} balita diukur")
with c4:
    layout.kpi("… di keluarga berisiko", ucv.count_text(o.stunted_in_risk_family),
               help=ucv.share_text(o.shares["stunted_in_risk_family"], o.stunted_in_risk_family, o.stunted)
               + " dari balita stunting bulan itu berasal dari keluarga berisiko")
layout.definition_box("families_at_risk", "stunted")

st.subheader("Faktor risiko")
if o.at_risk:
    bars = ucv.public_numbers(factors, ["families"], {"share": ("families",)}, secondary=False)
    shown = bars.dropna(subset=["families"]).astype({"families": "float64"})
    st.plotly_chart(charts.ranking(shown, name="label", value="families", label="Keluarga berisiko (keluarga)",
                                   kind="count", colour="#b45309"),
                    theme=None, config={"displayModeBar": False}, key="keluarga_factors")
    st.caption("Satu keluarga bisa punya beberapa faktor risiko; persentase dihitung dari keluarga berisiko."
               + (" Faktor dengan kurang dari 5 keluarga tidak ditampilkan untuk publik." if len(shown) < len(bars) else ""))
else:
    layout.empty_state(f"Tidak ada keluarga berisiko tercatat di {f.area_name} untuk tahun {year}.")

counts = ["families", "at_risk", *cv.RISK_FACTORS]
table = fam.assign(share=cv.coverage(fam["at_risk"], fam["families"]).to_numpy())
columns = {"name": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"), "families": ("Keluarga terdata", "count"),
           "at_risk": ("Keluarga berisiko", "count"), "share": ("Berisiko (%)", "percent")}
columns |= {k: (v.split(" (")[0], "count") for k, v in cv.RISK_FACTORS.items()}
ucv.table(table, columns, counts=counts, sort_by=("at_risk", False),
          rates={"share": ("at_risk", "families")}, key="keluarga_table")

st.subheader(f"Keluarga berisiko dan balita yang terukur stunting ({f.period_label})")
st.markdown(
    f"Dari **{ucv.count_text(o.stunted)}** balita yang terukur stunting pada {f.period_label}, "
    f"**{ucv.count_text(o.stunted_in_risk_family)}** ({ucv.share_text(o.shares['stunted_in_risk_family'], o.stunted_in_risk_family, o.stunted)}) "
    f"berasal dari keluarga berisiko, **{ucv.count_text(o.stunted_other_family)}** dari keluarga terdata yang tidak "
    f"berisiko, dan **{ucv.count_text(o.stunted_not_in_family_data)}** tidak ditemukan di data keluarga {year}. "
    f"Dari **{ucv.count_text(o.at_risk_child_measured)}** keluarga berisiko yang anaknya diukur, "
    f"**{ucv.count_text(o.at_risk_child_stunted)}** punya sedikitnya satu anak stunting.")
per_kel = cv.overlap_by_kelurahan(fam, kids)
if o.stunted and not data.suppressing():
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
