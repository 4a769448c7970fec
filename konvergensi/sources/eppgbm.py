"""e-PPGBM exports (xlsx or csv): one row per measurement -> `measurements` rows, new children,
new posyandu, and (only when the configuration allows it) names and addresses.

`preview(file, *, con=None, regions=None, file_name=None, config=None) -> importing.Preview`
reads and validates without writing; `konvergensi.store.importing.commit(preview, db_path)` writes.

Rules (see docs/import-eppgbm.md):
- the header row may sit below title rows; headers are matched with the aliases below, ignoring
  case, spacing and punctuation; columns not recognised are listed in the messages;
- required columns: JK, Tgl Lahir, Tanggal Pengukuran, Desa/Kel, and Berat or Tinggi, and NIK or Nama;
- the child id is an HMAC pseudonym of the NIK (konvergensi.core.privacy); without a usable NIK (blank,
  not 16 digits, or mangled by Excel into 5.37101E+15) the pseudonym of name + birth date + parent
  name is used and the rows are counted in the messages; the NIK itself is never stored;
- z-scores are recomputed (konvergensi.store.measurements.to_table); the file's ZS TB/U is only compared;
- rows that cannot be used are rejected with row number, column and reason (pandera checks);
  implausible but possible values (weight outside 0.5-40 kg, length/height outside 35-140 cm) are
  kept and counted in the messages, as WHO's Survey Analyser warns about them;
- exact duplicates in the file and rows already in the database are counted as duplicates;
- an unknown kelurahan is rejected with a suggestion; an unknown posyandu is created in the row's
  kelurahan (with the puskesmas when it is known) and reported.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pandera.pandas as pa

from konvergensi.store.importing import Preview
from konvergensi.sources import common
from konvergensi.core.config import slug
from konvergensi.core import config as config_module
from konvergensi.store import measurements as measurements_module
from konvergensi.core import privacy
from konvergensi.domain import growth

KIND = "eppgbm"

ALIASES = {
    "nik": ["NIK", "NIK Anak", "No NIK", "Nomor NIK", "Nomor Induk Kependudukan", "NIK Balita"],
    "name": ["Nama", "Nama Anak", "Nama Balita", "Nama Lengkap"],
    "sex": ["JK", "Jenis Kelamin", "L/P", "Kelamin", "Sex", "Gender"],
    "birth_date": ["Tgl Lahir", "Tanggal Lahir", "Tgl. Lahir", "TglLahir", "Tgl Lhr", "Lahir", "DOB"],
    "birth_weight_kg": ["BB Lahir", "Berat Lahir", "Berat Badan Lahir", "BBL"],
    "birth_length_cm": ["TB Lahir", "PB Lahir", "Panjang Lahir", "Panjang Badan Lahir", "Tinggi Lahir"],
    "parent_name": ["Nama Ortu", "Nama Orang Tua", "Nama Orangtua", "Nama Ibu", "Ibu", "Orang Tua", "Nama Ayah/Ibu"],
    "province": ["Prov", "Provinsi"],
    "kabkota": ["Kab/Kota", "Kabupaten/Kota", "Kab", "Kota", "Kabupaten"],
    "kecamatan": ["Kec", "Kecamatan"],
    "puskesmas": ["Puskesmas", "Pukesmas", "PKM", "Nama Puskesmas", "Faskes"],
    "kelurahan": ["Desa/Kel", "Desa/Kelurahan", "Kelurahan/Desa", "Kel/Desa", "Kelurahan", "Desa", "Kel", "Nama Desa"],
    "kelurahan_code": ["Kode Desa", "Kode Kelurahan", "Kode Desa/Kel", "Kode Kel"],
    "posyandu": ["Posyandu", "Nama Posyandu", "Pos"],
    "rt": ["RT"],
    "rw": ["RW"],
    "address": ["Alamat", "Alamat Lengkap"],
    "age_text": ["Usia Saat Ukur", "Umur Saat Ukur", "Usia", "Umur"],
    "measure_date": ["Tanggal Pengukuran", "Tgl Pengukuran", "Tanggal Ukur", "Tgl Ukur", "Tanggal Penimbangan",
                     "Tgl Penimbangan", "Tgl Timbang", "Tanggal Timbang", "Tanggal Kunjungan"],
    "weight_kg": ["Berat", "BB", "Berat Badan", "BB (kg)", "Berat (kg)", "Berat Badan (kg)", "BB Ukur"],
    "lenhei_cm": ["Tinggi", "TB", "Tinggi Badan", "PB/TB", "TB/PB", "Panjang/Tinggi", "Tinggi (cm)", "PB",
                  "Panjang Badan", "Tinggi/Panjang Badan", "TB Ukur"],
    "measure": ["Cara Ukur", "Cara Pengukuran", "Posisi", "Posisi Ukur", "Cara Ukur TB"],
    "muac_cm": ["LiLA", "Lila (cm)", "LILA", "Lingkar Lengan Atas"],
    "oedema": ["Edema", "Oedema", "Edema Bilateral"],
    "weight_up": ["Naik Berat Badan", "Naik BB", "N/T", "BB Naik", "Naik"],
    "cat_bbu_file": ["BB/U", "Status BB/U"],
    "zs_bbu_file": ["ZS BB/U", "Z BB/U", "Zscore BB/U"],
    "cat_tbu_file": ["TB/U", "PB/U", "Status TB/U"],
    "zs_tbu_file": ["ZS TB/U", "ZS PB/U", "Z TB/U", "Zscore TB/U"],
    "cat_bbtb_file": ["BB/TB", "BB/PB", "Status BB/TB"],
    "zs_bbtb_file": ["ZS BB/TB", "ZS BB/PB", "Z BB/TB", "Zscore BB/TB"],
    "pmt_kg": ["PMT Diterima (kg)", "PMT Diterima", "PMT"],
    "vit_a": ["Jml Vit A", "Jumlah Vit A", "Vit A"],
    "kpsp": ["KPSP"],
    "kia": ["KIA", "Buku KIA"],
}
REQUIRED = ("sex", "birth_date", "measure_date", "kelurahan")
# recognised (so not reported as unknown) but not needed: never loaded from a CSV
NOT_USED = frozenset({"province", "kabkota", "kecamatan", "age_text", "cat_bbu_file", "zs_bbu_file", "cat_tbu_file",
                      "cat_bbtb_file", "zs_bbtb_file", "pmt_kg", "vit_a", "kpsp", "kia"})
IDENTITY_ONLY = frozenset({"address", "rt", "rw"})  # loaded only when names/addresses may be stored
PERSONAL = common.PERSONAL_COLUMNS

SEX_WORDS = {"L": 1, "P": 2, "laki-laki": 1, "laki laki": 1, "lakilaki": 1, "perempuan": 2, "pr": 2, "lk": 1,
             "1": 1, "2": 2, "M": 1, "F": 2, "male": 1, "female": 2, "pria": 1, "wanita": 2}
MEASURE_WORDS = {"berdiri": "h", "terlentang": "l", "telentang": "l", "berbaring": "l", "tidur": "l",
                 "h": "h", "l": "l", "tb": "h", "pb": "l", "standing": "h", "lying": "l", "recumbent": "l",
                 "tinggi badan": "h", "panjang badan": "l"}
WEIGHT_UP_WORDS = {"N": True, "naik": True, "ya": True, "y": True, "T": False, "tidak": False,
                   "tidak naik": False, "tidak_naik": False, "O": None, "B": None, "baru": None, "-": None}
OEDEMA_WORDS = {"y": True, "ya": True, "ada": True, "yes": True, "n": False, "t": False, "tidak": False,
                "tidak ada": False, "no": False, "-": False}

MAX_AGE_DAYS = 1826  # 0-59 months: WHO z-scores exist up to day 1826
PLAUSIBLE_WEIGHT = (0.5, 40.0)  # WHO Anthro Survey Analyser cleaning limits (warn, keep)
PLAUSIBLE_LENHEI = (35.0, 140.0)
ZS_DIFFERENCE = 0.5  # |file ZS TB/U - recomputed| above this is counted in the messages


def _n(k: int) -> str:
    return common.indonesian_count(k)


def _load_context(con, regions, config):
    """(regions, posyandu, puskesmas, puskesmas_kelurahan) frames from the database, or from the
    `regions` frame / the configuration when there is no connection."""
    posyandu = pd.DataFrame(columns=["posyandu_id", "name", "kelurahan_id", "puskesmas_id"])
    puskesmas = pd.DataFrame(columns=["puskesmas_id", "name", "kecamatan_id"])
    pkk = pd.DataFrame(columns=["puskesmas_id", "kelurahan_id"])
    if con is not None:
        cur = con.cursor()
        try:
            if regions is None:
                regions = cur.execute("SELECT region_id, level, name, parent_id, official_code, aliases FROM regions").df()
            posyandu = cur.execute("SELECT posyandu_id, name, kelurahan_id, puskesmas_id FROM posyandu").df()
            puskesmas = cur.execute("SELECT puskesmas_id, name, kecamatan_id FROM puskesmas").df()
            pkk = cur.execute("SELECT puskesmas_id, kelurahan_id FROM puskesmas_kelurahan").df()
        finally:
            cur.close()
    elif config is not None:
        if regions is None:
            regions = config.regions()
        try:
            puskesmas, pkk = config.puskesmas_tables()
        except Exception:  # a config without puskesmas: posyandu are created without one
            pass
    if regions is None:
        raise ValueError("preview needs a database connection (con), a regions frame or a config")
    return regions, posyandu, puskesmas, pkk


def _schema(today: pd.Timestamp) -> pa.DataFrameSchema:
    """Checks on the typed frame; each `error` is the Indonesian reason shown to the user."""
    def optional_positive(name):
        return pa.Column(float, pa.Check(lambda s: s.isna() | (s > 0), element_wise=False,
                                         error=f"{name} harus lebih dari 0"), nullable=True)

    return pa.DataFrameSchema(
        {
            "sex": pa.Column(float, pa.Check.isin([1, 2], error="jenis kelamin harus L atau P"), nullable=False),
            "birth_date": pa.Column("datetime64[s]", nullable=False),
            "measure_date": pa.Column("datetime64[s]", [
                pa.Check(lambda s: s.isna() | (s <= today), error="tanggal pengukuran di masa depan"),
                pa.Check(lambda s: s.isna() | (s >= pd.Timestamp("2000-01-01")), error="tanggal pengukuran sebelum tahun 2000"),
            ], nullable=False),
            "age_days": pa.Column(float, [
                pa.Check(lambda s: s.isna() | (s >= 0), error="tanggal lahir sesudah tanggal pengukuran"),
                pa.Check(lambda s: s.isna() | (s <= MAX_AGE_DAYS), error="umur saat ukur 60 bulan atau lebih (bukan balita)"),
            ], nullable=True),
            "weight_kg": optional_positive("berat"),
            "lenhei_cm": optional_positive("tinggi/panjang badan"),
            "kelurahan_id": pa.Column(float, nullable=False),
            "identity": pa.Column(bool, pa.Check(lambda s: s, error="NIK dan nama anak kosong: anak tidak dapat dikenali")),
        },
        checks=[pa.Check(lambda d: d["weight_kg"].notna() | d["lenhei_cm"].notna(),
                         error="berat dan tinggi/panjang badan kosong: tidak ada pengukuran")],
        coerce=False, strict=False,
    )


_NIK_JUNK = str.maketrans("", "", " .-'\t")


def _nik(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """(16-digit NIK as a string Series or missing, mask present-but-unusable, mask blank). Text
    that already is 16 digits is taken as it is (vectorised); the rest per distinct value."""
    values = values.reset_index(drop=True)
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        ok = values.str.fullmatch(r"\d{16}").fillna(False).to_numpy(dtype=bool)
        nik = values.where(ok).astype("string")
        rest = np.flatnonzero(~ok)
        if len(rest):
            sub, unusable, blank = _nik_slow(values.iloc[rest])
            nik.iloc[rest] = sub.to_numpy(dtype=object)
            bad = np.zeros(len(values), dtype=bool)
            empty = np.zeros(len(values), dtype=bool)
            bad[rest], empty[rest] = unusable, blank
            return nik, bad, empty
        return nik, np.zeros(len(values), dtype=bool), np.zeros(len(values), dtype=bool)
    nik, unusable, blank = _nik_slow(values)
    return nik.astype("string"), unusable, blank


def _nik_slow(values: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    clean, state = [], []  # state: 0 ok, 1 unusable, 2 blank
    for u in uniques:
        t = common._text_of(u)
        t = t.translate(_NIK_JUNK) if t else t
        if not t:
            clean.append(None)
            state.append(2)
        elif len(t) == 16 and t.isdigit():
            clean.append(t)
            state.append(0)
        else:
            clean.append(None)
            state.append(1)
    take = np.where(codes < 0, len(uniques), codes)
    nik = pd.Series(np.array(clean + [None], dtype=object)[take], index=values.index, dtype=object)
    st = np.array(state + [2], dtype=np.int8)[take]
    return nik, st == 1, st == 2


def _as_string(values) -> pd.Series:
    """An object array/Series of text or None as a pandas string Series, via its distinct values
    (much cheaper than converting a million Python strings one by one)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    arr = pd.array(list(uniques), dtype="string")
    return pd.Series(arr.take(codes, allow_fill=True))


