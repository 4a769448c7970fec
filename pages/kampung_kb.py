"""Kampung KB: kelurahan that are Kampung Keluarga Berkualitas marked, and their stunting trend
compared with the other kelurahan of the area (prevalence from summed counts)."""

import pandas as pd
import streamlit as st

from konvergensi.domain import convergence as cv
from konvergensi.core import fmt, text
from konvergensi.domain import indicators
from konvergensi.figures import convergence_charts as charts
from konvergensi.ui import data, filters, layout
from konvergensi.figures import tables
from konvergensi.ui import convergence as ucv
from konvergensi.figures.maps import SCALE_BAD_HIGH

layout.page_header("Kampung KB", "Kelurahan Kampung Keluarga Berkualitas (Kampung KB), tempat banyak OPD "
                   "bekerja bersama, dibandingkan dengan kelurahan lain.", "🏘️")
f = filters.filter_bar(show_subgroups=False)
layout.require("eppgbm", f, stop=False)   # the marked kelurahan are listed even before any measurement

kel = cv.kampung_kb_kelurahan(data.query("kampung_kb_kelurahan", period=f.period, area_id=f.area_id))
n_kb = cv.kampung_kb_marked(kel)
viewer = data.viewer()
counts = data.query("kampung_kb_trend", area_id=f.area_id)
trend, gap = cv.kampung_kb_trend(counts), cv.kampung_kb_gap(counts)
now = gap[pd.to_datetime(gap["period"]).dt.date == f.period]
sums = trend[pd.to_datetime(trend["period"]).dt.date == f.period].set_index("group")

st.subheader(f"{f.area_name}, {f.period_title}")
c1, c2, c3, c4 = st.columns(4)
with c1:
    layout.kpi("Kelurahan Kampung KB", f"{n_kb} dari {len(kel)}")


def _group_kpi(label, group):
    if group in sums.index:
        r = sums.loc[group]
        layout.kpi(label, viewer.share_text(r["prevalence"], r["stunted"], r["measured"]),
                   help=f"{viewer.count_text(r['stunted'])} balita stunting dari {viewer.count_text(r['measured'])} diukur "
                        f"di {int(r['kelurahan'])} kelurahan")
    else:
        layout.kpi(label, fmt.MISSING, help="Tidak ada balita terukur pada periode ini.")


with c2:
    _group_kpi("Prevalensi di Kampung KB", cv.KAMPUNG_KB_LABEL)
with c3:
    _group_kpi("Prevalensi di kelurahan lain", cv.OTHER_LABEL)
with c4:
    # the gap of the prevalences as this viewer sees them (role publik: from the rounded counts; none when a
    # count is hidden)
    shown_sums = viewer.frame(sums.reset_index(), indicators.STUNTING).set_index("group")["prevalence"]
    g = None
    if {cv.KAMPUNG_KB_LABEL, cv.OTHER_LABEL} <= set(shown_sums.index):
        g = shown_sums[cv.KAMPUNG_KB_LABEL] - shown_sums[cv.OTHER_LABEL]
    if fmt.is_missing(g):   # one of the two groups had no child measured this month, or a count is hidden
        g = None
    layout.kpi("Selisih (Kampung KB − lain)", fmt.MISSING if g is None else fmt.number(g, 1, signed=True) + " poin",
               help="Dalam poin persen. Positif: prevalensi di Kampung KB lebih tinggi.")
layout.definition_box("prevalence_stunting")

if n_kb == 0:
    layout.empty_state(ucv.kampung_kb_missing(f.area_name))

st.subheader("Tren prevalensi stunting: Kampung KB dan kelurahan lain")
if len(trend):
    shown = viewer.frame(trend, indicators.STUNTING, as_text=True)
    shown = shown.assign(prevalence=pd.to_numeric(shown["prevalence"], errors="coerce"))
    st.plotly_chart(charts.kampung_kb_lines(shown, cv.KAMPUNG_KB_LABEL, cv.OTHER_LABEL), theme=None,
                    config={"displayModeBar": False}, key="kampung_kb_trend")
    change = cv.change_over(gap)
    if change and pd.notna(change["kampung_kb"]) and pd.notna(change["others"]) and not viewer.hides:
        st.markdown(f"Dari {fmt.month(change['from'])} ke {fmt.month(change['to'])}: Kampung KB "
                    f"{fmt.points(change['kampung_kb'])}, kelurahan lain {fmt.points(change['others'])}.")
    st.caption("Prevalensi tiap kelompok dihitung dari jumlah balita stunting dibagi jumlah balita diukur di "
               "semua kelurahannya (bukan rata-rata persentase kelurahan). Bulan penimbangan massal (Februari, "
               "Agustus) mengukur jauh lebih banyak anak daripada bulan lain.")
elif data.data_status().has("eppgbm"):   # else the message at the top already says so
    layout.empty_state("Belum ada pengukuran balita untuk wilayah ini.")
st.info("**Perbandingan, bukan bukti dampak.** Kelurahan sering ditetapkan sebagai Kampung KB justru karena "
        "masalahnya besar, dan berbeda dari kelurahan lain dalam banyak hal. Selisih atau perubahan di sini "
        "tidak menunjukkan berapa besar pengaruh program Kampung KB.", icon="⚠️")

st.subheader(f"Kelurahan di {f.area_name}")
shapes = data.boundaries(f.area_id) if f.area_level != "kelurahan" else None
if shapes is not None:
    shown_kel = viewer.frame(kel, indicators.STUNTING).assign(exact_measured=kel["measured"])
    view = shapes.rows[["region_id", "name", "kecamatan"]].merge(
        shown_kel[["region_id", "is_kampung_kb", "prevalence", "exact_measured"]], on="region_id", how="left")
    view["is_kampung_kb"] = view["is_kampung_kb"].fillna(False).astype(bool)
    view["prevalence"] = pd.to_numeric(view["prevalence"], errors="coerce").astype("float64")
    # "data kurang" on the true counts (it says only "fewer than the minimum"), as on Peta
    enough = (pd.to_numeric(view["exact_measured"], errors="coerce").fillna(0) >= data.min_children_map()) \
        & view["prevalence"].notna()
    hover = ["Kampung KB" if kb else "" for kb in view["is_kampung_kb"]]
    st.plotly_chart(charts.kampung_kb_map(view, shapes, enough=enough, hover_extra=hover), theme=None,
                    config={"displayModeBar": False, "scrollZoom": True}, key="kampung_kb_map")
    st.caption(f"Garis ungu tebal = Kampung KB. Warna = prevalensi stunting {f.period_label}; abu-abu = data "
               f"kurang (kurang dari {data.min_children_map()} balita terukur"
               + (", atau angka terlalu kecil untuk publik)." if viewer.hides else ")."))
    st.caption(text.md(shapes.note))   # boundary source and licence, or schematic tiles
table = cv.blank_when_few(kel, "prevalence", "measured", data.min_children_map()).assign(
    kb=["Ya" if v else "–" for v in kel["is_kampung_kb"]])
ucv.table(table, {"name": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"), "kb": ("Kampung KB", "text"),
                  "measured": ("Balita diukur", "count"), "stunted": ("Balita stunting", "count"),
                  "prevalence": ("Prevalensi (%)", "percent")},
          counts=indicators.STUNTING,
          colours={"kb": lambda v: "background-color: #ede9fe" if v == "Ya" else "",
                   "prevalence": lambda v: tables.gradient(v, 0, 40, SCALE_BAD_HIGH)}, key="kampung_kb_table")
st.caption(f"Prevalensi kosong bila balita diukur kurang dari {data.min_children_map()} (angka terlalu tidak pasti).")
