-- The area hierarchy for the filter bar: kabupaten/kota, its kecamatan and kelurahan, in display order.
SELECT
    region_id,
    level,
    name,
    parent_id
FROM regions
ORDER BY
    CASE level WHEN 'kabkota' THEN 0 WHEN 'kecamatan' THEN 1 ELSE 2 END,
    name
