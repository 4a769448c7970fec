"""Importers refuse an .xlsx (or CSV) that would take far more memory or time than its size suggests,
before it is parsed: real crafted files (a few MB on disk, built here with zipfile and generators so the
test stays small), through the readers, the command line and the app's upload path."""

import io
import zipfile

import duckdb
import openpyxl
import pytest

from konvergensi.core import config
from konvergensi.sources import boundaries
from konvergensi.core.settings import DEFAULTS
from konvergensi.sources import common, eppgbm, sheets, upload

from conftest import run_cli

HEADER = ["NIK", "Nama", "JK", "Tgl Lahir", "Desa/Kel", "Tanggal Pengukuran", "Berat", "Tinggi"]
ROW = ["5371010101210001", "Ani", "P", "01/03/2022", "Sikumana", "15/08/2024", "9,5", "78,2"]


SHARED_OVERRIDE = ('<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sharedStrings+xml"/>')


def plain_xlsx(shared: str | None = None) -> bytes:
    """A small workbook as openpyxl writes it (texts inline); with `shared`, its [Content_Types].xml
    names a text table there, as Excel's files do (openpyxl then reads that part whole)."""
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    if shared is None:
        return buffer.getvalue()
    types = zipfile.ZipFile(buffer).read("[Content_Types].xml").decode()
    types = types.replace("</Types>", SHARED_OVERRIDE.format(part=shared) + "</Types>")
    return with_part(buffer.getvalue(), "[Content_Types].xml", [types.encode()])


