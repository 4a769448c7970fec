-- Boundary polygons (GeoJSON geometry text, WGS84) of the kelurahan of an area, with their kecamatan
-- and representative point. Parameter: $area_id (kota, kecamatan or kelurahan id).
SELECT
    a.kelurahan_id AS region_id,
    a.name,
    a.kecamatan_id,
    a.kecamatan,
    kel.point_lat,
    kel.point_lon,
    b.geometry_json,
    b.schematic,
    b.source
FROM area_kelurahan($area_id) AS a
JOIN regions AS kel ON kel.region_id = a.kelurahan_id
JOIN region_boundaries AS b ON b.region_id = a.kelurahan_id
ORDER BY a.kecamatan, a.name
