"""The shared filter bar: period, area ([kabupaten/kota >] kecamatan > kelurahan), age group, sex.

State lives in the URL (`st.query_params`) so a copied link reproduces the view:

    ?periode=2024-10&wilayah=53.71.02&umur=0-23&jk=P

Precedence when a page opens: the URL, then the values last used in this session (Streamlit clears
the query string when the user switches page), then the defaults (latest month, whole region, all
ages, both sexes). Invalid URL values fall back to the default silently.

A database may hold several kabupaten/kota (a province): the bar then starts with a kabupaten/kota
choice (default the first by name) and `wilayah` names any area of any of them.

Usage in a page:

    f = filters.filter_bar()              # renders the widgets, returns Filters
    df = data.query("x", **f.params())    # period, area_id, age_group, sex
    filters.select_area(region_id)        # drill down (call from a callback, e.g. a map click)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from konvergensi.core import fmt, text
from konvergensi.ui import data

AGE_GROUPS = {"semua": "Semua umur (0-59 bln)", "0-23": "0-23 bulan (baduta)", "24-59": "24-59 bulan"}
SEXES = {"semua": "Laki-laki dan perempuan", "L": "Laki-laki", "P": "Perempuan"}
SEX_CODE = {"semua": None, "L": 1, "P": 2}

# URL parameter names (Indonesian, short) and the session keys of the widgets.
URL_KEYS = {"period": "periode", "area": "wilayah", "age": "umur", "sex": "jk"}
_STATE = "_filters"              # last values used in this session (survives page switches)
_W_PERIOD, _W_KEC, _W_KEL, _W_AGE, _W_SEX = "f_period", "f_kecamatan", "f_kelurahan", "f_age", "f_sex"
_W_ROOT = "f_kabkota"            # only shown when the database holds several kabupaten/kota
ALL = ""                         # option value meaning "all kecamatan / all kelurahan"


@dataclass(frozen=True)
class Filters:
    period: datetime.date          # first day of the selected month
    area_id: str                   # region_id of the selected area (kota, kecamatan or kelurahan)
    area_level: str                # 'kabkota' | 'kecamatan' | 'kelurahan'
    area_name: str                 # e.g. 'Kecamatan Maulafa'; Markdown-escaped (core.text.md): pages put it in text
    region_id: str                 # the kabupaten/kota of the area (top of the hierarchy)
    kecamatan_id: str | None
    kelurahan_id: str | None
    age_group: str | None          # None (all), '0-23', '24-59'
    sex: int | None                # None (both), 1 laki-laki, 2 perempuan
    latest_period: datetime.date   # latest month with data

    def params(self) -> dict:
        """Named parameters for queries/*.sql filtered like the page."""
        return {"period": self.period, "area_id": self.area_id, "age_group": self.age_group, "sex": self.sex}

    @property
    def period_label(self) -> str:
        """'Agustus 2026' (inside sentences)."""
        return fmt.month(self.period)

    @property
    def period_title(self) -> str:
        """'Agustus 2026 · penimbangan massal' (titles and captions that name the period; fmt.month_label)."""
        return fmt.month_label(self.period)

    @property
    def subgroup_label(self) -> str:
        """'' for all children, else e.g. '0-23 bulan, perempuan'."""
        parts = []
        if self.age_group:
            parts.append(f"{self.age_group} bulan")
        if self.sex:
            parts.append("laki-laki" if self.sex == 1 else "perempuan")
        return ", ".join(parts)

    def describe(self) -> str:
        """'Kecamatan Maulafa, Oktober 2024 (0-23 bulan)'; a mass-weighing month says so
        ('..., Agustus 2024 · penimbangan massal')."""
        extra = self.subgroup_label
        return f"{self.area_name}, {self.period_title}" + (f" ({extra})" if extra else "")


class Regions:
    """The area hierarchy (small: a few dozen rows), with names and parents."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.by_id = {r.region_id: r for r in frame.itertuples(index=False)}
        top = frame[frame.level == "kabkota"]
        self.roots: list[str] = top.region_id.tolist()          # kabupaten/kota, by name
        self.root_id = self.roots[0] if self.roots else ALL     # the default one
        self.root_name = top.name.iloc[0] if len(top) else "Semua wilayah"

    def children(self, parent_id: str, level: str) -> list[str]:
        f = self.frame
        return f[(f.level == level) & (f.parent_id == parent_id)].region_id.tolist() if parent_id else \
            f[f.level == level].region_id.tolist()

    def root_of(self, region_id: str | None) -> str:
        """The kabupaten/kota an area belongs to (the default one for an unknown id)."""
        r = self.by_id.get(region_id or "")
        while r is not None and r.level != "kabkota" and r.parent_id in self.by_id:
            r = self.by_id[r.parent_id]
        return r.region_id if r is not None and r.level == "kabkota" else self.root_id

    def kelurahan_of(self, region_id: str) -> list[str]:
        """Every kelurahan of an area (itself for a kelurahan)."""
        return [k for k in self.frame[self.frame.level == "kelurahan"].region_id
                if region_id in (k, self.by_id[k].parent_id, self.root_of(k))]

    def name(self, region_id: str | None) -> str:
        if not region_id or region_id not in self.by_id:
            return self.root_name
        return self.by_id[region_id].name

    def label(self, region_id: str | None) -> str:
        """'Kota Kupang', 'Kecamatan Maulafa', 'Kelurahan Oebobo'."""
        if not region_id or region_id not in self.by_id:
            return self.root_name
        r = self.by_id[region_id]
        if r.level == "kabkota":
            return r.name
        return f"{'Kecamatan' if r.level == 'kecamatan' else 'Kelurahan'} {r.name}"

    def split(self, region_id: str | None) -> tuple[str | None, str | None]:
        """(kecamatan_id, kelurahan_id) of an area id; (None, None) for the whole region or unknown."""
        r = self.by_id.get(region_id or "")
        if r is None or r.level == "kabkota":
            return None, None
        if r.level == "kecamatan":
            return r.region_id, None
        return r.parent_id, r.region_id


def regions() -> Regions:
    return Regions(data.query("regions_tree"))


def period_option(key: str, with_data=None) -> str:
    """The period list's text for '2026-08': 'Agustus 2026 ◆' (◆ = bulan penimbangan massal, explained under
    the bar; short so it is not cut off at 1366x768), ' (tanpa data)' for a month without data."""
    text = fmt.month_label(fmt.parse_period(key), short=True)
    return text + ("" if with_data is None or key in with_data else " (tanpa data)")


def weighing_caption(period: datetime.date) -> str | None:
    """The line under the filter bar in a mass-weighing month (None otherwise)."""
    if not fmt.is_weighing_month(period):
        return None
    return (f"{fmt.WEIGHING_MARK} {fmt.month_label(period)}: jauh lebih banyak balita diukur daripada bulan biasa, "
            "jadi jumlah yang ditemukan melonjak; bandingkan prevalensi atau perkiraan seluruh balita.")


def periods() -> list[datetime.date]:
    """Months with measurements, newest first."""
    return list(data.data_status().months.get("eppgbm", ()))


def _url_month(value: str | None) -> str | None:
    """A month asked for in the URL ('2024-10') as a period key, or None when it is not a month."""
    if not value:
        return None
    try:
        return fmt.period_key(fmt.parse_period(value))
    except (TypeError, ValueError):
        return None


def choose_period(period: datetime.date) -> None:
    """Switch the filter bar to `period` (a button callback, e.g. "Tampilkan data terbaru")."""
    key = fmt.period_key(period)
    st.session_state[_W_PERIOD] = key
    st.session_state[_STATE] = dict(st.session_state.get(_STATE, {}), period=key)
    st.query_params[URL_KEYS["period"]] = key


def _from_url(key: str) -> str | None:
    value = st.query_params.get(URL_KEYS[key])
    return value if value not in (None, "") else None


def _initial() -> dict:
    saved = st.session_state.get(_STATE, {})
    return {k: _from_url(k) or saved.get(k) for k in URL_KEYS}


def select_area(region_id: str | None) -> None:
    """Drill down to an area. Call from a widget callback (before the filter bar is drawn again)."""
    reg = regions()
    kec, kel = reg.split(region_id)
    st.session_state[_W_ROOT] = reg.root_of(region_id)
    st.session_state[_W_KEC] = kec or ALL
    st.session_state[_W_KEL] = kel or ALL
    saved = dict(st.session_state.get(_STATE, {}))
    saved["area"] = region_id
    st.session_state[_STATE] = saved
    st.query_params[URL_KEYS["area"]] = region_id or ""


def filter_bar(*, show_period: bool = True, show_subgroups: bool = True, data_kind: str = "eppgbm") -> Filters:
    """Render the filter bar at the top of the page and return the selected values.

    show_period=False for pages that show a time series (the period is then the latest month, still
    kept in the URL for the other pages); show_subgroups=False hides age group and sex where a page's
    figures are not per child (e.g. posyandu SKDN). `data_kind` (konvergensi.store.data_status.KINDS) is the
    data the page's figures come from: the default period is the latest month that has it.

    The period list holds every month with any monthly data (measurements, SKDN, ibu hamil, scorecard),
    and a month asked for in the URL even when it has none: the page then says so and offers the latest
    month with data (layout.require) instead of silently showing another month.
    """
    reg = regions()
    status = data.data_status()
    months = status.periods()
    latest = status.default_period(data_kind) or datetime.date.today().replace(day=1)
    init = _initial()

    # Widget state is initialised once per session from the URL / saved values, then owned by the widget.
    month_keys = [fmt.period_key(m) for m in months] or [fmt.period_key(latest)]
    asked = _url_month(st.query_params.get(URL_KEYS["period"]))
    if asked and asked not in month_keys:
        month_keys = sorted([*month_keys, asked], reverse=True)
    if _W_PERIOD not in st.session_state or st.session_state[_W_PERIOD] not in month_keys:
        st.session_state[_W_PERIOD] = (init["period"] if init["period"] in month_keys
                                       else fmt.period_key(latest) if fmt.period_key(latest) in month_keys
                                       else month_keys[0])
    if _W_ROOT not in st.session_state or st.session_state[_W_ROOT] not in reg.roots:
        st.session_state[_W_ROOT] = reg.root_of(init["area"])
    if _W_KEC not in st.session_state:
        kec, kel = reg.split(init["area"])
        st.session_state[_W_KEC] = kec or ALL
        st.session_state[_W_KEL] = kel or ALL
    if _W_AGE not in st.session_state:
        st.session_state[_W_AGE] = init["age"] if init["age"] in AGE_GROUPS else "semua"
    if _W_SEX not in st.session_state:
        st.session_state[_W_SEX] = init["sex"] if init["sex"] in SEXES else "semua"

    several = len(reg.roots) > 1
    root = st.session_state[_W_ROOT] if several else reg.root_id
    kecamatan = [ALL] + reg.children(root if root != ALL else "", "kecamatan")
    if st.session_state[_W_KEC] not in kecamatan:
        st.session_state[_W_KEC] = ALL
    kec_now = st.session_state[_W_KEC]
    kelurahan = [ALL] + (reg.children(kec_now, "kelurahan") if kec_now else [])
    if st.session_state.get(_W_KEL, ALL) not in kelurahan:
        st.session_state[_W_KEL] = ALL

    widths = ([1.1, 1.2, 1.2, 1.1, 1.1] if show_subgroups else [1, 1.2, 1.2])
    cols = st.columns(widths[:1] + [1.3] + widths[1:] if several else widths)
    if several:
        with cols[1]:
            st.selectbox("Kabupaten/Kota", reg.roots, key=_W_ROOT, format_func=reg.name)
        cols = cols[:1] + cols[2:]
    with cols[0]:
        if show_period:
            with_data = {fmt.period_key(m) for m in months}
            st.selectbox("Periode", month_keys, key=_W_PERIOD, disabled=not months,
                         format_func=lambda k: period_option(k, with_data),
                         help=f"{fmt.WEIGHING_MARK} = bulan penimbangan massal (Februari, Agustus)")
        else:
            st.markdown(f"**Data s.d.**  \n{fmt.month_label(latest, short=True)}",
                        help=f"{fmt.WEIGHING_MARK} = bulan penimbangan massal" if fmt.is_weighing_month(latest)
                        else None)
    with cols[1]:
        st.selectbox("Kecamatan", kecamatan, key=_W_KEC,
                     format_func=lambda r: f"Semua ({reg.name(root)})" if r == ALL else reg.name(r))
    with cols[2]:
        st.selectbox("Kelurahan", kelurahan, key=_W_KEL, disabled=not kec_now,
                     format_func=lambda r: "Semua kelurahan" if r == ALL else reg.name(r))
    if show_subgroups:
        with cols[3]:
            st.selectbox("Kelompok umur", list(AGE_GROUPS), key=_W_AGE, format_func=AGE_GROUPS.get)
        with cols[4]:
            st.selectbox("Jenis kelamin", list(SEXES), key=_W_SEX, format_func=SEXES.get)

    period_key = st.session_state[_W_PERIOD] if show_period else (init["period"] or fmt.period_key(latest))
    if period_key not in month_keys:
        period_key = fmt.period_key(latest)
    kec_id = st.session_state[_W_KEC] or None
    kel_id = (st.session_state[_W_KEL] or None) if kec_id else None
    area_id = kel_id or kec_id or root
    age = st.session_state[_W_AGE]
    sex = st.session_state[_W_SEX]

    values = {"period": period_key, "area": area_id if area_id != reg.root_id else None,
              "age": age if age != "semua" else None, "sex": sex if sex != "semua" else None}
    st.session_state[_STATE] = values
    _write_url(values)

    if show_period and (note := weighing_caption(fmt.parse_period(period_key))):
        st.caption(note)
    level = reg.by_id[area_id].level if area_id in reg.by_id else "kabkota"
    return Filters(
        period=fmt.parse_period(period_key),
        area_id=area_id,
        area_level=level,
        area_name=text.md(reg.label(area_id)),   # a region name is shown as text, never rendered
        region_id=root,
        kecamatan_id=kec_id,
        kelurahan_id=kel_id,
        age_group=None if age == "semua" else age,
        sex=SEX_CODE[sex],
        latest_period=latest,
    )


def _write_url(values: dict) -> None:
    """Mirror the filter values into the query string (defaults left out to keep links short)."""
    wanted = {URL_KEYS[k]: v for k, v in values.items() if v}
    current = {k: st.query_params.get(k) for k in URL_KEYS.values()}
    for name in URL_KEYS.values():
        if name in wanted and current.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]
        elif name not in wanted and current.get(name) is not None:
            del st.query_params[name]


def url_choice(label: str, options: dict[str, str], *, url_key: str, default: str | None = None,
               widget: str = "segmented") -> str:
    """A page-specific choice (e.g. the map layer) kept in the URL like the filter bar.

    options maps value -> label; returns the chosen value. widget: 'segmented', 'radio' or 'select'.
    """
    default = default or next(iter(options))
    key = f"u_{url_key}"
    saved_key = f"_url_{url_key}"
    if key not in st.session_state or st.session_state[key] not in options:
        from_url = st.query_params.get(url_key)
        saved = st.session_state.get(saved_key)
        st.session_state[key] = from_url if from_url in options else saved if saved in options else default
    if widget == "radio":
        st.radio(label, list(options), key=key, format_func=options.get, horizontal=True)
    elif widget == "select":
        st.selectbox(label, list(options), key=key, format_func=options.get)
    else:
        st.segmented_control(label, list(options), key=key, format_func=options.get, required=True)
    value = st.session_state[key] if st.session_state[key] in options else default
    st.session_state[saved_key] = value
    if value == default:
        if url_key in st.query_params:
            del st.query_params[url_key]
    elif st.query_params.get(url_key) != value:
        st.query_params[url_key] = value
    return value
