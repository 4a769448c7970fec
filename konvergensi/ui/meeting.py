"""Mode rapat: the dashboard on a projector, one screen at a time (`?mode=rapat&layar=1..6`).

app.py calls `render()` instead of running a page when the URL says `mode=rapat`: no sidebar, no
navigation, large type, and six screens (status and target, map with names, lagging kelurahan with
reasons, posyandu needing help, ibu hamil KEK, follow-up) stepped with the buttons, the keyboard or a
presenter clicker (PageDown/PageUp, arrows, space). The figures are the pages' own: the overview of
Ringkasan (`data.overview`), the kelurahan frame of Ringkasan and Peta, the Posyandu page's severity score,
the ibu hamil rows of the Ibu hamil page and the aksi of the Aksi page, all through the viewer (small
counts hidden for the public). What each screen lists is chosen in konvergensi.domain.meeting.

The area and the period come from the URL's `wilayah` and `periode` (as the filter bar writes them; `umur`
and `jk` too), so a link copied from any page opens the meeting on the same view. The session (and so the
role of a logged-in user) is kept: enter with the sidebar's "Mode rapat" button, leave with
"Keluar dari mode rapat".
"""

from __future__ import annotations

import dataclasses
import datetime
import html

import pandas as pd
import streamlit as st

from konvergensi.core import fmt, text
from konvergensi.domain import convergence as cv
from konvergensi.domain import indicators, posyandu
from konvergensi.domain import meeting as dm
from konvergensi.figures import maps
from konvergensi.ui import convergence as ucv
from konvergensi.ui import data, filters, layout

