"""Dasbor Konvergensi Stunting: entry point. Run with `streamlit run app.py`.

Pages are registered explicitly in konvergensi/ui/registry.py (sections and roles); this script only
sets the page up, checks the database and runs the page the user asked for.
"""

import duckdb
import streamlit as st

from konvergensi import db
from konvergensi.ui import data, layout, registry

st.set_page_config(page_title="Dasbor Konvergensi Stunting", page_icon="📊", layout="wide")

problem = data.check()
if problem:
    # One catch-all page, so every URL (/, /peta, ...) shows the same friendly message.
    st.navigation([st.Page(lambda: layout.database_missing_page(problem), title="Basis data", icon="🛑",
                           url_path="basis-data", default=True)], position="hidden").run()
    st.stop()

role = st.session_state.get("role", "publik")   # the login page (later) sets this
page = registry.navigation(role)
try:
    page.run()
except (db.DatabaseMissing, duckdb.Error) as exc:   # file swapped for a broken one mid-session
    layout.database_missing_page(str(exc))
