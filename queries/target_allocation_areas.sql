-- The areas of a kabupaten/kota whose count target the admin sees and sets (Kelola data > Target wilayah):
-- the kabupaten/kota itself, its kecamatan and its kelurahan, with each kelurahan's kecamatan; the city first,
-- then each kecamatan, then the kelurahan by kecamatan and name. Parameter: $area_id (the kabupaten/kota).
SELECT r.region_id, r.name, r.level, r.parent_id,
       CASE WHEN r.level = 'kelurahan' THEN p.name END AS kecamatan
FROM regions AS r
LEFT JOIN regions AS p ON p.region_id = r.parent_id
WHERE r.region_id = $area_id
   OR r.region_id IN (SELECT kecamatan_id FROM area_kelurahan($area_id))
   OR r.region_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
ORDER BY CASE r.level WHEN 'kabkota' THEN 0 WHEN 'kecamatan' THEN 1 ELSE 2 END,
         CASE WHEN r.level = 'kelurahan' THEN p.name END, r.name
