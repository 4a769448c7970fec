"""The attacker suite (issue 16): a member of the public tries to learn a count of 1-4 children by subtracting
published figures from one another, across levels (posyandu -> kelurahan -> kecamatan -> kabupaten/kota), from
percentages and their denominators, from sparklines, for several months and age/sex filters, on the demo and
in the meeting pack, and through the pages themselves (AppTest as publik).

The rule under attack (konvergensi.domain.suppress): counts 1-4 read "<5", every other count is rounded to a
multiple of 5, every rate is computed from the rounded counts. Each test computes the attacker's best guess
from what the public sees and asserts it is never the hidden true count; the published figures it uses come
from the same functions the pages, downloads and the pack use."""

import re

import duckdb
import numpy as np
import pandas as pd
import pytest

from konvergensi.domain import indicators, overview, posyandu, rates, summary, suppress
from konvergensi.figures import tables
from konvergensi.report import rakor
from konvergensi.store import db

from conftest import open_page

PUBLIK = suppress.Viewer(5)
FILTERS = [(None, None), ("0-23", None), ("24-59", 2)]
COUNTS = ["stunted", "severely_stunted", "wasted", "underweight", "measured"]   # kelurahan frame columns


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def periods(con):
    latest = summary.latest_period(con)
    months = [m.date() if hasattr(m, "date") else m for m in
              pd.to_datetime(con.execute("SELECT DISTINCT period FROM child_month ORDER BY period DESC LIMIT 8")
                             .df().period)]
    weighing = next(m for m in months if m.month in (2, 8))
    return sorted({latest, months[1], weighing})


@pytest.fixture(scope="module")
def regions(con):
    return summary.regions(con)


def kelurahan_frame(con, period, area_id, age_group, sex):
    """The Peta/Ringkasan kelurahan frame (as konvergensi.ui.data.kelurahan_table builds it), exact."""
    frame = db.run_query(con, "indicators_by_kelurahan", period=period, baseline_period=period, area_id=area_id,
                         age_group=age_group, sex=sex, kek_muac=23.5)
    return rates.add_rates(frame, 10)


def attack(total_shown, parts_shown: pd.Series, parts_true: pd.Series):
    """(guess, truth) when exactly one part is hidden and the total is shown: guess = total - the other parts."""
    hidden = parts_shown.isna() & parts_true.notna()
    if total_shown is None or pd.isna(total_shown) or hidden.sum() != 1:
        return None
    truth = int(parts_true[hidden].iloc[0])
    return float(total_shown) - float(parts_shown[~hidden].fillna(0).sum()), truth


def published_multiple_of_five(values) -> bool:
    v = pd.to_numeric(pd.Series(list(values)), errors="coerce").dropna()
    return bool((np.abs(v / 5 - np.round(v / 5)) < 1e-9).all())


def test_the_demo_has_small_counts_to_attack(con, periods, regions):
    """The suite is only worth something if there are hidden cells: the demo has kelurahan with 1-4 stunted."""
    city = regions[regions.level == "kabkota"].region_id.iloc[0]
    kel = kelurahan_frame(con, periods[-1], city, None, None)
    assert ((kel.stunted > 0) & (kel.stunted < 5)).sum() >= 1
    assert ((kel.severely_stunted > 0) & (kel.severely_stunted < 5)).sum() >= 5


def test_kecamatan_minus_its_other_kelurahan_never_gives_a_hidden_count(con, periods, regions):
    """Ringkasan of a kecamatan minus Peta's other kelurahan (the 'Oeba = 116 - 113' attack), and the city
    minus its other kecamatan, for every count, several months and filters."""
    tried = 0
    headline = {c: indicators.KELURAHAN.count_name(c) for c in COUNTS}
    for period in periods:
        for age_group, sex in FILTERS:
            for kec in regions[regions.level == "kecamatan"].region_id:
                total = overview.compute(con, period, kec, age_group, sex, hidden_below=5).now
                exact = kelurahan_frame(con, period, kec, age_group, sex)
                shown = PUBLIK.frame(exact, indicators.KELURAHAN)
                for c in COUNTS:
                    assert published_multiple_of_five(shown[c])
                    assert total.get(headline[c]) is None or total[headline[c]] % 5 == 0
                    found = attack(total.get(headline[c]), pd.to_numeric(shown[c]).astype("float64"),
                                   exact[c].astype("float64"))
                    if found:
                        guess, truth = found
                        tried += 1
                        assert guess != truth and 1 <= truth <= 4, (period, kec, c, age_group, sex)
    assert tried >= 10   # the attack had cells to try


