"""Dasbor Konvergensi Stunting: the importable core (no Streamlit outside konvergensi.ui)."""

__version__ = "0.1.0"
