"""One language on the command line (issue 13, item 6): every command's usage, help and errors are
Indonesian (konvergensi/commands/argparse_id.py), the output of real runs holds no English words, and messages
after a commit speak in the past tense."""

from __future__ import annotations

import argparse
import json
import re

import duckdb
import pytest

import upload_files
from conftest import run_cli
from konvergensi.commands import cli

# what Python's argparse says in English (3.11 and other versions)
ARGPARSE_ENGLISH = ("usage:", "error:", "optional arguments", "options:", "show this help message",
                    "the following arguments are required", "unrecognized arguments", "invalid choice",
                    "expected one argument", "not allowed with argument", "invalid int value",
                    "positional arguments", "subcommands")
COMMANDS = list(cli.COMMANDS)
SUBCOMMANDS = [("users", "add"), ("users", "list"), ("users", "remove"), ("users", "passwd")]
# English words that must not reach a user in the output of real runs (whole words, any case)
ENGLISH_WORDS = ("file", "files", "database", "error", "warning", "warnings", "row", "rows", "column", "columns",
                 "imported", "accepted", "rejected", "duplicate", "duplicates", "done", "failed", "usage",
                 "found", "missing", "invalid", "unknown", "seconds", "table", "tables", "built", "written",
                 "skipped", "added", "new", "please", "cannot", "the", "of", "and", "with")
ENGLISH_RE = re.compile(r"(?<![\w/.-])(" + "|".join(ENGLISH_WORDS) + r")(?![\w/-])", re.IGNORECASE)


def _no_argparse_english(text: str) -> None:
    for phrase in ARGPARSE_ENGLISH:
        assert phrase not in text, (phrase, text)


@pytest.mark.parametrize("args", [[], *[[c] for c in COMMANDS], *[list(s) for s in SUBCOMMANDS]],
                         ids=lambda a: " ".join(a) or "(top)")
def test_every_help_is_indonesian(args, capsys):
    code, out, err = run_cli(*args, "--help", capsys=capsys)
    assert code == 0, err
    assert out.startswith("penggunaan: python -m konvergensi")
    assert "-h, --help" in out and "tampilkan bantuan ini lalu keluar" in out
    assert "opsi:" in out
    _no_argparse_english(out + err)


# the positional arguments each command needs, so that the unknown option is what gets refused
POSITIONALS = {"zscore": ["a.csv", "b.csv"], "import-eppgbm": ["a.xlsx"], "import": ["posyandu", "a.xlsx"],
               "import-boundaries": ["a.geojson"], "users": ["list"]}


@pytest.mark.parametrize("args", [[c, *POSITIONALS.get(c, [])] for c in COMMANDS]
                         + [["users", "add", "ani", "--role", "admin"]], ids=lambda a: " ".join(a))
def test_an_unknown_option_is_refused_in_indonesian(args, capsys):
    code, out, err = run_cli(*args, "--opsi-yang-tidak-ada", capsys=capsys)
    assert code == 2
    assert err.startswith("penggunaan: python -m konvergensi")
    assert "galat: argumen tidak dikenal: --opsi-yang-tidak-ada" in err
    assert err.count("galat:") == 1 and not out
    _no_argparse_english(err)


@pytest.mark.parametrize("args, message", [
    (["import"], "galat: argumen berikut wajib: JENIS, BERKAS"),
    (["import", "balita", "x.xlsx"], "galat: argumen JENIS: pilihan tidak sah: 'balita' (pilih dari 'posyandu'"),
    (["rakor", "--format", "docx"], "galat: argumen --format: pilihan tidak sah: 'docx'"),
    (["serve", "--port", "delapan"], "galat: argumen --port: nilai tidak sah: 'delapan'"),
    (["warmup", "--timeout", "lama"], "galat: argumen --timeout: nilai tidak sah: 'lama'"),
    (["build", "--empty", "--refresh"], "galat: argumen --refresh: tidak boleh bersama argumen --empty"),
    (["summary", "--db"], "galat: argumen --db: perlu satu nilai"),
    (["users"], "galat: argumen berikut wajib: AKSI"),
    (["users", "add", "ani"], "galat: argumen berikut wajib: --role"),
    (["zscore", "masukan.csv"], "galat: argumen berikut wajib: KELUARAN.csv"),
    (["ringkasan"], "galat: argumen PERINTAH: pilihan tidak sah: 'ringkasan'"),
])
def test_usage_errors_are_indonesian_with_exit_code_2(args, message, capsys):
    code, out, err = run_cli(*args, capsys=capsys)
    assert code == 2
    assert message in err
    assert "penggunaan:" in err
    _no_argparse_english(err)


