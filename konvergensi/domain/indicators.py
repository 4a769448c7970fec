"""Indicator definitions: the one place where numerator, denominator and period rule are written down.

Every number the dashboard, the CLI (`python -m konvergensi summary`) and the meeting packs show has a
record here; pages show it with `konvergensi.ui.layout.definition_box(key)`. Thresholds named in the
text (LiLA 23.5 cm, Hb 11 g/dL, 90 TTD, 4 ANC visits, D/S and N/D targets) are the defaults of the
region's config file (config/<region>.toml, [thresholds]); the value actually used is stored in
build_info.settings_json and shown on screen.

Each record also says how the figure is made and who may see it: `counts` names the counts it is made of
(numerator, denominator; one count for a count), `format` how it is written ('percent' 0-100, 'ratio' a
fraction 0-1 shown as a percent, 'count', 'points'), and `hidden_by` the counts that hide it from role
publik when small (default: its counts; none for counts of posyandu or actions, which are not people).
Counts are named as `konvergensi.domain.summary.headline` names them (children_measured, stunted, d, s, ...).

Frames name the same counts differently (`measured` in the kelurahan frame is the headline's
`children_measured`; the posyandu frame's `children_stunted` is `stunted`). `Columns` says, in one
place per kind of frame, which column holds which count and which rate: HEADLINE (summary.headline),
KELURAHAN (queries/indicators_by_kelurahan.sql + rates.add_rates), STUNTING (trends and Kampung KB),
POSYANDU (posyandu.performance), BUMIL (queries/bumil_*.sql), KELUARGA and SCORECARD. Rates are computed
from it (`Columns.add_rates`) and small-count suppression reads it (`Columns.sources`, konvergensi.domain.suppress).

Rates are always recomputed from summed numerators and denominators, never averaged from smaller areas.
`wilson_interval` gives the 95% Wilson score interval of a proportion, in percent.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    counts: tuple[str, ...] = ()          # (numerator count, denominator count) of a rate; (count,) of a count
    format: str = "percent"               # 'percent' (0-100) | 'ratio' (0-1) | 'count' | 'points'
    hidden_by: tuple[str, ...] | None = None   # counts whose small value hides it for publik (None: `counts`)

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ValueError(f"{self.key}: format {self.format!r} is not one of {FORMATS}")
        if self.format in ("percent", "ratio") and self.counts and len(self.counts) != 2:
            raise ValueError(f"{self.key}: a rate names its numerator and denominator counts")

    @property
    def numerator_count(self) -> str | None:
        return self.counts[0] if self.counts else None

    @property
    def denominator_count(self) -> str | None:
        return self.counts[1] if len(self.counts) == 2 else None

    @property
    def hides(self) -> tuple[str, ...]:
        """The counts (headline names) whose small value hides this figure from role publik."""
        return self.counts if self.hidden_by is None else self.hidden_by

    @property
    def is_rate(self) -> bool:
        return self.format in ("percent", "ratio") and len(self.counts) == 2


FORMATS = ("percent", "ratio", "count", "points")


_LIST = [
    Indicator(
        "children_measured", "Balita diukur (TB/U sah)",
        "Jumlah balita (0-59 bulan) yang diukur panjang/tinggi badannya dengan z-score TB/U yang sah.",
        "-",
        _CHILD_PERIOD, "anak",
        "Z-score dengan flag WHO (TB/U < -6 atau > 6) tidak dihitung.", _EPPGBM,
        counts=("children_measured",), format="count"),
    Indicator(
        "stunted", "Balita stunting (jumlah)",
        "Balita dengan TB/U (atau PB/U) z-score < -2 SD (pendek dan sangat pendek).",
        "- (jumlah anak)",
        _CHILD_PERIOD, "anak",
        "Jumlah bergantung pada cakupan pengukuran; bandingkan bersama jumlah balita diukur.",
        f"{_EPPGBM}; {_PERMENKES}",
        counts=("stunted",), format="count"),
    Indicator(
        "severely_stunted", "Balita sangat pendek (jumlah)",
        "Balita dengan TB/U z-score < -3 SD.",
        "- (jumlah anak)",
        _CHILD_PERIOD, "anak", "", f"{_EPPGBM}; {_PERMENKES}",
        counts=("severely_stunted",), format="count"),
    Indicator(
        "prevalence_stunting", "Prevalensi stunting (%)",
        "Balita dengan TB/U z-score < -2 SD.",
        "Balita dengan z-score TB/U yang sah (tidak ditandai) pada periode itu.",
        _CHILD_PERIOD, "persen",
        "Angka e-PPGBM (semua balita ditimbang) lebih rendah daripada angka survei (SSGI/SKI); "
        "jangan dicampur tanpa label. Selang kepercayaan 95% metode Wilson.",
        f"{_EPPGBM}; {_PERMENKES}",
        counts=("stunted", "children_measured"), format="percent"),
    Indicator(
        "prevalence_severely_stunted", "Prevalensi sangat pendek (%)",
        "Balita dengan TB/U z-score < -3 SD.",
        "Balita dengan z-score TB/U yang sah pada periode itu.",
        _CHILD_PERIOD, "persen", "", f"{_EPPGBM}; {_PERMENKES}",
        counts=("severely_stunted", "children_measured"), format="percent"),
    Indicator(
        "wasted", "Wasting (gizi kurang dan gizi buruk)",
        "Balita dengan BB/PB atau BB/TB z-score < -2 SD, ditambah balita dengan edema bilateral.",
        "Balita dengan z-score BB/TB yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen",
        "Sesuai WHO, setiap anak dengan edema dihitung sebagai di bawah -3 SD (wasting berat).",
        f"{_EPPGBM}; {_PERMENKES}",
        counts=("wasted", "whz_measured"), format="percent"),
    Indicator(
        "severely_wasted", "Gizi buruk (severely wasted)",
        "Balita dengan BB/TB z-score < -3 SD, ditambah balita dengan edema bilateral.",
        "Balita dengan z-score BB/TB yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen", "", f"{_EPPGBM}; {_PERMENKES}",
        counts=("severely_wasted", "whz_measured"), format="percent"),
    Indicator(
        "underweight", "Underweight (berat badan kurang)",
        "Balita dengan BB/U z-score < -2 SD, ditambah balita dengan edema bilateral.",
        "Balita dengan z-score BB/U yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen", "Edema dihitung sebagai di bawah -3 SD (WHO).",
        f"{_EPPGBM}; {_PERMENKES}",
        counts=("underweight", "waz_measured"), format="percent"),
    Indicator(
        "overweight", "Gizi lebih (overweight)",
        "Balita dengan BB/TB z-score > +2 SD.",
        "Balita dengan z-score BB/TB yang sah, ditambah balita dengan edema bilateral.",
        _CHILD_PERIOD, "persen", "", f"{_EPPGBM}; {_PERMENKES}",
        counts=("overweight", "whz_measured"), format="percent"),
    Indicator(
        "bumil_kek", "Ibu hamil KEK",
        "Ibu hamil dengan LiLA < 23,5 cm (ambang dapat diatur).",
        "Ibu hamil yang diukur LiLA-nya pada periode itu.",
        "Satu bulan. Setiap ibu dihitung sekali: catatan terakhirnya di bulan itu yang berisi LiLA.",
        "persen", "KEK = Kurang Energi Kronis.", "Catatan ibu hamil posyandu/puskesmas (KIA)",
        counts=("bumil_kek", "bumil_measured"), format="percent"),
    Indicator(
        "kek", "Ibu hamil KEK (jumlah)",
        "Ibu hamil dengan LiLA < 23,5 cm (ambang dapat diatur).",
        "- (jumlah ibu)",
        "Satu bulan. Setiap ibu dihitung sekali: catatan terakhirnya di bulan itu yang berisi LiLA.",
        "ibu", "", "Catatan ibu hamil posyandu/puskesmas (KIA)",
        counts=("bumil_kek",), format="count"),
    Indicator(
        "anaemia", "Ibu hamil anemia (%)",
        "Ibu hamil dengan kadar Hb < 11 g/dL (ambang dapat diatur).",
        "Ibu hamil yang diperiksa Hb-nya pada periode itu.",
        "Satu bulan. Setiap ibu dihitung sekali: catatan terakhirnya di bulan itu yang berisi Hb.",
        "persen", "", "Catatan ibu hamil posyandu/puskesmas (KIA)",
        counts=("anaemia", "hb_measured"), format="percent"),
    Indicator(
        "ttd90", "Ibu hamil mendapat TTD >= 90 tablet (%)",
        "Ibu hamil yang sudah mengonsumsi sedikitnya 90 tablet tambah darah (TTD) dalam kehamilan ini.",
        "Ibu hamil dengan catatan jumlah TTD pada periode itu.",
        "Satu bulan; catatan terakhir per ibu. Jumlah tablet kumulatif selama kehamilan.",
        "persen", "Ibu di awal kehamilan belum mungkin mencapai 90 tablet; baca bersama usia kehamilan.",
        "Catatan ibu hamil posyandu/puskesmas (KIA)",
        counts=("ttd90", "ttd_recorded"), format="percent"),
    Indicator(
        "anc4", "Ibu hamil dengan >= 4 kunjungan antenatal (%)",
        "Ibu hamil dengan sedikitnya 4 kunjungan pemeriksaan kehamilan (ANC; kini dianjurkan 6).",
        "Ibu hamil dengan catatan jumlah kunjungan ANC pada periode itu.",
        "Satu bulan; catatan terakhir per ibu. Jumlah kunjungan kumulatif selama kehamilan.",
        "persen", "Ambang jumlah kunjungan dapat diatur.", "Catatan ibu hamil posyandu/puskesmas (KIA)",
        counts=("anc4", "anc_recorded"), format="percent"),
    Indicator(
        "ks_ratio", "Cakupan program K/S (%)",
        "K: balita yang memiliki KMS/Buku KIA.",
        "S: seluruh balita di wilayah kerja posyandu.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah K / jumlah S).",
        "persen", "", _SKDN,
        counts=("k", "s"), format="ratio"),
    Indicator(
        "dk_ratio", "Kelangsungan penimbangan D/K (%)",
        "D: balita yang ditimbang bulan ini.",
        "K: balita yang memiliki KMS/Buku KIA.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah D / jumlah K).",
        "persen", "", _SKDN,
        counts=("d", "k"), format="ratio"),
    Indicator(
        "ds_ratio", "Partisipasi penimbangan D/S (%)",
        "D: balita yang ditimbang bulan ini.",
        "S: seluruh balita di wilayah kerja posyandu.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah D / jumlah S).",
        "persen", "Target yang lazim dipakai 80-85% (dapat diatur).", _SKDN,
        counts=("d", "s"), format="ratio"),
    Indicator(
        "nd_ratio", "Keberhasilan penimbangan N/D (%)",
        "N: balita yang ditimbang bulan ini dan bulan lalu dan berat badannya naik.",
        "D: balita yang ditimbang bulan ini.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah N / jumlah D).",
        "persen", "Target yang lazim dipakai 70% (dapat diatur).", _SKDN,
        counts=("n", "d"), format="ratio"),
    Indicator(
        "bgm", "Balita BGM (jumlah)",
        "Balita yang ditimbang dengan berat di Bawah Garis Merah KMS.",
        "- (jumlah anak)",
        "Satu bulan; dijumlahkan atas posyandu di wilayah.",
        "anak", "", _SKDN,
        counts=("bgm",), format="count"),
    Indicator(
        "bgm_ratio", "Balita BGM (% dari D)",
        "Balita yang ditimbang dengan berat di Bawah Garis Merah KMS.",
        "D: balita yang ditimbang bulan ini.",
        "Satu bulan; dijumlahkan atas posyandu di wilayah (jumlah BGM / jumlah D).",
        "persen", "", _SKDN,
        counts=("bgm", "d"), format="ratio"),
    Indicator(
        "t2", "Balita 2T (jumlah)",
        "Balita yang berat badannya tidak naik dua kali (dua bulan) berturut-turut.",
        "- (jumlah anak)",
        "Satu bulan; dijumlahkan atas posyandu di wilayah.",
        "anak", "Perlu dirujuk ke puskesmas.", _SKDN,
        counts=("t2",), format="count"),
    Indicator(
        "posyandu_active", "Posyandu aktif (%)",
        "Posyandu dengan strata Purnama atau Mandiri (dihitung dari kriteria).",
        "Seluruh posyandu di wilayah.",
        "12 bulan sampai dengan periode terpilih.",
        "persen", "Ambang kriteria strata dapat diatur.",
        "Pedoman Umum Pengelolaan Posyandu (Kemenkes 2011)",
        counts=("posyandu_active", "posyandu"), format="ratio", hidden_by=()),
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
        "validasi keluarga berisiko stunting)",
        counts=("at_risk", "families"), format="percent"),
    Indicator(
        "scorecard_coverage", "Cakupan layanan konvergensi (%)",
        "Rumah tangga 1.000 HPK yang memenuhi indikator layanan (dari 18 indikator, 5 paket layanan).",
        "Rumah tangga 1.000 HPK yang menjadi sasaran indikator itu.",
        "Periode pelaporan (biasanya triwulan); dijumlahkan atas kelurahan dan indikator.",
        "persen", "Pemetaan indikator ke paket layanan mengikuti formulir KPM yang umum dipakai.",
        "Laporan konvergensi desa/kelurahan (scorecard KPM)",
        counts=("met", "eligible"), format="percent"),
    Indicator(
        "change_since_baseline", "Perubahan sejak baseline",
        "Nilai pada periode terpilih dikurangi nilai baseline (jumlah anak, atau poin persen untuk prevalensi).",
        "-",
        "Periode terpilih dibandingkan dengan bulan baseline target wilayah.",
        "poin persen",
        "Negatif berarti turun (membaik). Perbedaan cakupan pengukuran antarbulan dapat mengubah angka.",
        "Target dan baseline dari berkas konfigurasi wilayah",
        format="points", hidden_by=("stunted", "children_measured")),
    Indicator(
        "aksi_done", "Aksi konvergensi selesai",
        "Aksi konvergensi (1-8) berstatus 'Selesai' pada tahun itu.",
        "8 aksi konvergensi.",
        "Satu tahun anggaran; status terakhir yang dicatat.",
        "aksi", "Aksi yang belum pernah dicatat dihitung 'Belum mulai'.",
        "Pencatatan Bappeda (8 aksi konvergensi percepatan penurunan stunting)",
        counts=("aksi_done", "aksi"), format="percent", hidden_by=()),
    Indicator(
        "stunted_in_families_at_risk", "Balita stunting dari keluarga berisiko (%)",
        "Balita stunting (TB/U < -2 SD, pengukuran terakhir di bulan itu) yang tercatat sebagai anak "
        "dari keluarga berisiko stunting.",
        "Semua balita stunting di bulan itu.",
        "Bulan pengukuran terpilih; data keluarga dari tahun pendataan terakhir sampai tahun itu.",
        "persen", "Anak yang tidak tercatat di data keluarga BKKBN dihitung di penyebut saja.",
        "e-PPGBM dan Pendataan Keluarga BKKBN",
        counts=("stunted_in_risk_family", "stunted"), format="percent"),
    Indicator(
        "target_progress", "Capaian target penurunan",
        "Penurunan sejak baseline (baseline - nilai sekarang).",
        "Penurunan yang ditargetkan (baseline - target).",
        "Dari bulan baseline sampai periode terpilih.",
        "persen", "", "Target dan baseline dari berkas konfigurasi wilayah",
        format="percent", hidden_by=("stunted",)),
    Indicator(
        "target_wilayah", "Target per wilayah dan jarak ke target",
        "Jarak ke target = balita stunting bulan ini (TB/U z < -2, dihitung seperti di peta) dikurangi target "
        "jumlah balita stunting wilayah itu. Status: tercapai (jumlah sekarang <= target); sesuai jalur (jumlah "
        "sekarang <= nilai garis lurus dari baseline ke target untuk bulan ini); tidak sesuai jalur (di atas "
        "garis itu); belum dapat dinilai (tidak ada balita diukur bulan ini).",
        "Bagian dari sisa jarak: max(jumlah sekarang - target, 0) wilayah itu dibagi jumlah max(jumlah "
        "sekarang - target, 0) semua wilayah yang ditampilkan.",
        "Satu bulan (periode terpilih), semua balita wilayah (filter umur dan jenis kelamin tidak berlaku: "
        "target ditetapkan untuk semua balita).",
        "anak",
        "Target kecamatan dan kelurahan yang tidak ditetapkan sendiri adalah alokasi proporsional dari target "
        "kota/kabupaten: dibagi sebanding dengan jumlah balita stunting tiap kelurahan di bulan baseline "
        "(metode sisa terbesar, sehingga jumlah bagian sama dengan target kota; target kecamatan = jumlah "
        "target kelurahannya). Target yang ditetapkan admin untuk suatu wilayah (impor, atau tab Target wilayah "
        "di Kelola data; tercatat di log audit) menggantikan alokasinya, dan sisa target kota dibagi ulang ke "
        "wilayah lain sehingga jumlahnya tetap sama dengan target kota (tidak pernah negatif). Untuk publik "
        "jumlah dibulatkan ke kelipatan 5 dan status dinilai dari angka yang dibulatkan.",
        "Target dari berkas konfigurasi wilayah, impor target atau tab Target wilayah (Kelola data); e-PPGBM",
        counts=("stunted",), format="count"),
    Indicator(
        "main_service_coverage", "Cakupan layanan utama posyandu",
        "D/S dan cakupan KIA, KB, dan imunisasi yang dilaporkan posyandu (D/S + 3 x rata-rata ketiganya).",
        "4 (rata-rata empat layanan utama).",
        "12 bulan sampai dengan periode terpilih; D/S = jumlah D / jumlah S selama 12 bulan itu.",
        "persen", "Salah satu kriteria strata posyandu (Purnama dan Mandiri: sedikitnya 50%, dapat diatur).",
        "Pedoman Umum Pengelolaan Posyandu (Kemenkes 2011)",
        format="ratio", hidden_by=()),
    Indicator(
        "coverage", "Cakupan pengukuran balita",
        "Balita dengan z-score TB/U yang sah pada periode itu (penyebut prevalensi stunting).",
        "Sasaran balita (anak 0-59 bulan) wilayah itu pada tahun periode, dari proyeksi Dukcapil/BPS/Pusdatin "
        "yang diimpor sebagai data sasaran.",
        "Satu bulan (pembilang); satu tahun (sasaran).",
        "rasio",
        "Jumlah balita stunting yang ditemukan naik-turun mengikuti cakupan: Februari dan Agustus (bulan "
        "penimbangan massal) mengukur jauh lebih banyak anak. Bandingkan jumlah hanya pada cakupan yang mirip. "
        "Tidak dihitung bila sebagian kelurahan wilayah itu belum punya angka sasaran tahun itu, atau bila "
        "dipilih kelompok umur/jenis kelamin (sasaran tidak dirinci).",
        f"{_EPPGBM}; sasaran balita (Dukcapil/BPS/Pusdatin)",
        counts=("children_measured", "target_population"), format="ratio", hidden_by=("children_measured",)),
    Indicator(
        "stunted_estimated", "Perkiraan balita stunting di seluruh sasaran",
        "Prevalensi stunting (balita stunting / balita diukur) dikali sasaran balita wilayah itu.",
        "- (perkiraan jumlah anak, dengan rentang dari selang Wilson 95% prevalensi dikali sasaran)",
        "Satu bulan; sasaran tahun periode itu.",
        "anak",
        "Angka yang dapat dibandingkan antarbulan dan dengan baseline walau cakupan berubah, dengan anggapan "
        "anak yang diukur mewakili anak yang tidak diukur. Jumlah balita stunting yang ditemukan (e-PPGBM) "
        "tetap ditampilkan di sampingnya, seperti yang dilaporkan kota.",
        f"{_EPPGBM}; sasaran balita (Dukcapil/BPS/Pusdatin)",
        counts=("stunted",), format="count", hidden_by=("stunted", "children_measured")),
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



def rate_of(num, den, scale: float = 100.0):
    """num / den x scale (100: percent, 1: a fraction): the one division behind every rate. Scalars give a
    float, or None without a denominator; Series give float64 with NaN where the denominator is 0 or missing."""
    if np.ndim(num) == 0 and np.ndim(den) == 0 and not isinstance(num, pd.Series):
        return None if den is None or pd.isna(den) or not den else float(num) / float(den) * scale
    num = pd.to_numeric(pd.Series(num), errors="coerce").astype("float64")
    den = pd.to_numeric(pd.Series(den), errors="coerce").astype("float64")
    ok = den > 0
    return pd.Series(np.where(ok, num / den.where(ok, 1.0) * scale, np.nan), index=num.index)


# --- Where each kind of frame keeps the counts and rates of the registry -------------------------------------

@dataclass(frozen=True)
class Rate:
    """One rate column of a frame: the registry entry it shows and the frame's columns it is made of."""
    column: str
    key: str                       # registry key (INDICATORS)
    numerator: str                 # column of the frame
    denominator: str
    scale: float                   # 100: percent; 1: a fraction (ratio)
    hidden_by: tuple[str, ...]     # columns of the frame whose small value hides it from role publik

    @property
    def indicator(self) -> Indicator:
        return INDICATORS[self.key]

    @property
    def percent(self) -> bool:
        return self.scale == 100.0


