"""Kualitas data: WHO Anthro Survey Analyser checks of the measurements of one period and area.

For pimpinan, petugas and admin (per-posyandu figures are not suppressed): the page checks the role itself.
"""

import streamlit as st

from konvergensi.core import export
from konvergensi.core import fmt, settings
from konvergensi.domain import quality
from konvergensi.ui import access, data, filters, layout
from konvergensi.figures import quality_charts, tables


def yardsticks() -> settings.Thresholds:
    """The region's thresholds (the checks read flagged_max, sd_low, ...); config unreadable: the defaults."""
    try:
        return data.config().thresholds
    except (ImportError, OSError, ValueError):   # ConfigError is a ValueError
        return settings.DEFAULTS


def note(key: str) -> None:
    why, todo = quality.NOTES[key]
    st.caption(f"**Mengapa penting:** {why}  \n**Yang perlu dilakukan:** {todo}")


STATUS = {True: "✅ baik", False: "⚠️ perlu perhatian", None: "– data kurang"}

layout.page_header(
    "Kualitas data",
    "Pemeriksaan mutu data antropometri menurut WHO Anthro Survey Analyser: kelengkapan, z-score ekstrem, "
    "sebaran z-score, penumpukan umur, preferensi angka, cara ukur, dan kecocokan dengan SKDN.", "🔎")
access.require("pimpinan", "petugas", "admin")   # the page guards itself, whatever the URL or navigation
f = filters.filter_bar(show_subgroups=False)
layout.require("eppgbm", f)
y = yardsticks()
params = {"period": f.period, "area_id": f.area_id}
groups = data.query("quality_by_posyandu", **params)
measured = quality.children_measured(groups)
if not measured:
    layout.empty_state(f"Tidak ada pengukuran balita di {f.area_name} pada {f.period_label}.")
    st.stop()
digit_rows = data.query("quality_digits", **params)
ages = data.query("quality_age_months", **params)
hist = data.query("quality_z_histogram", **params)

st.caption(f"{fmt.number(measured)} balita diukur di {f.area_name} pada {f.period_label} "
           "(satu pengukuran per anak: yang terakhir di bulan itu).")

# --- Overview ---
st.subheader("Ringkasan pemeriksaan")
mass_month = quality.is_mass_month(f.period)
over = quality.overview(groups, digit_rows, ages, y, length_expected=mass_month)
problems = quality.problems(over)
c1, c2, c3 = st.columns(3)
with c1:
    layout.kpi("Balita diukur", fmt.number(measured))
with c2:
    layout.kpi("Pemeriksaan perlu perhatian", f"{problems} dari {len(over)}")
with c3:
    layout.kpi("Rasio laki-laki : perempuan", fmt.number(quality.sex_ratio(groups), 2),
               help="Pada populasi balita rasionya sekitar 1,0-1,05.")
shown = over.assign(status=over.ok.map(lambda v: STATUS[None if v is None or v != v else bool(v)]))
st.dataframe(shown[["label", "value", "yardstick", "status"]], hide_index=True, width="stretch", height=38 + 35 * len(shown),
             column_config={"label": st.column_config.TextColumn("Pemeriksaan", width="medium"),
                            "value": st.column_config.TextColumn("Hasil", width="medium"),
                            "yardstick": st.column_config.TextColumn("Patokan", width="medium"),
                            "status": st.column_config.TextColumn("Status", width="small")})

# --- Completeness ---
st.subheader("Kelengkapan data")
note("completeness")
if not mass_month:
    st.caption(f"{f.period_label} bukan bulan penimbangan massal (Februari, Agustus): panjang/tinggi badan yang "
               "kosong ditampilkan, tetapi tidak dinilai sebagai masalah di ringkasan maupun daftar posyandu.")
by = filters.url_choice("Rinci menurut", {"kelurahan": "Kelurahan", "posyandu": "Posyandu"}, url_key="rinci")
comp = quality.completeness(groups, ["kelurahan"] if by == "kelurahan" else ["kelurahan", "posyandu"])
comp = comp[comp.measured > 0]
fields = {c: label for c, label in quality.COMPLETENESS_FIELDS.items()}
columns = (["kelurahan"] if by == "kelurahan" else ["kelurahan", "posyandu"]) + ["measured"] + \
    [f"{c}_share" for c in fields]
