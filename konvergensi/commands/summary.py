"""`python -m konvergensi summary [--db PATH] [--period YYYY-MM] [--area NAME] [--age-group 0-23|24-59]
[--sex L|P] [--json]`: the headline indicators (konvergensi.domain.summary.headline), the same numbers as the
dashboard's Ringkasan page for the same filters."""

from __future__ import annotations

import json
from pathlib import Path

from konvergensi.core import fmt
from konvergensi.commands import load_config, open_readonly
from konvergensi.commands.cli import CliError
from konvergensi.store import db
from konvergensi.domain import overview, summary


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "summary",
        help="indikator utama (stunting, wasting, underweight, KEK, D/S, N/D) untuk satu bulan",
        description=(
            "Indikator utama satu wilayah untuk satu bulan: balita diukur, stunting, sangat pendek, "
            "prevalensi, wasting, underweight, gizi lebih, ibu hamil KEK, D/S dan N/D. Bawaan: bulan "
            "terakhir yang berisi data, seluruh kabupaten/kota."
        ),
    )
    p.add_argument("--db", type=Path, metavar="BERKAS", help="berkas basis data (bawaan: basis data wilayah di "
                                                           "konfigurasi)")
    p.add_argument("--period", metavar="YYYY-MM", help="bulan (bawaan: bulan terakhir dengan data)")
    p.add_argument("--area", metavar="NAMA", help="kecamatan/kelurahan (nama atau kode); 'kel. Alak' untuk "
                                                  "kelurahan yang namanya sama dengan kecamatan")
    p.add_argument("--age-group", choices=("0-23", "24-59"), help="kelompok umur (bulan)")
    p.add_argument("--sex", choices=("L", "P", "l", "p"), help="jenis kelamin: L laki-laki, P perempuan")
    p.add_argument("--config", type=Path, metavar="BERKAS", help="berkas konfigurasi (wilayah dan basis datanya; ambang LiLA, Hb, ...)")
    p.add_argument("--json", action="store_true", help="cetak satu objek JSON")
    p.set_defaults(func=run)


def _pct(value, low=None, high=None) -> str:
    if value is None:
        return fmt.MISSING
    text = fmt.percent(value)
    if low is not None and high is not None:
        text += f" (IK 95% {fmt.number(low, 1)}–{fmt.number(high, 1)})"
    return text


def target_figures(ov: overview.Overview) -> dict:
    """The area's count target and the figure it is judged on, from the overview Ringkasan and the pack show:
    target_value, target_date, target_basis ('stunted_at_baseline_coverage': prevalence now x children
    measured in the baseline month), target_stunted_comparable and target_gap; None where the area has no
    target (or under an age/sex filter: targets are for all children of an area)."""
    if ov.target is None or ov.period is None:     # no target, or no data at all to judge it on
        return dict.fromkeys(("target_value", "target_date", "target_basis", "target_stunted_comparable",
                              "target_gap"))
    return {"target_value": ov.target.target_value, "target_date": ov.target.target_date,
            "target_basis": ov.target_basis, "target_stunted_comparable": ov.comparable_stunted,
            "target_gap": ov.target_gap}


def run(args) -> int:

    cfg = load_config(args.config)
    con = open_readonly(args.db, cfg)
    try:
        try:
            area_id = summary.region_id_of_area(con, args.area) if args.area else None
        except summary.AreaNotFound as exc:
            raise CliError(str(exc)) from None
        try:
            period = summary.month_start(args.period) if args.period else None
        except ValueError as exc:
            raise CliError(str(exc)) from None
        # the overview holds the headline (summary.headline, nothing hidden) and the target judged on it
        ov = overview.compute(con, period, area_id, args.age_group, args.sex.upper() if args.sex else None, cfg)
        h = {**ov.now, **target_figures(ov)}
        info = db.build_info(con)
        latest = summary.latest_period(con)
    finally:
        con.close()

    if args.json:
        print(json.dumps(summary.to_json_ready(h), ensure_ascii=False, indent=2))
        return 0

    sub = []
    if args.age_group:
        sub.append(f"umur {args.age_group} bulan")
    if h["sex"]:
        sub.append("laki-laki" if h["sex"] == 1 else "perempuan")
    title = f"{h['area_name'] or '-'} · {fmt.month(h['period']) if h['period'] else 'tanpa data'}"
    if sub:
        title += " · " + ", ".join(sub)
    if info.get("synthetic"):
        title += "   [Data contoh (sintetis)]"
    rows = [
        ("Balita diukur (TB/U sah)", fmt.number(h["children_measured"])),
        ("Balita stunting (TB/U < -2)", fmt.number(h["stunted"])),
        ("  di antaranya sangat pendek (< -3)", fmt.number(h["severely_stunted"])),
        ("Prevalensi stunting", _pct(h["prevalence_stunting"], h["prevalence_stunting_low"], h["prevalence_stunting_high"])),
        ("Cakupan pengukuran (diukur / sasaran)",
         fmt.MISSING if h["coverage"] is None else
         f"{fmt.share(h['coverage'])} ({fmt.number(h['children_measured'])} / {fmt.number(h['target_population'])})"),
        ("Perkiraan stunting seluruh balita",
         fmt.MISSING if h["stunted_estimated"] is None else
         f"{fmt.number(round(h['stunted_estimated']))} (rentang {fmt.number(round(h['stunted_estimated_low']))}"
         f"–{fmt.number(round(h['stunted_estimated_high']))})"),
        ("Wasting (BB/TB < -2 atau edema)", f"{fmt.number(h['wasted'])} dari {fmt.number(h['whz_measured'])} · {_pct(h['prevalence_wasting'])}"),
        ("Underweight (BB/U < -2 atau edema)", f"{fmt.number(h['underweight'])} dari {fmt.number(h['waz_measured'])} · {_pct(h['prevalence_underweight'])}"),
        ("Gizi lebih (BB/TB > +2)", f"{fmt.number(h['overweight'])} dari {fmt.number(h['whz_measured'])} · {_pct(h['prevalence_overweight'])}"),
        (f"Ibu hamil KEK (LiLA < {fmt.number(h['thresholds']['kek_muac_cm'], 1)} cm)",
         f"{fmt.number(h['bumil_kek'])} dari {fmt.number(h['bumil_measured'])} · {_pct(h['prevalence_bumil_kek'])}"),
        ("Partisipasi D/S", f"{fmt.share(h['ds_ratio']) if h['ds_ratio'] is not None else fmt.MISSING} "
                            f"(D {fmt.number(h['d'])} / S {fmt.number(h['s'])})"),
        ("Keberhasilan N/D", f"{fmt.share(h['nd_ratio']) if h['nd_ratio'] is not None else fmt.MISSING} "
                             f"(N {fmt.number(h['n'])} / D {fmt.number(h['d'])})"),
    ]
    if h["target_value"] is not None:
        judged = h["target_gap"] is not None
        rows.append((f"Target {fmt.month(h['target_date'])}",
                     f"{fmt.number(h['target_value'])} anak; setara cakupan baseline "
                     + (f"{fmt.number(round(h['target_stunted_comparable']))} anak: "
                        + ("tercapai" if h["target_gap"] <= 0 else f"{fmt.number(round(h['target_gap']))} anak lagi")
                        if judged else "belum dapat dinilai")))
    width = max(len(r[0]) for r in rows)
    print(title)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    if not h["children_measured"] and not h["s"] and not h["bumil_recorded"]:
        hint = f"; bulan terakhir dengan data: {fmt.month(latest)}" if latest else ""
        print(f"Catatan: tidak ada data untuk periode dan wilayah ini{hint}.")
    return 0
