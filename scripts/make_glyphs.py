"""Make the map-label glyphs served from static/glyphs/ so kecamatan names draw with no internet.

Plotly's MapLibre maps (`choroplethmap`, `scattermap`) draw text with signed-distance-field glyph
files (`{fontstack}/{range}.pbf`) fetched from fonts.openmaptiles.org by default: offline, labels
would be missing (and the browser would try an outside request). konvergensi.figures.maps points the map
style's `glyphs` at /app/static/glyphs/ instead, and this script writes the files there:

    .venv/bin/python scripts/make_glyphs.py          # writes static/glyphs/<stack>/0-255.pbf

Glyphs are rendered from Debian's DejaVu Sans (Bold) with Pillow at MapLibre's glyph size (24 px,
3 px buffer, SDF radius 8, cutoff 0.25, like TinySDF), for code points 32-255 (enough for kecamatan
and kelurahan names), and stored under the font-stack names plotly asks for (it only accepts the
names in its own font list). The protobuf (glyphs.proto of the Mapbox/MapLibre glyph spec) is written
by hand: it has three small messages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "glyphs"
SIZE, BUFFER, RADIUS, CUTOFF = 24, 3, 8.0, 0.25
STACKS = {  # font-stack name plotly requests -> TrueType file used
    "Open Sans Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "Open Sans Regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, wire: int) -> bytes:
    return _varint((number << 3) | wire)


def _uint(number: int, value: int) -> bytes:
    return _field(number, 0) + _varint(value)


def _sint(number: int, value: int) -> bytes:
    return _field(number, 0) + _varint((value << 1) ^ (value >> 63))   # zigzag


def _bytes(number: int, data: bytes) -> bytes:
    return _field(number, 2) + _varint(len(data)) + data


def sdf(coverage: np.ndarray) -> np.ndarray:
    """Signed distance field (uint8, TinySDF encoding) of an anti-aliased coverage mask (0..1)."""
    h, w = coverage.shape
    inside = coverage > 0.5
    ys, xs = np.mgrid[0:h, 0:w]
    pts = np.stack([ys.ravel(), xs.ravel()], axis=1).astype(float)
    dist = np.zeros(h * w)
    ins, outs = pts[inside.ravel()], pts[~inside.ravel()]
    if len(ins) == 0:
        return np.zeros((h, w), dtype=np.uint8)
    # distance from each outside pixel to the nearest inside pixel, and the other way round
    d_out = np.sqrt(((outs[:, None, :] - ins[None, :, :]) ** 2).sum(-1)).min(1) - 0.5
    d_in = np.sqrt(((ins[:, None, :] - outs[None, :, :]) ** 2).sum(-1)).min(1) - 0.5 if len(outs) else np.full(len(ins), RADIUS)
    dist[~inside.ravel()] = d_out
    dist[inside.ravel()] = -d_in
    # sub-pixel correction from the anti-aliased coverage at the edge
    edge = (coverage.ravel() > 0) & (coverage.ravel() < 1)
    dist[edge] = np.clip(dist[edge], -1, 1) * 0.5 + (0.5 - coverage.ravel()[edge]) * 0.5
    value = 255 - 255 * (dist / RADIUS + CUTOFF)
    return np.clip(np.round(value), 0, 255).astype(np.uint8).reshape(h, w)


def glyph(font: ImageFont.FreeTypeFont, code: int) -> bytes:
    ch = chr(code)
    advance = int(round(font.getlength(ch)))
    x0, y0, x1, y1 = font.getbbox(ch, anchor="ls")        # relative to the baseline (y up is negative)
    width, height = max(0, x1 - x0), max(0, y1 - y0)
    out = _uint(1, code)
    if width and height:
        image = Image.new("L", (width + 2 * BUFFER, height + 2 * BUFFER), 0)
        ImageDraw.Draw(image).text((BUFFER - x0, BUFFER - y0), ch, font=font, fill=255, anchor="ls")
        out += _bytes(2, sdf(np.asarray(image, dtype=float) / 255).tobytes())
    out += _uint(3, width) + _uint(4, height) + _sint(5, x0) + _sint(6, -y0) + _uint(7, advance)
    return out


def stack(name: str, ttf: str, start: int = 0, end: int = 255) -> bytes:
    font = ImageFont.truetype(ttf, SIZE)
    body = _bytes(1, name.encode()) + _bytes(2, f"{start}-{end}".encode())
    for code in range(max(start, 32), end + 1):
        if 127 <= code < 160:
            continue
        body += _bytes(3, glyph(font, code))
    return _bytes(1, body)


def main() -> int:
    for name, ttf in STACKS.items():
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        data = stack(name, ttf)
        (folder / "0-255.pbf").write_bytes(data)
        print(f"{folder / '0-255.pbf'}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