styler = tables.styled(
    comp[columns], {"measured": "count", **{f"{c}_share": "share" for c in fields}},
    {f"{c}_share": (lambda v: tables.threshold_colour(v, y.missing_max, higher_is_better=False, fair_margin=1.0))
     for c in fields})
SHORT = {"missing_sex": "JK kosong", "missing_birth_date": "Tgl lahir kosong", "missing_weight": "BB kosong",
         "missing_lenhei": "PB/TB kosong", "missing_measure": "Cara ukur kosong", "implausible_weight": "BB tidak wajar",
         "implausible_lenhei": "PB/TB tidak wajar"}
st.dataframe(styler, hide_index=True, height=min(38 + 35 * len(comp), 420), column_config={
    "kelurahan": "Kelurahan", "posyandu": "Posyandu", "measured": "Balita diukur",
    **{f"{c}_share": st.column_config.Column(SHORT.get(c, label), help=f"{label} (% balita diukur)")
       for c, label in fields.items()}})

# --- z-scores ---
st.subheader("Z-score ekstrem dan sebaran z-score")
note("flagged")
note("distribution")
zs = quality.z_summary(groups, y)
st.dataframe(
    tables.styled(zs[["label", "scored", "flagged", "flagged_share", "n", "mean", "sd", "skewness", "kurtosis", "problems"]],
                  {"scored": "count", "flagged": "count", "flagged_share": "share", "n": "count"},
                  {"flagged_share": lambda v: tables.threshold_colour(v, y.flagged_max, higher_is_better=False, fair_margin=0.5),
                   "problems": lambda v: f"background-color: {tables.POOR}" if v else ""})
    .format(lambda v: fmt.number(v, 2), subset=["mean", "sd", "skewness", "kurtosis"], na_rep=fmt.MISSING)
    .format(lambda v: fmt.share(v, 2), subset=["flagged_share"], na_rep=fmt.MISSING),
    hide_index=True,
    column_config={"label": "Indikator", "scored": "Anak dengan z", "flagged": "Z ekstrem (flag)",
                   "flagged_share": "% flag", "n": "Z dinilai (tanpa flag)", "mean": "Rata-rata", "sd": "SD",
                   "skewness": "Kemencengan", "kurtosis": "Kurtosis", "problems": "Masalah"})
st.caption(f"Batas flag WHO: TB/U < -6 atau > 6; BB/U < -6 atau > 5; BB/TB < -5 atau > 5. Patokan: flag ≤ "
           f"{fmt.share(y.flagged_max, 0)}; SD {fmt.number(y.sd_low, 1)}-{fmt.number(y.sd_high, 1)}; |kemencengan| ≤ "
           f"{fmt.number(y.skew_max, 1)}; kurtosis (momen, normal = 3) {fmt.number(y.kurtosis_low, 0)}-"
           f"{fmt.number(y.kurtosis_high, 0)}. Sebaran dinilai bila ada ≥ {y.min_n} anak.")
indicator = filters.url_choice("Sebaran", {k: v for k, v in quality.Z_INDICATORS.items()}, url_key="z")
st.plotly_chart(quality_charts.z_histogram(hist, indicator), width="stretch", config={"displaylogo": False})
st.caption("Batang: jumlah anak per 0,2 SD (tanpa z ekstrem). Garis ungu: kurva normal baku WHO dengan jumlah anak "
           "yang sama; garis oranye putus-putus: kurva normal dengan rata-rata dan SD data ini. Bila datanya baik, "
           "bentuk batang mengikuti garis oranye dan lebarnya mirip garis ungu; pergeseran ke kiri (rata-rata di bawah 0) "
           "adalah masalah gizi, bukan masalah data.")