SCREENS = dm.SCREENS
MAP_HEIGHT = 540

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 2.2rem 0.4rem 2.2rem !important; max-width: 100% !important; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.55rem; }
.st-key-rapat_screen [data-testid="stMarkdownContainer"] p,
.st-key-rapat_screen [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; line-height: 1.45; }
.st-key-rapat_screen h2 { font-size: 2.3rem; padding: 0.1rem 0 0.2rem 0; }
.st-key-rapat_screen [data-testid="stCaptionContainer"] p { font-size: 1rem; }
.st-key-rapat_bar [data-testid="stMarkdownContainer"] p { font-size: 1.05rem; margin: 0; }
.st-key-rapat_banner { background: #fff4ce; border-left: 5px solid #8a5a00; padding: 0.3rem 0.7rem; gap: 0; }
.st-key-rapat_banner [data-testid="stMarkdownContainer"] p { font-size: 0.85rem; color: #3d2b00; margin: 0; }
.st-key-rapat_screen [data-testid="stMetricValue"] p { font-size: 2.7rem !important; line-height: 1.15; }
.st-key-rapat_screen [data-testid="stMetricLabel"] p { font-size: 1.2rem !important; }
.st-key-rapat_screen [data-testid="stMetricDelta"] p { font-size: 1.15rem !important; }
.st-key-rapat_screen .stMarkdownEllipsis, .st-key-rapat_screen .stMarkdownEllipsis p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
.st-key-rapat_banner * { margin-bottom: 0 !important; }
table.rapat { border-collapse: collapse; width: 100%; font-size: 1.06rem; line-height: 1.35; }
table.rapat th { text-align: left; background: #1f2933; color: #fff; padding: 0.3rem 0.55rem; font-weight: 600; }
table.rapat td { border-bottom: 1px solid #c9ced6; padding: 0.22rem 0.55rem; vertical-align: top; color: #111827; }
table.rapat td.num { text-align: right; white-space: nowrap; }
table.rapat td.no { font-weight: 700; text-align: center; }
table.rapat tr:nth-child(even) td { background: #f3f5f8; }
</style>
"""

# Presenter clickers send PageDown/PageUp (some arrows or space): each press clicks the screen's own
# "Berikutnya"/"Sebelumnya" button, so stepping runs the same callback as a click (the session and its role
# kept). st.html is not iframed: the listener sits on the app's document, once per browser tab, and does
# nothing where there is no meeting-mode button (after leaving the mode).
KEYS_JS = """
<script>
(function () {
  if (window.__rapatKeys) { return; }
  window.__rapatKeys = true;
  var NEXT = ["ArrowRight", "PageDown", " ", "Spacebar", "ArrowDown"];
  var PREV = ["ArrowLeft", "PageUp", "ArrowUp", "Backspace"];
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var which = NEXT.indexOf(e.key) >= 0 ? "rapat_next" : PREV.indexOf(e.key) >= 0 ? "rapat_prev" : null;
    if (!which) { return; }
    var button = document.querySelector(".st-key-" + which + " button");
    if (!button) { return; }
    e.preventDefault();
    e.stopPropagation();
    if (!button.disabled) { button.click(); }
    if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
  }, true);
})();
</script>
"""


@dataclasses.dataclass(frozen=True)
class Scope:
    """The area, period and subgroup of the meeting (what `data.overview` and friends read of Filters)."""
    period: datetime.date
    area_id: str
    area_level: str
    area_name: str
    region_id: str
    kecamatan_id: str | None
    kelurahan_id: str | None
    age_group: str | None
    sex: int | None

    @property
    def period_label(self) -> str:
        return fmt.month(self.period)

    @property
    def subgroup_label(self) -> str:
        parts = ([f"{self.age_group} bulan"] if self.age_group else []) + \
                (["laki-laki" if self.sex == 1 else "perempuan"] if self.sex else [])
        return ", ".join(parts)


# --- URL and stepping ------------------------------------------------------------------------------------

def requested() -> bool:
    """Whether the URL asks for the meeting mode (`?mode=rapat`)."""
    return dm.is_meeting(st.query_params.get(dm.MODE_KEY))


def current() -> int:
    return dm.screen_number(st.query_params.get(dm.SCREEN_KEY, 1))


def go(number: int) -> None:
    st.query_params[dm.SCREEN_KEY] = str(dm.screen_number(number))


def enter() -> None:
    st.query_params[dm.MODE_KEY] = dm.MODE_VALUE
    st.query_params[dm.SCREEN_KEY] = "1"


def leave() -> None:
    for key in (dm.MODE_KEY, dm.SCREEN_KEY):
        if key in st.query_params:
            del st.query_params[key]


def entry_button() -> None:
    """The sidebar's way in (keeps the session, so a logged-in user keeps the role)."""
    st.sidebar.button("🖥️ Mode rapat (layar proyektor)", key="rapat_enter", on_click=enter,
                      help="Layar penuh tanpa menu, huruf besar, enam layar yang digeser dengan tombol panah, "
                           "PageDown/PageUp, atau clicker presentasi. Wilayah dan periode yang dipilih ikut.")


def scope() -> Scope:
    """The meeting's area and period from the URL (filter bar keys); the whole region and the latest month
    with measurements when absent or not understood."""
    reg = filters.regions()
    status = data.data_status()
    latest = status.default_period("eppgbm") or datetime.date.today().replace(day=1)
    url = {k: st.query_params.get(v) for k, v in filters.URL_KEYS.items()}
    try:
        period = fmt.parse_period(url["period"]) if url["period"] else latest
    except (TypeError, ValueError):
        period = latest
    area = url["area"] if url["area"] in reg.by_id else reg.root_id
    kec, kel = reg.split(area)
    level = reg.by_id[area].level if area in reg.by_id else "kabkota"
    return Scope(period=period, area_id=area, area_level=level, area_name=text.md(reg.label(area)),
                 region_id=reg.root_of(area),
                 kecamatan_id=kec, kelurahan_id=kel,
                 age_group=url["age"] if url["age"] in filters.AGE_GROUPS and url["age"] != "semua" else None,
                 sex=filters.SEX_CODE.get(url["sex"]) if url["sex"] in filters.SEX_CODE else None)


# --- small pieces ----------------------------------------------------------------------------------------

def _table(columns: list[str], rows: list, numeric: tuple[int, ...] = (), first: str = "") -> None:
    """A table in the meeting's large type (escaped text; st.dataframe's canvas does not take the CSS).
    `numeric`: columns aligned right; `first`: a CSS class of the first column ('no': a bold number)."""
    def cell(i, v):
        cls = "num" if i in numeric else first if i == 0 and first else ""
        return f"<td class='{cls}'>{html.escape(str(v))}</td>" if cls else f"<td>{html.escape(str(v))}</td>"

    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    st.html(f"<table class='rapat'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _card(k, better: str | None = "lower") -> None:
    """One KPI card of the overview, as Ringkasan draws it (change vs last month, else its second figure)."""
    delta = f"{k.change} vs bulan lalu" if k.change else k.delta
    arrow = "auto"
    if k.steady or better is None:
        better, arrow = None, "off"
    layout.kpi(k.label, k.value, delta, delta_color={"lower": "inverse", "higher": "normal"}.get(better, "off"),
               delta_arrow=arrow, help=k.note)


# --- screens ---------------------------------------------------------------------------------------------

class Screens:
    """The data of one meeting (computed once per run, shared by the screens that need it)."""

    def __init__(self, s: Scope):
        self.s = s
        self.viewer = data.viewer()
        self.ov = data.overview(s)
        self.kel_counts = data.kelurahan_indicators(s, baseline_period=self.ov.baseline_period)
        self.kel = self.viewer.frame(self.kel_counts, indicators.KELURAHAN)
        self.kel_states = self.viewer.with_states(self.kel, indicators.KELURAHAN)
        self.kpi = {k.key: k for k in self.ov.kpis(s.area_name)}

    @property
    def lagging(self) -> list[dm.LaggingRow]:
        if self.s.area_level == "kelurahan":
            return []
        return dm.lagging(self.kel_states, self.viewer.count_text,
                          area_prevalence=self.ov.now.get("prevalence_stunting"), baseline=self.ov.baseline_period)

    def status(self) -> None:
        ov, s = self.ov, self.s
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            _card(self.kpi["stunted"])
        with c2:
            _card(self.kpi["prevalence_stunting"])
        with c3:
            _card(self.kpi["since_baseline"])
        with c4:
            _card(self.kpi["target"], better=None)
        lag = data.lagging_kelurahan(self.kel) if s.area_level != "kelurahan" else self.kel.head(0)
        st.markdown(ov.paragraph(s.area_name, zip(lag.name, lag.prevalence), s.subgroup_label))
        if ov.baseline_missing:
            st.caption(f"⚠️ {ov.baseline_missing_text(s.area_name)}")
        st.caption(f"Target: {self.kpi['target'].note}.")

    def peta(self) -> None:
        s = self.s
        map_area = s.kecamatan_id or s.region_id
        ms = dataclasses.replace(s, area_id=map_area)
        counts = data.kelurahan_indicators(ms, baseline_period=self.ov.baseline_period)
        if data.boundaries(map_area) is None:
            layout.empty_state("Basis data belum berisi batas wilayah kelurahan: peta tidak dapat digambar.")
            return
        kel = self.viewer.frame(counts, maps.COLUMNS)
        layer = maps.LAYERS["prevalensi"]
        enough = maps.enough(counts, layer, data.min_children_map())
        # numbered on the map, named in the list beside it: the lagging kelurahan (the next screen), or for
        # one kelurahan the worst five of its kecamatan and itself
        lagging = [r.region_id for r in self.lagging] or maps.worst(kel, layer, enough)
        named = tuple(dict.fromkeys(lagging + ([s.kelurahan_id] if s.kelurahan_id else [])))
        left, right = st.columns([3, 2], gap="medium")
        with left:
            fig = data.shared(map_figure, kel, map_area, enough, named, s.kelurahan_id)
            st.plotly_chart(fig, key="rapat_map", theme=None, config={"displayModeBar": False, "staticPlot": True})
        with right:
            shown = self.viewer.with_states(kel, maps.COLUMNS).set_index("region_id")
            rows = [(str(i), f"{shown.at[r, 'name']} (Kec. {shown.at[r, 'kecamatan']})",
                     fmt.percent(shown.at[r, "prevalence"]) if enough[counts.region_id == r].any() else
                     maps.INSUFFICIENT_LABEL,
                     self.viewer.count_text(shown.at[r, "stunted"], shown.at[r, "_state_stunted"]))
                    for i, r in enumerate(named, 1) if r in shown.index]
            _table(["No", "Kelurahan", "Prevalensi", "Stunting"], rows, numeric=(2, 3), first="no")
            legend = (f"Angka di peta = nomor di daftar (kelurahan tertinggal). Garis tebal = batas kecamatan. "
                      f"Abu-abu muda = {maps.INSUFFICIENT_LABEL} (kurang dari {data.min_children_map()} balita "
                      "terukur)" + (f"; abu-abu tua = {maps.HIDDEN_LABEL}" if self.viewer.hides else "") + ".")
            st.caption(legend)

    def tertinggal(self) -> None:
        s = self.s
        if s.area_level == "kelurahan":
            layout.empty_state(f"{s.area_name} adalah satu kelurahan: pilih kecamatan atau kota untuk melihat "
                               "kelurahan yang tertinggal.")
            return
        rows = self.lagging
        if not rows:
            layout.empty_state("Belum ada kelurahan dengan cukup balita terukur pada periode ini.")
            return
        _table(["Kelurahan", "Diukur", "Stunting", "Prevalensi", "IK 95%", "Perubahan", "Mengapa masuk daftar"],
               [(r.name, r.measured, r.stunted, r.prevalence, r.interval, r.change, r.reasons) for r in rows],
               numeric=(1, 2, 3, 4, 5))
        st.caption(f"Lima prevalensi tertinggi dan lima jumlah terbanyak, di antara kelurahan dengan sedikitnya "
                   f"{data.min_children_map()} balita terukur. IK = interval kepercayaan 95% (Wilson)."
                   + (f" Perubahan: poin persen sejak baseline {fmt.month(self.ov.baseline_period)}."
                      if self.ov.baseline_period else ""))

    def posyandu(self) -> None:
        s = self.s
        if hint := layout.kind_hint("skdn", s):
            layout.empty_state(hint)
            return
        perf = self.viewer.frame(data.posyandu_performance(s).reset_index(drop=True), posyandu.COLUMNS)
        listed = dm.posyandu_needing_help(perf, posyandu.attention_summary(perf.attention))
        st.markdown(f"**{fmt.number(listed.needing)} dari {fmt.number(listed.total)} posyandu** di {s.area_name} "
                    f"perlu perhatian pada {s.period_label}. Alasan terbanyak: "
                    + (", ".join(f"{k} ({fmt.number(v)})" for k, v in list(listed.reasons.items())[:3]) or "–") + ".")
        if listed.rows:
            _table(["Posyandu", "Kelurahan", "Alasan (yang terberat dulu)"], listed.rows)
            st.caption(f"Yang paling parah dulu (skor keparahan halaman Posyandu); {len(listed.rows)} dari "
                       f"{fmt.number(listed.needing)} ditampilkan, daftar lengkap di halaman Posyandu.")

    def kek(self) -> None:
        s = self.s
        k = self.kpi["prevalence_bumil_kek"]
        if hint := layout.kind_hint("bumil", s):
            layout.empty_state(hint)
            return
        t = ucv.bumil_thresholds()
        frame = cv.add_bumil_rates(data.query("bumil_by_kelurahan", period=s.period, area_id=s.area_id, **t))
        shown = self.viewer.with_states(self.viewer.frame(frame, cv.BUMIL), cv.BUMIL)
        left, right = st.columns([1, 2], gap="large")
        with left:
            _card(k)
            st.caption(f"KEK = LiLA < {fmt.number(t['kek_muac'], 1)} cm. Tidak dipilah menurut umur/jenis kelamin "
                       "balita.")
        with right:
            rows = dm.kek_kelurahan(shown, self.viewer.count_text, data.min_children_map())
            if rows:
                _table(["Kelurahan", "Ibu hamil KEK", "Diukur LiLA", "Persen KEK"], rows, numeric=(1, 2, 3))
                st.caption(f"Persen KEK tertinggi, di antara kelurahan dengan sedikitnya {data.min_children_map()} "
                           "ibu hamil diukur LiLA. Rincian di halaman Ibu hamil.")
            else:
                layout.empty_state("Belum ada kelurahan dengan cukup ibu hamil diukur LiLA untuk dibandingkan.")

    def tindak_lanjut(self) -> None:
        year = self.s.period.year
        actions = cv.complete_actions(data.query("aksi_by_year", year=year), year)
        summary = cv.action_summary(actions)
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.markdown(f"**Aksi konvergensi {year}:** {summary['Selesai']} dari {summary['total']} selesai, "
                        f"{summary['Berjalan']} berjalan, {summary['Belum mulai']} belum mulai.")
            _table(["No", "Aksi", "Status", "OPD"], dm.aksi_rows(actions))
        with right:
            s = self.s
            perf = None
            if not layout.kind_hint("skdn", s):
                shown = self.viewer.frame(data.posyandu_performance(s).reset_index(drop=True), posyandu.COLUMNS)
                perf = dm.posyandu_needing_help(shown, {})
            kek = []
            if not layout.kind_hint("bumil", s):
                frame = cv.add_bumil_rates(data.query("bumil_by_kelurahan", period=s.period, area_id=s.area_id,
                                                      **ucv.bumil_thresholds()))
                kek = dm.kek_kelurahan(self.viewer.with_states(self.viewer.frame(frame, cv.BUMIL), cv.BUMIL),
                                       self.viewer.count_text, data.min_children_map())
            steps = dm.next_steps(self.lagging, perf, kek, actions)
            st.markdown("**Usulan pembahasan**\n\n" + "\n".join(f"- {x}" for x in steps) if steps else
                        "**Usulan pembahasan**: tidak ada yang menonjol dari data periode ini.")
            st.info(dm.COMMITMENTS_NOTE, icon="📝")


def map_figure(kel: pd.DataFrame, map_area: str, enough: pd.Series, named: tuple, highlight: str | None):
    """The Peta page's prevalence choropleth for a projector: the kelurahan in `named` carry their number in
    the list beside the map (short labels collide less than names), the kecamatan their name in large type
    (built once per data shown: called through data.shared)."""
    shapes = data.boundaries(map_area)
    layer = maps.LAYERS["prevalensi"]
    fig = maps.choropleth(kel, shapes.geojson, layer, enough=enough, outlines=shapes.outlines, highlight=highlight,
                          named=named, hidden_rows=maps.hidden(kel, layer), height=MAP_HEIGHT, width_hint=780)
    number = {r: str(i) for i, r in enumerate(named, 1)}
    points = maps.label_points(shapes.geojson, named).merge(kel[["region_id", "name"]], on="region_id")
    fig.update_traces(text=[number[r] for r in points.region_id], mode="text", textposition="middle center",
                      textfont={"family": maps.LABEL_FONT, "size": 21, "color": "#111827"},
                      selector={"name": "Nama kelurahan"})
    fig.update_traces(textfont={"size": 17}, selector={"name": "Nama kecamatan"})
    fig.update_layout(legend={"font": {"size": 14}})
    return fig


# --- the page --------------------------------------------------------------------------------------------

def _bar(number: int, s: Scope, info: dict) -> None:
    """The top line: where and when, which screen, the buttons (always on screen, never scrolled away)."""
    with st.container(key="rapat_bar"):
        c0, c1, c2, c3 = st.columns([6.2, 1.45, 1.45, 1.9], vertical_alignment="center")
        with c0:
            region = text.md(info.get("region_name") or "")
            where = s.area_name if s.area_name == region or not region else f"{region} · {s.area_name}"
            st.markdown(f"**Rapat koordinasi stunting** · {where} · {fmt.month_label(s.period)}"
                        + (f" ({s.subgroup_label})" if s.subgroup_label else "")
                        + f" · layar **{number}/{len(SCREENS)}**")
        with c1:
            st.button("◀ Sebelumnya", key="rapat_prev", on_click=go, args=(number - 1,), disabled=number <= 1,
                      use_container_width=True, help="Panah kiri atau PageUp")
        with c2:
            st.button("Berikutnya ▶", key="rapat_next", on_click=go, args=(number + 1,),
                      disabled=number >= len(SCREENS), use_container_width=True, type="primary",
                      help="Panah kanan, PageDown, atau spasi")
        with c3:
            st.button("✕ Keluar dari mode rapat", key="rapat_leave", on_click=leave, use_container_width=True)
    if info.get("synthetic"):
        with st.container(key="rapat_banner"):
            st.markdown("⚠️ " + layout.SYNTHETIC_BANNER)


def render() -> None:
    """The meeting mode (app.py, instead of the page): the bar, one screen, the keyboard listener."""
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(CSS)
    info = data.build_info()
    s = scope()
    number = current()
    _bar(number, s, info)
    key, title = SCREENS[number - 1]
    with st.container(key="rapat_screen"):
        st.markdown(f"## {title}")
        if not data.data_status().has("eppgbm"):
            layout.empty_state("Basis data belum berisi data pengukuran balita: impor data di Kelola data.")
        else:
            screens = Screens(s)
            if not screens.ov.measured:
                latest = data.data_status().latest("eppgbm")
                layout.empty_state(f"Tidak ada data pengukuran balita di {s.area_name} untuk {s.period_label}."
                                   + (f" Data terbaru: {fmt.month(latest)} (tambahkan ?periode="
                                      f"{fmt.period_key(latest)} pada alamat)." if latest else ""))
            else:
                getattr(screens, key)()
        if note := data.viewer().short_note():
            st.caption(note)
    st.html(KEYS_JS, unsafe_allow_javascript=True)