def test_city_minus_its_kecamatan(con, periods, regions):
    tried = 0
    city = regions[regions.level == "kabkota"].region_id.iloc[0]
    kecamatan = regions[regions.level == "kecamatan"].region_id
    for period in periods:
        for age_group, sex in FILTERS:
            total = overview.compute(con, period, city, age_group, sex, hidden_below=5).now
            exact = pd.DataFrame([summary.headline(con, period, k, age_group, sex) for k in kecamatan])
            shown = pd.DataFrame([overview.compute(con, period, k, age_group, sex, hidden_below=5).now
                                  for k in kecamatan])
            for key in ("stunted", "severely_stunted", "wasted", "children_measured", "bumil_kek"):
                values = pd.to_numeric(shown[key], errors="coerce").astype("float64")
                assert published_multiple_of_five(values)
                found = attack(total.get(key), values, exact[key].astype("float64"))
                if found:
                    tried += 1
                    assert found[0] != found[1]
    assert tried >= 1


def test_kelurahan_minus_its_other_posyandu(con, periods, regions):
    """Peta's kelurahan figure minus the Posyandu page's other posyandu of the kelurahan."""
    city = regions[regions.level == "kabkota"].region_id.iloc[0]
    tried = 0
    for period in periods:
        perf = posyandu.performance(db.run_query(con, "posyandu_performance", period=period, area_id=city))
        shown_p = PUBLIK.frame(perf, posyandu.COLUMNS)
        kel = kelurahan_frame(con, period, city, None, None)
        shown_k = PUBLIK.frame(kel, indicators.KELURAHAN).set_index("name")
        for c in ("children_stunted", "children_measured", "d", "s", "n"):
            assert published_multiple_of_five(shown_p[c])
        for name, rows in perf.groupby("kelurahan"):
            if name not in shown_k.index:
                continue
            for part, whole in (("children_stunted", "stunted"), ("children_measured", "measured")):
                found = attack(shown_k.loc[name, whole], pd.to_numeric(shown_p.loc[rows.index, part])
                               .astype("float64"), rows[part].astype("float64"))
                if found:
                    tried += 1
                    assert found[0] != found[1], (period, name, part)
    assert tried >= 5


def test_rates_times_their_published_denominators_give_only_rounded_counts(con, periods, regions):
    """A percentage times the published denominator (prevalence x measured, N/D x D, D/S x S, K/S x S) gives
    back only a multiple of 5: the rate carries no more than the rounded count."""
    city = regions[regions.level == "kabkota"].region_id.iloc[0]
    period = periods[-1]
    kel = PUBLIK.frame(kelurahan_frame(con, period, city, None, None), indicators.KELURAHAN)
    ok = kel.prevalence.notna()
    assert published_multiple_of_five(kel.prevalence[ok] * kel.measured[ok].astype("float64") / 100)
    perf = PUBLIK.frame(posyandu.performance(db.run_query(con, "posyandu_performance", period=period,
                                                          area_id=city)), posyandu.COLUMNS)
    for rate, den in (("nd", "d"), ("ds", "s"), ("ks", "s")):
        ok = perf[rate].notna() & perf[den].notna()
        assert ok.sum() > 10
        assert published_multiple_of_five(perf[rate][ok] * perf[den][ok].astype("float64"))
    ok = perf.prevalence_stunting.notna()
    assert published_multiple_of_five(perf.prevalence_stunting[ok] * perf.children_measured[ok].astype("float64")
                                      / 100)
    record = overview.compute(con, period, city, hidden_below=5).now
    for rate in indicators.HEADLINE.rates:
        if record.get(rate.column) is not None and record.get(rate.denominator):
            assert published_multiple_of_five([record[rate.column] * record[rate.denominator] / rate.scale])


