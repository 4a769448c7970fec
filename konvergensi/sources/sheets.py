"""Spreadsheet importers: posyandu registry, SKDN reports, pregnant women, scorecard, families at
risk (BKKBN), the 8 convergence actions and targets.

Each kind is described once, in `SHEETS`: its columns (canonical name, the header of the blank
template, other header spellings accepted, type, whether required, a short Indonesian explanation
and an example value). The same description drives the reader (konvergensi.sources.common: header
row found below titles, tolerant headers, dates, decimal commas), the checks and the templates
(konvergensi.sources.templates).

`preview(kind, file, *, con=None, regions=None, posyandu=None, puskesmas=None, config=None,
file_name=None) -> konvergensi.store.importing.Preview`: accepted rows in the columns of the kind's table,
rejected rows with row number, column and an Indonesian reason. Rows whose text starts with
"CONTOH" (the example row of a template) are skipped and counted in the messages.

Checks (pandera, lazily, so every problem of a row is listed): counts not negative; SKDN K <= S,
D <= S, N <= D, BGM <= D, 2T <= D, O/T/B <= D, no weighing in a month the posyandu was closed;
scorecard met <= eligible; LiLA 15-50 cm, Hb 3-20 g/dL, gestation 1-45 weeks; years 2000-2100;
unknown kelurahan/posyandu/puskesmas rejected with a suggestion. NIK and names are never kept:
mother, family and child ids are keyed hashes (konvergensi.core.privacy.pseudonym).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pandera.pandas as pa

from konvergensi.domain import convergence
from konvergensi.sources import common
from konvergensi.core.suggest import did_you_mean, similar_name
from konvergensi.core.config import slug
from konvergensi.core import privacy
from konvergensi.core import config as cfgmod
from konvergensi.store.importing import TABLES as IMPORT_TABLES
from konvergensi.store.importing import Preview

# ------------------------------------------------------------------------------------ descriptions


@dataclass(frozen=True)
class Col:
    name: str                 # canonical name
    header: str               # header in the blank template
    type: str                 # text | int | num | percent | date | month | bool | choice
    required: bool = False
    aliases: tuple = ()
    help: str = ""            # Indonesian, shown on the template's instructions sheet
    example: object = None
    choices: tuple = ()       # for type 'choice': the allowed values (template drop-down list)
    personal: bool = False    # never kept in clear text, never copied into import_rejects


@dataclass(frozen=True)
class Sheet:
    kind: str
    title: str                # Indonesian title of the template
    table: str                # database table the accepted rows are for
    columns: tuple
    about: str                # Indonesian: what one row is
    checks: tuple = ()        # Indonesian descriptions of the consistency checks (instructions sheet)
    example_rows: tuple = field(default_factory=tuple)  # extra example rows (dicts) beyond the column examples

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    def aliases(self) -> dict[str, list[str]]:
        return {c.name: [c.header, *c.aliases] for c in self.columns}


KELURAHAN = Col("kelurahan", "Kelurahan", "text", True, ("Desa/Kel", "Desa/Kelurahan", "Kelurahan/Desa", "Desa", "Kel",
                "Nama Kelurahan", "Kode Kelurahan", "Wilayah"),
                "Nama kelurahan/desa (atau kode Kemendagri, mis. 53.71.04.1001).", "Oebobo")
KECAMATAN = Col("kecamatan", "Kecamatan", "text", False, ("Kec",), "Nama kecamatan (boleh kosong).", "Oebobo")
POSYANDU_NAME = Col("posyandu", "Nama Posyandu", "text", True, ("Posyandu", "Nama Posyandu/ILP"),
                    "Nama posyandu persis seperti di daftar posyandu.", "Melati 1")
YES, NO = "Ya", "Tidak"
BOOL_WORDS = {"ya": True, "y": True, "yes": True, "1": True, "true": True, "ada": True, "benar": True, "v": True,
              "tidak": False, "t": False, "tdk": False, "no": False, "n": False, "0": False, "false": False,
              "belum": False, "tidakada": False, "salah": False, "-": False}

STRATA = ("Pratama", "Madya", "Purnama", "Mandiri")
AKSI_STATUS = ("Belum mulai", "Berjalan", "Selesai")
AKSI_NAMES = {
    1: "Analisis situasi", 2: "Rencana kegiatan", 3: "Rembuk stunting",
    4: "Peraturan bupati/wali kota tentang peran desa/kelurahan", 5: "Pembinaan kader pembangunan manusia (KPM)",
    6: "Sistem manajemen data", 7: "Pengukuran dan publikasi data stunting", 8: "Reviu kinerja tahunan",
}
TARGET_INDICATORS = {"stunted": "jumlah balita stunting", "prevalence_stunting": "prevalensi stunting (%)"}


def _flag(name, header, help_text, aliases=(), example=NO) -> Col:
    return Col(name, header, "bool", False, aliases, help_text + " Isi Ya atau Tidak.", example, (YES, NO))


SHEETS: dict[str, Sheet] = {}


def _register(sheet: Sheet) -> None:
    SHEETS[sheet.kind] = sheet


_register(Sheet(
    "posyandu", "Daftar Posyandu", "posyandu",
    (
        Col("posyandu_code", "Kode Posyandu", "text", False, ("ID Posyandu", "Kode"),
            "Kode posyandu bila ada (boleh kosong; kode dibuat otomatis).", None),
        POSYANDU_NAME, KELURAHAN, KECAMATAN,
        Col("puskesmas", "Puskesmas", "text", False, ("Pukesmas", "Nama Puskesmas", "PKM"),
            "Puskesmas pembina (nama, mis. Oebobo).", "Oebobo"),
        Col("strata", "Strata", "choice", False, ("Strata Posyandu", "Tingkat", "Tingkat Perkembangan"),
            "Strata tercatat: Pratama, Madya, Purnama atau Mandiri.", "Purnama", STRATA),
        Col("kader_count", "Jumlah Kader", "int", False, ("Kader", "Jml Kader", "Jumlah Kader Terdaftar",
            "Kader Aktif"), "Jumlah kader terdaftar.", 6),
        _flag("has_extra_programmes", "Program Tambahan", "Ada program tambahan (mis. BKB, PAUD, UP2K)?",
              ("Program Tambahan (Ya/Tidak)", "Ada Program Tambahan"), YES),
        Col("dana_sehat_pct", "Dana Sehat (% KK)", "percent", False, ("Dana Sehat", "Cakupan Dana Sehat",
            "Dana Sehat %"), "Persentase KK yang ikut dana sehat, 0-100.", 40),
        _flag("is_ilp", "Posyandu ILP", "Sudah bertransformasi menjadi Posyandu ILP?",
              ("ILP", "Posyandu ILP (Ya/Tidak)", "Integrasi Layanan Primer")),
    ),
    "Satu baris = satu posyandu.",
    ("Nama posyandu + kelurahan tidak boleh ganda dalam satu berkas.",
     "Posyandu yang sudah ada (nama dan kelurahan sama) diperbarui, yang baru ditambahkan."),
))

_COUNT_HELP = "Jumlah (bilangan bulat, 0 atau lebih)."
_register(Sheet(
    "skdn", "Laporan Bulanan Posyandu (SKDN)", "posyandu_reports",
    (
        Col("posyandu_code", "Kode Posyandu", "text", False, ("ID Posyandu",), "Kode posyandu bila ada.", None),
        POSYANDU_NAME,
        replace(KELURAHAN, required=False, help="Kelurahan posyandu; wajib bila nama posyandu yang sama ada "
                "di lebih dari satu kelurahan."),
        Col("period", "Bulan", "month", True, ("Periode", "Bulan Laporan", "Bulan/Tahun", "Tanggal", "Tanggal Laporan"),
            "Bulan laporan: 2024-10, 10/2024, Oktober 2024 atau tanggal mana pun di bulan itu.", "2024-10"),
        Col("s", "S", "int", True, ("S Jumlah Balita", "Jumlah Balita (S)", "Sasaran", "Jml Balita"),
            "S: semua balita di wilayah posyandu.", 80),
        Col("k", "K", "int", False, ("K Punya KMS", "Balita Punya KMS/Buku KIA (K)", "Punya KMS"),
            "K: balita yang punya KMS/Buku KIA.", 78),
        Col("d", "D", "int", True, ("D Ditimbang", "Balita Ditimbang (D)", "Ditimbang"),
            "D: balita ditimbang bulan ini.", 66),
        Col("n", "N", "int", False, ("N Naik", "Berat Badan Naik (N)", "Naik"),
            "N: ditimbang bulan ini dan bulan lalu, berat badan naik.", 48),
        Col("o", "O", "int", False, ("Tidak Ditimbang Bulan Lalu",), "O: tidak ditimbang bulan lalu.", 6),
        Col("t", "T", "int", False, ("Tidak Naik",), "T: berat badan tidak naik.", 10),
        Col("b", "B", "int", False, ("Baru", "Ditimbang Pertama Kali"), "B: ditimbang pertama kali.", 2),
        Col("bgm", "BGM", "int", False, ("Bawah Garis Merah",), "BGM: di bawah garis merah KMS.", 1),
        Col("t2", "2T", "int", False, ("T2", "Dua T", "Tidak Naik 2 Kali"), "2T: tidak naik dua bulan berturut-turut.", 3),
        Col("kader_on_duty", "Kader Bertugas", "int", False, ("Jumlah Kader Bertugas", "Kader Hadir", "Kader"),
            "Jumlah kader yang bertugas bulan ini.", 5),
        Col("opened", "Buka", "bool", False, ("Posyandu Buka", "Dibuka", "Buka (Ya/Tidak)", "Pelaksanaan"),
            "Posyandu buka bulan ini? Ya atau Tidak (kosong: Ya bila ada balita ditimbang).", YES, (YES, NO)),
        Col("main_service_pct", "Cakupan Layanan Utama (%)", "percent", False, ("Cakupan Layanan Utama",
            "Cakupan Program Utama"), "Cakupan KIA, KB dan imunisasi, 0-100 (boleh kosong).", 65),
    ),
    "Satu baris = laporan satu posyandu untuk satu bulan.",
    ("K, D tidak boleh lebih dari S; N, BGM, 2T, O, T, B tidak boleh lebih dari D.",
     "Posyandu yang tidak buka tidak boleh punya D lebih dari 0.",
     "Satu posyandu hanya satu baris per bulan; laporan yang sudah ada diganti."),
))

_register(Sheet(
    "bumil", "Data Ibu Hamil", "pregnant_women",
    (
        Col("nik", "NIK Ibu", "text", False, ("NIK", "No NIK", "Nomor Induk Kependudukan"),
            "NIK 16 angka. Tidak disimpan: diubah menjadi kode samaran.", "5371044101950001", personal=True),
        Col("name", "Nama Ibu", "text", False, ("Nama", "Nama Ibu Hamil"),
            "Nama ibu (dipakai hanya bila NIK kosong, bersama tanggal lahir; tidak disimpan).", "Maria", personal=True),
        Col("birth_date", "Tanggal Lahir Ibu", "date", False, ("Tgl Lahir", "Tanggal Lahir", "Tgl Lahir Ibu"),
            "Tanggal lahir ibu (dd/mm/yyyy).", "01/01/1995", personal=True),
        KELURAHAN,
        Col("posyandu", "Posyandu", "text", False, ("Nama Posyandu",), "Posyandu tempat periksa (boleh kosong).", "Melati 1"),
        Col("visit_date", "Tanggal Periksa", "date", True, ("Tgl Periksa", "Tanggal Kunjungan", "Tanggal Pemeriksaan",
            "Tanggal"), "Tanggal pemeriksaan (dd/mm/yyyy).", "15/10/2024"),
        Col("gestation_weeks", "Usia Kehamilan (minggu)", "int", False, ("Usia Kehamilan", "UK", "UK (minggu)",
            "Umur Kehamilan"), "Usia kehamilan dalam minggu, 1-45.", 20),
        Col("muac_cm", "LiLA (cm)", "num", False, ("LiLA", "LILA", "Lingkar Lengan Atas"),
            "Lingkar lengan atas dalam cm; KEK bila di bawah 23,5.", 22.8),
        Col("hb_g_dl", "Hb (g/dL)", "num", False, ("Hb", "Hemoglobin", "Kadar Hb"), "Kadar hemoglobin g/dL.", 10.5),
        Col("ttd_tablets", "Jumlah TTD", "int", False, ("TTD", "Tablet Tambah Darah", "TTD Diminum", "Jumlah TTD Diminum"),
            "Tablet tambah darah yang sudah diminum selama kehamilan ini.", 30),
        Col("anc_visits", "Kunjungan ANC", "int", False, ("ANC", "Jumlah ANC", "Kunjungan K", "Jumlah Kunjungan ANC"),
            "Jumlah pemeriksaan kehamilan (ANC) sejauh ini.", 3),
        Col("address", "Alamat", "text", False, ("Alamat Ibu",), "Alamat (tidak disimpan).", None, personal=True),
    ),
    "Satu baris = satu pemeriksaan satu ibu hamil.",
    ("NIK (16 angka) wajib, atau nama + tanggal lahir ibu bila NIK tidak ada.",
     "LiLA 15-50 cm, Hb 3-20 g/dL, usia kehamilan 1-45 minggu; tanggal periksa tidak di masa depan."),
))

_register(Sheet(
    "scorecard", "Scorecard Konvergensi Kelurahan", "scorecard",
    (
        KELURAHAN,
        Col("period", "Periode", "month", True, ("Bulan", "Bulan Laporan", "Periode Laporan", "Tanggal"),
            "Bulan laporan (mis. 2024-09), atau triwulan (Triwulan III 2024 = 2024-09).", "2024-09"),
        Col("indicator_no", "No Indikator", "int", True, ("Indikator", "No", "Nomor Indikator", "No. Indikator"),
            "Nomor indikator 1-18 (lihat lembar Indikator).", 1),
        Col("indicator_name", "Nama Indikator", "text", False, ("Uraian Indikator",),
            "Nama indikator (hanya untuk dibaca; nomornya yang dipakai).", "Ibu hamil periksa kehamilan minimal 4 kali"),
        Col("eligible", "Sasaran", "int", True, ("Jumlah Sasaran", "Rumah Tangga Sasaran", "Eligible", "Sasaran (RT)"),
            "Rumah tangga 1.000 HPK yang menjadi sasaran indikator ini.", 40),
        Col("met", "Terpenuhi", "int", True, ("Jumlah Terpenuhi", "Memenuhi", "Mendapat Layanan", "Terlayani"),
            "Rumah tangga sasaran yang memenuhi indikator.", 31),
    ),
    "Satu baris = satu indikator scorecard satu kelurahan untuk satu periode.",
    ("Terpenuhi tidak boleh lebih dari Sasaran.", "Nomor indikator 1 sampai 18."),
))

_register(Sheet(
    "keluarga", "Keluarga Berisiko Stunting (BKKBN)", "families_at_risk",
    (
        Col("family_key", "Nomor KK", "text", True, ("No KK", "No. KK", "ID Keluarga", "Kode Keluarga", "Nomor Kartu Keluarga"),
            "Nomor KK atau kode keluarga. Tidak disimpan: diubah menjadi kode samaran.", "5371040101200001", personal=True),
        Col("year", "Tahun", "int", True, ("Tahun Pendataan",), "Tahun pendataan keluarga.", 2024),
        KELURAHAN,
        _flag("has_catin", "Ada Calon Pengantin", "Keluarga punya calon pengantin?", ("Catin",)),
        _flag("has_pus", "Ada PUS", "Ada pasangan usia subur?", ("PUS", "Pasangan Usia Subur"), YES),
        _flag("has_bumil", "Ada Ibu Hamil", "Ada ibu hamil?", ("Bumil", "Ibu Hamil")),
        _flag("has_baduta", "Ada Baduta", "Ada anak 0-23 bulan?", ("Baduta", "Anak 0-23 Bulan")),
        _flag("has_balita", "Ada Balita", "Ada anak 24-59 bulan?", ("Balita", "Anak 24-59 Bulan"), YES),
        _flag("unsafe_water", "Air Minum Tidak Layak", "Sumber air minum tidak layak?", ("Air Minum Tidak Layak",
              "Sumber Air Tidak Layak", "Air Tidak Layak"), YES),
        _flag("no_latrine", "Jamban Tidak Layak", "Tidak punya jamban layak?", ("Tidak Ada Jamban Layak",
              "Jamban Tidak Layak", "Sanitasi Tidak Layak")),
        _flag("too_young", "Terlalu Muda", "Istri berumur di bawah 20 tahun?", ("Istri < 20 Tahun",)),
        _flag("too_old", "Terlalu Tua", "Istri berumur di atas 35 tahun?", ("Istri > 35 Tahun",)),
        _flag("too_close", "Terlalu Dekat", "Jarak kelahiran kurang dari 2 tahun?", ("Jarak Lahir < 2 Tahun",)),
        _flag("too_many", "Terlalu Banyak", "Anak lebih dari 3?", ("Anak > 3",)),
        _flag("low_education", "Pendidikan Rendah", "Pendidikan orang tua rendah?", ("Pendidikan Ibu Rendah",)),
        _flag("poor", "Keluarga Miskin", "Keluarga miskin/prasejahtera?", ("Miskin", "Pra Sejahtera")),
        Col("child_niks", "NIK Anak", "text", False, ("NIK Balita", "NIK Anak Balita"),
            "NIK anak balita, pisahkan dengan koma (tidak disimpan; dipakai untuk mencocokkan dengan data "
            "pengukuran).", None, personal=True),
    ),
    "Satu baris = satu keluarga sasaran untuk satu tahun pendataan.",
    ("Berisiko stunting (Perpres 72/2021), dihitung otomatis = punya anggota sasaran (catin, PUS, ibu hamil, "
     "baduta, balita) dan minimal satu faktor risiko bernilai Ya: keluarga miskin, pendidikan orang tua rendah, "
     "jamban tidak layak, air minum tidak layak, atau terlalu muda/tua/dekat/banyak (4 terlalu).",
     "Sel faktor yang kosong dibaca Tidak. Kolom faktor yang tidak ada di berkas berarti faktor itu tidak "
     "tercatat: keluarga sasaran tanpa faktor Ya lalu dicatat 'belum dapat dinilai', bukan 'tidak berisiko'."),
))

_register(Sheet(
    "aksi", "8 Aksi Konvergensi", "convergence_actions",
    (
        Col("year", "Tahun", "int", True, (), "Tahun pelaksanaan.", 2024),
        Col("aksi_no", "No Aksi", "int", True, ("Aksi", "Nomor Aksi", "Aksi Ke"), "Nomor aksi 1-8.", 1),
        Col("name", "Nama Aksi", "text", False, ("Aksi Konvergensi",), "Boleh kosong: diisi nama baku.", "Analisis situasi"),
        Col("status", "Status", "choice", True, ("Status Pelaksanaan",), "Belum mulai, Berjalan atau Selesai.",
            "Selesai", AKSI_STATUS),
        Col("done_date", "Tanggal Selesai", "date", False, ("Tgl Selesai",), "Tanggal selesai (dd/mm/yyyy).", "28/03/2024"),
        Col("output_note", "Output", "text", False, ("Keluaran", "Output/Bukti", "Bukti", "Catatan"),
            "Output atau bukti (mis. dokumen, SK).", "Dokumen analisis situasi 2024"),
        Col("opd", "OPD Penanggung Jawab", "text", False, ("OPD", "Penanggung Jawab", "Perangkat Daerah"),
            "Perangkat daerah yang bertanggung jawab.", "Bappeda"),
    ),
    "Satu baris = satu aksi konvergensi untuk satu tahun.",
    ("Nomor aksi 1-8; satu baris per aksi per tahun.", "Status Selesai sebaiknya diberi tanggal selesai."),
))

_register(Sheet(
    "targets", "Target Penurunan Stunting", "targets",
    (
        Col("area", "Wilayah", "text", True, ("Kelurahan/Kecamatan/Kota", "Area", "Kode Wilayah"),
            "Kota/kabupaten, kecamatan atau kelurahan (nama atau kode).", "Kota Kupang"),
        Col("indicator", "Indikator", "choice", True, ("Jenis Target",),
            "jumlah balita stunting, atau prevalensi stunting (%).", "jumlah balita stunting",
            tuple(TARGET_INDICATORS.values())),
        Col("baseline_date", "Tanggal Awal", "date", True, ("Tanggal Dasar", "Tanggal Baseline"), "Tanggal data awal.", "31/10/2024"),
        Col("baseline_value", "Nilai Awal", "num", True, ("Nilai Dasar", "Baseline"), "Nilai awal.", 4086),
        Col("target_date", "Tanggal Target", "date", True, ("Batas Waktu",), "Tanggal target harus tercapai.", "30/04/2025"),
        Col("target_value", "Nilai Target", "num", True, ("Target",), "Nilai target.", 2000),
        Col("source", "Sumber", "text", False, ("Keterangan",), "Siapa yang menetapkan target.", "Pemerintah Kota Kupang"),
    ),
    "Satu baris = satu target untuk satu wilayah.",
    ("Tanggal target harus sesudah tanggal awal; prevalensi 0-100.",),
))

_register(Sheet(
    "sasaran", "Sasaran Balita", "target_population",
    (
        KELURAHAN,
        Col("year", "Tahun", "int", True, ("Tahun Sasaran",), "Tahun sasaran.", 2025),
        Col("children_under5", "Jumlah Balita", "int", True,
            ("Sasaran Balita", "Jumlah Balita 0-59 Bulan", "Balita 0-59 Bulan", "Jumlah Sasaran Balita", "Sasaran"),
            "Jumlah anak umur 0-59 bulan di kelurahan pada tahun itu (proyeksi Dukcapil/BPS/Pusdatin).", 950),
        Col("source", "Sumber", "text", False, ("Keterangan", "Sumber Data"), "Sumber angka sasaran.",
            "Proyeksi Dukcapil 2025"),
    ),
    "Satu baris = jumlah balita satu kelurahan untuk satu tahun.",
    ("Jumlah balita tidak boleh negatif; tahun 2000-2100.",
     "Satu baris per kelurahan per tahun; berkas yang dikoreksi menggantikan angka yang sama."),
))

KINDS = tuple(SHEETS)
EXAMPLE_MARK = re.compile(r"^\s*contoh\b", re.IGNORECASE)


class SheetError(ValueError):
    """Unknown kind or missing context (an ImportFileError is raised for unreadable files)."""


# ------------------------------------------------------------------------------------ parsing helpers


def _period(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """First day of the month: '2024-10', '10/2024', 'Oktober 2024', 'Okt-24', dates, Excel serials;
    a quarter ('Triwulan III 2024', 'TW 3 2024', 'Q3 2024') means its last month (2024-09)."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[s]")
    text = values.map(lambda v: v if not isinstance(v, str) else v.strip())
    bad = np.zeros(len(values), dtype=bool)
    is_text = text.map(lambda v: isinstance(v, str) and v != "").to_numpy(dtype=bool)
    month_only = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(is_text):
        t = str(text.iloc[i]).lower()
        m = (re.fullmatch(r"(\d{4})[-/.](\d{1,2})", t) or re.fullmatch(r"(\d{1,2})[-/.](\d{4})", t))
        q = re.fullmatch(r"(?:triwulan|tw|kuartal|q)\s*[-.]?\s*(iv|iii|ii|i|[1-4])[\s\-/.,]+(\d{4})", t)
        if q:  # a quarterly report: the quarter's last month ('Triwulan III 2024' -> 2024-09)
            quarter = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(q.group(1)) or int(q.group(1))
            month_only[i] = True
            out.iloc[i] = pd.Timestamp(int(q.group(2)), quarter * 3, 1)
            continue
        if m:
            a, b = m.groups()
            year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        else:
            m = re.fullmatch(r"([a-z]+)[\s\-/.,]+(\d{2}|\d{4})", t)
            if not (m and m.group(1) in common.MONTH_WORDS):
                continue
            month, year = common.MONTH_WORDS[m.group(1)], int(m.group(2))
            year += 2000 if year < 100 else 0
        month_only[i] = True
        if 1 <= month <= 12 and 1900 < year < 2200:
            out.iloc[i] = pd.Timestamp(year, month, 1)
        else:
            bad[i] = True
    rest = ~month_only
    if rest.any():
        dates, dbad = common.parse_dates(values[rest])
        out[rest] = dates.dt.to_period("M").dt.to_timestamp().astype("datetime64[s]")
        bad[rest] = dbad
    return out, bad


