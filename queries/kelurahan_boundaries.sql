-- Boundary polygons (GeoJSON geometry text, WGS84) of the kelurahan of an area, with their kecamatan
-- and representative point. Parameter: $area_id (kota, kecamatan or kelurahan id).
SELECT
    kel.region_id,
    kel.name,
    kel.parent_id AS kecamatan_id,
    kec.name AS kecamatan,
    kel.point_lat,
    kel.point_lon,
    b.geometry_json,
    b.schematic,
    b.source
FROM regions AS kel
LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
JOIN region_boundaries AS b ON b.region_id = kel.region_id
WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
ORDER BY kec.name, kel.name