group_cols = ["kelurahan"] if by == "kelurahan" else ["kelurahan", "posyandu"]
per_group = quality.z_by_group(groups, group_cols, indicator)
per_group = per_group[per_group.scored > 0]
with st.expander(f"Sebaran {quality.Z_INDICATORS[indicator]} per {by} ({fmt.number(len(per_group))})", expanded=False):
    st.dataframe(
        tables.styled(per_group, {"scored": "count", "n": "count"},
                      {"sd": lambda v: "" if not fmt.is_finite(v) else
                       f"background-color: {tables.GOOD if y.sd_low <= v <= y.sd_high else tables.POOR}"})
        .format(lambda v: fmt.number(v, 2), subset=["mean", "sd", "skewness", "kurtosis"], na_rep=fmt.MISSING)
        .format(lambda v: fmt.share(v, 1), subset=["flagged_share"], na_rep=fmt.MISSING),
        hide_index=True, height=min(38 + 35 * len(per_group), 420),
        column_config={"kelurahan": "Kelurahan", "posyandu": "Posyandu", "scored": "Anak dengan z",
                       "flagged_share": "% flag", "n": "Z dinilai", "mean": "Rata-rata", "sd": "SD",
                       "skewness": "Kemencengan", "kurtosis": "Kurtosis"})
    st.caption("Pada kelompok kecil SD, kemencengan dan kurtosis berubah-ubah karena kebetulan; bandingkan antarkelompok "
               "dan perhatikan yang jauh menyimpang dengan banyak anak. Ganti rincian (kelurahan/posyandu) di bagian "
               "Kelengkapan data.")

# --- age heaping ---
st.subheader("Sebaran umur (penumpukan umur)")
note("heaping")
ratio = quality.age_heaping(quality.ages_by_month(ages))
st.plotly_chart(quality_charts.age_months(ages), width="stretch", config={"displaylogo": False})
st.caption(f"Rasio penumpukan umur tahun penuh (anak berumur 12, 24, 36, 48 bulan dibagi rata-rata bulan di "
           f"sebelah-menyebelahnya): **{fmt.number(ratio, 2)}** (1 = tidak ada penumpukan; patokan ≤ "
           f"{fmt.number(y.heaping_max, 2)}).")

# --- digit preference ---
st.subheader("Preferensi angka desimal")
note("digits")
st.plotly_chart(quality_charts.digits(digit_rows), width="stretch", config={"displaylogo": False})
rows = []
for variable, label in (("weight", "Berat badan"), ("lenhei", "Panjang/tinggi badan")):
    dp = quality.digit_preference(quality.digit_counts(digit_rows, variable))
    rows.append({"Ukuran": label, "Nilai": fmt.number(dp.n), "Berakhir ,0": fmt.share(dp.whole_share),
                 "Berakhir ,5": fmt.share(dp.half_share), "Khi-kuadrat (db 9)": fmt.number(dp.chi2, 1),
                 "p": "< 0,001" if fmt.is_finite(dp.p_value) and dp.p_value < 0.001 else fmt.number(dp.p_value, 3),
                 "Skor preferensi (DPS)": fmt.number(dp.dps, 1), "Penilaian": dp.rating})
st.dataframe(rows, hide_index=True)
st.caption("DPS (Digit Preference Score, SMART): 0 = tidak ada preferensi, 100 = semua nilai berakhir angka yang sama; "
           "≤ 7 sangat baik, 8-12 baik, 13-20 cukup, > 20 bermasalah. Setiap angka 0-9 diharapkan sekitar 10%; "
           "banyak ,0 = preferensi bilangan bulat.")

# --- measuring position ---
st.subheader("Cara ukur menurut umur")
note("method")
mm = quality.method_mismatch(groups)
st.dataframe(
    tables.styled(mm[["band", "expected", "measured", "wrong", "wrong_share", "unknown", "unknown_share"]],
                  {"measured": "count", "wrong": "count", "wrong_share": "share", "unknown": "count", "unknown_share": "share"},
                  {"wrong_share": lambda v: tables.threshold_colour(v, y.method_mismatch_max, higher_is_better=False, fair_margin=0.5)})
    .format(lambda v: fmt.share(v), subset=["wrong_share", "unknown_share"], na_rep=fmt.MISSING),
    hide_index=True,
    column_config={"band": "Kelompok umur", "expected": "Seharusnya", "measured": "Anak diukur panjang/tinggi",
                   "wrong": "Cara ukur lain", "wrong_share": "% cara ukur lain", "unknown": "Cara ukur kosong",
                   "unknown_share": "% kosong"})