def _name_key(values: pd.Series) -> pd.Series:
    """Upper-case name with single spaces (for the pseudonym of a child without NIK)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = [" ".join(t.upper().split()) if (t := common._text_of(u)) else None for u in uniques]
    return pd.Series(np.array(keys + [None], dtype=object)[np.where(codes < 0, len(keys), codes)],
                     index=values.index, dtype=object)


def _pair_codes(a: np.ndarray, b: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """Factorize the pairs (a[i], b[i]): (codes, [(a, b) per code]); blanks as ''."""
    ca, ua = pd.factorize(pd.Series(a, dtype=object), use_na_sentinel=True)
    cb, ub = pd.factorize(b, use_na_sentinel=True)
    ua = list(ua) + [""]
    ub = list(ub) + [""]
    ca = np.where(ca < 0, len(ua) - 1, ca).astype(np.int64)
    cb = np.where(cb < 0, len(ub) - 1, cb).astype(np.int64)
    codes, pairs = pd.factorize(ca * len(ub) + cb)
    return codes, [(ua[p // len(ub)], ub[p % len(ub)]) for p in pairs]


def _posyandu(kel_ids: np.ndarray, names: pd.Series | None, pkm_names: pd.Series | None,
              posyandu: pd.DataFrame, puskesmas: pd.DataFrame, pkk: pd.DataFrame):
    """(posyandu_id per row, DataFrame of new posyandu). Matched by normalised name within the
    row's kelurahan; an unknown one gets a stable id built from kelurahan and name."""

    n = len(kel_ids)
    if names is None:
        return np.full(n, None, dtype=object), posyandu.iloc[0:0]
    codes, uniques = _pair_codes(kel_ids, common.clean_objects(names))
    first_pkm = None
    if pkm_names is not None:
        first_at = pd.Series(np.arange(n)).groupby(codes).first().to_numpy()
        first_pkm = common.clean_objects(pkm_names).to_numpy(dtype=object)[first_at]
    known = {(str(k), common.normalise_name(nm)): pid
             for pid, nm, k in zip(posyandu["posyandu_id"], posyandu["name"], posyandu["kelurahan_id"])}
    pkm_by_key = {common.normalise_name(nm): pid for pid, nm in zip(puskesmas["puskesmas_id"], puskesmas["name"])}
    pkm_of_kel = pkk.groupby("kelurahan_id")["puskesmas_id"].agg(list).to_dict() if len(pkk) else {}
    ids, new_rows = [], []
    for code, (kel, name) in enumerate(uniques):
        if not kel or not name:
            ids.append(None)
            continue
        key = (kel, common.normalise_name(name))
        pid = known.get(key)
        if pid is None:
            pid = f"psy-{slug(kel)}-{slug(key[1]) or 'x'}"
            pkm = None
            if first_pkm is not None and pd.notna(first_pkm[code]):
                pkm = pkm_by_key.get(common.normalise_name(first_pkm[code]))
            if pkm is None and len(pkm_of_kel.get(kel, [])) == 1:
                pkm = pkm_of_kel[kel][0]
            label = name if common.normalise_name(name).startswith("posyandu") or name.lower().startswith("posyandu") else f"Posyandu {name}"
            new_rows.append({"posyandu_id": pid, "name": label, "kelurahan_id": kel, "puskesmas_id": pkm})
            known[key] = pid
        ids.append(pid)
    out = np.array(ids + [None], dtype=object)[codes]
    new = pd.DataFrame(new_rows, columns=["posyandu_id", "name", "kelurahan_id", "puskesmas_id"])
    return out, new


