"""Aksi konvergensi: the 8 convergence actions of a year (status, date, output, OPD), a timeline, and
an edit form for petugas/admin (who and when recorded; written atomically; audit line)."""

import datetime

import pandas as pd
import streamlit as st

from konvergensi.domain import convergence as cv
from konvergensi.store import db
from konvergensi.core import fmt, text
from konvergensi.figures import convergence_charts as charts
from konvergensi.figures import tables
from konvergensi.ui import data, filters, layout
from konvergensi.ui import convergence as ucv

info = layout.page_header("Aksi konvergensi",
                          "Delapan aksi konvergensi penurunan stunting tingkat kabupaten/kota: status, "
                          "output/bukti, dan OPD penanggung jawab.", "✅")

layout.require("aksi", stop=False)     # the 8 aksi are listed (Belum mulai) and staff can record them here
years = [int(y) for y in data.query("aksi_years").year]
data_end = info.get("data_end")
default_year = years[0] if years else \
    (pd.Timestamp(data_end).year if not fmt.is_missing(data_end) else datetime.date.today().year)
role = data.role()
# staff may start recording the next year (and the current calendar year) before it has any row
extra = {max(years + [default_year]) + 1, datetime.date.today().year} if cv.can_edit_aksi(role) else set()
options = sorted(set(years) | {default_year} | extra, reverse=True)
year = int(filters.url_choice("Tahun", {str(y): str(y) for y in options}, url_key="tahun",
                              default=str(default_year), widget="select"))

frame = cv.complete_actions(data.query("aksi_by_year", year=year), year)
summary = cv.action_summary(frame)

flash = st.session_state.pop("aksi_flash", None)
if flash:
    st.success(flash, icon="✅")

c1, c2, c3, c4 = st.columns(4)
with c1:
    layout.kpi("Aksi selesai", f"{summary['Selesai']} dari {summary['total']}",
               help=f"Aksi tahun {year} yang berstatus Selesai.")
with c2:
    layout.kpi("Sedang berjalan", fmt.number(summary["Berjalan"]))
with c3:
    layout.kpi("Belum mulai", fmt.number(summary["Belum mulai"]),
               help="Termasuk aksi yang belum dicatat sama sekali untuk tahun ini.")
with c4:
    layout.kpi("Persen selesai", fmt.percent(summary["done_share"], 0))
last = frame["updated_at"].dropna().max() if frame["updated_at"].notna().any() else None
if last is not None:
    st.caption(f"Terakhir diperbarui {fmt.date(last)}.")

st.subheader(f"Linimasa aksi {year}")
st.plotly_chart(charts.aksi_timeline(cv.timeline_frame(frame, year), year), theme=None,
                config={"displayModeBar": False}, key="aksi_timeline")
st.caption("Batang: dari awal tahun sampai tanggal selesai (biru) atau sampai hari ini untuk aksi yang "
           "sedang berjalan (jingga); belah ketupat = tanggal selesai; garis titik-titik = hari ini.")

st.subheader("Status, output, dan penanggung jawab")
shown = frame.assign(
    status_text=[s if rec else f"{s} (belum dicatat)" for s, rec in zip(frame["status"], frame["recorded"])],
    done_text=[fmt.date(d) for d in frame["done_date"]],
    updated_text=[fmt.date(d) for d in frame["updated_at"]],
)
columns = {"aksi_no": ("No", "text"), "name": ("Aksi", "text"), "status_text": ("Status", "text"),
           "done_text": ("Tanggal selesai", "text"), "output_note": ("Output/bukti", "text"),
           "opd": ("OPD penanggung jawab", "text")}
if role != "publik":
    columns |= {"updated_by": ("Diubah oleh", "text"), "updated_text": ("Diubah pada", "text")}
ucv.table(shown, columns, colours={"status_text": lambda v: "background-color: " + {
    "Selesai": tables.GOOD, "Berjalan": tables.FAIR}.get(str(v).split(" (")[0], "#f3f4f6")}, key="aksi_table")

with st.expander("ℹ️ Tentang aksi konvergensi"):
    st.markdown(
        "- **Delapan aksi** (Kemendagri/Bappenas): 1 Analisis situasi; 2 Rencana kegiatan; 3 Rembuk stunting; "
        "4 Peraturan bupati/wali kota tentang peran desa/kelurahan; 5 Pembinaan kader pembangunan manusia "
        "(KPM); 6 Sistem manajemen data; 7 Pengukuran dan publikasi data stunting; 8 Reviu kinerja tahunan.\n"
        f"- **Aksi selesai** = aksi berstatus *Selesai* dibagi 8 aksi, untuk tahun {year}.\n"
        "- Status: *Belum mulai*, *Berjalan*, *Selesai*. Aksi *Selesai* wajib punya tanggal selesai dan "
        "output/bukti (mis. nomor dokumen). Setiap perubahan mencatat siapa dan kapan.\n"
        "- Sumber: isian Bappeda/OPD di dasbor ini atau lembar kerja aksi yang diimpor.")

st.subheader("Perbarui aksi")
if not cv.can_edit_aksi(role):
    st.info("Hanya **petugas** dan **admin** yang dapat memperbarui status aksi. "
            "Masuk lewat halaman *Masuk / keluar*.", icon="🔒")
    st.stop()

user = st.session_state.get("user")
no = st.selectbox("Aksi yang diperbarui", list(cv.AKSI_NAMES), key=f"aksi_pick_{year}",
                  format_func=lambda n: f"{n}. {cv.AKSI_NAMES[n]}")
row = frame.set_index("aksi_no").loc[no]
first_day, last_day = datetime.date(year, 1, 1), datetime.date(year + 1, 12, 31)
current_date = None if fmt.is_missing(row["done_date"]) else pd.Timestamp(row["done_date"]).date()
if current_date is not None and not first_day <= current_date <= last_day:
    current_date = None   # an imported date outside the editable range: the widget would refuse it
with st.form(f"aksi_form_{year}_{no}"):
    status = st.radio("Status", list(cv.STATUSES), index=list(cv.STATUSES).index(row["status"]),
                      horizontal=True, key=f"aksi_status_{year}_{no}")
    done_date = st.date_input("Tanggal selesai (hanya untuk status Selesai)", value=current_date,
                              format="DD/MM/YYYY", key=f"aksi_date_{year}_{no}",
                              min_value=first_day, max_value=last_day)
    note = st.text_area("Output/bukti", value="" if fmt.is_missing(row["output_note"]) else row["output_note"],
                        max_chars=cv.MAX_NOTE, key=f"aksi_note_{year}_{no}")
    opd = st.text_input("OPD penanggung jawab", value="" if fmt.is_missing(row["opd"]) else row["opd"],
                        max_chars=cv.MAX_OPD, key=f"aksi_opd_{year}_{no}")
    submitted = st.form_submit_button("Simpan perubahan", type="primary")
st.caption(f"Perubahan dicatat atas nama **{user or '(tidak diketahui)'}** dengan waktu penyimpanan.")

if submitted:
    edit = cv.AksiEdit(year, no, status, done_date, note, opd)
    try:
        saved = cv.save_aksi_edit(db.db_path(), edit, user, role=role)   # audited inside the same write
    except cv.AksiEditError as exc:
        st.error("**Perubahan belum disimpan.**\n\n" + "\n".join(f"- {text.md(m)}" for m in exc.messages), icon="🛑")
    else:
        if not saved["changed"]:
            st.info("Tidak ada yang berubah; basis data tidak diubah.")
        else:
            message = f"Aksi {no} tahun {year} disimpan: {saved['status']}."
            st.session_state["aksi_flash"] = message
            st.rerun()