@dataclass(frozen=True)
class Derived:
    """A column computed from other columns of the frame (e.g. the change since the baseline month)."""
    column: str
    key: str                       # registry key
    sources: tuple[str, ...]       # columns it is computed from: blank when any of them is hidden
    formula: str | None = None     # 'difference' (sources[0] - sources[1]): how the public's rounded figure is
                                   # recomputed (konvergensi.domain.suppress); None: blank for the public


@dataclass(frozen=True)
class Columns:
    """How one kind of frame holds the registry's counts and rates (see the module docstring)."""
    name: str
    counts: tuple[str, ...]                              # counts of people: what suppression looks at
    rates: tuple[Rate, ...]
    derived: tuple[Derived, ...] = ()
    totals: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (total column, the columns of all its parts)
    names: tuple[tuple[str, str], ...] = ()              # (column, headline count name) where they differ

    def column(self, count: str) -> str:
        """The column that holds a count named as the headline names it ('children_measured' -> 'measured')."""
        return next((c for c, name in self.names if name == count), count)

    def count_name(self, column: str) -> str:
        """The headline name of a count column ('measured' -> 'children_measured')."""
        return dict(self.names).get(column, column)

    def rate(self, column: str) -> Rate:
        for r in self.rates:
            if r.column == column:
                return r
        raise KeyError(f"{self.name}: no rate column {column!r}")

    def key(self, column: str) -> str | None:
        """The registry key of what a column shows (a rate, a derived column or a count), None if none."""
        for r in self.rates:
            if r.column == column:
                return r.key
        for d in self.derived:
            if d.column == column:
                return d.key
        name = self.count_name(column)
        return name if column in self.counts and name in INDICATORS else None

    def sources(self) -> dict[str, tuple[str, ...]]:
        """Rate (and derived) column -> the columns whose hidden cells blank it (konvergensi.domain.suppress)."""
        return {**{r.column: r.hidden_by for r in self.rates},
                **{d.column: d.sources for d in self.derived if d.sources}}

    def row_totals(self) -> dict[str, tuple[str, ...]]:
        return dict(self.totals)

    def add_rates(self, frame: pd.DataFrame, *, wilson: bool = False) -> pd.DataFrame:
        """A copy of `frame` with every rate whose counts it has (float64, NaN without a denominator); with
        `wilson` percent rates get their 95% Wilson interval as `<rate>_lo` / `<rate>_hi`."""
        out = frame.copy()
        for r in self.rates:
            if r.numerator in out.columns and r.denominator in out.columns:
                out[r.column] = rate_of(out[r.numerator], out[r.denominator], r.scale).to_numpy()
                if wilson and r.percent:
                    low, high = wilson_interval(out[r.numerator].to_numpy(dtype=float),
                                                out[r.denominator].to_numpy(dtype=float))
                    out[f"{r.column}_lo"], out[f"{r.column}_hi"] = low, high
        return out

    def record_rates(self, record: Mapping, *, wilson: bool = False) -> dict:
        """The rates of one record of counts (e.g. summary.headline): None without a denominator; with
        `wilson` percent rates get `<rate>_low` / `<rate>_high` (None without a denominator)."""
        out: dict = {}
        for r in self.rates:
            num, den = record[r.numerator], record[r.denominator]
            out[r.column] = rate_of(num, den, r.scale)
            if wilson and r.percent:
                out[f"{r.column}_low"], out[f"{r.column}_high"] = wilson_interval(num, den) if den else (None, None)
        return out


