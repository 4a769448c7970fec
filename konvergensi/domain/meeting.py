"""Mode rapat (meeting mode): what each screen shows, as plain rows of text.

The meeting mode (`?mode=rapat`, konvergensi/ui/meeting.py) shows the dashboard's own figures on a
projector, one screen at a time. This module turns the frames the pages already compute (the overview,
`rates.add_rates` per kelurahan, `posyandu.performance`, the ibu hamil rows of queries/bumil_by_kelurahan.sql,
`convergence.complete_actions`), already passed through the viewer (`suppress.Viewer`: small counts hidden
for the public), into the few rows a screen has room for. No figure is computed differently here; nothing
here knows Streamlit, so every screen's content is tested without it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from konvergensi.core import fmt
from konvergensi.domain import rates

# (key, title) in the order the screens are shown; the URL's `layar` is the 1-based position.
SCREENS: tuple[tuple[str, str], ...] = (
    ("status", "Status dan target"),
    ("peta", "Peta kelurahan"),
    ("tertinggal", "Kelurahan tertinggal"),
    ("posyandu", "Posyandu yang perlu dibantu"),
    ("kek", "Ibu hamil KEK"),
    ("tindak_lanjut", "Tindak lanjut"),
)
MODE_KEY, MODE_VALUE, SCREEN_KEY = "mode", "rapat", "layar"   # URL: ?mode=rapat&layar=3
LAGGING_ROWS = 5          # per ranking (by prevalence, by count): a screen holds up to ten rows
POSYANDU_ROWS = 6
KEK_ROWS = 5
COMMITMENTS_NOTE = ("Komitmen rakor sebelumnya (siapa berjanji apa, sampai kapan) belum dicatat di dasbor: "
                    "layar ini akan menampilkannya setelah fitur pencatatan komitmen rakor tersedia. "
                    "Sementara itu, yang tercatat adalah status delapan aksi konvergensi.")


def screen_number(value) -> int:
    """The screen asked for in the URL ('3') as 1..len(SCREENS); anything else is the first screen and a
    number past either end is the nearest end (a clicker pressed once too often stays on the last)."""
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), len(SCREENS))


def is_meeting(mode) -> bool:
    """Whether the URL's `mode` asks for the meeting mode (case and spaces ignored)."""
    return str(mode or "").strip().lower() == MODE_VALUE


# --- Kelurahan tertinggal ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class LaggingRow:
    region_id: str
    name: str            # 'Oebobo (Kec. Oebobo)': a kelurahan is never taken for its kecamatan
    measured: str        # as the viewer may see them ('<5', rounded for the public)
    stunted: str
    prevalence: str
    interval: str        # Wilson 95% interval
    change: str          # since the baseline, in points ('–' without a baseline)
    reasons: str         # why it is on the list, in words


def lagging(kel: pd.DataFrame, count_text: Callable, *, area_prevalence=None, baseline: datetime.date | None = None,
            n: int = LAGGING_ROWS) -> list[LaggingRow]:
    """The kelurahan that lag most: the `n` with the highest prevalence (rates.lagging, as Ringkasan) and the
    `n` with the most stunted children, each once, prevalence ranking first. `kel` is the kelurahan frame
    as the viewer sees it with its `_state_` columns (Viewer.with_states); only kelurahan with enough children
    measured and a figure shown are ranked. Reasons: the rank(s), an interval wholly above the area's own
    prevalence (`area_prevalence`), and a rise since the baseline month."""
    by_prev, by_count = rates.lagging(kel, n), rates.lagging(kel, n, by="stunted")
    rank_prev = {r: i + 1 for i, r in enumerate(by_prev.region_id)}
    rank_count = {r: i + 1 for i, r in enumerate(by_count.region_id)}
    chosen = pd.concat([by_prev, by_count[~by_count.region_id.isin(by_prev.region_id)]])
    rows = []
    for _, r in chosen.iterrows():
        reasons = []
        if r.region_id in rank_prev:
            reasons.append(f"prevalensi tertinggi ke-{rank_prev[r.region_id]}")
        if r.region_id in rank_count:
            reasons.append(f"jumlah stunting terbanyak ke-{rank_count[r.region_id]}")
        if not fmt.is_missing(area_prevalence) and not fmt.is_missing(r.get("prevalence_lo")) \
                and r["prevalence_lo"] > area_prevalence:
            reasons.append(f"jelas di atas angka wilayah ({fmt.percent(area_prevalence)})")
        change = r.get("change_points")
        if baseline is not None and not fmt.is_missing(change) and change > 0:
            reasons.append(f"naik {fmt.points(change)} sejak {fmt.month(baseline)}")
        state = lambda c: r.get(f"_state_{c}")   # noqa: E731
        rows.append(LaggingRow(
            region_id=r.region_id, name=rates.label_with_kecamatan(pd.DataFrame([r]))[0],
            measured=count_text(r["measured"], state("measured")), stunted=count_text(r["stunted"], state("stunted")),
            prevalence=fmt.percent(r["prevalence"]), interval=fmt.interval(r.get("prevalence_lo"), r.get("prevalence_hi")),
            change=fmt.points(change) if baseline is not None and not fmt.is_missing(change) else fmt.MISSING,
            reasons="; ".join(reasons)))
    return rows