def test_argparse_stays_english_for_everyone_else(capsys):
    """The translation is installed only while our parsers run: pytest's or Streamlit's argparse is untouched."""
    run_cli("build", "--help", capsys=capsys)
    plain = argparse.ArgumentParser(prog="lain")
    assert plain.format_usage().startswith("usage: lain")
    assert argparse._("usage: ") == "usage: "


def _english(text: str) -> list[str]:
    return sorted({m.group(1) for m in ENGLISH_RE.finditer(text)})


def test_real_runs_print_no_english(tmp_path, capsys):
    """build --empty (with its progress lines), an e-PPGBM import and a spreadsheet import (a real .xlsx),
    summary, zscore, and the errors a user meets on the way: Indonesian only."""
    db = tmp_path / "k.duckdb"
    xlsx = tmp_path / "ukur.xlsx"
    xlsx.write_bytes(upload_files.eppgbm_xlsx())
    posyandu = tmp_path / "posyandu.xlsx"
    posyandu.write_bytes(upload_files.xlsx([["Nama Posyandu", "Kelurahan", "Alamat"],
                                            ["Posyandu Mawar", "Oebobo", "Jl. Mawar"],
                                            ["Posyandu Anggrek", "Oesapa Brat", "Jl. Anggrek"]], title=None))
    csv = tmp_path / "anak.csv"
    csv.write_text("sex,age_days,weight_kg,lenhei_cm\n1,400,9.5,75\n2,800,x,85\n", encoding="utf-8")
    runs = [
        ("build", "--empty", "--db", db),
        ("import-eppgbm", xlsx, "--db", db),
        ("import-eppgbm", xlsx, "--db", db),                        # again: duplicates only
        ("import", "posyandu", posyandu, "--db", db),
        ("summary", "--db", db),
        ("summary", "--db", db, "--area", "Jakarta"),
        ("summary", "--db", db, "--period", "2024-13"),
        ("summary", "--db", tmp_path / "tidak-ada.duckdb"),
        ("import-eppgbm", tmp_path / "tidak-ada.xlsx", "--db", db),
        ("zscore", csv, tmp_path / "keluaran.csv"),
        ("zscore", tmp_path / "tidak-ada.csv", tmp_path / "keluaran.csv"),
    ]
    printed = []
    for args in runs:
        code, out, err = run_cli(*args, capsys=capsys)
        assert code in (0, 2), (args, out, err)
        assert "Traceback" not in err
        printed.append(out + err)
    text = "\n".join(printed).replace(str(tmp_path), "<tmp>")
    assert "Basis data selesai" in text and "pengukuran diimpor" in text
    assert "baris ditulis" in text or "galat:" in text
    assert _english(text) == [], text


def test_after_a_commit_messages_are_in_the_past_tense(tmp_path, db_path, capsys):
    """The preview says what a commit will do ('akan ditambahkan'); the summary, --json and the import log
    after the commit say what it did ('1 posyandu baru ditambahkan', '1 pengukuran diimpor')."""
    from konvergensi.store import db as kdb
    from konvergensi.sources import eppgbm

    xlsx = tmp_path / "ukur.xlsx"
    xlsx.write_bytes(upload_files.eppgbm_xlsx())
    con = kdb.connect(db_path, read_only=True)
    try:
        preview = eppgbm.preview(xlsx, con=con)
    finally:
        con.close()
    assert any("1 posyandu baru akan ditambahkan" in m for m in preview.messages)

    code, out, _ = run_cli("import-eppgbm", xlsx, "--db", db_path, capsys=capsys)
    assert code == 0
    assert "1 pengukuran diimpor" in out and "1 posyandu baru ditambahkan" in out and "2 baris ditolak" in out
    assert "Impor e-PPGBM selesai" in out
    assert not re.search(r"\bakan\b", out), out
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        logged = con.execute("SELECT message FROM import_log").fetchall()[0][0]
    finally:
        con.close()
    assert "1 posyandu baru ditambahkan" in logged and "akan" not in logged

    other = tmp_path / "ukur2.xlsx"
    rows = [list(upload_files.EPPGBM_ROWS[0])]
    rows[0][0], rows[0][5] = "5371010101200009", "Posyandu Kenanga"
    other.write_bytes(upload_files.eppgbm_xlsx(rows))
    code, out, _ = run_cli("import-eppgbm", other, "--db", db_path, "--json", capsys=capsys)
    result = json.loads(out)
    assert code == 0 and result["accepted"] == 1
    assert "1 posyandu baru ditambahkan: Posyandu Kenanga" in result["messages"]
    assert not any(re.search(r"\bakan\b", m) for m in result["messages"])


def test_past_tense_drops_only_the_future_marker():
    from konvergensi.store.importing import past_tense

    assert past_tense("2 posyandu baru akan ditambahkan: A, B") == "2 posyandu baru ditambahkan: A, B"
    assert past_tense("3 baris kembar di dalam berkas diabaikan.") == "3 baris kembar di dalam berkas diabaikan."