def with_part(data: bytes, member: str, parts) -> bytes:
    """`data` (an .xlsx) with `member` replaced (or added) by the bytes the iterable `parts` yields,
    deflated as it is written: a part of hundreds of MB never sits in memory."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as fh:
            for part in parts:
                fh.write(part)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
OPEN = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
CLOSE = b"</sheetData></worksheet>"


def header_row() -> bytes:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'.encode()


COLUMNS = (b"A", b"B", b"C", b"D", b"E", b"F", b"G", b"H", b"I", b"J")


def million_cells():
    """A sheet of 1,000,000 numeric cells (100,000 rows x 10 columns), a few hundred KB packed."""
    yield OPEN + header_row()
    for block in range(100):
        yield b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (col, r) for col in COLUMNS)
                       + b"</row>" for r in range(2 + block * 1000, 2 + (block + 1) * 1000))
    yield CLOSE


def shared_strings(count: int, text: bytes = b"x"):
    """A text table of `count` distinct texts (`text` followed by a number)."""
    yield (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           b'2006/main" count="%d" uniqueCount="%d">' % (count, count))
    step = 50_000
    for start in range(0, count, step):
        yield b"".join(b"<si><t>%s%d</t></si>" % (text, i) for i in range(start, min(count, start + step)))
    yield b"</sst>"


def limits(**update):
    return DEFAULTS.model_copy(update=update)


class Cfg:
    """A config as the readers see it: only its thresholds."""

    def __init__(self, **update):
        self.thresholds = limits(**update)


def read(data: bytes, name: str = "bom.xlsx", cfg=None):
    return common.read_table(data, eppgbm.ALIASES, file_name=name, config=cfg, max_mb=0)


# --------------------------------------------------------------------------- the readers


def test_a_plain_workbook_passes_and_is_counted():
    size = common.check_xlsx(plain_xlsx(), "biasa.xlsx")
    assert size.cells == 16 and size.rows == 2 and size.columns == 8
    assert len(read(plain_xlsx(), "biasa.xlsx").frame) == 1


def test_huge_shared_strings_are_refused_before_parsing():
    # ~130 MB of text table in a file of well under 1 MB: the 3.9 MB file that took the server to 7.1 GB
    data = with_part(plain_xlsx("xl/sharedStrings.xml"), "xl/sharedStrings.xml",
                     shared_strings(600_000, b"Kelurahan Oebobo " * 12))
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(common.ImportFileError, match=r"'bom.xlsx'.*(memuai|sharedStrings).*max_"):
        read(data)
    # the text table's own limit, with the ratio check off
    with pytest.raises(common.ImportFileError, match=r"'bom.xlsx'.*tabel teksnya xl/sharedStrings.xml .*batas "
                                                     r"100,0 MB \(ambang max_part_mb\)"):
        read(data, cfg=Cfg(max_zip_ratio=0))
    # under another name, found through [Content_Types].xml as openpyxl finds it
    hidden = with_part(plain_xlsx("xl/teks.xml"), "xl/teks.xml", shared_strings(600_000, b"Kelurahan Oebobo " * 12))
    with pytest.raises(common.ImportFileError, match=r"tabel teksnya xl/teks.xml .*max_part_mb"):
        read(hidden, cfg=Cfg(max_zip_ratio=0))


def test_any_part_read_whole_is_limited():
    styles = (b"<styleSheet>" + b"<numFmt/>" * 2_000_000 + b"</styleSheet>",)
    with pytest.raises(common.ImportFileError, match=r"bagian xl/styles.xml berukuran 17,2 MB .*batas 10,0 MB"):
        read(with_part(plain_xlsx(), "xl/styles.xml", styles), cfg=Cfg(max_part_mb=10.0, max_zip_ratio=0))


def test_too_many_distinct_texts_are_refused():
    data = with_part(plain_xlsx("xl/sharedStrings.xml"), "xl/sharedStrings.xml", shared_strings(300_000))
    with pytest.raises(common.ImportFileError, match=r"300\.000 teks berbeda; batas 200\.000 \(ambang max_cells\)"):
        read(data, cfg=Cfg(max_cells=200_000))
    assert len(read(data).frame) == 1    # under the default limits the same workbook is read


def test_a_sheet_of_a_million_cells_is_refused_over_the_limit_and_read_under_it():
    data = with_part(plain_xlsx(), SHEET, million_cells())
    assert len(data) < 2 * 1024 * 1024
    size = common.check_xlsx(data, "sejuta.xlsx")          # the default (20 million) lets it through
    assert size.cells == 1_000_008 and size.rows == 100_001
    with pytest.raises(common.ImportFileError, match=r"'sejuta.xlsx'.*1\.000\.008 sel.*batas 500\.000 sel "
                                                     r"\(ambang max_cells\)"):
        read(data, "sejuta.xlsx", cfg=Cfg(max_cells=500_000))


def test_a_cell_in_the_last_excel_column_is_refused():
    # one cell in column XFD makes every row 16,384 cells wide when read
    sheet = [OPEN + header_row() + b'<row r="2"><c r="A2"><v>1</v></c><c r="XFD2"><v>1</v></c></row>' + CLOSE]
    with pytest.raises(common.ImportFileError, match=r"'lebar.xlsx'.*sheet1.xml memakai 16\.384 kolom; batas 1\.000 "
                                                     r"\(ambang max_columns\)"):
        read(with_part(plain_xlsx(), SHEET, sheet), "lebar.xlsx")


def test_the_widest_column_is_found_whatever_the_prefix_or_attribute_order():
    prefixed = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                b'main"><x:sheetData><x:row r="1"><x:c t="n" s="0" r="XFD1"><x:v>1</x:v></x:c></x:row>'
                b"</x:sheetData></x:worksheet>")
    with pytest.raises(common.ImportFileError, match=r"16\.384 kolom"):
        read(with_part(plain_xlsx(), SHEET, [prefixed]))


def test_a_row_number_past_excels_last_row_is_refused():
    # one tiny row numbered 2,000,000,000 would make the reader hand out two billion empty rows
    sheet = [OPEN + header_row() + b'<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>' + CLOSE]
    with pytest.raises(common.ImportFileError, match=r"baris ke-2\.000\.000\.000.*1\.048\.576"):
        read(with_part(plain_xlsx(), SHEET, sheet))


def test_a_zip_bomb_part_is_refused_by_its_ratio():
    data = with_part(plain_xlsx(), "xl/media/image1.bin", (b"\0" * (1 << 20) for _ in range(40)))
    with pytest.raises(common.ImportFileError, match=r"'bom.xlsx'.*xl/media/image1.bin memuai .* kali.*batas 200 kali"
                                                     r".*max_zip_ratio"):
        read(data)
    with pytest.raises(common.ImportFileError, match=r"batas 30,0 MB \(ambang max_unpacked_mb\)"):
        read(data, cfg=Cfg(max_unpacked_mb=30.0))
    assert len(read(data, cfg=Cfg(max_zip_ratio=0)).frame) == 1   # the limit is the only reason


def test_a_stated_sheet_size_of_a_whole_excel_sheet_does_not_pad_the_rows():
    # <dimension ref="A1:XFD1048576"/> with two rows: read as two rows of 8 cells, not 17 billion cells
    sheet = [OPEN.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>') + header_row()
             + b'<row r="2">' + b"".join(f'<c r="{chr(65 + i)}2" t="inlineStr"><is><t>{v}</t></is></c>'.encode()
                                         for i, v in enumerate(ROW)) + b"</row>" + CLOSE]
    table = read(with_part(plain_xlsx(), SHEET, sheet), "dimensi.xlsx")
    assert len(table.frame) == 1 and table.frame["nik"].tolist() == [ROW[0]]


def test_a_csv_with_too_many_cells_is_refused():
    text = (";".join(HEADER) + "\n" + (";".join(ROW) + "\n") * 30_000).encode()
    with pytest.raises(common.ImportFileError, match=r"'banyak.csv'.*30\.002 baris x 8 kolom.*batas 100\.000 sel"):
        read(text, "banyak.csv", cfg=Cfg(max_cells=100_000))
    assert len(read(text, "banyak.csv").frame) == 30_000


def test_limits_apply_to_the_sheet_importers_too(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Nama Posyandu", "Kelurahan", "Puskesmas"])
    book.active.append(["Melati", "Sikumana", "Sikumana"])
    buffer = io.BytesIO()
    book.save(buffer)
    wide = with_part(buffer.getvalue(), SHEET, [OPEN + b'<row r="1"><c r="ZZZ1"><v>1</v></c></row>' + CLOSE])
    with pytest.raises(common.ImportFileError, match=r"'posyandu.xlsx'.*18\.278 kolom"):
        sheets.read("posyandu", wide, file_name="posyandu.xlsx")


# --------------------------------------------------------------------------- command line and app


def test_command_line_importers_refuse_with_a_message_and_change_nothing(tmp_path, db_path, capsys):
    bomb = tmp_path / "bom.xlsx"
    bomb.write_bytes(with_part(plain_xlsx("xl/sharedStrings.xml"), "xl/sharedStrings.xml",
                               shared_strings(600_000, b"Kelurahan Oebobo " * 12)))
    code, out, err = run_cli("import-eppgbm", bomb, "--db", db_path, capsys=capsys)
    assert code == 2 and "bom.xlsx" in err and "max_" in err and "Traceback" not in err
    wide = tmp_path / "skdn.xlsx"
    wide.write_bytes(with_part(plain_xlsx(), SHEET, [OPEN + b'<row r="1"><c r="XFD1"><v>1</v></c></row>' + CLOSE]))
    code, out, err = run_cli("import", "skdn", wide, "--db", db_path, capsys=capsys)
    assert code == 2 and "skdn.xlsx" in err and "16.384 kolom" in err
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM import_log").fetchone()[0] == 0
    finally:
        con.close()


def test_the_app_upload_path_refuses_with_a_message(db_path):
    bomb = with_part(plain_xlsx(), "xl/media/image1.bin", (b"\0" * (1 << 20) for _ in range(40)))
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cfg = config.load()
        for kind in ("eppgbm", "skdn"):
            outcome = upload.make_preview(kind, bomb, "unggahan.xlsx", con=con, config=cfg, max_mb=50)
            assert not outcome.ok and "unggahan.xlsx" in outcome.error and "max_zip_ratio" in outcome.error
    finally:
        con.close()


def test_a_zipped_shapefile_bomb_is_refused_before_gdal_opens_it(tmp_path):
    bomb = tmp_path / "batas.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("batas/desa.shp")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            for _ in range(40):
                fh.write(b"\0" * (1 << 20))
    with pytest.raises(boundaries.BoundaryError, match=r"'batas.zip'.*batas/desa.shp memuai .*max_zip_ratio"):
        boundaries.load(bomb, config.load().regions())
