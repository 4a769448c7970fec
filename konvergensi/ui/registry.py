"""Which pages exist, in which section of the navigation, and which roles may see them.

This list is the ONE place a page is registered. `app.py` turns it into `st.navigation` for the
current role; a page that is not listed here is never served (Streamlit's automatic discovery of the
`pages/` folder is not used).

Roles (lowest to highest):
- ``publik``: anyone who opens the dashboard without logging in (aggregate figures only);
- ``pimpinan``: leadership (Wali Kota, Bappeda, OPD heads);
- ``petugas``: staff of Dinas Kesehatan / Dinas P2KB / puskesmas (data entry, follow-up lists);
- ``admin``: manages users and data.

To add a page: put the script in ``pages/``, add a `PageSpec` below with its section and roles.
Icons are emoji: ``:material/...`` icons make the browser fetch a font from a CDN (an outside request).
"""

from __future__ import annotations

from dataclasses import dataclass

from konvergensi.core import paths

ROLES: tuple[str, ...] = ("publik", "pimpinan", "petugas", "admin")
ALL_ROLES = ROLES
STAFF_ROLES: tuple[str, ...] = ("petugas", "admin")

# Order of sections in the sidebar.
SECTIONS: tuple[str, ...] = ("Ringkasan", "Konvergensi", "Data", "Tindak lanjut", "Pengaturan")


@dataclass(frozen=True)
class PageSpec:
    path: str                 # script path relative to the project root, e.g. "pages/peta.py"
    title: str                # shown in the navigation and the browser tab (Bahasa Indonesia)
    icon: str                 # an emoji, never ":material/..."
    section: str              # one of SECTIONS
    roles: tuple[str, ...] = ALL_ROLES
    default: bool = False     # the page served at "/"

    @property
    def url_path(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")

    def visible_to(self, role: str) -> bool:
        return role in self.roles


PAGES: list[PageSpec] = [
    PageSpec("pages/ringkasan.py", "Ringkasan", "📊", "Ringkasan", default=True),
    PageSpec("pages/peta.py", "Peta", "🗺️", "Ringkasan"),
    PageSpec("pages/tren.py", "Tren", "📈", "Ringkasan"),
    PageSpec("pages/posyandu.py", "Posyandu", "🏥", "Konvergensi"),
    PageSpec("pages/aksi.py", "Aksi konvergensi", "✅", "Konvergensi"),
    PageSpec("pages/scorecard.py", "Scorecard kelurahan", "🧮", "Konvergensi"),
    PageSpec("pages/ibu_hamil.py", "Ibu hamil", "🤰", "Konvergensi"),
    PageSpec("pages/keluarga_berisiko.py", "Keluarga berisiko", "🏠", "Konvergensi"),
    PageSpec("pages/kampung_kb.py", "Kampung KB", "🏘️", "Konvergensi"),
    PageSpec("pages/kualitas_data.py", "Kualitas data", "🔎", "Data", roles=("pimpinan", "petugas", "admin")),
    PageSpec("pages/kelola_data.py", "Kelola data", "📥", "Data", roles=("admin",)),
    PageSpec("pages/rakor.py", "Bahan rakor", "📄", "Tindak lanjut"),
    PageSpec("pages/tindak_lanjut.py", "Daftar tindak lanjut", "📋", "Tindak lanjut", roles=STAFF_ROLES),
    PageSpec("pages/masuk.py", "Masuk / keluar", "🔑", "Pengaturan"),
    PageSpec("pages/pengguna.py", "Pengguna", "👥", "Pengaturan", roles=("admin",)),
]


def pages_for(role: str, pages: list[PageSpec] | None = None) -> dict[str, list[PageSpec]]:
    """The pages a role may see, grouped by section in SECTIONS order (empty sections left out)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    pages = PAGES if pages is None else pages
    order = {name: i for i, name in enumerate(SECTIONS)}
    grouped: dict[str, list[PageSpec]] = {}
    for spec in sorted(pages, key=lambda p: order.get(p.section, len(order))):
        if spec.visible_to(role) and (paths.ROOT / spec.path).exists():
            grouped.setdefault(spec.section, []).append(spec)
    return grouped


def navigation(role: str = "publik", position: str = "sidebar"):
    """`st.navigation` for a role: call `.run()` on the result in app.py. position="hidden" for the meeting
    mode (konvergensi/ui/meeting.py): the pages stay registered, nothing is drawn in the sidebar."""
    import streamlit as st

    grouped = pages_for(role)
    sections = {
        section: [
            st.Page(str(paths.ROOT / spec.path), title=spec.title, icon=spec.icon,
                    url_path=spec.url_path, default=spec.default)
            for spec in specs
        ]
        for section, specs in grouped.items()
    }
    # expanded: every page of the role is listed (collapsed, Streamlit hid pages behind an English "View N more",
    # and staff did not find Daftar tindak lanjut)
    return st.navigation(sections, position=position, expanded=True)
