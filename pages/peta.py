"""Peta: kelurahan choropleth (offline), with drill-down by clicking a kelurahan."""

import dataclasses

import streamlit as st

from konvergensi.core import fmt, text
from konvergensi.ui import data, filters, layout, peta_view
from konvergensi.figures import maps, tables

layout.page_header("Peta", "Sebaran per kelurahan. Klik sebuah kelurahan untuk melihat rinciannya.", "🗺️")
f = filters.filter_bar()
layout.require("eppgbm", f)

layer_key = filters.url_choice("Indikator peta", {k: v.label for k, v in maps.LAYERS.items()}, url_key="lapisan")
layer = maps.LAYERS[layer_key]
renderer = filters.url_choice("Tampilan", {"plotly": "Peta offline", "folium": "Peta dengan latar (butuh internet)"},
                              url_key="tampilan", widget="radio")

# The map shows the kecamatan of a selected kelurahan (highlighted), else the selected area.
map_area = f.kecamatan_id or f.region_id
mf = dataclasses.replace(f, area_id=map_area)
baseline = data.baseline_period(f)
counts = data.kelurahan_indicators(mf, baseline_period=baseline)
shapes = data.boundaries(map_area)
minimum = data.min_children_map()
# "data kurang" is decided on the true counts (it says only "fewer than the minimum"); everything shown
# (colours, hover, table) goes through the viewer: small counts are hidden from the public.
enough = maps.enough(counts, layer, minimum)
viewer = data.viewer()
kel = viewer.frame(counts, maps.COLUMNS)
# each kecamatan's or kelurahan's own count target (allocated from the city's unless set by an admin)
league = data.shared(peta_view.league_shown, data.target_league(map_area, f.period), viewer.hidden_below)
if layer.key == "jarak_target":
    kel_league = data.shared(peta_view.league_shown, data.target_league(map_area, f.period, True),
                             viewer.hidden_below)
    kel = data.shared(peta_view.with_target_gap, kel, kel_league)

if shapes is None:
    layout.empty_state("Basis data belum berisi batas wilayah kelurahan. Muat batas wilayah dengan "
                       "`python -m konvergensi import-boundaries BERKAS`.")
    st.stop()

if layer.numerator:
    lo, hi = kel[f"{layer.column}_lo"], kel[f"{layer.column}_hi"]
    hover = [f"IK 95% (Wilson): {maps.wilson_text(a, b)}<br>n = {viewer.count_text(n)}"
             if ok else f"n = {viewer.count_text(n)} (kurang dari {minimum})"
             for a, b, n, ok in zip(lo, hi, kel[layer.denominator], enough)]
elif layer.key == "perubahan" and baseline:
    hover = [f"{fmt.month(baseline)}: {fmt.percent(b)} → {f.period_label}: {fmt.percent(p)}<br>"
             f"diukur {viewer.count_text(n0)} → {viewer.count_text(n1)}"
             for b, p, n0, n1 in zip(kel.baseline_prevalence, kel.prevalence, kel.baseline_measured, kel.measured)]
else:
    hover = [f"Diukur: {viewer.count_text(n)}" for n in kel["measured"]]


def _drill_down():
    """Map click: the clicked kelurahan becomes the area filter."""
    points = st.session_state.get("peta_map", {}).get("selection", {}).get("points", [])
    region = next((p.get("customdata") or p.get("location") for p in points if p.get("customdata") or p.get("location")), None)
    if isinstance(region, list):
        region = region[0]
    if region:
        filters.select_area(region)


# where to go back to: the kecamatan of a selected kelurahan, the kabupaten/kota of a selected kecamatan
back = f.kecamatan_id if f.kelurahan_id else f.region_id if f.kecamatan_id else None
if back:
    st.button(f"⬅ Kembali ke {text.md(filters.regions().label(back))}", key="peta_back", on_click=filters.select_area,
              args=(back,), help="Naik satu tingkat wilayah (juga: pilih wilayah di filter).")

