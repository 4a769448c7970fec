#!/usr/bin/env bash
# Debian packages outside pip, installed with apt-get only when missing.
#   bash scripts/install-system-packages.sh          what the test suite needs: the meeting pack's packages
#                                                    plus poppler-utils (pdftoppm) for the meeting-pack tests
#   bash scripts/install-system-packages.sh --rakor  only what the meeting pack (bahan rakor) needs:
#                                                    Pango for WeasyPrint's PDF, the DejaVu font, and Chromium
#                                                    for Kaleido's figures (the real-browser tests use it too,
#                                                    driven by Playwright's Python package, never a download)
# konvergensi/system.py names the same packages; `python -m konvergensi build` checks them.
set -euo pipefail
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
need=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
  installed "$pkg" || need+=("$pkg")
done
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ "${1:-}" != "--rakor" ]; then
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-system-packages: installing ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
