"""Shared Streamlit pieces (the only place in konvergensi that imports streamlit)."""
