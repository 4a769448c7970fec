"""The system packages the meeting pack (bahan rakor) needs, checked in one place.

The dashboard itself needs nothing outside the Python packages. The meeting pack needs two things pip
cannot install:

- WeasyPrint (the PDF) loads Pango and friends with dlopen when it is imported
  (weasyprint/text/ffi.py: gobject-2.0, pango-1.0, harfbuzz, fontconfig, pangoft2-1.0); without them
  the import fails with a traceback;
- Kaleido (the map and trend figures of both the PDF and the PPTX) drives a Chromium-based browser.

`meeting_pack_problem()` says in one Indonesian line which Debian packages to install, or None when
everything is there. `build` calls it before any work (opt-out: `build --skip-system-check`, for a
server that never makes meeting packs), and so do `rakor` and the Bahan rakor page, which then show the
line instead of a traceback. The check is cheap: a library lookup (ctypes) and a browser lookup on PATH,
no import of WeasyPrint and no browser started.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

# (library as ctypes.util.find_library names it, file names WeasyPrint 70 tries): what weasyprint/text/ffi.py
# dlopens without allow_fail. Debian: libpango-1.0-0 and libpangoft2-1.0-0 bring the others as dependencies.
WEASYPRINT_LIBRARIES = (
    ("gobject-2.0", ("libgobject-2.0.so.0", "libgobject-2.0.0.dylib")),
    ("pango-1.0", ("libpango-1.0.so.0", "libpango-1.0.dylib")),
    ("harfbuzz", ("libharfbuzz.so.0", "libharfbuzz.0.dylib")),
    ("fontconfig", ("libfontconfig.so.1", "libfontconfig.1.dylib")),
    ("pangoft2-1.0", ("libpangoft2-1.0.so.0", "libpangoft2-1.0.dylib")),
)
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")
FONT_PACKAGE = "fonts-dejavu-core"        # the pack's typeface (DejaVu Sans); fontconfig falls back without it
BROWSER_PACKAGE = "chromium"
# everything the meeting pack needs, in the order an install command names them
PACKAGES = (*PANGO_PACKAGES, FONT_PACKAGE, BROWSER_PACKAGE)
FONT_FILES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
              Path("/usr/share/fonts/TTF/DejaVuSans.ttf"), Path("/usr/local/share/fonts/DejaVuSans.ttf"))
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_SCRIPT = "bash scripts/install-system-packages.sh --rakor"
SKIP_FLAG = "--skip-system-check"

_all_present = False    # once everything was found it stays found: later calls cost nothing


def _library_found(short_name: str, file_names: tuple[str, ...]) -> bool:
    """True when the dynamic loader can find the library (the ldconfig cache, else a dlopen of the names
    WeasyPrint tries, which also honours LD_LIBRARY_PATH)."""
    if ctypes.util.find_library(short_name):
        return True
    for name in file_names:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def _browser_found() -> bool:
    """True when Kaleido will find a browser: the one choreographer (Kaleido's driver) would pick, which
    honours $BROWSER_PATH and a browser fetched with `kaleido.get_chrome()`, else one on PATH."""
    try:
        from choreographer.browsers.chromium import Chromium

        return bool(Chromium.find_browser(skip_local=False))
    except ImportError:
        import shutil

        return bool(os.environ.get("BROWSER_PATH")) or any(shutil.which(n) for n in BROWSER_NAMES)


def _font_found() -> bool:
    return any(p.is_file() for p in FONT_FILES)


def missing_packages(formats=("pdf", "pptx")) -> list[str]:
    """Debian packages to install before the meeting pack in these formats can be made ([] when none).
    The PDF needs Pango (WeasyPrint) and the browser (figures); the PPTX only the browser."""
    global _all_present
    if _all_present:
        return []
    missing: list[str] = []
    if "pdf" in formats and not all(_library_found(short, names) for short, names in WEASYPRINT_LIBRARIES):
        missing += PANGO_PACKAGES
        if not _font_found():
            missing.append(FONT_PACKAGE)
    if not _browser_found():
        missing.append(BROWSER_PACKAGE)
    if not missing and set(formats) >= {"pdf", "pptx"}:
        _all_present = True
    return missing


def meeting_pack_problem(formats=("pdf", "pptx"), *, skip_hint: bool = False) -> str | None:
    """One Indonesian line saying which system packages the meeting pack lacks and how to install them,
    or None when nothing is missing. skip_hint: also name `build --skip-system-check` (for `build`)."""
    missing = missing_packages(formats)
    if not missing:
        return None
    what = []
    if any(p in missing for p in PANGO_PACKAGES):
        what.append("pustaka Pango untuk PDF")
    if BROWSER_PACKAGE in missing:
        what.append("peramban Chromium untuk grafik")
    line = (f"bahan rakor memerlukan paket sistem yang belum terpasang ({' dan '.join(what)}); pasang dengan "
            f"`sudo apt-get install -y {' '.join(missing)}` (Debian) atau `{INSTALL_SCRIPT}`")
    if skip_hint:
        line += f"; server yang tidak membuat bahan rakor: `build {SKIP_FLAG}`"
    return line