def _percent_text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: v.replace("%", "") if isinstance(v, str) else v)


@dataclass
class _Ctx:
    sheet: Sheet
    table: common.RawTable
    rejects: common.Rejects
    typed: pd.DataFrame
    messages: list
    unknown: dict
    config: object = None
    related: dict = field(default_factory=dict)


TYPE_REASON = {
    "int": "bukan bilangan bulat", "num": "bukan angka", "percent": "bukan angka persen",
    "date": "tanggal tidak dapat dibaca (pakai dd/mm/yyyy)", "month": "bulan tidak dapat dibaca (pakai 2024-10 atau Oktober 2024)",
    "bool": "isi Ya atau Tidak",
}


def _typed(sheet: Sheet, table: common.RawTable, rejects: common.Rejects) -> pd.DataFrame:
    """Typed columns for every column of the sheet (absent columns are all missing)."""
    raw = table.frame
    n = len(raw)
    out = {}
    for c in sheet.columns:
        values = raw[c.name] if c.name in raw else pd.Series([None] * n, dtype=object)
        if c.type == "text":
            out[c.name] = common.clean_text(values.reset_index(drop=True)) if n else pd.Series([], dtype="string")
            bad = np.zeros(n, dtype=bool)
        elif c.type in ("int", "num", "percent"):
            nums, bad = common.parse_numbers(_percent_text(values) if c.type == "percent" else values)
            if c.type == "int":
                frac = ~np.isnan(nums) & (np.abs(nums - np.round(nums)) > 1e-9)
                bad = bad | frac
                nums = np.where(frac, np.nan, nums)
                out[c.name] = pd.array(np.where(np.isnan(nums), None, np.round(nums)).tolist() if n else [], dtype="Int64")
            else:
                out[c.name] = pd.Series(nums, dtype="float64")
        elif c.type == "date":
            dates, bad = common.parse_dates(values)
            out[c.name] = dates.reset_index(drop=True)
        elif c.type == "month":
            dates, bad = _period(values.reset_index(drop=True))
            out[c.name] = dates
        elif c.type == "bool":
            vals, bad = common.parse_words(values, BOOL_WORDS, missing=None)
            out[c.name] = pd.array(list(vals), dtype="boolean")
        elif c.type == "choice":
            words = {ch: ch for ch in c.choices}
            words.update(CHOICE_WORDS.get(c.name, {}))
            vals, bad = common.parse_words(values, words, missing=None)
            out[c.name] = pd.Series(list(vals), dtype="object")
        else:  # pragma: no cover - description error
            raise SheetError(f"unknown column type {c.type}")
        if np.any(bad):
            reason = "isi salah satu: " + ", ".join(c.choices) if c.type == "choice" else TYPE_REASON[c.type]
            rejects.add(bad, c.name, reason)
    frame = pd.DataFrame(out)
    frame.index = pd.RangeIndex(n)
    return frame