def _derived(column: str, spec: tuple) -> Derived:
    """A derived column from (registry key, sources) or (registry key, sources, formula)."""
    key, src, *formula = spec
    return Derived(column, get(key).key, tuple(src), formula[0] if formula else None)


def columns(name: str, rates: Mapping[str, str | tuple[str, str]], *, counts=(), names: Mapping[str, str] | None = None,
            derived: Mapping[str, tuple] | None = None,
            totals: Mapping[str, tuple[str, ...]] | None = None) -> Columns:
    """The `Columns` of a frame. rates: column -> registry key, or (key, format) for a rate written in
    another format than the registry's (D/S as a percent). names: headline count name -> column of this
    frame where they differ. counts: further counts of people in the frame (headline names). derived:
    column -> (registry key, source columns[, formula: "difference"]). totals: total count -> its parts (headline
    names)."""
    alias = dict(names or {})
    col = lambda count: alias.get(count, count)   # noqa: E731
    built = []
    for column, spec in rates.items():
        key, form = (spec, None) if isinstance(spec, str) else spec
        ind = get(key)
        if not ind.is_rate:
            raise ValueError(f"{name}: {key!r} is not a rate of two counts")
        built.append(Rate(column, ind.key, col(ind.counts[0]), col(ind.counts[1]),
                          100.0 if (form or ind.format) == "percent" else 1.0, tuple(col(c) for c in ind.hides)))
    people = [col(c) for c in counts] + [c for r in built for c in r.hidden_by]
    return Columns(name, tuple(dict.fromkeys(people)), tuple(built),
                   tuple(_derived(c, spec) for c, spec in (derived or {}).items()),
                   tuple((col(t), tuple(col(p) for p in parts)) for t, parts in (totals or {}).items()),
                   tuple((c, n) for n, c in alias.items()))


