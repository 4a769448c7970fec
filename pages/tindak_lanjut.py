"""Daftar tindak lanjut: children and pregnant women to visit, per posyandu, for petugas and admin only.

By-name data (UU 27/2022): limited to the petugas' own puskesmas/kelurahan (results are cached per
scope, so one scope's list is never served to another), and every download is written to the audit
log before the file is produced. The lists are drawn without the table toolbar (konvergensi.ui.byname):
the only way to take a whole list away is an audited download.
"""

import datetime

import streamlit as st

from konvergensi.core import export, fmt, text
from konvergensi.domain import followup
from konvergensi.ui import access, byname, data, filters, layout

# page_header first: on a fresh server's first request it hands the URL back to app.py's navigation.
layout.page_header("Daftar tindak lanjut",
                   "Anak dan ibu hamil yang perlu dikunjungi kader, per posyandu.", "📋")
role = access.require("petugas", "admin")      # publik and pimpinan stop here, whatever the URL says
st.info("Daftar ini berisi **data pribadi** (UU 27/2022). Gunakan hanya untuk kunjungan dan pelayanan; "
        "jangan dibagikan. Setiap unduhan dicatat (siapa, kapan, berapa baris).", icon="🔐")

con = data.connection()
scope = access.scope()
kelurahan_ids = None
if role == "petugas":
    from konvergensi.core import auth

    kelurahan_ids = auth.scope_kelurahan(con, scope)
    if not kelurahan_ids:
        st.warning("Wilayah kerja akun Anda belum diatur atau tidak dikenal di basis data. Hubungi admin.", icon="⚠️")
        st.stop()
    names = [filters.regions().name(k) for k in kelurahan_ids]
    st.caption(f"Wilayah kerja Anda: {len(kelurahan_ids)} kelurahan ({text.md_list(names)}).")
elif len(filters.regions().roots) > 1:
    # A province database: one kabupaten/kota's list at a time (a province-wide list of 100,000+
    # children is not a visiting list, and takes seconds to compute).
    reg = filters.regions()
    root = st.selectbox("Kabupaten/Kota", reg.roots, format_func=reg.name, key="tl_kabkota")
    kelurahan_ids = reg.kelurahan_of(root)

layout.require("eppgbm")
months = filters.periods()
month_keys = [fmt.period_key(m) for m in months]
cols = st.columns([1, 2, 2])
with cols[0]:
    key = st.selectbox("Bulan acuan", month_keys, format_func=lambda k: fmt.month(fmt.parse_period(k)), key="tl_period")
period: datetime.date = fmt.parse_period(key)

posyandu = followup.posyandu(con, kelurahan_ids)
with cols[1]:
    chosen = st.multiselect("Posyandu", posyandu.posyandu_id.tolist(), key="tl_posyandu",
                            format_func=dict(zip(posyandu.posyandu_id,
                                                 posyandu.posyandu + " (" + posyandu.kelurahan.fillna("-") + ")")).get,
                            placeholder="Semua posyandu")
with cols[2]:
    reasons = st.multiselect("Alasan", list(followup.REASON_SHORT), key="tl_reasons",
                             format_func=followup.REASON_SHORT.get, placeholder="Semua alasan")

# Cached per database file, month and scope (never across scopes): changing a filter is instant.
scope_key = tuple(kelurahan_ids) if kelurahan_ids is not None else None
kids = data.cached(followup.children, period, scope_key)
moms = data.cached(followup.mothers, period, scope_key, data.kek_muac())
if chosen:
    kids = kids[kids.posyandu_id.isin(chosen)]
    moms = moms[moms.posyandu_id.isin(chosen)]
if reasons:
    kids = kids[kids.reasons.map(lambda r: any(k in r for k in reasons))]

details = {"period": period.isoformat(), "posyandu": list(chosen), "reasons": list(reasons),
           "kelurahan": list(kelurahan_ids) if kelurahan_ids is not None else "semua"}
user = access.user()


synthetic = bool(data.build_info().get("synthetic"))


def downloads(table, kind: str, stem: str) -> None:
    """Excel and CSV of the whole list (real dates and numbers, marked when the data are synthetic); the file
    is made (after its audit line) only when clicked."""
    byname.downloads(lambda file_format: followup.export_bytes(table, file_format, user=user, role=role, kind=kind,
                                                               details=details, synthetic=synthetic),
                     export.file_stem(f"tindak_lanjut_{stem}_{fmt.period_key(period)}", synthetic), stem,
                     empty=table.empty)


tab_kids, tab_moms = st.tabs([f"👶 Anak ({fmt.number(len(kids))})", f"🤰 Ibu hamil KEK ({fmt.number(len(moms))})"])
with tab_kids:
    if kids.empty:
        layout.empty_state(f"Tidak ada anak yang perlu ditindaklanjuti per {fmt.month(period)} untuk pilihan ini.")
    else:
        st.markdown(f"**{fmt.number(len(kids))} anak** per {fmt.month(period)}. Ringkasan per posyandu:")
        st.dataframe(followup.counts_by_posyandu(kids), hide_index=True, width="stretch")
        table = followup.display_children(kids)
        byname.table(table, "tl_anak")      # no table toolbar: the list leaves only through the audited buttons
        downloads(followup.display_children(kids, typed=True), "anak", "anak")
    layout.definition_box("stunted", "severely_stunted", "wasted", "t2", title="Definisi alasan")
    st.caption("Anak masuk daftar bila diukur dalam 12 bulan terakhir dan berumur di bawah 60 bulan. Pendek/sangat "
               "pendek dan gizi kurang memakai pengukuran sah terakhir; 2T = berat tidak naik (N/T tercatat, atau "
               "berat tidak bertambah dari bulan lalu) pada bulan penimbangan terakhir dan bulan sebelumnya; belum "
               "diukur = tidak ada pengukuran bulan acuan dan bulan sebelumnya. Nama hanya tampil bila basis data "
               "menyimpan identitas; selain itu kode anak (8 karakter awal pseudonim) untuk dicocokkan di e-PPGBM.")
with tab_moms:
    if moms.empty and layout.require("bumil", stop=False):   # no ibu hamil data at all: says what to import
        layout.empty_state(f"Tidak ada ibu hamil KEK per {fmt.month(period)} untuk pilihan ini.")
    else:
        table = followup.display_mothers(moms)
        byname.table(table, "tl_ibu")
        downloads(followup.display_mothers(moms, typed=True), "ibu_hamil_kek", "ibu_hamil")
    layout.definition_box("bumil_kek", title="Definisi")
    st.caption(f"Ibu hamil dengan LiLA terakhir (3 bulan terakhir) di bawah {fmt.number(data.kek_muac(), 1)} cm.")
