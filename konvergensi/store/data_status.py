"""What the database holds of each kind of source data, and what to import next when a page's data is
missing.

A real database fills up over weeks: a posyandu registry first, one e-PPGBM month, SKDN from some
posyandu... Every page asks this module (through konvergensi.ui.layout.require) whether its own data is
there, for the chosen month, and otherwise says plainly which data is missing and how to import it. The
months offered in the filter bar and the default month come from here too: the default is the latest
month that has the page's data, never today's month.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pandas as pd

from konvergensi.store import db
from konvergensi.core import fmt
from konvergensi.sources import upload


@dataclass(frozen=True)
class SourceKind:
    key: str
    label: str                      # what users call the data (Indonesian, lower case)
    upload: str                     # key of konvergensi.sources.upload.KINDS (the Kelola data picker)
    command: str                    # the command line that imports it
    monthly: bool = False           # has months (the filter bar's period)
    yearly: bool = False
    needs: tuple[str, ...] = ()     # kinds to import first


KINDS: dict[str, SourceKind] = {k.key: k for k in (
    SourceKind("eppgbm", "pengukuran balita (e-PPGBM)", "eppgbm", "python -m konvergensi import-eppgbm BERKAS.xlsx",
               monthly=True),
    SourceKind("posyandu", "daftar posyandu", "posyandu", "python -m konvergensi import posyandu BERKAS.xlsx"),
    SourceKind("skdn", "laporan SKDN posyandu", "skdn", "python -m konvergensi import skdn BERKAS.xlsx",
               monthly=True, needs=("posyandu",)),
    SourceKind("bumil", "ibu hamil", "bumil", "python -m konvergensi import bumil BERKAS.xlsx", monthly=True),
    SourceKind("scorecard", "scorecard konvergensi kelurahan", "scorecard",
               "python -m konvergensi import scorecard BERKAS.xlsx", monthly=True),
    SourceKind("keluarga", "keluarga berisiko stunting (BKKBN)", "keluarga",
               "python -m konvergensi import keluarga BERKAS.xlsx", yearly=True),
    SourceKind("aksi", "8 aksi konvergensi", "aksi", "python -m konvergensi import aksi BERKAS.xlsx", yearly=True),
    SourceKind("targets", "target", "targets", "python -m konvergensi import targets BERKAS.xlsx"),
    SourceKind("sasaran", "sasaran balita (jumlah balita per kelurahan)", "sasaran",
               "python -m konvergensi import sasaran BERKAS.xlsx", yearly=True),
    SourceKind("boundaries", "batas wilayah kelurahan", "boundaries",
               "python -m konvergensi import-boundaries BERKAS.geojson"),
)}

# The kinds whose months make up the filter bar's period list.
MONTHLY = tuple(k for k, kind in KINDS.items() if kind.monthly)


@dataclass(frozen=True)
class DataStatus:
    rows: dict[str, int] = field(default_factory=dict)                  # kind -> rows in the database
    months: dict[str, tuple[datetime.date, ...]] = field(default_factory=dict)   # kind -> months, newest first

    def has(self, kind: str) -> bool:
        return self.rows.get(_known(kind), 0) > 0

    def latest(self, kind: str) -> datetime.date | None:
        months = self.months.get(_known(kind), ())
        return months[0] if months else None

    def has_period(self, kind: str, period: datetime.date) -> bool:
        period = _month(period)
        if KINDS[_known(kind)].yearly:
            return any(m.year == period.year for m in self.months.get(kind, ()))
        return period in self.months.get(kind, ())

    def previous_period(self, period, kind: str = "eppgbm") -> datetime.date | None:
        """The month before `period` when it has `kind` of data (for "vs bulan lalu"), else None."""
        prev = (_month(period) - datetime.timedelta(days=1)).replace(day=1)
        return prev if prev in self.months.get(_known(kind), ()) else None

    def periods(self, kinds=MONTHLY) -> list[datetime.date]:
        """Months with data of any of `kinds`, newest first."""
        return sorted({m for k in kinds for m in self.months.get(k, ())}, reverse=True)

    def default_period(self, kind: str | None = None) -> datetime.date | None:
        """The latest month with the page's data (`kind`), else the latest month with any monthly data."""
        return (self.latest(kind) if kind else None) or next(iter(self.periods()), None)