# --- Posyandu yang perlu dibantu -------------------------------------------------------------------------

@dataclass(frozen=True)
class PosyanduList:
    rows: list[tuple[str, str, str]]   # (posyandu, kelurahan, reasons), the worst first
    needing: int                       # posyandu needing attention
    total: int                         # posyandu of the area
    reasons: dict                      # reason -> posyandu with it (posyandu.attention_summary), most first


def posyandu_needing_help(perf: pd.DataFrame, reason_counts: dict, n: int = POSYANDU_ROWS) -> PosyanduList:
    """The worst few posyandu by the Posyandu page's severity score (ties: lower D/S, then name): `perf` is
    posyandu.performance of the area as the viewer sees it; `reason_counts` its posyandu.attention_summary."""
    need = perf[perf["attention"].fillna("") != ""]
    need = need.sort_values(["attention_score", "ds", "name"], ascending=[False, True, True], na_position="last")
    rows = [(str(r["name"]), str(r["kelurahan"]), str(r["attention"])) for _, r in need.head(n).iterrows()]
    return PosyanduList(rows=rows, needing=len(need), total=len(perf), reasons=dict(reason_counts))


# --- Ibu hamil KEK ---------------------------------------------------------------------------------------

def kek_kelurahan(shown: pd.DataFrame, count_text: Callable, minimum: int, n: int = KEK_ROWS) -> list[tuple]:
    """The `n` kelurahan with the highest share of ibu hamil with KEK among those with at least `minimum`
    women measured (LiLA) and a figure shown: (kelurahan, KEK, measured, percent). `shown` is the rows of
    queries/bumil_by_kelurahan.sql with their rates (convergence.add_bumil_rates) as the viewer sees them,
    with `_state_` columns (Viewer.with_states)."""
    pct = pd.to_numeric(shown["kek_pct"], errors="coerce")
    measured = pd.to_numeric(shown["muac_measured"], errors="coerce")
    ok = shown[pct.notna() & (measured >= minimum) & (pd.to_numeric(shown["kek"], errors="coerce") > 0)]
    ok = ok.assign(_pct=pd.to_numeric(ok["kek_pct"], errors="coerce")).sort_values(["_pct", "kek"], ascending=False)
    return [(f"{r['name']} (Kec. {r['kecamatan']})", count_text(r["kek"], r.get("_state_kek")),
             count_text(r["muac_measured"], r.get("_state_muac_measured")), fmt.percent(r["kek_pct"]))
            for _, r in ok.head(n).iterrows()]


# --- Tindak lanjut ---------------------------------------------------------------------------------------

def aksi_rows(actions: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """The eight aksi konvergensi of a year (convergence.complete_actions) as (no, aksi, status, OPD)."""
    out = []
    for r in actions.itertuples(index=False):
        status = r.status if r.recorded else f"{r.status} (belum dicatat)"
        if r.status == "Selesai" and not fmt.is_missing(getattr(r, "done_date", None)):
            status += f", {fmt.date(r.done_date)}"
        opd = getattr(r, "opd", None)
        out.append((str(r.aksi_no), str(r.name), status, fmt.MISSING if fmt.is_missing(opd) else str(opd)))
    return out


def next_steps(lagging_rows: list[LaggingRow], posyandu: PosyanduList | None, kek: list[tuple],
               actions: pd.DataFrame | None) -> list[str]:
    """Items for the meeting to decide on, each read off the screens before (nothing new is computed): the
    kelurahan that lag, the posyandu to help, where ibu hamil KEK are most frequent, the aksi not started."""
    steps = []
    if lagging_rows:
        names = ", ".join(r.name.split(" (Kec.")[0] for r in lagging_rows[:3])
        steps.append(f"Kelurahan prioritas: {names}: sepakati kunjungan dan intervensi spesifik/sensitif.")
    if posyandu is not None and posyandu.rows:
        names = ", ".join(f"{p} ({k})" for p, k, _ in posyandu.rows[:3])
        steps.append(f"Dampingi posyandu: {names}; {fmt.number(posyandu.needing)} posyandu perlu perhatian.")
    if kek:
        steps.append(f"Ibu hamil KEK paling banyak di {', '.join(k[0].split(' (Kec.')[0] for k in kek[:2])}: "
                     "pastikan PMT ibu hamil dan pemantauan LiLA.")
    if actions is not None and len(actions):
        waiting = actions[actions["status"] == "Belum mulai"]
        if len(waiting):
            steps.append("Aksi konvergensi belum mulai: "
                         + ", ".join(f"{int(r.aksi_no)}. {r.name}" for r in waiting.itertuples(index=False)) + ".")
    return steps
