"""Indicator definitions: the one place where numerator, denominator and period rule are written down.

Every number the dashboard, the CLI (`python -m konvergensi summary`) and the meeting packs show has a
record here; pages show it with `konvergensi.ui.layout.definition_box(key)`. Thresholds named in the
text (LiLA 23.5 cm, Hb 11 g/dL, 90 TTD, 4 ANC visits, D/S and N/D targets) are the defaults of the
region's config file (config/<region>.toml, [thresholds]); the value actually used is stored in
build_info.settings_json and shown on screen.

Rates are always recomputed from summed numerators and denominators, never averaged from smaller areas.
`wilson_interval` gives the 95% Wilson score interval of a proportion, in percent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

_CHILD_PERIOD = ("Satu bulan (periode). Setiap anak dihitung sekali: pengukuran terakhirnya di bulan itu "
                 "dengan z-score yang sah (tidak ditandai/flag).")
_EPPGBM = "e-PPGBM (pengukuran posyandu/puskesmas); z-score dihitung ulang dengan standar WHO 2006"
_PERMENKES = "Permenkes No. 2 Tahun 2020 tentang Standar Antropometri Anak; WHO Child Growth Standards 2006"
_SKDN = "Laporan bulanan posyandu (SKDN)"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str            # name shown on screen (Bahasa Indonesia)
    numerator: str
    denominator: str
    period_rule: str
    unit: str             # 'anak' | 'persen' | 'rasio' | 'poin persen' | ...
    note: str = ""
    source: str = ""


_LIST = [
    Indicator(
        "children_measured", "Balita diukur (TB/U sah)",
        "Jumlah balita (0-59 bulan) yang diukur panjang/tinggi badannya dengan z-score TB/U yang sah.",
        "-",
        _CHILD_PERIOD, "anak",
        "Z-score dengan flag WHO (TB/U < -6 atau > 6) tidak dihitung.", _EPPGBM),
    Indicator(
        "stunted", "Balita stunting (jumlah)",
        "Balita dengan TB/U (atau PB/U) z-score < -2 SD (pendek dan sangat pendek).",
        "- (jumlah anak)",
        _CHILD_PERIOD, "anak",
        "Jumlah bergantung pada cakupan pengukuran; bandingkan bersama jumlah balita diukur.",
        f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "severely_stunted", "Balita sangat pendek (jumlah)",
        "Balita dengan TB/U z-score < -3 SD.",
        "- (jumlah anak)",
        _CHILD_PERIOD, "anak", "", f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "prevalence_stunting", "Prevalensi stunting (%)",
        "Balita dengan TB/U z-score < -2 SD.",
        "Balita dengan z-score TB/U yang sah (tidak ditandai) pada periode itu.",
        _CHILD_PERIOD, "persen",
        "Angka e-PPGBM (semua balita ditimbang) lebih rendah daripada angka survei (SSGI/SKI); "
        "jangan dicampur tanpa label. Selang kepercayaan 95% metode Wilson.",
        f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "prevalence_severely_stunted", "Prevalensi sangat pendek (%)",
        "Balita dengan TB/U z-score < -3 SD.",
        "Balita dengan z-score TB/U yang sah pada periode itu.",
        _CHILD_PERIOD, "persen", "", f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "wasted", "Wasting (gizi kurang dan gizi buruk)",
        "Balita dengan BB/PB atau BB/TB z-score < -2 SD, ditambah balita dengan edema bilateral.",
        "Balita dengan z-score BB/TB yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen",
        "Sesuai WHO, setiap anak dengan edema dihitung sebagai di bawah -3 SD (wasting berat).",
        f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "severely_wasted", "Gizi buruk (severely wasted)",
        "Balita dengan BB/TB z-score < -3 SD, ditambah balita dengan edema bilateral.",
        "Balita dengan z-score BB/TB yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen", "", f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "underweight", "Underweight (berat badan kurang)",
        "Balita dengan BB/U z-score < -2 SD, ditambah balita dengan edema bilateral.",
        "Balita dengan z-score BB/U yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen", "Edema dihitung sebagai di bawah -3 SD (WHO).",
        f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "overweight", "Gizi lebih (overweight)",
        "Balita dengan BB/TB z-score > +2 SD.",
        "Balita dengan z-score BB/TB yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen", "", f"{_EPPGBM}; {_PERMENKES}"),
    Indicator(
        "bumil_kek", "Ibu hamil KEK",
        "Ibu hamil dengan LiLA < 23,5 cm (ambang dapat diatur).",
        "Ibu hamil yang diukur LiLA-nya pada periode itu.",
        "Satu bulan. Setiap ibu dihitung sekali: catatan terakhirnya di bulan itu yang berisi LiLA.",
        "persen", "KEK = Kurang Energi Kronis.", "Catatan ibu hamil posyandu/puskesmas (KIA)"),
    Indicator(
        "kek", "Ibu hamil KEK (jumlah)",
        "Ibu hamil dengan LiLA < 23,5 cm (ambang dapat diatur).",
        "- (jumlah ibu)",
        "Satu bulan. Setiap ibu dihitung sekali: catatan terakhirnya di bulan itu yang berisi LiLA.",
        "ibu", "", "Catatan ibu hamil posyandu/puskesmas (KIA)"),
    Indicator(
        "anaemia", "Ibu hamil anemia (%)",
        "Ibu hamil dengan kadar Hb < 11 g/dL (ambang dapat diatur).",
        "Ibu hamil yang diperiksa Hb-nya pada periode itu.",
        "Satu bulan. Setiap ibu dihitung sekali: catatan terakhirnya di bulan itu yang berisi Hb.",
        "persen", "", "Catatan ibu hamil posyandu/puskesmas (KIA)"),
    Indicator(
        "ttd90", "Ibu hamil mendapat TTD >= 90 tablet (%)",
        "Ibu hamil yang sudah mengonsumsi sedikitnya 90 tablet tambah darah (TTD) dalam kehamilan ini.",
        "Ibu hamil dengan catatan jumlah TTD pada periode itu.",
        "Satu bulan; catatan terakhir per ibu. Jumlah tablet kumulatif selama kehamilan.",
        "persen", "Ibu di awal kehamilan belum mungkin mencapai 90 tablet; baca bersama usia kehamilan.",
        "Catatan ibu hamil posyandu/puskesmas (KIA)"),
    Indicator(
        "anc4", "Ibu hamil dengan >= 4 kunjungan antenatal (%)",
        "Ibu hamil dengan sedikitnya 4 kunjungan pemeriksaan kehamilan (ANC; kini dianjurkan 6).",
        "Ibu hamil dengan catatan jumlah kunjungan ANC pada periode itu.",
        "Satu bulan; catatan terakhir per ibu. Jumlah kunjungan kumulatif selama kehamilan.",
        "persen", "Ambang jumlah kunjungan dapat diatur.", "Catatan ibu hamil posyandu/puskesmas (KIA)"),
    Indicator(
        "ks_ratio", "Cakupan program K/S (%)",
        "K: balita yang memiliki KMS/Buku KIA.",
        "S: seluruh balita di wilayah kerja posyandu.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah K / jumlah S).",
        "persen", "", _SKDN),
    Indicator(
        "dk_ratio", "Kelangsungan penimbangan D/K (%)",
        "D: balita yang ditimbang bulan ini.",
        "K: balita yang memiliki KMS/Buku KIA.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah D / jumlah K).",
        "persen", "", _SKDN),
    Indicator(
        "ds_ratio", "Partisipasi penimbangan D/S (%)",
        "D: balita yang ditimbang bulan ini.",
        "S: seluruh balita di wilayah kerja posyandu.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah D / jumlah S).",
        "persen", "Target yang lazim dipakai 80-85% (dapat diatur).", _SKDN),
    Indicator(
        "nd_ratio", "Keberhasilan penimbangan N/D (%)",
        "N: balita yang ditimbang bulan ini dan bulan lalu dan berat badannya naik.",
        "D: balita yang ditimbang bulan ini.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah N / jumlah D).",
        "persen", "Target yang lazim dipakai 70% (dapat diatur).", _SKDN),
    Indicator(
        "bgm", "Balita BGM (jumlah)",
        "Balita yang ditimbang dengan berat di Bawah Garis Merah KMS.",
        "- (jumlah anak)",
        "Satu bulan; dijumlahkan atas posyandu di wilayah.",
        "anak", "", _SKDN),
    Indicator(
        "bgm_ratio", "Balita BGM (% dari D)",
        "Balita yang ditimbang dengan berat di Bawah Garis Merah KMS.",
        "D: balita yang ditimbang bulan ini.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah BGM / jumlah D).",
        "persen", "", _SKDN),
    Indicator(
        "t2", "Balita 2T (jumlah)",
        "Balita yang berat badannya tidak naik dua kali (dua bulan) berturut-turut.",
        "- (jumlah anak)",
        "Satu bulan; dijumlahkan atas posyandu di wilayah.",
        "anak", "Perlu dirujuk ke puskesmas.", _SKDN),
    Indicator(
        "posyandu_active", "Posyandu aktif (%)",
        "Posyandu dengan strata Purnama atau Mandiri (dihitung dari kriteria).",
        "Seluruh posyandu di wilayah.",
        "12 bulan sampai dengan periode terpilih.",
        "persen", "Ambang kriteria strata dapat diatur.",
        "Pedoman Umum Pengelolaan Posyandu (Kemenkes 2011)"),
    Indicator(
        "families_at_risk", "Keluarga berisiko stunting (%)",
        "Keluarga sasaran (calon pengantin, PUS, ibu hamil, anak 0-23 atau 24-59 bulan) dengan sedikitnya "
        "satu faktor risiko bernilai Ya: keluarga miskin, pendidikan orang tua rendah, jamban tidak layak, "
        "air minum tidak layak, atau '4 terlalu' (istri < 20 atau > 35 tahun, jarak lahir < 2 tahun, anak > 3).",
        "Keluarga yang terdata (keluarga sasaran).",
        "Satu tahun pendataan keluarga.",
        "persen", "Faktor yang tidak tercatat di data tidak dianggap 'tidak berisiko': keluarga sasaran tanpa "
        "faktor Ya yang sebagian faktornya tidak tercatat dihitung 'belum dapat dinilai' (di pembilang tidak, "
        "di penyebut ya).",
        "Perpres 72/2021 tentang Percepatan Penurunan Stunting; Pendataan Keluarga BKKBN (verifikasi dan "
        "validasi keluarga berisiko stunting)"),
    Indicator(
        "scorecard_coverage", "Cakupan layanan konvergensi (%)",
        "Rumah tangga 1.000 HPK yang memenuhi indikator layanan (dari 18 indikator, 5 paket layanan).",
        "Rumah tangga 1.000 HPK yang menjadi sasaran indikator itu.",
        "Periode pelaporan (biasanya triwulan); dijumlahkan atas kelurahan dan indikator.",
        "persen", "Pemetaan indikator ke paket layanan mengikuti formulir KPM yang umum dipakai.",
        "Laporan konvergensi desa/kelurahan (scorecard KPM)"),
    Indicator(
        "change_since_baseline", "Perubahan sejak baseline",
        "Nilai pada periode terpilih dikurangi nilai baseline (jumlah anak, atau poin persen untuk prevalensi).",
        "-",
        "Periode terpilih dibandingkan dengan bulan baseline target wilayah.",
        "poin persen",
        "Negatif berarti turun (membaik). Perbedaan cakupan pengukuran antarbulan dapat mengubah angka.",
        "Target dan baseline dari berkas konfigurasi wilayah"),
    Indicator(
        "aksi_done", "Aksi konvergensi selesai",
        "Aksi konvergensi (1-8) berstatus 'Selesai' pada tahun itu.",
        "8 aksi konvergensi.",
        "Satu tahun anggaran; status terakhir yang dicatat.",
        "aksi", "Aksi yang belum pernah dicatat dihitung 'Belum mulai'.",
        "Pencatatan Bappeda (8 aksi konvergensi percepatan penurunan stunting)"),
    Indicator(
        "stunted_in_families_at_risk", "Balita stunting dari keluarga berisiko (%)",
        "Balita stunting (TB/U < -2 SD, pengukuran terakhir di bulan itu) yang tercatat sebagai anak "
        "dari keluarga berisiko stunting.",
        "Semua balita stunting di bulan itu.",
        "Bulan pengukuran terpilih; data keluarga dari tahun pendataan terakhir sampai tahun itu.",
        "persen", "Anak yang tidak tercatat di data keluarga BKKBN dihitung di penyebut saja.",
        "e-PPGBM dan Pendataan Keluarga BKKBN"),
    Indicator(
        "target_progress", "Capaian target penurunan",
        "Penurunan sejak baseline (baseline - nilai sekarang).",
        "Penurunan yang ditargetkan (baseline - target).",
        "Dari bulan baseline sampai periode terpilih.",
        "persen", "", "Target dan baseline dari berkas konfigurasi wilayah"),
]

INDICATORS: dict[str, Indicator] = {ind.key: ind for ind in _LIST}
# short aliases used in some places
INDICATORS["prevalence"] = INDICATORS["prevalence_stunting"]
INDICATORS["kek_ratio"] = INDICATORS["bumil_kek"]


def get(key: str) -> Indicator:
    """The definition of one indicator; KeyError names the known keys."""
    try:
        return INDICATORS[key]
    except KeyError:
        raise KeyError(f"indikator tidak dikenal: {key!r}; yang ada: {', '.join(sorted(INDICATORS))}") from None


def wilson_interval(num, den, z: float = 1.96):
    """95% Wilson score interval of num/den, in percent (0-100): (low, high).

    Vectorised: scalars give a pair of floats, arrays/Series give a pair of numpy arrays. A zero or
    missing denominator gives NaN.
    """
    scalar = np.ndim(num) == 0 and np.ndim(den) == 0
    k = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(num)), errors="coerce"), dtype=float)
    n = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(den)), errors="coerce"), dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = n > 0
        n_safe = np.where(ok, n, 1.0)
        p = k / n_safe
        z2 = z * z
        centre = (p + z2 / (2 * n_safe)) / (1 + z2 / n_safe)
        half = z * np.sqrt(p * (1 - p) / n_safe + z2 / (4 * n_safe * n_safe)) / (1 + z2 / n_safe)
        low = np.where(ok, np.clip(centre - half, 0.0, 1.0) * 100, np.nan)
        high = np.where(ok, np.clip(centre + half, 0.0, 1.0) * 100, np.nan)
    if scalar:
        return float(low[0]), float(high[0])
    return low, high


# The 18 indicators of the kelurahan convergence scorecard (Laporan Konvergensi filled by KPM) and their
# service packages, as the common reading of the KPM forms (domain.md). Written to `scorecard_indicators`.
PACKAGES = ("KIA", "Konseling gizi", "Air bersih dan sanitasi", "Perlindungan sosial", "PAUD")
SCORECARD_ITEMS: list[tuple[int, str, str, str]] = [  # (no, target group, package, name)
    (1, "Ibu hamil", "KIA", "Pemeriksaan kehamilan minimal 4 kali"),
    (2, "Ibu hamil", "KIA", "Konsumsi tablet tambah darah (TTD) minimal 90 hari"),
    (3, "Ibu hamil", "KIA", "Pemeriksaan nifas minimal 3 kali"),
    (4, "Ibu hamil", "Konseling gizi", "Konseling gizi / kelas ibu hamil minimal 4 kali"),
    (5, "Ibu hamil", "Konseling gizi", "Ibu hamil KEK/risiko tinggi dikunjungi ke rumah setiap bulan"),
    (6, "Ibu hamil", "Air bersih dan sanitasi", "Akses air minum layak"),
    (7, "Ibu hamil", "Air bersih dan sanitasi", "Akses jamban layak"),
    (8, "Ibu hamil", "Perlindungan sosial", "Memiliki jaminan kesehatan"),
    (9, "Anak 0-23 bulan", "KIA", "Imunisasi dasar lengkap"),
    (10, "Anak 0-23 bulan", "KIA", "Ditimbang berat badannya setiap bulan"),
    (11, "Anak 0-23 bulan", "KIA", "Diukur panjang badannya minimal 2 kali setahun"),
    (12, "Anak 0-23 bulan", "Konseling gizi", "Orang tua ikut konseling gizi setiap bulan"),
    (13, "Anak 0-23 bulan", "Konseling gizi", "Anak gizi kurang/stunting dikunjungi ke rumah setiap bulan"),
    (14, "Anak 0-23 bulan", "Air bersih dan sanitasi", "Akses air minum layak"),
    (15, "Anak 0-23 bulan", "Air bersih dan sanitasi", "Akses jamban layak"),
    (16, "Anak 0-23 bulan", "Perlindungan sosial", "Memiliki akta kelahiran"),
    (17, "Anak 0-23 bulan", "Perlindungan sosial", "Memiliki jaminan kesehatan"),
    (18, "Anak 0-23 bulan", "PAUD", "Orang tua ikut kelas pengasuhan/PAUD setiap bulan"),
]


def scorecard_items() -> pd.DataFrame:
    """The `scorecard_indicators` table."""
    return pd.DataFrame(SCORECARD_ITEMS, columns=["indicator_no", "target_group", "package", "name"])