def test_sparkline_points_never_rest_on_a_small_count(con, periods, regions):
    """The Posyandu D/S sparkline: 'D = 4 read from 50 % with S = 8' must fail."""
    city = regions[regions.level == "kabkota"].region_id.iloc[0]
    raw = db.run_query(con, "posyandu_performance", period=periods[-1], area_id=city)
    small = shown = 0
    for d_list, s_list in zip(raw.d_6m, raw.s_6m):
        points = PUBLIK.rate_series(list(d_list), list(s_list))
        for d, s, point in zip(d_list, s_list, points):
            if d is not None and (1 <= d <= 4 or (s is not None and 1 <= s <= 4)):
                small += 1
                assert point is None
            elif point is not None:
                shown += 1
                # D = point x S / 100 with the published (rounded) S gives back a multiple of 5 only
                assert published_multiple_of_five([round(point * suppress.rounded(s) / 100, 0)])
    assert shown > 100


def test_month_to_month_differences(con, regions):
    """Tren: consecutive months of a kelurahan, where one month is hidden, give no count either."""
    kel = regions[regions.level == "kelurahan"].region_id.head(15)
    for k in kel:
        series = db.run_query(con, "stunting_trend", area_id=k, age_group=None, sex=None)
        shown = PUBLIK.frame(rates.add_prevalence(series), indicators.STUNTING)
        assert published_multiple_of_five(shown.stunted)
        assert published_multiple_of_five(shown.stunted.astype("float64").diff())


def test_meeting_pack_for_the_public(con, periods, regions):
    """Every count of children or mothers the public's meeting pack prints is '<5', 0 or a multiple of 5:
    the KPI counts and their changes, the 'x dari y' notes, the lagging kelurahan's measured and stunted.
    (The estimated number in the whole sasaran and the target gap are estimates made from the rounded
    figures, not counts found.)"""
    def number(text):
        return int(re.sub(r"[^\d-]", "", text))

    numbers = []
    for kec in regions[regions.level == "kecamatan"].region_id.head(3):
        pack = rakor.gather(con, period=periods[-1], area=kec, role="publik", figures=False)
        kpis = {row[0]: row for row in pack.kpis.rows}
        found = next(row for name, row in kpis.items() if name.startswith("Balita stunting"))
        baseline = next(row for name, row in kpis.items() if name.startswith("Perubahan sejak baseline"))
        numbers += [number(t) for t in (found[1], found[2], baseline[1]) if re.search(r"\d", t)]
        for row in pack.kpis.rows:
            numbers += [number(a) for pair in re.findall(r"(\d[\d.]*) dari (\d[\d.]*)", row[3]) for a in pair]
        numbers += [number(row[i]) for row in pack.lagging.rows for i in (2, 3) if row[i] != "<5"]
        assert pack.suppressing and "kelipatan 5" in rakor._suppression_sentence(pack)   # printed in the pack
    assert len(numbers) >= 30
    assert all(n % 5 == 0 for n in numbers), numbers


def _kelurahan_with_small_stunting(con, period, regions):
    city = regions[regions.level == "kabkota"].region_id.iloc[0]
    kel = kelurahan_frame(con, period, city, None, None)
    return kel[(kel.stunted > 0) & (kel.stunted < 5) & (kel.measured >= 10)].iloc[0]


def test_scorecard_url_shows_no_prevalence_of_a_small_count(demo_db, serving, con, periods, regions):
    """`/scorecard?wilayah=<kelurahan with 3 stunted>` showed '5,3%' of '57 balita diukur' to the public."""
    serving(demo_db)
    row = _kelurahan_with_small_stunting(con, periods[-1], regions)
    at = open_page("pages/scorecard.py", params={"wilayah": row.region_id,
                                                 "periode": periods[-1].strftime("%Y-%m")})
    metric = next(m for m in at.metric if m.label == "Prevalensi stunting")
    assert metric.value == "–"
    measured = re.search(r"([\d.]+) balita diukur", metric.help).group(1)
    assert int(measured.replace(".", "")) % 5 == 0


