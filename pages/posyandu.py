"""Posyandu: SKDN performance, strata computed from the criteria beside the recorded strata."""

import streamlit as st

from konvergensi import export, fmt, posyandu
from konvergensi.ui import data, filters, layout, tables

layout.page_header("Posyandu", "Kinerja setiap posyandu: SKDN, kader, buka, strata, dan stunting di antara balitanya.", "🏥")
f = filters.filter_bar(show_subgroups=False)
t = data.strata_thresholds()

table = data.posyandu_performance(f)
if not len(table):
    layout.empty_state(f"Belum ada posyandu terdaftar di {f.area_name}.")
    st.stop()

reported = table[table.opened.notna()]
active = table.strata_computed.isin(["Purnama", "Mandiri"])
attention = table.attention.fillna("") != ""
c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    layout.kpi("Posyandu", fmt.number(len(table)), help=f"{fmt.number(len(reported))} mengirim laporan {f.period_label}")
with c2:
    layout.kpi("Buka bulan ini", fmt.number(int(table.opened.fillna(False).astype(bool).sum())))
with c3:
    ds_all = reported.d.sum() / reported.s.sum() if reported.s.sum() else None
    layout.kpi("D/S seluruh posyandu", fmt.share(ds_all), help=f"target {fmt.share(t.ds_target, 0)}")
with c4:
    layout.kpi("Posyandu aktif (hitung)", fmt.share(active.mean()),
               help="Strata Purnama atau Mandiri menurut kriteria (bukan strata tercatat)")
with c5:
    reasons = posyandu.attention_summary(table.attention)
    layout.kpi("Perlu perhatian", fmt.number(int(attention.sum())),
               help="; ".join(f"{reason}: {fmt.number(n)}" for reason, n in reasons.items()) or None)

SORTS = {"perhatian": "Perlu perhatian dulu", "ds": "D/S terendah", "nd": "N/D terendah",
         "prevalensi": "Prevalensi stunting tertinggi", "nama": "Nama"}
c1, c2 = st.columns([1, 2])
with c1:
    only_attention = filters.url_choice("Tampilkan", {"semua": "Semua posyandu", "perhatian": "Hanya yang perlu perhatian"},
                                        url_key="tampil", widget="radio") == "perhatian"
with c2:
    sort = filters.url_choice("Urutkan", SORTS, url_key="urut", widget="select")

view = table[attention] if only_attention else table
order = {"perhatian": (["attention_count", "ds"], [False, True]), "ds": (["ds"], [True]), "nd": (["nd"], [True]),
         "prevalensi": (["prevalence_stunting"], [False]), "nama": (["name"], [True])}[sort]
view = view.assign(attention=view.attention.fillna("")).sort_values(order[0], ascending=order[1], na_position="last")

COLUMNS = {  # column -> (header, kind for tables.styled)
    "name": ("Posyandu", "text"), "kelurahan": ("Kelurahan", "text"), "kecamatan": ("Kecamatan", "text"),
    "opened": ("Buka", "text"), "s": ("S", "count"), "k": ("K", "count"), "d": ("D", "count"), "n": ("N", "count"),
    "ks": ("K/S", "share"), "ds": ("D/S", "share"), "nd": ("N/D", "share"), "bgm": ("BGM", "count"),
    "bgm_d": ("BGM/D", "share"), "t2": ("2T", "count"), "ds_6m": ("D/S 6 bulan (%)", None),
    "kader_count": ("Kader terdaftar", "count"), "kader_on_duty": ("Kader bertugas (rata-rata)", "decimal"),
    "openings_year": ("Buka per tahun", "decimal"), "coverage": ("Cakupan layanan utama", "share"),
    "strata_recorded": ("Strata tercatat", "text"), "strata_computed": ("Strata hitung", "text"),
    "children_measured": ("Balita diukur", "count"), "prevalence_stunting": ("Prevalensi stunting", "percent"),
    "attention": ("Perlu perhatian", "text"),
}
COUNTS, RATES = posyandu.PERFORMANCE_COUNTS, posyandu.PERFORMANCE_RATES
view = data.for_display(view.reset_index(drop=True), COUNTS, RATES)   # publik: small counts hidden
shown = view[list(COLUMNS)].assign(opened=view.opened.map({True: "ya", False: "tidak"}).fillna("tidak lapor"),
                                    strata_computed=view.strata_computed.fillna("data kurang"))
shown.attrs = view.attrs   # the suppression mask travels with the rows
styler = tables.styled(
    shown, {c: k for c, (_, k) in COLUMNS.items() if k},
    {"ds": lambda v: tables.threshold_colour(v, t.ds_target), "nd": lambda v: tables.threshold_colour(v, t.nd_target),
     "prevalence_stunting": lambda v: tables.threshold_colour(v, 20, higher_is_better=False, fair_margin=0.5),
     "attention": lambda v: f"background-color: {tables.POOR}" if v else ""},
    hidden_label=f"<{data.suppress_below()}",
)
config = {c: h for c, (h, _) in COLUMNS.items()}
config["ds_6m"] = st.column_config.LineChartColumn("D/S 6 bulan (%)", y_min=0, y_max=100,
                                                   help="D/S per bulan, 6 bulan sampai periode terpilih")
config["name"] = st.column_config.TextColumn("Posyandu", pinned=True)
st.dataframe(styler, hide_index=True, placeholder=tables.PLACEHOLDER, column_config=config, height=min(38 + 35 * len(shown), 600))
if note := data.suppression_note():
    st.caption(note)
st.caption(f"{fmt.number(len(view))} dari {fmt.number(len(table))} posyandu. Warna D/S dan N/D: hijau = mencapai target "
           f"({fmt.share(t.ds_target, 0)} dan {fmt.share(t.nd_target, 0)}), kuning = kurang dari 10% di bawahnya, merah = lebih rendah.")

download = view[[c for c in COLUMNS if c != "ds_6m"]].assign(opened=shown.opened, strata_computed=shown.strata_computed)
download = download.assign(**{c: download[c].astype("Float64").round(4) for c in ("ks", "ds", "nd", "bgm_d", "coverage")},
                           prevalence_stunting=download.prevalence_stunting.astype("Float64").round(1))
if data.suppressing():   # the file says "<5" / "*" where the screen does
    from konvergensi import suppress

    states = view.attrs.get("suppressed", {})
    labels = {suppress.PRIMARY: suppress.label(data.suppress_below()), suppress.SECONDARY: suppress.SECONDARY_LABEL}
    download = download.assign(**{c: [labels.get(s, v) for v, s in zip(download[c].astype(object), states[c])]
                                  for c in COUNTS if c in download.columns and c in states})
download = download.rename(columns={c: h for c, (h, _) in COLUMNS.items()})
name = f"posyandu_{f.area_name.replace(' ', '_')}_{fmt.period_key(f.period)}"
d1, d2, _ = st.columns([1, 1, 4])
with d1:
    st.download_button("⬇️ Unduh Excel", lambda: export.to_excel_bytes(download, "Posyandu"), f"{name}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
with d2:
    st.download_button("⬇️ Unduh CSV", export.to_csv_bytes(download), f"{name}.csv", "text/csv", on_click="ignore")

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

**Perlu perhatian**: tidak buka bulan ini, D/S atau N/D di bawah target, strata hitung Pratama, atau strata
tercatat lebih tinggi daripada strata hitung (register perlu diperbarui).

**Prevalensi stunting** = balita dengan TB/U < -2 SD / balita dengan TB/U valid yang diukur di posyandu itu pada
periode terpilih (pengukuran terakhir per anak).
""")