def combine(name: str, *parts: Columns, derived: Mapping[str, tuple] | None = None) -> Columns:
    """One frame that holds several sets of columns (the kelurahan frame: this month and the baseline month)."""
    return Columns(name, tuple(dict.fromkeys(c for p in parts for c in p.counts)),
                   tuple(r for p in parts for r in p.rates),
                   tuple(d for p in parts for d in p.derived)
                   + tuple(_derived(c, spec) for c, spec in (derived or {}).items()),
                   tuple(t for p in parts for t in p.totals), tuple(n for p in parts for n in p.names))


# summary.headline: one record of counts (headline names) and the rates made from them, in print order.
HEADLINE = columns(
    "headline", {
        "prevalence_stunting": "prevalence_stunting", "prevalence_severely_stunted": "prevalence_severely_stunted",
        "prevalence_wasting": "wasted", "prevalence_severely_wasted": "severely_wasted",
        "prevalence_overweight": "overweight", "prevalence_underweight": "underweight",
        "prevalence_bumil_kek": "bumil_kek", "prevalence_anaemia": "anaemia", "prevalence_ttd90": "ttd90",
        "prevalence_anc4": "anc4", "ds_ratio": "ds_ratio", "nd_ratio": "nd_ratio", "ks_ratio": "ks_ratio",
        "dk_ratio": "dk_ratio", "bgm_ratio": "bgm_ratio"},
    counts=("children_measured", "stunted", "severely_stunted", "t2", "children_seen", "bumil_recorded"),
    # sasaran balita: coverage and the estimated number (summary.population_figures); blank for publik
    # whenever the counts they are made of are hidden
    derived={"coverage": ("coverage", ("children_measured",)),
             "stunted_estimated": ("stunted_estimated", ("stunted", "children_measured")),
             "stunted_estimated_low": ("stunted_estimated", ("stunted", "children_measured")),
             "stunted_estimated_high": ("stunted_estimated", ("stunted", "children_measured"))},
    # a card showing a total and its parts: stunted = severely + moderately stunted (the moderate count is not
    # shown, so a hidden severe count cannot be recovered from the total: konvergensi.domain.suppress.suppress_record)
    totals={"stunted": ("severely_stunted", "moderately_stunted")})

