"""Dasbor Konvergensi Stunting: entry point. Run with `streamlit run app.py`.

Pages are registered explicitly in konvergensi/ui/registry.py (sections and roles); this script only
sets the page up, checks the database and runs the page the user asked for.
"""

import duckdb
import streamlit as st

from konvergensi.store import db
from konvergensi.ui import access, data, layout, registry, selfwarm

st.set_page_config(page_title="Dasbor Konvergensi Stunting", page_icon="📊", layout="wide")

problem = data.check()
if problem:
    # One catch-all page, so every URL (/, /peta, ...) shows the same friendly message.
    st.navigation([st.Page(lambda: layout.database_missing_page(problem), title="Basis data", icon="🛑",
                           url_path="basis-data", default=True)], position="hidden").run()
    st.stop()

# First run of this process or of a newly built/imported database file: warm every public page in the
# background (konvergensi/ui/selfwarm.py), so the next visitors find the queries answered.
selfwarm.ensure(data.identity())

# The role comes from the login page (session state), re-checked against the users file on every run:
# a removed or changed account takes effect at once. URL parameters never set it.
role = access.current_role()
page = registry.navigation(role)
access.sidebar_status()
try:
    page.run()
except (db.DatabaseMissing, duckdb.Error) as exc:   # file swapped for a broken one mid-session
    layout.database_missing_page(str(exc))