def test_ringkasan_cards_for_the_public_are_rounded(demo_db, serving, con, periods, regions):
    serving(demo_db)
    kec = regions[regions.level == "kecamatan"].region_id.iloc[0]
    at = open_page("pages/ringkasan.py", params={"wilayah": kec})
    stunted = next(m for m in at.metric if m.label.startswith("Balita stunting"))
    value = stunted.value.replace(".", "")
    assert value == "<5" or int(value) % 5 == 0
    assert any("kelipatan 5" in c.value for c in at.caption), [c.value for c in at.caption]


# --- every public page, as the public sees it ------------------------------------------------------------------

PEOPLE_METRICS = ("Balita stunting", "Ibu hamil tercatat", "Keluarga terdata", "Keluarga berisiko stunting",
                  "… di keluarga berisiko", "Sejak baseline")
PEOPLE_COLUMNS = {
    "peta": ["measured", "stunted", "baseline", "target", "path", "gap"],
    "posyandu": ["s", "k", "d", "n", "bgm", "t2", "children_measured"],
    "ibu_hamil": ["Ibu hamil", "KEK", "Anemia", "TTD ≥ 90", "ANC ≥ 4"],
    "keluarga_berisiko": ["Keluarga dengan faktor", "Keluarga dinilai", "Keluarga terdata", "Keluarga berisiko",
                          "Belum dapat dinilai", "Balita stunting", "… di keluarga berisiko", "… di keluarga lain",
                          "… tidak ada di data keluarga", "Keluarga berisiko dgn anak diukur", "… dgn anak stunting"],
    "kampung_kb": ["Balita diukur", "Balita stunting"],
    "scorecard": ["Balita diukur", "RT memenuhi", "RT sasaran"],
    "ringkasan": [],
}


def shown_count(value):
    """A cell or metric as the public sees it: None for '<5' / '–' / missing, else the number."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).replace(" anak", "").strip()
    if text in ("<5", "–", "", "nan", "<NA>", "None"):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        # a styled table's stand-in for a hidden cell (it reads '<5' on screen)
        return None if float(value) == tables.HIDDEN_SENTINEL["primary"] else float(value)
    assert re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})*", text), text
    return float(text.replace(".", ""))


@pytest.mark.parametrize("page", sorted(PEOPLE_COLUMNS))
def test_every_count_of_people_on_a_public_page_is_rounded(demo_db, serving, page, media_stores):
    serving(demo_db)
    at = open_page(f"pages/{page}.py")
    seen = []
    for m in at.metric:
        if m.label.startswith(PEOPLE_METRICS):
            seen.append((m.label, shown_count(m.value)))
    for frame in at.dataframe:
        for column in PEOPLE_COLUMNS[page]:
            if column in frame.value.columns:
                seen += [(column, shown_count(v)) for v in frame.value[column]]
    for button in at.get("download_button"):          # the files the page hands out say the same
        if button.proto.label.endswith("CSV"):
            import io
            csv = media_stores[-1].get_file(button.proto.url.split("/")[-1]).content.decode("utf-8-sig")
            frame = pd.read_csv(io.StringIO(csv), dtype=str)
            for column in ("S", "K", "D", "N", "BGM", "2T", "Balita diukur"):
                if column in frame.columns:
                    seen += [(f"CSV {column}", shown_count(v)) for v in frame[column]]
    numbers = [(what, v) for what, v in seen if v is not None]
    assert len(numbers) >= 2, seen
    wrong = [(what, v) for what, v in numbers if v % 5]
    assert not wrong, wrong[:10]
    assert any(suppress.note(5)[:40] in c.value or "kelipatan 5" in c.value for c in at.caption)