# queries/indicators_by_kelurahan.sql with konvergensi.domain.rates.add_rates: this month and the baseline month.
KELURAHAN = combine(
    "kelurahan",
    columns("kelurahan", {"prevalence": "prevalence_stunting", "prevalence_wasting": "wasted",
                          "prevalence_underweight": "underweight", "prevalence_bumil_kek": "bumil_kek",
                          "ds_percent": ("ds_ratio", "percent"), "ds": "ds_ratio"},
            names={"children_measured": "measured"}, counts=("severely_stunted",)),
    columns("kelurahan, baseline month", {"baseline_prevalence": "prevalence_stunting"},
            names={"stunted": "baseline_stunted", "children_measured": "baseline_measured"}),
    derived={"change_points": ("change_since_baseline", ("prevalence", "baseline_prevalence"), "difference"),
             "change_stunted": ("change_since_baseline", ("stunted", "baseline_stunted"), "difference"),
             # the map layer "Jarak ke target wilayah" (added by konvergensi.ui.peta_view.with_target_gap)
             "target_gap": ("target_wilayah", ("stunted",))})

# measured / stunted / prevalence by month or group: queries/stunting_trend*.sql, queries/kampung_kb_*.sql
STUNTING = columns("stunting", {"prevalence": "prevalence_stunting"}, names={"children_measured": "measured"},
                   counts=("severely_stunted",))

