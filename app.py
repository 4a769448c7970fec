"""Dasbor Konvergensi Stunting: entry point. Run with `streamlit run app.py`.

Pages are registered explicitly in konvergensi/ui/registry.py (sections and roles); this script only
sets the page up, checks the database and runs the page the user asked for.
"""

import duckdb
import streamlit as st

from konvergensi.core import config as kconfig
from konvergensi.store import db, write
from konvergensi.ui import access, data, layout, meeting, registry, selfwarm

st.set_page_config(page_title="Dasbor Konvergensi Stunting", page_icon="📊", layout="wide")


@st.cache_resource(show_spinner=False)
def clean_leftovers(path: str) -> int:
    """Once per process and database file: temporary copies (and their .wal) of a build or import that
    was killed are removed, unless a writer is running now (konvergensi.store.write.clean_leftovers)."""
    return len(write.clean_leftovers(path))


try:
    clean_leftovers(str(db.db_path()))
except kconfig.ConfigError:   # said by the database check below
    pass

problem = data.check()
if problem:
    # One catch-all page, so every URL (/, /peta, ...) shows the same friendly message; server paths
    # only to an admin still logged in (the public sees relative paths and file names).
    details = access.current_role() == "admin"
    st.navigation([st.Page(lambda: layout.database_missing_page(problem, details=details), title="Basis data", icon="🛑",
                           url_path="basis-data", default=True)], position="hidden").run()
    st.stop()

# First run of this process or of a newly built/imported database file: warm every public page in the
# background (konvergensi/ui/selfwarm.py), so the next visitors find the queries answered.
selfwarm.ensure(data.identity())

# The role comes from the login page (session state), re-checked against the users file on every run:
# a removed or changed account takes effect at once. URL parameters never set it.
role = access.current_role()
# ?mode=rapat: the meeting mode (konvergensi/ui/meeting.py) instead of the page, no sidebar or navigation
rapat = meeting.requested()
page = registry.navigation(role, position="hidden" if rapat else "sidebar")
if not rapat:
    access.sidebar_status()
    meeting.entry_button()
try:
    if rapat:
        meeting.render()
    else:
        page.run()
except (db.DatabaseMissing, duckdb.Error) as exc:   # file swapped for a broken one mid-session
    layout.database_missing_page(str(exc), details=role == "admin")
