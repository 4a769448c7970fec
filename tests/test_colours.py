"""Colours a colour-blind reader can tell apart (issue 17: pastel green/red tables, a red-green heat map and
green/orange Aksi were not). Colours are compared in CIELAB (delta E 1976) as a person with normal vision,
deuteranopia and protanopia sees them (Machado, Oliveira & Fernandes 2009, severity 1, on linear RGB)."""

import itertools

import numpy as np
import pytest

from konvergensi.figures import convergence_charts, maps, tables

DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])
VISION = {"normal": None, "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}
MIN_DELTA_E = 20   # categories side by side (about twice a 'clearly different' 10)


def lab(colour: str, simulate=None) -> np.ndarray:
    h = colour.lstrip("#")
    c = np.array([int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    if simulate is not None:
        linear = np.clip(simulate @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, simulate=None) -> float:
    return float(np.linalg.norm(lab(a, simulate) - lab(b, simulate)))


def test_the_simulation_says_what_was_wrong_before():
    """The old pastel green/red of the tables and the old red-green scorecard scale: hard to tell apart."""
    assert delta_e("#d9f2e3", "#fcd5cf", DEUTERANOPIA) < 10           # old GOOD vs POOR
    assert delta_e("#b91c1c", "#15803d") > 100 and delta_e("#b91c1c", "#15803d", PROTANOPIA) < MIN_DELTA_E


@pytest.mark.parametrize("vision", sorted(VISION))
@pytest.mark.parametrize("palette, colours", [
    ("tables GOOD/FAIR/POOR", (tables.GOOD, tables.FAIR, tables.POOR)),
    ("Aksi status", tuple(convergence_charts.STATUS_COLOURS.values())),
    ("series", tuple(convergence_charts.SERIES_COLOURS)),
    ("map: data kurang / hidden", (maps.INSUFFICIENT_COLOUR, maps.HIDDEN_COLOUR)),
])
def test_categories_stay_apart(palette, colours, vision):
    for a, b in itertools.combinations(colours, 2):
        assert delta_e(a, b, VISION[vision]) >= MIN_DELTA_E, (palette, a, b, vision)


@pytest.mark.parametrize("vision", sorted(VISION))
@pytest.mark.parametrize("name", ["SCALE_BAD_HIGH", "SCALE_GOOD_HIGH", "SCALE_COVERAGE"])
def test_sequential_scales_read_by_lightness_alone(name, vision):
    """A sequential scale's lightness (L*) changes the same way along it, so its order reads without hue."""
    lightness = [lab(c, VISION[vision])[0] for c in getattr(maps, name)]
    steps = np.diff(lightness)
    assert (steps < -3).all() or (steps > 3).all(), (name, vision, lightness)


@pytest.mark.parametrize("vision", sorted(VISION))
def test_the_diverging_scale_keeps_its_two_ends_apart(vision):
    low, _, high = (c for _, c in maps.SCALE_CHANGE)
    assert delta_e(low, high, VISION[vision]) >= 40
