"""Bahan rakor: one click makes the review-meeting pack (PDF and PPTX) for the kota or one kecamatan."""

import streamlit as st

from konvergensi.core import fmt, text
from konvergensi.report import rakor
from konvergensi.core import system
from konvergensi.ui import data, filters, layout

layout.page_header("Bahan rakor",
                   "Bahan rapat koordinasi dalam satu klik: sampul, indikator utama terhadap target, peta "
                   "kelurahan, tren dengan lintasan target, kelurahan tertinggal, posyandu yang perlu "
                   "perhatian, dan status aksi konvergensi.", "📄")
f = filters.filter_bar(show_subgroups=False)
layout.require("eppgbm", f)

# The pack covers the kota or one kecamatan: a selected kelurahan gives the pack of its kecamatan.
area_id = f.kecamatan_id or f.region_id
area_label = filters.regions().label(area_id)
if f.kelurahan_id:
    st.info(f"Bahan rakor dibuat untuk kota atau satu kecamatan: untuk pilihan ini, **{text.md(area_label)}**.", icon="ℹ️")

FORMATS = {"both": "PDF dan PPTX", "pdf": "PDF saja", "pptx": "PPTX saja"}
choice = filters.url_choice("Format", FORMATS, url_key="format", widget="radio")
formats = {"both": ("pdf", "pptx"), "pdf": ("pdf",), "pptx": ("pptx",)}[choice]
role = data.role()
viewer = data.viewer()
if viewer.hides:
    st.caption(f"Untuk publik: angka kurang dari {viewer.threshold} disembunyikan di seluruh bahan "
               "(tabel, peta, tren).")

key = (data.identity(), fmt.period_key(f.period), area_id, formats, role)
missing = system.meeting_pack_problem(formats)    # system packages (Pango, Chromium): one line, no traceback
if missing:
    st.error(f"Bahan rakor tidak dapat dibuat di server ini: {missing}.", icon="⚠️")
if st.button(f"📄 Buat bahan rakor {text.md(area_label)}, {f.period_label}", type="primary", key="rakor_make",
             disabled=bool(missing)):
    with st.spinner("Menyusun bahan rakor (grafik, peta, PDF, PPTX)..."):
        try:
            result = rakor.generate(data.connection(), period=f.period, area=area_id, role=role, formats=formats,
                                    config=data.config())
        except rakor.RakorError as exc:
            st.session_state.pop("rakor_result", None)
            st.error(f"Bahan rakor tidak dapat dibuat: {text.md(exc)}")
        else:
            st.session_state["rakor_result"] = {
                "key": key, "files": {k: (result.file_name(k), v) for k, v in result.files.items()},
                "seconds": result.seconds["total"], "place": result.pack.place_line}

stored = st.session_state.get("rakor_result")
if stored and stored["key"] == key:
    st.success(f"Bahan rakor {text.md(stored['place'])} siap ({fmt.number(stored['seconds'], 1)} detik).", icon="✅")
    mime = {"pdf": "application/pdf",
            "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
    columns = st.columns(len(stored["files"]) + 2)
    for column, (kind, (name, content)) in zip(columns, stored["files"].items()):
        with column:
            st.download_button(f"⬇️ Unduh {kind.upper()}", content, name, mime[kind], on_click="ignore",
                               key=f"rakor_download_{kind}")
elif stored:
    st.caption("Pilihan berubah: klik tombol di atas untuk membuat bahan rakor yang baru.")

with st.expander("ℹ️ Isi bahan rakor", expanded=False):
    st.markdown("""
1. **Sampul**: wilayah, periode data, tanggal dibuat; tanda *Data contoh (sintetis)* di setiap halaman/slide bila datanya contoh.
2. **Ringkasan**: paragraf ringkas dan tabel indikator utama: balita stunting, prevalensi (dengan IK 95% Wilson),
   perubahan dibanding bulan lalu dan sejak baseline, jarak ke target; wasting, underweight, ibu hamil KEK, D/S.
3. **Peta** prevalensi stunting per kelurahan (abu-abu = data kurang).
4. **Tren** jumlah balita stunting dengan lintasan target dan proyeksi.
5. **Kelurahan dengan prevalensi tertinggi** (hanya yang cukup balita terukur).
6. **Posyandu yang perlu perhatian** dengan alasannya.
7. **Aksi konvergensi** tahun berjalan.
8. **Definisi indikator** (pembilang, penyebut, periode).

Angka sama dengan halaman Ringkasan, Peta, Tren, Posyandu, dan Aksi (dihitung dengan fungsi yang sama).
Juga tersedia dari baris perintah: `python -m konvergensi rakor --area NAMA --period YYYY-MM`.
""")