def preview(file, *, con=None, regions: pd.DataFrame | None = None, file_name: str | None = None,
            config=None, max_mb: float | None = None, today: datetime.date | None = None,
            posyandu: pd.DataFrame | None = None, puskesmas: pd.DataFrame | None = None) -> Preview:
    """Read and validate an e-PPGBM export; nothing is written (see the module docstring).

    `con`: a connection to the dashboard database (regions, posyandu, puskesmas and existing
    measurements come from it); without it, `regions` (or the configuration's regions) is used and
    duplicates against the database are found at commit. `max_mb`: size limit in MB (None: the
    config threshold `max_upload_mb`, as for uploads in the app; 0: no limit).
    `posyandu` / `puskesmas` (columns as the tables): known ones, e.g. a registry read in the same
    build, used instead of the database's. `today`: measurement
    dates after it are rejected (default: today).
    Raises common.ImportFileError when the file cannot be read at all."""
    if config is None:

        config = config_module.load()
    limit = common.max_upload_mb(config) if max_mb is None else max_mb
    wanted = set(ALIASES) - NOT_USED - (set() if getattr(config, "store_identity", False) else IDENTITY_ONLY)
    raw = common.read_table(file, ALIASES, required=REQUIRED, file_name=file_name, max_mb=limit, config=config,
                            what="ekspor e-PPGBM", columns=wanted, ragged="reject")
    name = raw.file_name
    if "weight_kg" not in raw.frame and "lenhei_cm" not in raw.frame:
        raise common.ImportFileError("kolom 'Berat' maupun 'Tinggi' tidak ditemukan: tidak ada pengukuran untuk diimpor.", name)
    if "nik" not in raw.frame and "name" not in raw.frame:
        raise common.ImportFileError("kolom 'NIK' maupun 'Nama' tidak ditemukan: anak tidak dapat dikenali.", name)
    regions, posyandu_db, puskesmas_db, pkk_db = _load_context(con, regions, config)
    if posyandu is not None:
        posyandu_db = posyandu
    if puskesmas is not None:
        puskesmas_db = puskesmas
    today_ts = pd.Timestamp(today or datetime.date.today())

    frame = raw.frame
    n = len(frame)
    messages: list[str] = []
    rejects = common.Rejects(frame, raw.row_numbers, raw.columns, personal=PERSONAL)
    if raw.unmapped:
        messages.append(f"Kolom tidak dikenali dan diabaikan: {', '.join(raw.unmapped[:15])}"
                        + (" ..." if len(raw.unmapped) > 15 else ""))
    if n == 0:
        messages.append("Berkas hanya berisi baris judul kolom; tidak ada data.")
    if raw.too_wide is not None and raw.too_wide.any():
        rejects.add(raw.too_wide, None, f"baris berisi lebih banyak kolom daripada baris judul ({raw.width}); "
                    "mungkin ada pemisah (; atau ,) di dalam nama atau alamat tanpa tanda kutip")

    def col(c):
        return frame[c] if c in frame else pd.Series([None] * n, dtype=object)

    # ---- parse: unreadable values reject the row (core fields) or are blanked with a warning
    sex, bad = common.parse_words(col("sex"), SEX_WORDS)
    rejects.add(bad, "sex", "jenis kelamin tidak dikenali (harus L atau P)")
    birth, bad = common.parse_dates(col("birth_date"))
    rejects.add(bad, "birth_date", "tanggal lahir tidak dikenali (pakai DD/MM/YYYY)")
    measured, bad = common.parse_dates(col("measure_date"))
    rejects.add(bad, "measure_date", "tanggal pengukuran tidak dikenali (pakai DD/MM/YYYY)")
    numbers = {}
    for c, label in (("weight_kg", "berat"), ("lenhei_cm", "tinggi/panjang badan")):
        numbers[c], bad = common.parse_numbers(col(c))
        rejects.add(bad, c, f"{label} bukan angka")
    measure, bad = common.parse_words(col("measure"), MEASURE_WORDS)
    rejects.add(bad, "measure", "cara ukur tidak dikenali (harus Berdiri atau Terlentang)")
    for c, label in (("muac_cm", "LiLA"), ("birth_weight_kg", "BB lahir"), ("birth_length_cm", "TB lahir")):
        numbers[c], bad = common.parse_numbers(col(c))
        if bad.any():
            messages.append(f"{_n(int(bad.sum()))} nilai {label} bukan angka dan dikosongkan "
                            f"(baris {', '.join(map(str, raw.row_numbers[bad][:5]))}).")
    weight_up, bad = common.parse_words(col("weight_up"), WEIGHT_UP_WORDS)
    if bad.any():
        messages.append(f"{_n(int(bad.sum()))} nilai 'Naik Berat Badan' tidak dikenali (harus N atau T) dan dikosongkan.")
    oedema, bad = common.parse_words(col("oedema"), OEDEMA_WORDS, missing=False)
    if bad.any():
        messages.append(f"{_n(int(bad.sum()))} nilai edema tidak dikenali dan dianggap tidak ada edema.")

    # ---- kelurahan: code column first, then the name; unknown ones rejected with a suggestion
    matcher = common.RegionMatcher(regions, "kelurahan")
    kel_ids = np.full(n, None, dtype=object)
    if "kelurahan_code" in frame:
        kel_ids, _, _ = matcher.match(col("kelurahan_code"))
    by_name, unknown_mask, unknown = matcher.match(col("kelurahan"))
    kel_ids = np.where(pd.isna(kel_ids), by_name, kel_ids)
    unknown_mask &= pd.isna(kel_ids)
    still: set = set()
    if unknown_mask.any():
        where = np.flatnonzero(unknown_mask)
        texts = common.clean_objects(col("kelurahan").iloc[where]).to_numpy(dtype=object)
        reasons = np.full(n, None, dtype=object)
        reasons[where] = [matcher.unknown_reason("Kelurahan", t, unknown.get(t)) for t in texts]
        rejects.add(unknown_mask, "kelurahan", reasons)
        still = set(texts)
    # only names actually left unmatched (a row may have been matched by its code column)
    unknown = {k: v for k, v in unknown.items() if k in still}

    # ---- identity
    nik, nik_unusable, nik_blank = (_nik(col("nik")) if "nik" in frame
                                    else (pd.Series([pd.NA] * n, dtype="string"), np.zeros(n, bool), np.ones(n, bool)))
    has_nik = nik.notna().to_numpy()
    # names are only needed (and only normalised) where there is no usable NIK
    need_name = np.flatnonzero(~has_nik)
    child_name = pd.Series(None, index=frame.index, dtype=object)
    if len(need_name) and "name" in frame:
        child_name.iloc[need_name] = _name_key(col("name").iloc[need_name]).to_numpy(dtype=object)
    identity_ok = has_nik | child_name.notna().to_numpy()

    # ---- pandera checks on the typed frame
    age = (measured - birth).dt.days.to_numpy(dtype="float64", na_value=np.nan)
    typed = pd.DataFrame({
        "sex": pd.array(np.where(pd.isna(sex), np.nan, sex).astype("float64")),
        "birth_date": birth.to_numpy(), "measure_date": measured.to_numpy(), "age_days": age,
        "weight_kg": numbers["weight_kg"], "lenhei_cm": numbers["lenhei_cm"],
        # 0 = known (or already rejected as unknown), NaN = blank
        "kelurahan_id": np.where(pd.isna(kel_ids) & ~unknown_mask, np.nan, 0.0),
        "identity": identity_ok,
    })
    typed["sex"] = typed["sex"].astype("float64")
    # the values shown in a reject: as written in the file
    value_frame = {"sex": col("sex"), "birth_date": col("birth_date"), "measure_date": col("measure_date"),
                   "weight_kg": col("weight_kg"), "lenhei_cm": col("lenhei_cm"), "kelurahan_id": col("kelurahan"),
                   "age_days": col("birth_date")}
    measure_column = "weight_kg" if "weight_kg" in frame else "lenhei_cm"
    common.pandera_rejects(_schema(today_ts), typed, rejects, reasons={"not_nullable": "wajib diisi"},
                           value_frame=value_frame, frame_check_column=measure_column)
    # pandera names the typed columns; show the file's headers
    _rename_columns(rejects, {"kelurahan_id": "kelurahan", "age_days": "birth_date",
                              "identity": "nik" if "nik" in frame else "name"})
    ok = ~rejects.mask
    del typed, value_frame
    rejects_frame = rejects.frame()  # raw_json needs the rows as read; built now so they can be freed

    # ---- warnings on accepted rows
    w, h = numbers["weight_kg"], numbers["lenhei_cm"]
    with np.errstate(invalid="ignore"):
        odd_w = ok & ~np.isnan(w) & ((w < PLAUSIBLE_WEIGHT[0]) | (w > PLAUSIBLE_WEIGHT[1]))
        odd_h = ok & ~np.isnan(h) & ((h < PLAUSIBLE_LENHEI[0]) | (h > PLAUSIBLE_LENHEI[1]))
    if odd_w.any():
        messages.append(f"{_n(int(odd_w.sum()))} berat di luar 0,5-40 kg (tetap diimpor; periksa, z-score mungkin ditandai).")
    if odd_h.any():
        messages.append(f"{_n(int(odd_h.sum()))} tinggi/panjang di luar 35-140 cm (tetap diimpor; periksa).")
    no_nik = ok & (nik_blank | nik_unusable)
    if no_nik.any():
        mangled = int((ok & nik_unusable).sum())
        detail = f" ({_n(mangled)} NIK bukan 16 angka, mis. rusak oleh Excel)" if mangled else ""
        messages.append(f"{_n(int(no_nik.sum()))} baris tanpa NIK yang sah{detail}: anak dikenali dari "
                        "nama + tanggal lahir + nama orang tua.")

    # ---- accepted rows -> child ids, posyandu, measurements

    idx = np.flatnonzero(ok)
    later = {c: frame[c].iloc[idx].reset_index(drop=True)
             for c in ("posyandu", "puskesmas", "zs_tbu_file", "name", "parent_name", "address", "rt", "rw") if c in frame}
    rows_no_key = np.flatnonzero(nik.iloc[idx].isna().to_numpy())
    parent_rows = (_name_key(frame["parent_name"].iloc[idx[rows_no_key]]) if "parent_name" in frame and len(rows_no_key)
                   else pd.Series([""] * len(rows_no_key), dtype=object))
    raw.frame = rejects.raw = frame = None  # the text as read is no longer needed
    birth_ok = birth.iloc[idx].reset_index(drop=True)
    key_text = nik.iloc[idx].reset_index(drop=True)
    no_key = rows_no_key
    if len(no_key):  # no usable NIK: name + birth date + parent name
        rows = idx[no_key]
        fallback = ("nama:" + child_name.iloc[rows].fillna("").to_numpy(dtype=object) + "|"
                    + birth.iloc[rows].dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object) + "|"
                    + parent_rows.fillna("").to_numpy(dtype=object))
        key_text.iloc[no_key] = fallback
    # each distinct key is hashed once; the ids stay an Arrow string column (no Python strings per row)
    key_codes, key_uniques = pd.factorize(key_text)
    hashed_series = privacy.pseudonym(pd.Series(key_uniques, dtype="string"), kind="child")
    child_id = pd.Series(hashed_series.array.take(key_codes))

    pos_ids, new_posyandu = _posyandu(kel_ids[idx], later.get("posyandu"), later.get("puskesmas"),
                                      posyandu_db, puskesmas_db, pkk_db)

    raw_measurements = pd.DataFrame({
        "child_id": child_id,
        "sex": np.asarray(sex[idx], dtype="int64") if len(idx) else np.array([], dtype="int64"),
        "birth_date": birth_ok.to_numpy(),
        "measure_date": measured.iloc[idx].to_numpy(),
        "weight_kg": w[idx], "lenhei_cm": h[idx],
        "measure": pd.Series(measure[idx], dtype=object),
        "muac_cm": numbers["muac_cm"][idx],
        "oedema": np.asarray(oedema[idx], dtype=bool),
        "weight_up": pd.array(weight_up[idx], dtype="boolean"),
        "kelurahan_id": _as_string(kel_ids[idx]),
        "posyandu_id": _as_string(pos_ids),
    })
    table = measurements_module.to_table(raw_measurements, first_row=2)
    in_file_duplicates = int(table.attrs.get("duplicates", 0))
    in_db = _in_table(con, "measurements", "row_key", table["row_key"])
    duplicates = in_file_duplicates + int(in_db.sum())
    if in_file_duplicates:
        messages.append(f"{_n(in_file_duplicates)} baris kembar di dalam berkas diabaikan.")
    if in_db.any():
        messages.append(f"{_n(int(in_db.sum()))} pengukuran sudah ada di basis data (impor ulang) dan diabaikan.")
    table = table[~in_db].reset_index(drop=True)
    table = table.drop(columns=["measurement_id"])  # numbered at commit

    # z-scores are recomputed; the file's own ZS TB/U is only compared
    file_z = common.parse_numbers(later["zs_tbu_file"])[0] if "zs_tbu_file" in later else np.array([])
    given = np.flatnonzero(~np.isnan(file_z))
    if len(given):
        ours = _recomputed_zlen(raw_measurements.iloc[given])
        with np.errstate(invalid="ignore"):
            differ = np.abs(file_z[given] - ours) > ZS_DIFFERENCE
        if differ.any():
            limit_text = f"{ZS_DIFFERENCE:g}".replace(".", ",")
            messages.append(f"{_n(int(differ.sum()))} baris: ZS TB/U di berkas berbeda lebih dari {limit_text} "
                            "dari hitungan standar WHO (dipakai hitungan WHO, bukan nilai berkas).")

    # ---- children (new ones are added at commit; existing ones are kept as they are)
    # one row per child (key code = child): sex and birth date as first seen, kelurahan and
    # posyandu of the latest measurement
    order = np.lexsort((np.arange(len(idx)), raw_measurements["measure_date"].to_numpy()))
    grouped = pd.DataFrame({"code": key_codes[order], "pos": order,
                            "sex": raw_measurements["sex"].to_numpy()[order]}).groupby("code", sort=True)
    first_pos = grouped["pos"].first().to_numpy(dtype=np.int64)
    last_pos = grouped["pos"].last().to_numpy(dtype=np.int64)
    children = pd.DataFrame({
        "child_id": hashed_series.reset_index(drop=True),  # code k is the k-th distinct key
        "sex": raw_measurements["sex"].to_numpy()[first_pos],
        "birth_date": raw_measurements["birth_date"].to_numpy()[first_pos],
        "kelurahan_id": raw_measurements["kelurahan_id"].take(last_pos).reset_index(drop=True),
        "posyandu_id": raw_measurements["posyandu_id"].take(last_pos).reset_index(drop=True),
        "birth_weight_kg": numbers["birth_weight_kg"][idx][first_pos],
        "birth_length_cm": numbers["birth_length_cm"][idx][first_pos],
    })
    sex_range = grouped["sex"].agg(["min", "max"])
    conflicts = int((sex_range["min"] != sex_range["max"]).sum())
    if conflicts:
        messages.append(f"{_n(conflicts)} anak tercatat dengan jenis kelamin berbeda; dipakai yang pertama.")
    for c in ("child_id", "kelurahan_id", "posyandu_id"):
        children[c] = children[c].astype("string")
    if con is not None and len(children):
        children = children[~_in_table(con, "children", "child_id", children["child_id"])].reset_index(drop=True)
    related = {}
    if len(new_posyandu):
        related["posyandu"] = new_posyandu
        messages.append(f"{_n(len(new_posyandu))} posyandu baru akan ditambahkan: "
                        + ", ".join(new_posyandu["name"].head(10)) + (" ..." if len(new_posyandu) > 10 else ""))
    related["children"] = children

    if getattr(config, "store_identity", False) and len(idx):
        ident = pd.DataFrame({"child_id": child_id.to_numpy(dtype=object)})
        for c in ("name", "parent_name", "address", "rt", "rw"):
            ident[c] = common.clean_objects(later[c]).to_numpy(dtype=object) if c in later else None
        related["child_identity"] = ident.drop_duplicates("child_id", keep="last").reset_index(drop=True)

    if len(rejects_frame):
        messages.insert(0, f"{_n(int(rejects_frame['row_number'].nunique()))} baris ditolak (lihat alasan per baris).")
    return Preview(
        kind=KIND, file_name=name, file_sha256=raw.file_sha256, rows_read=n, accepted=table,
        rejects=rejects_frame, duplicates=duplicates, unknown_regions=unknown, messages=messages,
        related=related, unmapped_columns=list(raw.unmapped),
    )