# a selected kelurahan's details beside the map (a projector shows both at once)
map_col, side = st.columns([3, 2], gap="medium") if f.kelurahan_id else (st.container(), None)
with map_col:
    if renderer == "plotly":
        fig = data.shared(peta_view.choropleth, kel, map_area, layer_key, enough, hover, f.kelurahan_id)
        st.plotly_chart(fig, key="peta_map", on_select=_drill_down, selection_mode="points", theme=None,
                        config={"displayModeBar": False, "scrollZoom": True})
    else:
        from streamlit_folium import st_folium

        tiles = st.toggle("Latar peta OpenStreetMap (butuh internet)", value=True, key="peta_tiles")
        st_folium(maps.folium_map(kel, shapes, layer, enough=enough, hover_extra=hover, tiles=tiles,
                                  highlight=f.kelurahan_id),
                  height=560, use_container_width=True, returned_objects=[], key="peta_folium")

if side is not None:
    with side:
        row = kel[kel.region_id == f.kelurahan_id].iloc[0]
        st.subheader(f"Kelurahan {text.md(row['name'])}")
        st.caption(f"Kecamatan {text.md(row['kecamatan'])} · {f.period_label}")
        c1, c2 = st.columns(2)
        with c1:
            layout.kpi("Balita stunting", viewer.count_text(row["stunted"]),
                       help=f"dari {viewer.count_text(row['measured'])} diukur")
            layout.kpi("Wasting", fmt.percent(row["prevalence_wasting"]))
        with c2:
            layout.kpi("Prevalensi", fmt.percent(row["prevalence"]),
                       help=f"IK 95% (Wilson): {maps.wilson_text(row['prevalence_lo'], row['prevalence_hi'])}")
            layout.kpi("Partisipasi D/S", fmt.share(row["ds"]))
        if not counts.loc[counts.region_id == f.kelurahan_id, "enough"].iloc[0]:
            st.warning(f"Hanya {viewer.count_text(row['measured'])} balita terukur (kurang dari {minimum}): "
                       "angka kelurahan ini sangat tidak pasti.")

st.caption(text.md(shapes.note))   # where the boundaries come from (source and licence), or that they are schematic
legend = (f"Abu-abu muda = **{maps.INSUFFICIENT_LABEL}**: kurang dari {minimum} balita terukur (angka terlalu "
          "tidak pasti). Nama tertulis: lima kelurahan dengan angka terburuk pada lapisan ini.")
if viewer.hides:
    legend += f" Abu-abu tua = **{maps.HIDDEN_LABEL}**: angka kecil tidak ditampilkan untuk publik."
if layer.key == "perubahan" and baseline:
    legend += f" Perubahan dihitung dari {fmt.month(baseline)} ke {f.period_label}; biru = turun."
if layer.key == "jarak_target":
    legend += (" Jarak = balita stunting sekarang dikurangi target kelurahan itu (semua balita: filter umur dan "
               "jenis kelamin tidak berlaku); merah = di atas target, biru = di bawah target.")
st.caption(legend)
layout.definition_box(*maps.definitions(layer))

st.subheader(f"Tabel kelurahan · {f.period_title}")
st.dataframe(
    data.shared(peta_view.table, kel, counts.enough, viewer.hidden_below),
    hide_index=True, placeholder=tables.PLACEHOLDER,
    column_config={"name": "Kelurahan", "kecamatan": "Kecamatan", "measured": "Diukur", "stunted": "Stunting",
                   "prevalence": "Prevalensi", "ik": "IK 95%", "change_points": "Perubahan (poin)",
                   "prevalence_wasting": "Wasting", "prevalence_underweight": "Underweight", "ds": "D/S",
                   "prevalence_bumil_kek": "Bumil KEK", "status": "Catatan"},
)
if note := viewer.note():
    st.caption(note)

st.subheader(f"Target per wilayah · {f.period_title}")
if peta_view.has_targets(league):
    st.dataframe(
        data.shared(peta_view.league_table, league, viewer.hidden_below),
        hide_index=True, placeholder=tables.PLACEHOLDER,
        column_config={"name": "Wilayah", "parent_name": "Bagian dari", "baseline": "Baseline",
                       "target": "Target", "path": "Jalur bulan ini", "stunted": "Stunting sekarang",
                       "gap": "Jarak ke target", "gap_share": "Bagian dari sisa jarak", "status": "Status",
                       "basis": "Asal target"},
    )
else:
    layout.empty_state("Belum ada target jumlah balita stunting untuk wilayah ini. Tetapkan target kota/kabupaten "
                       "di berkas konfigurasi ([[targets]]) atau impor target di Kelola data.")
layout.definition_box("target_wilayah")
