"""The short Indonesian paragraph at the top of the overview (and of the meeting pack).

Built from numbers only (no database, no Streamlit), so it can be tested against sentences written
by hand. Each sentence is left out when its numbers are missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from konvergensi.core import fmt


@dataclass(frozen=True)
class Situation:
    area: str                               # 'Kota Kupang', 'Kecamatan Maulafa'
    period: datetime.date
    measured: int
    stunted: int
    prevalence: float | None                # percent
    previous_period: datetime.date | None = None
    previous_stunted: int | None = None
    previous_prevalence: float | None = None
    baseline_period: datetime.date | None = None
    baseline_stunted: int | None = None
    target_date: datetime.date | None = None
    target_stunted: float | None = None
    comparable_stunted: float | None = None  # stunted now at the baseline's coverage (what the target is judged on)
    lagging: list[tuple[str, float]] = field(default_factory=list)   # (kelurahan, prevalence %) worst first
    subgroup: str = ""                      # '0-23 bulan, perempuan' or ''
    uncertain: bool = False                 # fewer children measured than `minimum`: the prevalence is "data kurang"
    minimum: int | None = None              # thresholds.min_children_map
    interval: tuple | None = None           # Wilson 95% interval of the prevalence (percent low, high)
    previous_uncertain: bool = False        # the previous month had too few measured: no change in prevalence
    baseline_uncertain: bool = False        # likewise the baseline month


def _change(now: float, before: float, unit_words: str, decimals: int = 0) -> str:
    diff = round(now - before, decimals)
    if diff == 0:
        return "tetap"
    word = "turun" if diff < 0 else "naik"
    return f"{word} {fmt.number(abs(diff), decimals)} {unit_words}".rstrip()


def overview(s: Situation) -> str:
    """'Per Agustus 2025, 3.377 balita di Kota Kupang tercatat stunting (17,2% dari 19.634 balita yang
    diukur). ...'; with too few children measured (`uncertain`) the first sentence says the prevalence is
    "data kurang" with its interval, and no change in prevalence is given."""
    who = f"balita {s.subgroup} " if s.subgroup else "balita "
    if not s.measured:
        return f"Per {fmt.month(s.period)}, belum ada balita yang diukur di {s.area}."
    if s.uncertain:
        low, high = s.interval or (None, None)
        # a count rounded for the public can read as the minimum itself (8 -> 10): then say only "fewer than"
        rounded_up = s.minimum is not None and s.measured >= s.minimum
        parts = [
            f"Per {fmt.month(s.period)}, {fmt.number(s.stunted)} {who}di {s.area} tercatat stunting dari "
            + (f"kurang dari {fmt.number(s.minimum)} balita yang diukur" if rounded_up else
               f"hanya {fmt.number(s.measured)} balita yang diukur"
               + (f" (kurang dari {fmt.number(s.minimum)})" if s.minimum else ""))
            + f": data kurang, prevalensinya sangat tidak pasti (IK 95% {fmt.percent(low)} – {fmt.percent(high)}) "
            "dan tidak dapat disimpulkan."
        ]
    else:
        parts = [
            f"Per {fmt.month(s.period)}, {fmt.number(s.stunted)} {who}di {s.area} tercatat stunting "
            f"({fmt.percent(s.prevalence)} dari {fmt.number(s.measured)} balita yang diukur)."
        ]
    if s.previous_stunted is not None and s.previous_period is not None:
        text = f"Dibanding {fmt.month(s.previous_period)} jumlahnya {_change(s.stunted, s.previous_stunted, 'anak')}"
        if s.previous_prevalence is not None and s.prevalence is not None and not s.uncertain \
                and not s.previous_uncertain:
            text += f", prevalensinya {_change(s.prevalence, s.previous_prevalence, 'poin persen', 1)}"
        parts.append(text + ".")
    if s.baseline_stunted is not None and s.baseline_period is not None:
        parts.append(f"Sejak baseline {fmt.month(s.baseline_period)} ({fmt.number(s.baseline_stunted)} anak) "
                     f"jumlahnya {_change(s.stunted, s.baseline_stunted, 'anak')}.")
    if s.target_stunted is not None and s.target_date is not None:
        comparable = s.stunted if s.comparable_stunted is None else round(s.comparable_stunted)
        gap = comparable - s.target_stunted
        like = (f" (dinilai setara cakupan bulan baseline: {fmt.number(comparable)} anak)"
                if comparable != s.stunted else "")
        if gap <= 0:
            parts.append(f"Target {fmt.number(s.target_stunted)} anak pada {fmt.month(s.target_date)} sudah "
                         f"tercapai{like}.")
        else:
            when = "belum tercapai" if s.period <= s.target_date else "tidak tercapai tepat waktu"
            parts.append(f"Target {fmt.number(s.target_stunted)} anak pada {fmt.month(s.target_date)} {when}: "
                         f"masih {fmt.number(gap)} anak di atas target{like}.")
    if s.lagging:
        names = ", ".join(f"{name} ({fmt.percent(p)})" for name, p in s.lagging[:3])
        parts.append(f"Prevalensi tertinggi: {names}.")
    return " ".join(parts)
