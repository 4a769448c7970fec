-- Kelurahan of an area with their Kampung KB (Kampung Keluarga Berkualitas) mark and stunting in one month
-- (each child once: latest valid length/height-for-age z in the month; stunted = HAZ < -2).
-- One row per kelurahan of the area, also without data.
-- Parameters: $period (first day of a month), $area_id.
WITH area_kelurahan AS (
    SELECT kel.region_id, kel.name, kel.parent_id AS kecamatan_id, kec.name AS kecamatan, kel.is_kampung_kb
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan'
      AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
latest_haz AS (
    SELECT kelurahan_id, zlen
    FROM measurements
    WHERE period = $period AND zlen IS NOT NULL AND coalesce(flen, 0) = 0
      AND kelurahan_id IN (SELECT region_id FROM area_kelurahan)
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1
)
SELECT
    a.region_id, a.name, a.kecamatan_id, a.kecamatan, a.is_kampung_kb,
    count(h.zlen) AS measured,
    count(h.zlen) FILTER (WHERE h.zlen < -2) AS stunted
FROM area_kelurahan AS a
LEFT JOIN latest_haz AS h ON h.kelurahan_id = a.region_id
GROUP BY ALL
ORDER BY a.is_kampung_kb DESC, a.kecamatan, a.name