# --- measured vs SKDN ---
st.subheader("Anak diukur dibanding laporan SKDN posyandu")
note("coverage")
cov = quality.measured_vs_skdn(groups)
st.dataframe(
    tables.styled(cov, {"measured": "count", "skdn_d": "count", "skdn_s": "count", "of_d": "share", "of_s": "share"},
                  {"of_d": lambda v: tables.threshold_colour(v, y.measured_vs_d_min),
                   "of_s": lambda v: f"background-color: {tables.POOR}" if fmt.is_finite(v) and v > 1 else ""})
    .format(lambda v: fmt.share(v), subset=["of_d", "of_s"], na_rep=fmt.MISSING),
    hide_index=True, height=min(38 + 35 * len(cov), 420),
    column_config={"kelurahan": "Kelurahan", "posyandu": "Posyandu", "measured": "Anak di e-PPGBM",
                   "skdn_d": "D (ditimbang, SKDN)", "skdn_s": "S (semua balita, SKDN)", "of_d": "e-PPGBM / D",
                   "of_s": "e-PPGBM / S"})

# --- suspicious posyandu ---
st.subheader("Posyandu yang datanya perlu diperiksa")
note("suspicious")
sus = quality.suspicious_posyandu(groups, digit_rows, y, length_expected=mass_month)
if not len(sus):
    st.success("Tidak ada posyandu dengan data yang menyimpang pada periode dan wilayah ini.")
else:
    st.dataframe(sus[["posyandu", "kelurahan", "measured", "skdn_d", "score", "reasons"]], hide_index=True,
                 column_config={"posyandu": "Posyandu", "kelurahan": "Kelurahan", "measured": "Anak diukur",
                                "skdn_d": "D (SKDN)", "score": st.column_config.NumberColumn("Jumlah masalah"),
                                "reasons": st.column_config.TextColumn("Alasan", width="large")},
                 height=min(38 + 35 * len(sus), 500))
    download = sus.rename(columns={"posyandu_id": "ID posyandu", "posyandu": "Posyandu", "kelurahan": "Kelurahan",
                                   "measured": "Anak diukur", "skdn_s": "S (SKDN)", "skdn_d": "D (SKDN)",
                                   "score": "Jumlah masalah", "reasons": "Alasan"})
    synthetic = bool(data.build_info().get("synthetic"))
    st.download_button("⬇️ Unduh daftar (Excel)",
                       export.to_excel_bytes(download, "Posyandu diperiksa", synthetic=synthetic),
                       export.file_stem(f"kualitas_data_{f.area_name.replace(' ', '_')}_{fmt.period_key(f.period)}",
                                        synthetic) + ".xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")

with st.expander("ℹ️ Patokan yang dipakai", expanded=False):
    st.markdown(f"""
Patokan WHO/UNICEF (2019) yang dipakai WHO Anthro Survey Analyser: z ekstrem ≤ {fmt.share(y.flagged_max, 0)};
SD z-score {fmt.number(y.sd_low, 1)}-{fmt.number(y.sd_high, 1)}; |kemencengan| ≤ {fmt.number(y.skew_max, 1)};
kurtosis {fmt.number(y.kurtosis_low, 0)}-{fmt.number(y.kurtosis_high, 0)} (kurtosis momen, distribusi normal = 3).
Patokan dasbor ini (dapat diubah di berkas konfigurasi): isian kosong ≤ {fmt.share(y.missing_max, 0)}; cara ukur tidak
sesuai ≤ {fmt.share(y.method_mismatch_max, 0)}; rasio penumpukan umur ≤ {fmt.number(y.heaping_max, 2)}; DPS ≤
{fmt.number(y.dps_max, 0)}; anak di e-PPGBM ≥ {fmt.share(y.measured_vs_d_min, 0)} D; sebaran dan preferensi angka dinilai
bila ada ≥ {y.min_n} anak. Untuk satu posyandu (puluhan anak) sebuah nilai baru dianggap menyimpang bila
melewati patokan lebih dari 2 galat baku (selisih yang masih bisa terjadi karena kebetulan pada kelompok kecil
tidak dihitung). Satu anak dihitung sekali per bulan (pengukuran terakhir). Berat di luar 0,5-40 kg dan
panjang/tinggi di luar 35-140 cm ditandai tidak wajar (tetap disimpan).
""")
