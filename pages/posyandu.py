"""Posyandu: SKDN performance, strata computed from the criteria beside the recorded strata."""

import streamlit as st

from konvergensi.core import export
from konvergensi.core import fmt
from konvergensi.domain import posyandu
from konvergensi.ui import data, filters, layout, posyandu_view
from konvergensi.figures import tables

layout.page_header("Posyandu", "Kinerja setiap posyandu: SKDN, kader, buka, strata, dan stunting di antara balitanya.", "🏥")
f = filters.filter_bar(show_subgroups=False, data_kind="skdn")
t = data.thresholds()
layout.require("posyandu")

table = data.posyandu_performance(f)
if not len(table):
    layout.empty_state(f"Belum ada posyandu terdaftar di {f.area_name}. Posyandu lain ada di daftar: pilih wilayah lain, "
                       "atau impor daftar posyandu yang memuat wilayah ini di *Kelola data*.")
    st.stop()
# the registry is there: its posyandu are listed even where SKDN reports are missing (this month or at all)
layout.require("skdn", f, stop=False)

totals = posyandu.area_summary(table)
c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    layout.kpi("Posyandu", fmt.number(totals.posyandu),
               help=f"{fmt.number(totals.reported)} mengirim laporan {f.period_label}")
with c2:
    layout.kpi("Buka bulan ini", fmt.number(totals.opened))
with c3:
    layout.kpi("D/S seluruh posyandu", fmt.share(totals.ds), help=f"target {fmt.share(t.ds_target, 0)}")
with c4:
    layout.kpi("Posyandu aktif (hitung)", fmt.share(totals.active),
               help="Strata Purnama atau Mandiri menurut kriteria (bukan strata tercatat)")
with c5:
    layout.kpi("Perlu perhatian", fmt.number(totals.attention),
               help="; ".join(f"{reason}: {fmt.number(n)}" for reason, n in totals.reasons.items()) or None)

c1, c2 = st.columns([1, 2])
with c1:
    only_attention = filters.url_choice("Tampilkan", {"semua": "Semua posyandu", "perhatian": "Hanya yang perlu perhatian"},
                                        url_key="tampil", widget="radio") == "perhatian"
with c2:
    sort = filters.url_choice("Urutkan", posyandu_view.SORTS, url_key="urut", widget="select")

# sorted, suppressed for publik (small counts hidden), styled: built once per filters and viewer kind
viewer = data.viewer()
synthetic = bool(data.build_info().get("synthetic"))
shown = data.shared(posyandu_view.table, f.period, f.area_id, viewer.hidden_below, only_attention, sort, synthetic)
config = {c: h for c, (h, _) in posyandu_view.COLUMNS.items()}
config["ds_6m"] = st.column_config.LineChartColumn("D/S 6 bulan (%)", y_min=0, y_max=100,
                                                   help="D/S per bulan, 6 bulan sampai periode terpilih")
config["name"] = st.column_config.TextColumn("Posyandu", pinned=True)
config["kelurahan"] = st.column_config.TextColumn("Kelurahan", pinned=True)   # two "Posyandu Sasando" apart
st.dataframe(shown.styler, hide_index=True, placeholder=tables.PLACEHOLDER, column_config=config,
             height=min(38 + 35 * shown.rows, 600))
if note := viewer.note():
    st.caption(note)
st.caption(f"{fmt.number(shown.rows)} dari {fmt.number(len(table))} posyandu. Warna D/S dan N/D: biru = mencapai target "
           f"({fmt.share(t.ds_target, 0)} dan {fmt.share(t.nd_target, 0)}), kuning = kurang dari 10% di bawahnya, jingga = lebih rendah.")

name = export.file_stem(f"posyandu_{f.area_name.replace(' ', '_')}_{fmt.period_key(f.period)}", synthetic)
d1, d2, _ = st.columns([1, 1, 4])
with d1:
    st.download_button("⬇️ Unduh Excel", lambda: export.to_excel_bytes(shown.download, "Posyandu"), f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
with d2:
    st.download_button("⬇️ Unduh CSV", shown.csv, f"{name}.csv", "text/csv", on_click="ignore")

layout.definition_box("ks_ratio", "ds_ratio", "nd_ratio", "bgm_ratio", "t2", "posyandu_active", "prevalence_stunting",
                      title="Definisi indikator")
with st.expander("ℹ️ Definisi SKDN dan kriteria strata", expanded=False):
    st.markdown(f"""
**SKDN** (laporan bulanan posyandu, periode {f.period_label}): S = semua balita di wilayah posyandu; K = balita
yang punya KMS/Buku KIA; D = balita ditimbang bulan ini; N = balita yang ditimbang bulan ini dan bulan lalu dan
beratnya naik; BGM = di bawah garis merah KMS; 2T = tidak naik dua bulan berturut-turut.
Rasio: **K/S** cakupan program, **D/S** partisipasi (target {fmt.share(t.ds_target, 0)}), **N/D** keberhasilan
(target {fmt.share(t.nd_target, 0)}), **BGM/D**.

**Strata hitung** (Pedoman Umum Pengelolaan Posyandu, Kemenkes 2011), dinilai atas 12 bulan sampai periode terpilih:
Pratama = buka < {t.min_openings:g} kali/tahun atau kader bertugas < {t.min_kader:g};
Madya = buka ≥ {t.min_openings:g} dan kader ≥ {t.min_kader:g}, cakupan layanan utama < {fmt.share(t.min_coverage, 0)}
(atau tanpa program tambahan); Purnama = cakupan ≥ {fmt.share(t.min_coverage, 0)}, ada program tambahan, dana sehat
< {fmt.share(t.min_dana_sehat, 0)} KK; Mandiri = dana sehat ≥ {fmt.share(t.min_dana_sehat, 0)} KK.
Buka per tahun = bulan buka dalam 12 bulan (disetahunkan bila laporan kurang dari 12 bulan); kader bertugas =
rata-rata pada bulan buka; cakupan layanan utama = rata-rata D/S dan cakupan KIA, KB, imunisasi yang dilaporkan.
Posyandu aktif = Purnama atau Mandiri. Ambang dapat diubah di berkas konfigurasi wilayah.

**Perlu perhatian**, diurutkan dari yang paling parah menurut skor: tidak buka bulan ini
{posyandu.WEIGHTS["tidak buka"]}; belum mengirim laporan SKDN bulan ini {posyandu.WEIGHTS["belum lapor"]};
D/S di bawah {fmt.share(t.attention_ds, 0)} dan N/D di bawah {fmt.share(t.attention_nd, 0)}: 1 per poin persen
kekurangannya; prevalensi stunting ≥ {fmt.percent(t.attention_prevalence, 0)} (sedikitnya {t.min_children_map}
balita diukur) {posyandu.WEIGHTS["stunting tinggi"]}; strata hitung Pratama {posyandu.WEIGHTS["pratama"]};
strata tercatat lebih tinggi daripada strata hitung (register perlu diperbarui) {posyandu.WEIGHTS["strata"]}.
Posyandu dengan skor sedikitnya {fmt.number(t.attention_min_score)} masuk daftar; alasannya ditulis dari yang
terberat. Ambang (attention_ds, attention_nd, attention_prevalence, attention_min_score) dapat diubah di berkas
konfigurasi wilayah. Warna D/S dan N/D tetap menurut target program ({fmt.share(t.ds_target, 0)} dan
{fmt.share(t.nd_target, 0)}).

**Prevalensi stunting** = balita dengan TB/U < -2 SD / balita dengan TB/U valid yang diukur di posyandu itu pada
periode terpilih (pengukuran terakhir per anak).
""")