CHOICE_WORDS = {
    "status": {"belum": "Belum mulai", "belummulai": "Belum mulai", "belumdilaksanakan": "Belum mulai",
               "sedangberjalan": "Berjalan", "proses": "Berjalan", "dalamproses": "Berjalan", "berlangsung": "Berjalan",
               "sudah": "Selesai", "sudahselesai": "Selesai", "done": "Selesai", "terlaksana": "Selesai"},
    # the template's own words (TARGET_INDICATORS) are added below; matching ignores case, spaces, '(%)'
    "indicator": {"stunted": "stunted", "jumlah": "stunted", "jumlahstunting": "stunted", "balitastunting": "stunted",
                  "prevalence_stunting": "prevalence_stunting", "prevalensi": "prevalence_stunting",
                  "prevalensistunting": "prevalence_stunting", "persen": "prevalence_stunting"},
}
CHOICE_WORDS["indicator"].update({TARGET_INDICATORS["stunted"]: "stunted",
                                  TARGET_INDICATORS["prevalence_stunting"]: "prevalence_stunting"})


def _required(ctx: _Ctx) -> None:
    for c in ctx.sheet.columns:
        if c.required:
            missing = ctx.typed[c.name].isna().to_numpy() & ~ctx.rejects.mask
            ctx.rejects.add(missing, c.name, "wajib diisi")