def _recomputed_zlen(raw_measurements: pd.DataFrame) -> np.ndarray:
    """The WHO length/height-for-age z of every accepted row (before duplicates are dropped)."""

    age = (pd.to_datetime(raw_measurements["measure_date"]) - pd.to_datetime(raw_measurements["birth_date"])).dt.days
    z = growth.zscores(pd.DataFrame({
        "sex": raw_measurements["sex"].to_numpy(), "age_days": age.to_numpy(dtype="float64"),
        "lenhei_cm": raw_measurements["lenhei_cm"].to_numpy(),
        "measure": raw_measurements["measure"].to_numpy(dtype=object),
    }))
    return z["zlen"].to_numpy(dtype="float64")


def _in_table(con, table: str, column: str, values: pd.Series) -> np.ndarray:
    """Mask of `values` already present in table.column (one semi join in DuckDB)."""
    mask = np.zeros(len(values), dtype=bool)
    if con is None or not len(values):
        return mask
    cur = con.cursor()
    try:
        cur.register("_vals", pd.DataFrame({"i": np.arange(len(values), dtype=np.int64),
                                            "v": values.reset_index(drop=True)}))
        found = cur.execute(f'SELECT i FROM _vals SEMI JOIN "{table}" t ON t."{column}" = _vals.v').fetchnumpy()["i"]
        cur.unregister("_vals")
    finally:
        cur.close()
    mask[np.asarray(found, dtype=np.int64)] = True
    return mask


def _rename_columns(rejects: common.Rejects, names: dict) -> None:
    """pandera reports the typed frame's column names: show the file's header texts instead."""
    for part in rejects.parts:
        for typed_name, canonical in names.items():
            header = rejects.headers.get(canonical, canonical)
            part.loc[part["column_name"] == typed_name, "column_name"] = header