# queries/posyandu_performance.sql with konvergensi.domain.posyandu.performance
POSYANDU = columns("posyandu", {"ks": "ks_ratio", "dk": "dk_ratio", "ds": "ds_ratio", "nd": "nd_ratio",
                                "bgm_d": "bgm_ratio", "prevalence_stunting": "prevalence_stunting"},
                   names={"stunted": "children_stunted"}, counts=("t2",),
                   derived={"coverage": ("main_service_coverage", ())})

# queries/bumil_by_kelurahan.sql and queries/bumil_trend.sql (konvergensi.domain.convergence.add_bumil_rates)
BUMIL = columns("ibu hamil", {"kek_pct": "bumil_kek", "anaemia_pct": "anaemia", "ttd_pct": "ttd90",
                              "anc_pct": "anc4"},
                names={"bumil_recorded": "women", "bumil_kek": "kek", "bumil_measured": "muac_measured",
                       "ttd90": "ttd_ok", "anc4": "anc_ok"}, counts=("bumil_recorded",))

# queries/keluarga_by_kelurahan.sql (families) and the scorecard rows (households)
KELUARGA = columns("keluarga", {"at_risk_share": "families_at_risk"})
SCORECARD = columns("scorecard", {"coverage": "scorecard_coverage"})

FRAMES: dict[str, Columns] = {c.name: c for c in (HEADLINE, KELURAHAN, STUNTING, POSYANDU, BUMIL, KELUARGA,
                                                  SCORECARD)}


def sources_of(column: str) -> list[tuple[str, ...]]:
    """Every source list a rate column of this name has in some frame (FRAMES order): for callers that name
    rates without saying which frame they come from (konvergensi.domain.suppress)."""
    found = [frame.sources()[column] for frame in FRAMES.values() if column in frame.sources()]
    return list(dict.fromkeys(found))

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
