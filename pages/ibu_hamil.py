"""Ibu hamil: pregnant women with KEK (LiLA below the cut-off), anaemia, TTD and antenatal visits, by
kelurahan (map and table) and over time. Thresholds come from the configuration."""

import streamlit as st

from konvergensi.domain import convergence as cv
from konvergensi.core import fmt, text
from konvergensi.figures import convergence_charts as charts
from konvergensi.ui import data, filters, layout
from konvergensi.figures import maps, tables
from konvergensi.ui import convergence as ucv

layout.page_header("Ibu hamil", "Kurang energi kronis (KEK), anemia, tablet tambah darah (TTD), dan "
                   "pemeriksaan kehamilan (ANC) per kelurahan.", "🤰")
f = filters.filter_bar(show_subgroups=False, data_kind="bumil")
t = ucv.bumil_thresholds()
layout.require("bumil", f)

frame = cv.add_bumil_rates(data.query("bumil_by_kelurahan", period=f.period, area_id=f.area_id, **t))
totals = cv.bumil_totals(frame)
viewer = data.viewer()

st.subheader(f"Ibu hamil · {f.area_name}, {f.period_title}")
if not totals["women"]:
    layout.empty_state(f"Belum ada catatan ibu hamil di {f.area_name} pada {f.period_label}. Pilih periode lain.")
else:
    c0, c1, c2, c3, c4 = st.columns(5)
    with c0:
        layout.kpi("Ibu hamil tercatat", viewer.count_text(totals["women"]))
    with c1:
        layout.kpi("KEK", viewer.share_text(totals["kek_pct"], totals["kek"], totals["muac_measured"]),
                   help=f"{viewer.count_text(totals['kek'])} dari {viewer.count_text(totals['muac_measured'])} ibu "
                        f"diukur LiLA (LiLA < {fmt.number(t['kek_muac'], 1)} cm)")
    with c2:
        layout.kpi("Anemia", viewer.share_text(totals["anaemia_pct"], totals["anaemia"], totals["hb_measured"]),
                   help=f"{viewer.count_text(totals['anaemia'])} dari {viewer.count_text(totals['hb_measured'])} ibu "
                        f"diperiksa Hb (Hb < {fmt.number(t['anaemia_hb'], 1)} g/dL)")
    with c3:
        layout.kpi(f"TTD ≥ {t['ttd_min']} tablet", viewer.share_text(totals["ttd_pct"], totals["ttd_ok"], totals["ttd_recorded"]),
                   help=f"{viewer.count_text(totals['ttd_ok'])} dari {viewer.count_text(totals['ttd_recorded'])} ibu "
                        "dengan catatan TTD")
    with c4:
        layout.kpi(f"ANC ≥ {t['anc_min']} kali", viewer.share_text(totals["anc_pct"], totals["anc_ok"], totals["anc_recorded"]),
                   help=f"{viewer.count_text(totals['anc_ok'])} dari {viewer.count_text(totals['anc_recorded'])} ibu "
                        "dengan catatan kunjungan ANC")
st.caption(ucv.thresholds_caption(t))
layout.definition_box("bumil_kek", "anaemia", "ttd90", "anc4")

LAYERS = {key: maps.MapLayer(key, label, rate, "percent", scale, cv.BUMIL.rate(rate).numerator,
                             cv.BUMIL.rate(rate).denominator)
          for key, label, rate, scale in (
              ("kek", "Ibu hamil KEK (%)", "kek_pct", maps.SCALE_BAD_HIGH),
              ("anemia", "Ibu hamil anemia (%)", "anaemia_pct", maps.SCALE_BAD_HIGH),
              ("ttd", f"TTD ≥ {t['ttd_min']} tablet (%)", "ttd_pct", maps.SCALE_GOOD_HIGH),
              ("anc", f"ANC ≥ {t['anc_min']} kali (%)", "anc_pct", maps.SCALE_GOOD_HIGH))}
st.subheader("Per kelurahan")
layer = LAYERS[filters.url_choice("Indikator", {k: v.label for k, v in LAYERS.items()}, url_key="bumil")]
shown = viewer.frame(frame, cv.BUMIL, as_text=True)
shapes = data.boundaries(f.area_id) if f.area_level != "kelurahan" else None
if shapes is not None:
    rates = dict(zip(frame.region_id, shown[layer.column].astype("float64")))
    hover = {r: f"{viewer.count_text(n)} dari {viewer.count_text(d)} ibu" for r, n, d in
             zip(frame.region_id, frame[layer.numerator], frame[layer.denominator])}
    view = shapes.rows[["region_id", "name", "kecamatan"]].assign(
        **{layer.column: [rates.get(r) for r in shapes.rows.region_id]})
    view[layer.column] = view[layer.column].astype("float64")
    fig = maps.choropleth(view, shapes.geojson, layer, enough=view[layer.column].notna(),
                          hover_extra=[hover.get(r, "") for r in view.region_id], outlines=shapes.outlines,
                          height=480)
    st.plotly_chart(fig, theme=None, config={"displayModeBar": False, "scrollZoom": True}, key="bumil_map")
    st.caption(f"Abu-abu: belum ada ibu hamil dengan catatan ini pada {f.period_label}"
               + (", atau angkanya terlalu kecil untuk ditampilkan ke publik." if viewer.hides else "."))
    st.caption(text.md(shapes.note))   # boundary source and licence, or schematic tiles
elif f.area_level != "kelurahan":
    st.caption("Basis data belum berisi batas wilayah kelurahan: hanya tabel yang ditampilkan.")

columns = {"name": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"), "women": ("Ibu hamil", "count"),
           "kek": ("KEK", "count"), "kek_pct": ("KEK (%)", "percent"),
           "anaemia": ("Anemia", "count"), "anaemia_pct": ("Anemia (%)", "percent"),
           "ttd_ok": (f"TTD ≥ {t['ttd_min']}", "count"), "ttd_pct": (f"TTD ≥ {t['ttd_min']} (%)", "percent"),
           "anc_ok": (f"ANC ≥ {t['anc_min']}", "count"), "anc_pct": (f"ANC ≥ {t['anc_min']} (%)", "percent")}
ucv.table(frame, columns, counts=cv.BUMIL, sort_by=("kek_pct", False),
          colours={"kek_pct": lambda v: tables.gradient(v, 0, 40, maps.SCALE_BAD_HIGH),
                   "anaemia_pct": lambda v: tables.gradient(v, 0, 60, maps.SCALE_BAD_HIGH)},
          key="bumil_table")

st.subheader(f"Dari bulan ke bulan · {f.area_name}")
trend = cv.add_bumil_rates(data.query("bumil_trend", area_id=f.area_id, **t))
if not len(trend):
    layout.empty_state("Belum ada catatan ibu hamil untuk wilayah ini.")
else:
    trend_shown = viewer.frame(trend, cv.BUMIL, as_text=True)
    st.plotly_chart(charts.rate_lines(trend_shown, {"kek_pct": "KEK", "anaemia_pct": "Anemia",
                                                    "ttd_pct": f"TTD ≥ {t['ttd_min']}", "anc_pct": f"ANC ≥ {t['anc_min']}"}),
                    theme=None, config={"displayModeBar": False}, key="bumil_trend")
    st.caption("Setiap ibu dihitung sekali per bulan per indikator (catatan terakhirnya di bulan itu yang berisi "
               "nilai tersebut). TTD dan ANC adalah jumlah kumulatif selama kehamilan: ibu di awal kehamilan "
               "belum mungkin mencapainya.")