def _regions_match(ctx: _Ctx, regions: pd.DataFrame, column: str = "kelurahan") -> np.ndarray:
    matcher = common.RegionMatcher(regions, "kelurahan")
    ids, unknown_mask, unknown = matcher.match(ctx.typed[column].astype(object).where(ctx.typed[column].notna(), None))
    if unknown_mask.any():
        texts = ctx.typed[column].to_numpy(dtype=object)
        reasons = np.array([matcher.unknown_reason("Kelurahan", t, unknown.get(str(t).strip())) for t in texts],
                           dtype=object)
        ctx.rejects.add(unknown_mask, column, reasons)
        ctx.unknown.update(unknown)
    return ids


def _unknown_reason(what: str, text, suggestion) -> str:
    return f'{what} "{text}" tidak dikenal' + did_you_mean(suggestion)


def _validate(ctx: _Ctx, checks: list[tuple[str, str, object]]) -> None:
    """Row checks through pandera: (column to blame, Indonesian reason, function frame -> bool Series
    that is True where the row is fine). A row whose blamed value is missing passes (blanks are the
    business of the required-column check)."""
    assert len({reason for _, reason, _ in checks}) == len(checks), "check reasons must be unique"
    schema = pa.DataFrameSchema(
        checks=[pa.Check(lambda df, f=f, col=col: (f(df).fillna(True).astype(bool) | df[col].isna()), error=reason,
                         name=f"{col}:{i}")
                for i, (col, reason, f) in enumerate(checks)],
        strict=False,
    )
    try:
        schema.validate(ctx.typed, lazy=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["index"].notna()]
    by_reason = {reason: col for col, reason, _ in checks}
    for check, group in cases.groupby("check", sort=False):
        col = by_reason.get(str(check))
        pos = np.unique(group["index"].astype("int64").to_numpy())
        mask = np.zeros(len(ctx.typed), dtype=bool)
        mask[pos] = True
        values = ctx.table.frame[col].to_numpy(dtype=object) if col in ctx.table.frame else None
        ctx.rejects.add(mask, col, str(check), values=values)


def _between(col, lo, hi):
    return lambda df: (df[col] >= lo) & (df[col] <= hi)


def _le(a, b):
    return lambda df: df[a] <= df[b]


