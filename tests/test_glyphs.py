"""The map-label glyphs served from static/glyphs/ decode as the MapLibre glyph protobuf and match
what scripts/make_glyphs.py writes (ids 32-126 and 160-255, SDF bitmaps of (w+6) x (h+6) bytes)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("make_glyphs", ROOT / "scripts" / "make_glyphs.py")
make_glyphs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_glyphs)


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def fields(data: bytes):
    """(field number, value) pairs of one protobuf message (varints and length-delimited only)."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            size, i = _varint(data, i)
            value, i = data[i:i + size], i + size
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        yield number, value


@pytest.mark.parametrize("stack", list(make_glyphs.STACKS))
def test_glyph_file_decodes(stack):
    data = (ROOT / "static" / "glyphs" / stack / "0-255.pbf").read_bytes()
    (number, fontstack), = list(fields(data))
    assert number == 1
    parts = list(fields(fontstack))
    assert parts[0] == (1, stack.encode()) and parts[1] == (2, b"0-255")
    glyphs = [dict(fields(g)) for n, g in parts[2:] if n == 3]
    ids = [g[1] for g in glyphs]
    assert ids == list(range(32, 127)) + list(range(160, 256))
    a = next(g for g in glyphs if g[1] == ord("A"))
    width, height = a[3], a[4]
    assert 10 <= width <= 24 and 12 <= height <= 24 and a[7] > 0
    assert len(a[2]) == (width + 6) * (height + 6)                     # buffer 3 on every side
    assert max(a[2]) > 191 > min(a[2])                                  # inside above the 0.75 edge, outside below
    space = next(g for g in glyphs if g[1] == 32)
    assert 2 not in space and space[7] > 0                              # no bitmap, but an advance