def _known(kind: str) -> str:
    if kind not in KINDS:
        raise KeyError(f"unknown data kind {kind!r}; expected one of {sorted(KINDS)}")
    return kind


def _month(value) -> datetime.date:
    return pd.Timestamp(value).date().replace(day=1)


def status(con) -> DataStatus:
    """Rows and months of every kind of source data in the database behind `con`."""
    frame = db.run_query(con, "data_status")
    rows: dict[str, int] = {}
    months: dict[str, list[datetime.date]] = {}
    for kind, period, n in frame.itertuples(index=False):
        rows[kind] = rows.get(kind, 0) + int(n)
        if not fmt.is_missing(period):
            months.setdefault(kind, []).append(_month(period))
    return DataStatus(rows=rows, months={k: tuple(sorted(v, reverse=True)) for k, v in months.items()})


def period_label(kind: str, period: datetime.date) -> str:
    """'Oktober 2024' for monthly data, '2024' for yearly data (keluarga, aksi)."""
    return str(period.year) if KINDS[_known(kind)].yearly else fmt.month(period)


def import_order(kind: str, st: DataStatus | None = None) -> list[SourceKind]:
    """The kinds to import so that `kind` is there: those it needs that are missing (all of them when
    `st` is None), then itself."""
    k = KINDS[_known(kind)]
    return [KINDS[n] for n in k.needs if st is None or not st.has(n)] + [k]


def _upload_label(k: SourceKind) -> str:

    return upload.KINDS[k.upload].label


def next_step(kind: str, st: DataStatus | None = None) -> str:
    """What to import next so that `kind` is there (Markdown, Indonesian): the Kelola data picker entry
    and the command line; a kind that needs another first (SKDN needs the posyandu registry) says so."""

    *first, k = import_order(kind, st)
    steps = [f"impor **{_upload_label(n)}** dulu" for n in first]
    steps.append(f"impor **{_upload_label(k)}** di halaman *Kelola data* (admin) atau dengan `{k.command}`")
    templates = "" if not upload.KINDS[k.upload].template else \
        " Templat kosong ada di *Kelola data* atau `python -m konvergensi templates`."
    return "**Langkah berikutnya:** " + ", lalu ".join(steps) + "." + templates


def missing_message(kind: str, st: DataStatus | None = None) -> str:
    """'Belum ada data ...' and the next step, for a kind the database does not hold at all."""
    return f"Belum ada data {KINDS[_known(kind)].label} di basis data ini.\n\n{next_step(kind, st)}"


def period_message(kind: str, period: datetime.date, st: DataStatus) -> str:
    """'Tidak ada data ... untuk <bulan>' with the latest month that has it."""
    label = KINDS[_known(kind)].label
    text = f"Tidak ada data {label} untuk {period_label(kind, period)}."
    latest = st.latest(kind)
    if latest:
        text += f" Data {label} terbaru: **{period_label(kind, latest)}**."
    return text


def overview(st: DataStatus) -> pd.DataFrame:
    """One row per kind of data, in the order a data manager usually fills the database: what is there
    (rows, latest month or year) and, where nothing is, what to import (Indonesian, for Kelola data)."""
    order = ("posyandu", "eppgbm", "skdn", "bumil", "boundaries", "targets", "sasaran", "scorecard", "keluarga", "aksi")
    rows = []
    for key in order:
        k = KINDS[key]
        latest = st.latest(key)
        rows.append({
            "data": _upload_label(k),
            "baris": st.rows.get(key, 0),
            "terbaru": "" if latest is None else period_label(key, latest),
            "langkah": ("ada" if st.has(key) else
                        "belum ada: impor " + ", lalu ".join(_upload_label(n) for n in import_order(key, st))
                        + f" ({k.command})"),
        })
    return pd.DataFrame(rows)