def _row_key(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """SHA-256 of the row's content (re-importing the same record adds nothing)."""
    if not len(frame):
        return pd.Series([], dtype=object, index=frame.index)
    parts = [frame[c].astype("string").fillna("") for c in columns]
    text = parts[0].str.cat(parts[1:], sep="|")
    return pd.Series([hashlib.sha256(t.encode("utf-8")).hexdigest() for t in text], index=frame.index, dtype=object)


# ------------------------------------------------------------------------------------ per kind


def _finish_posyandu(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:
    t = ctx.typed
    kel = _regions_match(ctx, regions)
    pkm = np.full(len(t), None, dtype=object)
    if puskesmas is not None and len(puskesmas):
        matcher = common.RegionMatcher(puskesmas.rename(columns={"puskesmas_id": "region_id"})[["region_id", "name"]])
        given = t["puskesmas"].notna().to_numpy()
        pkm, unknown_mask, unknown = matcher.match(t["puskesmas"].astype(object).where(t["puskesmas"].notna(), None))
        if unknown_mask.any():
            reasons = np.array([matcher.unknown_reason("Puskesmas", v, unknown.get(str(v).strip()))
                                for v in t["puskesmas"].to_numpy(dtype=object)], dtype=object)
            ctx.rejects.add(unknown_mask & given, "puskesmas", reasons)
    _validate(ctx, [
        ("kader_count", "jumlah kader tidak boleh negatif atau lebih dari 100", _between("kader_count", 0, 100)),
        ("dana_sehat_pct", "dana sehat harus 0-100 persen", _between("dana_sehat_pct", 0, 100)),
    ])
    existing = _posyandu_index(posyandu)
    ids = []
    for code, name, k in zip(t["posyandu_code"], t["posyandu"], kel):
        if isinstance(code, str) and code:
            ids.append(code)
        elif k is None or not isinstance(name, str):
            ids.append(None)
        else:
            ids.append(existing.get((k, common.normalise_name(name))) or posyandu_id(k, name))
    out = pd.DataFrame({
        "posyandu_id": ids, "name": t["posyandu"].map(posyandu_label, na_action="ignore").astype(object),
        "kelurahan_id": kel, "puskesmas_id": pkm,
        "strata_recorded": t["strata"], "kader_count": t["kader_count"],
        "has_extra_programmes": t["has_extra_programmes"], "dana_sehat_share": t["dana_sehat_pct"] / 100.0,
        "is_ilp": t["is_ilp"].fillna(False),
    })
    _reject_in_file_duplicates(ctx, out, ["posyandu_id"], "posyandu ini sudah ada di baris {other} berkas ini",
                               "posyandu")
    return out


def posyandu_label(name: str) -> str:
    """'Melati 1' -> 'Posyandu Melati 1' (as the e-PPGBM importer and the demo name them)."""
    name = str(name).strip()
    return name if name.lower().startswith("posyandu") else f"Posyandu {name}"


def posyandu_id(kelurahan_id: str, name: str) -> str:
    """The id of a new posyandu: the same scheme as the e-PPGBM importer, so that a posyandu named in
    the registry and in an e-PPGBM export of the same folder is one posyandu."""

    return f"psy-{slug(kelurahan_id)}-{slug(common.normalise_name(name)) or 'x'}"


def _posyandu_index(posyandu: pd.DataFrame | None) -> dict:
    if posyandu is None or not len(posyandu):
        return {}
    return {(k, common.normalise_name(n)): pid for pid, n, k in zip(posyandu.posyandu_id, posyandu.name, posyandu.kelurahan_id)}


def _match_posyandu(ctx: _Ctx, posyandu: pd.DataFrame | None, kel_ids: np.ndarray | None,
                    required: bool) -> np.ndarray:
    """posyandu_id per row from its code, else its name within the row's kelurahan, else a unique name."""
    t = ctx.typed
    pos = posyandu if posyandu is not None else pd.DataFrame(columns=["posyandu_id", "name", "kelurahan_id"])
    by_id = set(pos.posyandu_id.astype(str))
    by_kel_name = _posyandu_index(pos)
    by_name: dict[str, list[str]] = {}
    for pid, n in zip(pos.posyandu_id, pos.name):
        by_name.setdefault(common.normalise_name(n), []).append(pid)
    names_by_kel: dict[str, list[str]] = {}
    for n, k in zip(pos.name, pos.kelurahan_id):
        names_by_kel.setdefault(k, []).append(n)
    codes = t["posyandu_code"] if "posyandu_code" in t else pd.Series([None] * len(t))
    ids = np.full(len(t), None, dtype=object)
    reasons = np.full(len(t), None, dtype=object)
    for i, (code, name) in enumerate(zip(codes, t["posyandu"])):
        if isinstance(code, str) and code:
            if code in by_id:
                ids[i] = code
                continue
            reasons[i] = f'Kode posyandu "{code}" tidak dikenal'
            continue
        if not isinstance(name, str) or not name:
            if required:
                reasons[i] = "wajib diisi"
            continue
        key = common.normalise_name(name)
        k = kel_ids[i] if kel_ids is not None else None
        if k is not None and (k, key) in by_kel_name:
            ids[i] = by_kel_name[(k, key)]
            continue
        cands = by_name.get(key, [])
        if k is None and len(cands) == 1:
            ids[i] = cands[0]
            continue
        if k is None and len(cands) > 1:
            reasons[i] = f'Posyandu "{name}" ada di beberapa kelurahan; isi kolom Kelurahan'
            continue
        pool = names_by_kel.get(k, list(pos.name)) if k is not None else list(pos.name)
        where = f" di kelurahan {ctx.table.frame['kelurahan'].iloc[i]}" if k is not None and "kelurahan" in ctx.table.frame else ""
        reasons[i] = _unknown_reason("Posyandu", name, similar_name(name, pool)).replace(
            " tidak dikenal", f" tidak ada di daftar posyandu{where}")
    bad = np.array([r is not None for r in reasons], dtype=bool) & ~ctx.rejects.mask
    if bad.any() and not required:
        # an optional posyandu (pregnant women): keep the row, without a posyandu, and say so
        rows = ", ".join(str(r) for r in ctx.table.row_numbers[bad][:10])
        ctx.messages.append(f"Peringatan: posyandu tidak dikenal pada {int(bad.sum())} baris (baris {rows}"
                            f"{', ...' if bad.sum() > 10 else ''}); baris diterima tanpa posyandu. "
                            f"Contoh: {reasons[np.flatnonzero(bad)[0]]}.")
    elif bad.any():
        ctx.rejects.add(bad, "posyandu", reasons)
        if posyandu is None or not len(posyandu):
            ctx.messages.append("Daftar posyandu kosong: impor daftar posyandu (templat 'posyandu') lebih dulu.")
    return ids


def _reject_in_file_duplicates(ctx: _Ctx, out: pd.DataFrame, key: list[str], reason: str,
                               column: str | None = None) -> None:
    ok = ~ctx.rejects.mask & out[key].notna().all(axis=1).to_numpy()
    sub = out[ok]
    dup = sub.duplicated(key, keep="first")
    if dup.any():
        first_row = {}
        for i, k in zip(sub.index, map(tuple, sub[key].itertuples(index=False, name=None))):
            first_row.setdefault(k, ctx.table.row_numbers[i])
        mask = np.zeros(len(out), dtype=bool)
        mask[sub.index[dup.to_numpy()]] = True
        reasons = np.full(len(out), None, dtype=object)
        for i in sub.index[dup.to_numpy()]:
            reasons[i] = reason.format(other=first_row[tuple(out.loc[i, key])])
        ctx.rejects.add(mask, column or key[0], reasons)


def _finish_skdn(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:
    t = ctx.typed
    kel = _regions_match(ctx, regions) if t["kelurahan"].notna().any() else None
    pid = _match_posyandu(ctx, posyandu, kel, required=True)
    counts = ["s", "k", "d", "n", "o", "t", "b", "bgm", "t2", "kader_on_duty"]
    opened = t["opened"].copy()
    opened = opened.fillna(pd.Series((t["d"].fillna(0) > 0).to_numpy(), dtype="boolean"))
    t["opened_filled"] = opened
    header = {c.name: c.header for c in ctx.sheet.columns}
    checks = [(c, f"{header[c]} tidak boleh negatif", (lambda df, c=c: df[c] >= 0)) for c in counts]
    checks += [
        ("k", "K lebih besar dari S", _le("k", "s")),
        ("d", "D lebih besar dari S", _le("d", "s")),
        ("n", "N lebih besar dari D", _le("n", "d")),
        ("o", "O lebih besar dari D", _le("o", "d")),
        ("t", "T lebih besar dari D", _le("t", "d")),
        ("b", "B lebih besar dari D", _le("b", "d")),
        ("bgm", "BGM lebih besar dari D", _le("bgm", "d")),
        ("t2", "2T lebih besar dari D", _le("t2", "d")),
        ("opened", "posyandu tercatat tidak buka tetapi ada balita ditimbang (D > 0)",
         lambda df: df["opened_filled"] | (df["d"].fillna(0) == 0)),
        ("main_service_pct", "cakupan layanan utama harus 0-100 persen", _between("main_service_pct", 0, 100)),
        ("period", "bulan laporan di masa depan", lambda df: df["period"] <= pd.Timestamp(datetime.date.today())),
    ]
    _validate(ctx, checks)
    out = pd.DataFrame({
        "posyandu_id": pid, "period": t["period"].dt.date, "opened": opened.astype("boolean"),
        **{c: t[c] for c in ("s", "k", "d", "n", "o", "t", "b", "bgm", "t2", "kader_on_duty")},
        "main_service_coverage": t["main_service_pct"] / 100.0,
    })
    parts = t[["n", "t", "o", "b", "d"]]
    full = parts.notna().all(axis=1) & ~pd.Series(ctx.rejects.mask)
    off = full & (parts[["n", "t", "o", "b"]].sum(axis=1) != parts["d"])
    if off.any():
        rows = ", ".join(str(r) for r in ctx.table.row_numbers[off.to_numpy()][:10])
        ctx.messages.append(f"Peringatan: pada {int(off.sum())} baris N + T + O + B tidak sama dengan D "
                            f"(baris {rows}{', ...' if off.sum() > 10 else ''}); baris tetap diterima.")
    _reject_in_file_duplicates(ctx, out, ["posyandu_id", "period"],
                               "laporan posyandu ini untuk bulan yang sama sudah ada di baris {other}", "period")
    return out


def _finish_bumil(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:

    t = ctx.typed
    kel = _regions_match(ctx, regions)
    pid = (_match_posyandu(ctx, posyandu, kel, required=False) if t["posyandu"].notna().any()
           else np.full(len(t), None, dtype=object))
    nik = t["nik"].str.replace(r"[\s.'`-]", "", regex=True)
    nik_ok = nik.str.fullmatch(r"\d{16}").fillna(False).to_numpy(dtype=bool)
    nik_given = nik.notna().to_numpy()
    by_name = t["name"].notna().to_numpy() & t["birth_date"].notna().to_numpy()
    ctx.rejects.add(nik_given & ~nik_ok & ~by_name, "nik", "NIK harus 16 angka")
    ctx.rejects.add(~nik_given & ~by_name, "nik", "NIK kosong: isi NIK, atau nama dan tanggal lahir ibu")
    fallback = (t["name"].fillna("").str.lower().str.replace(r"\s+", " ", regex=True).str.strip() + "|"
                + t["birth_date"].dt.strftime("%Y-%m-%d").astype("string").fillna(""))
    ident = nik.where(pd.Series(nik_ok), "nama:" + fallback)
    ident = ident.where(pd.Series(nik_ok | by_name))
    mother = privacy.pseudonym(ident, kind="mother")
    today = pd.Timestamp(datetime.date.today())
    _validate(ctx, [
        ("muac_cm", "LiLA di luar rentang wajar (15-50 cm)", _between("muac_cm", 15, 50)),
        ("hb_g_dl", "Hb di luar rentang wajar (3-20 g/dL)", _between("hb_g_dl", 3, 20)),
        ("gestation_weeks", "usia kehamilan harus 1-45 minggu", _between("gestation_weeks", 1, 45)),
        ("ttd_tablets", "jumlah TTD harus 0-400", _between("ttd_tablets", 0, 400)),
        ("anc_visits", "jumlah kunjungan ANC harus 0-30", _between("anc_visits", 0, 30)),
        ("visit_date", "tanggal periksa di masa depan", lambda df: df["visit_date"] <= today),
        ("visit_date", "tanggal periksa sebelum tahun 2000", lambda df: df["visit_date"] >= pd.Timestamp(2000, 1, 1)),
    ])
    out = pd.DataFrame({
        "mother_id": mother.astype(object), "kelurahan_id": kel, "posyandu_id": pid,
        "period": t["visit_date"].dt.to_period("M").dt.to_timestamp().dt.date,
        "visit_date": t["visit_date"].dt.date, "gestation_weeks": t["gestation_weeks"], "muac_cm": t["muac_cm"],
        "hb_g_dl": t["hb_g_dl"], "ttd_tablets": t["ttd_tablets"], "anc_visits": t["anc_visits"],
    })
    key_cols = ["mother_id", "kelurahan_id", "posyandu_id", "visit_date", "gestation_weeks", "muac_cm", "hb_g_dl",
                "ttd_tablets", "anc_visits"]
    out["row_key"] = _row_key(out, key_cols)
    if ctx.config is not None and getattr(ctx.config, "store_identity", False):
        ident = pd.DataFrame({"mother_id": out["mother_id"], "name": t["name"].astype(object),
                              "address": t["address"].astype(object)})
        ctx.related["mother_identity"] = ident[~ctx.rejects.mask & ident.mother_id.notna().to_numpy()].drop_duplicates("mother_id")
    return out


def _finish_scorecard(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:
    t = ctx.typed
    kel = _regions_match(ctx, regions)
    _validate(ctx, [
        ("indicator_no", "nomor indikator harus 1 sampai 18", _between("indicator_no", 1, 18)),
        ("eligible", "Sasaran tidak boleh negatif", lambda df: df["eligible"] >= 0),
        ("met", "Terpenuhi tidak boleh negatif", lambda df: df["met"] >= 0),
        ("met", "Terpenuhi lebih besar dari Sasaran", _le("met", "eligible")),
    ])
    out = pd.DataFrame({"kelurahan_id": kel, "period": t["period"].dt.date, "indicator_no": t["indicator_no"],
                        "eligible": t["eligible"], "met": t["met"]})
    _reject_in_file_duplicates(ctx, out, ["kelurahan_id", "period", "indicator_no"],
                               "indikator ini untuk kelurahan dan periode yang sama sudah ada di baris {other}",
                               "indicator_no")
    return out


def _finish_keluarga(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:

    t = ctx.typed
    kel = _regions_match(ctx, regions)
    _validate(ctx, [("year", "tahun harus 2000-2100", _between("year", 2000, 2100))])
    family = privacy.pseudonym(t["family_key"].str.replace(r"[\s.'`-]", "", regex=True), kind="family")
    children = []
    for text in t["child_niks"]:
        if not isinstance(text, str):
            children.append(None)
            continue
        niks = [re.sub(r"\D", "", x) for x in re.split(r"[,;/\s]+", text) if re.sub(r"\D", "", x)]
        children.append(list(privacy.pseudonym(pd.Series(niks), kind="child")) if niks else None)
    # a blank cell of a column the file has reads "Tidak"; a column the file lacks stays missing: the
    # factor is not recorded (unknown, not "no risk"; convergence.family_at_risk)
    held = ctx.table.frame.columns
    flags = {c: t[c].fillna(False) if c in held else t[c] for c in [*convergence.TARGET_MEMBERS, *convergence.RISK_FACTORS]}
    absent = [ctx.sheet.col(c).header for c in convergence.RISK_FACTORS if c not in held]
    if absent:
        ctx.messages.append(f"Kolom faktor risiko tidak ada di berkas: {', '.join(absent)}. Faktor itu dicatat "
                            "'tidak tercatat'; keluarga sasaran tanpa faktor Ya dicatat 'belum dapat dinilai'.")
    out = pd.DataFrame({"family_id": family.astype(object), "year": t["year"], "kelurahan_id": kel, **flags,
                        "child_ids": children})
    out.insert(len(out.columns) - 1, "at_risk", convergence.family_at_risk(out))
    _reject_in_file_duplicates(ctx, out, ["family_id", "year"], "keluarga ini untuk tahun yang sama sudah ada di baris {other}",
                               "family_key")
    return out


def _finish_aksi(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:
    t = ctx.typed
    _validate(ctx, [
        ("year", "tahun harus 2000-2100", _between("year", 2000, 2100)),
        ("aksi_no", "nomor aksi harus 1 sampai 8", _between("aksi_no", 1, 8)),
    ])
    names = [n if isinstance(n, str) else AKSI_NAMES.get(int(a)) if pd.notna(a) and 1 <= a <= 8 else None
             for n, a in zip(t["name"], t["aksi_no"])]
    done = (t["status"].eq("Selesai") & t["done_date"].isna()).fillna(False).to_numpy(dtype=bool) & ~ctx.rejects.mask
    if done.any():
        rows = ", ".join(str(r) for r in ctx.table.row_numbers[done][:10])
        ctx.messages.append(f"Peringatan: {int(done.sum())} aksi berstatus Selesai tanpa tanggal selesai (baris {rows}).")
    now = pd.Timestamp.now().floor("s")
    out = pd.DataFrame({
        "year": t["year"], "aksi_no": t["aksi_no"], "name": names, "status": t["status"],
        "done_date": t["done_date"].dt.date, "output_note": t["output_note"].astype(object), "opd": t["opd"].astype(object),
        "updated_by": None, "updated_at": now,
    })
    _reject_in_file_duplicates(ctx, out, ["year", "aksi_no"], "aksi ini untuk tahun yang sama sudah ada di baris {other}",
                               "aksi_no")
    return out


def _finish_targets(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:

    t = ctx.typed
    area = []
    for text in t["area"]:
        area.append(cfgmod.resolve_area(regions, text) if isinstance(text, str) else None)
    area = np.array(area, dtype=object)
    unknown = t["area"].notna().to_numpy(dtype=bool) & np.array([a is None for a in area], dtype=bool)
    if unknown.any():
        reasons = np.array([_unknown_reason("Wilayah", v, (cfgmod.suggest_area(regions, v, 1) or [None])[0])
                            for v in t["area"]], dtype=object)
        ctx.rejects.add(unknown, "area", reasons)
    _validate(ctx, [
        ("target_date", "Tanggal Target harus sesudah Tanggal Awal", lambda df: df["target_date"] > df["baseline_date"]),
        ("baseline_value", "Nilai Awal tidak boleh negatif", lambda df: df["baseline_value"] >= 0),
        ("target_value", "Nilai Target tidak boleh negatif", lambda df: df["target_value"] >= 0),
        ("baseline_value", "prevalensi pada Nilai Awal harus 0-100",
         lambda df: (df["indicator"] != "prevalence_stunting") | (df["baseline_value"] <= 100)),
        ("target_value", "prevalensi pada Nilai Target harus 0-100",
         lambda df: (df["indicator"] != "prevalence_stunting") | (df["target_value"] <= 100)),
    ])
    bd, td = t["baseline_date"].dt.date, t["target_date"].dt.date
    ids = [f"{a}:{i}:{b}:{d}" for a, i, b, d in zip(area, t["indicator"], bd, td)]
    out = pd.DataFrame({"target_id": ids, "region_id": area, "indicator": t["indicator"], "baseline_date": bd,
                        "baseline_value": t["baseline_value"], "target_date": td, "target_value": t["target_value"],
                        "source": t["source"].astype(object)})
    _reject_in_file_duplicates(ctx, out, ["target_id"], "target yang sama sudah ada di baris {other}", "area")
    return out


def _finish_sasaran(ctx: _Ctx, regions, posyandu, puskesmas) -> pd.DataFrame:
    t = ctx.typed
    kel = _regions_match(ctx, regions)
    _validate(ctx, [
        ("year", "tahun harus 2000-2100", _between("year", 2000, 2100)),
        ("children_under5", "Jumlah Balita tidak boleh negatif", lambda df: df["children_under5"] >= 0),
    ])
    out = pd.DataFrame({"kelurahan_id": kel, "year": t["year"], "children_under5": t["children_under5"],
                        "source": t["source"].astype(object)})
    _reject_in_file_duplicates(ctx, out, ["kelurahan_id", "year"],
                               "kelurahan dan tahun yang sama sudah ada di baris {other}", "year")
    return out


FINISH = {"posyandu": _finish_posyandu, "skdn": _finish_skdn, "bumil": _finish_bumil,
          "scorecard": _finish_scorecard, "keluarga": _finish_keluarga, "aksi": _finish_aksi,
          "targets": _finish_targets, "sasaran": _finish_sasaran}
# a corrected sheet replaces the rows with the same key; pregnant-women visits are only ever added
CONFLICT = {"bumil": "ignore"}
NEEDS_REGIONS = {"posyandu", "skdn", "bumil", "scorecard", "keluarga", "targets", "sasaran"}


# ------------------------------------------------------------------------------------ entry point


def _table(con, name: str) -> pd.DataFrame | None:
    if con is None:
        return None
    cur = con.cursor()
    try:
        return cur.execute(f"SELECT * FROM {name}").df()
    finally:
        cur.close()


def read(kind: str, file, *, file_name: str | None = None, config=None, max_mb: float | None = None) -> common.RawTable:
    """The file as read (header row found, columns named canonically); ImportFileError if unreadable.
    max_mb: size limit (None: the config's `max_upload_mb`; 0: no limit). A scorecard may also come
    wide (one row per kelurahan and period, columns 'Sasaran 1', 'Terpenuhi 1', ... 'Terpenuhi 18'):
    it is turned into one row per indicator, each keeping the spreadsheet row it came from."""
    sheet = sheet_of(kind)
    required = [c.name for c in sheet.columns if c.required and c.name != "posyandu"]
    aliases = sheet.aliases()
    if kind == "scorecard":
        aliases.update(_WIDE_SCORECARD)
        required = ["kelurahan", "period"]
    table = common.read_table(file, aliases, required=required, file_name=file_name, config=config,
                              max_mb=(1e9 if max_mb == 0 else max_mb), what=sheet.title.lower())
    if kind == "scorecard":
        table = _long_scorecard(table, sheet)
    return table


_WIDE_SCORECARD = {
    f"{part}_{no}": [pattern.format(word=word, no=no) for word in words
                     for pattern in ("{word} {no}", "{no} {word}", "Indikator {no} {word}", "Ind {no} {word}",
                                     "{word} Indikator {no}", "I{no} {word}")]
    for part, words in (("eligible", ("Sasaran", "Jumlah Sasaran")), ("met", ("Terpenuhi", "Memenuhi", "Terlayani")))
    for no in range(1, 19)
}


def _long_scorecard(table: common.RawTable, sheet: Sheet) -> common.RawTable:
    frame = table.frame
    wide = [no for no in range(1, 19) if f"eligible_{no}" in frame or f"met_{no}" in frame]
    if "indicator_no" in frame or not wide:
        missing = [c.name for c in sheet.columns if c.required and c.name not in frame]
        if missing:
            names = ", ".join(f"'{sheet.col(c).header}'" for c in missing)
            raise common.ImportFileError(
                f"kolom wajib tidak ditemukan pada baris judul (baris {table.header_row}): {names}. Scorecard "
                "diisi satu baris per indikator (No Indikator, Sasaran, Terpenuhi) atau satu baris per kelurahan "
                "dengan kolom 'Sasaran 1', 'Terpenuhi 1', ... 'Terpenuhi 18'.", table.file_name)
        return table
    base = [c for c in frame.columns if not c.startswith(("eligible_", "met_"))]
    parts, numbers = [], []
    for no in wide:
        part = frame[base].copy()
        part["indicator_no"] = no
        part["eligible"] = frame[f"eligible_{no}"] if f"eligible_{no}" in frame else None
        part["met"] = frame[f"met_{no}"] if f"met_{no}" in frame else None
        blank = part[["eligible", "met"]].map(lambda v: v is None or (isinstance(v, str) and not v.strip())
                                              or (isinstance(v, float) and np.isnan(v))).all(axis=1).to_numpy()
        parts.append(part.loc[~blank])
        numbers.append(table.row_numbers[~blank])
    long = pd.concat(parts, ignore_index=True)
    order = np.argsort(np.concatenate(numbers), kind="stable")  # rows in spreadsheet order, indicators within
    table.frame = long.iloc[order].reset_index(drop=True)
    table.row_numbers = np.concatenate(numbers)[order]
    table.columns = {**{c: table.columns.get(c, c) for c in base}, "indicator_no": "No Indikator",
                     "eligible": "Sasaran", "met": "Terpenuhi"}
    table.wide = True  # rejects then name the indicator's own column ('Terpenuhi 3')
    return table


def _wide_reject_columns(rejects: pd.DataFrame) -> pd.DataFrame:
    """In a wide scorecard, 'Sasaran'/'Terpenuhi' of a reject becomes 'Sasaran 3'/'Terpenuhi 3'."""
    if not len(rejects):
        return rejects
    numbers = rejects["raw_json"].map(lambda r: json.loads(r).get("No Indikator") if r else None)
    generic = rejects["column_name"].isin(["Sasaran", "Terpenuhi"]) & numbers.notna()
    rejects = rejects.copy()
    rejects.loc[generic, "column_name"] = (rejects.loc[generic, "column_name"] + " "
                                           + numbers[generic].astype(int).astype(str))
    return rejects


# key columns of each kind's table (as konvergensi.store.importing.TABLES)
# the key that identifies a row already in the database: the importer's (store.importing.TABLES)
KEYS = {kind: IMPORT_TABLES[kind][1] for kind in SHEETS}
# columns that change on every import and do not make a row different
_VOLATILE = {"import_id", "updated_at", "updated_by"}


def _already_in_database(con, table: str, accepted: pd.DataFrame, keys: tuple) -> np.ndarray:
    """True for rows whose key is in `table` with every other value the same (a re-import of the
    same sheet): they are counted as duplicates instead of being written again."""
    cur = con.cursor()
    try:
        columns = [r[0] for r in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()]
        compare = [c for c in accepted.columns if c in columns and c not in _VOLATILE]
        if not all(k in compare for k in keys):
            return np.zeros(len(accepted), dtype=bool)
        if keys == ("row_key",):
            compare = ["row_key"]
        incoming = accepted[compare].copy()
        incoming["_i"] = np.arange(len(incoming))
        cur.register("_incoming_sheet", incoming)
        cond = " AND ".join(f't."{c}" IS NOT DISTINCT FROM i."{c}"' for c in compare)
        hits = cur.execute(f'SELECT i._i FROM _incoming_sheet i JOIN "{table}" t ON {cond}').fetchall()
        cur.unregister("_incoming_sheet")
    finally:
        cur.close()
    same = np.zeros(len(accepted), dtype=bool)
    same[[h[0] for h in hits]] = True
    return same


def sheet_of(kind: str) -> Sheet:
    try:
        return SHEETS[kind]
    except KeyError:
        raise SheetError(f"jenis data {kind!r} tidak dikenal; pilih salah satu: {', '.join(SHEETS)}") from None


def _drop_examples(table: common.RawTable) -> int:
    frame = table.frame
    if not len(frame):
        return 0
    mark = np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        vals = frame[col]
        if vals.dtype == object or pd.api.types.is_string_dtype(vals.dtype):
            text = vals.where(vals.map(lambda v: isinstance(v, str)) if vals.dtype == object else vals.notna())
            mark |= text.astype("string").str.match(EXAMPLE_MARK).fillna(False).to_numpy(dtype=bool)
    if mark.any():
        table.frame = frame.loc[~mark].reset_index(drop=True)
        table.row_numbers = table.row_numbers[~mark]
    return int(mark.sum())


def preview(kind: str, file, *, con=None, regions: pd.DataFrame | None = None, posyandu: pd.DataFrame | None = None,
            puskesmas: pd.DataFrame | None = None, config=None, file_name: str | None = None,
            max_mb: float | None = None):
    """Read and check one spreadsheet of `kind`; nothing is written. Regions, posyandu and puskesmas
    come from the arguments, else from the database connection `con`."""

    sheet = sheet_of(kind)
    regions = regions if regions is not None else _table(con, "regions")
    if regions is None and config is not None:
        regions = config.regions()
    if kind in NEEDS_REGIONS and regions is None:
        raise SheetError("preview needs regions (con, regions or config)")
    posyandu = posyandu if posyandu is not None else _table(con, "posyandu")
    puskesmas = puskesmas if puskesmas is not None else _table(con, "puskesmas")
    if puskesmas is None and config is not None and kind == "posyandu":
        puskesmas = config.puskesmas_tables()[0]

    table = read(kind, file, file_name=file_name, config=config, max_mb=max_mb)
    examples = _drop_examples(table)
    personal = {c.name for c in sheet.columns if c.personal}
    rejects = common.Rejects(table.frame, table.row_numbers, table.columns, personal=personal | common.PERSONAL_COLUMNS)
    typed = _typed(sheet, table, rejects)
    ctx = _Ctx(sheet, table, rejects, typed, [], {}, config)
    _required(ctx)
    out = FINISH[kind](ctx, regions, posyandu, puskesmas)
    keep = ~rejects.mask
    accepted = out.loc[keep].reset_index(drop=True)
    duplicates = 0
    messages = []
    if "row_key" in accepted:
        dup = accepted.duplicated("row_key")
        duplicates = int(dup.sum())
        accepted = accepted.loc[~dup].reset_index(drop=True)
        if duplicates:
            messages.append(f"{duplicates} baris kembar di dalam berkas diabaikan.")
    if con is not None and len(accepted):
        same = _already_in_database(con, sheet.table, accepted, KEYS[kind])
        if same.any():
            duplicates += int(same.sum())
            accepted = accepted.loc[~same].reset_index(drop=True)
            messages.append(f"{int(same.sum())} baris sama persis dengan data yang sudah ada di basis data; dilewati.")
    if examples:
        messages.append(f"{examples} baris contoh (diawali 'CONTOH') dilewati.")
    if table.unmapped:
        messages.append("Kolom yang tidak dikenali dan diabaikan: " + ", ".join(table.unmapped))
    messages += ctx.messages
    if not len(table.frame):
        messages.append("Berkas hanya berisi baris judul, tanpa data.")
    return Preview(kind=kind, file_name=table.file_name, file_sha256=table.file_sha256, rows_read=len(table.frame),
                   accepted=accepted, rejects=(_wide_reject_columns(rejects.frame()) if getattr(table, "wide", False)
                                               else rejects.frame()),
                   duplicates=duplicates, unknown_regions=ctx.unknown,
                   messages=messages, related=ctx.related, conflict=CONFLICT.get(kind, "replace"),
                   unmapped_columns=list(table.unmapped))
