"""Schematic kelurahan boundaries for the demo: Voronoi cells around each kelurahan's point.

Not real boundaries. Each kelurahan gets the part of the plane nearer to its representative point
(`point_lat`, `point_lon` of the regions table) than to any other kelurahan's point, cut to the
convex hull of all points widened by about 1.3 km. The cells tile the area without overlaps or
gaps; for Kota Kupang every kecamatan comes out as one contiguous piece (tested). The rows are
marked `schematic = TRUE, source = 'schematic'` and are replaced when official boundaries are
imported (`python -m konvergensi import-boundaries`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

MARGIN_DEG = 0.012      # about 1.3 km around the outermost points
DECIMALS = 6            # GeoJSON coordinates rounded to about 0.1 m: shared edges stay identical


def voronoi_cells(lon: np.ndarray, lat: np.ndarray, margin: float = MARGIN_DEG) -> list:
    """One polygon per point (same order): its Voronoi cell cut to the widened convex hull."""
    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    multi = shapely.multipoints(points)
    envelope = shapely.convex_hull(multi).buffer(margin, quad_segs=4)
    cells = list(shapely.get_parts(shapely.voronoi_polygons(multi, extend_to=envelope)))
    out = [None] * len(points)
    tree = shapely.STRtree(points)
    for cell in cells:
        for i in tree.query(cell, predicate="contains"):
            out[int(i)] = shapely.intersection(cell, envelope)
    missing = [i for i, c in enumerate(out) if c is None]
    if missing:  # two kelurahan at the same point: no cell of their own
        raise ValueError(f"titik kelurahan ganda, tidak bisa dibuat sel skematis (baris {missing})")
    return [shapely.set_precision(c, 10.0**-DECIMALS) for c in out]


def schematic_boundaries(kelurahan: pd.DataFrame) -> pd.DataFrame:
    """Rows of `region_boundaries` for the kelurahan rows of `regions` (region_id, point_lat,
    point_lon): one schematic cell per kelurahan (kecamatan are drawn as the union of theirs)."""
    lon = pd.to_numeric(kelurahan["point_lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(kelurahan["point_lat"], errors="coerce").to_numpy(dtype=float)
    if len(lon) < 2 or np.isnan(lon).any() or np.isnan(lat).any():
        geoms, ids = [], []   # no point for some kelurahan: no schematic map (official boundaries can be imported)
    else:
        geoms = voronoi_cells(lon, lat)
        ids = list(kelurahan["region_id"])
    return pd.DataFrame({
        "region_id": pd.array(ids, dtype="string"),
        "geometry_json": pd.array([shapely.to_geojson(g, indent=None) for g in geoms], dtype="string"),
        "schematic": np.ones(len(ids), dtype=bool),
        "source": pd.array(["schematic"] * len(ids), dtype="string"),
    })
