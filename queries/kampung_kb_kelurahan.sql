-- Kelurahan of an area with their Kampung KB (Kampung Keluarga Berkualitas) mark and stunting in one month
-- (the base layer child_month: each child once, where its latest valid measurement of the month puts it;
-- stunted = HAZ < -2).
-- One row per kelurahan of the area, also without data.
-- Parameters: $period (first day of a month), $area_id.
WITH haz AS (
    SELECT kelurahan_id, haz
    FROM child_month
    WHERE period = $period AND haz IS NOT NULL
      AND kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
)
SELECT
    a.kelurahan_id AS region_id, a.name, a.kecamatan_id, a.kecamatan, r.is_kampung_kb,
    count(h.haz) AS measured,
    count(h.haz) FILTER (WHERE h.haz < -2) AS stunted
FROM area_kelurahan($area_id) AS a
JOIN regions AS r ON r.region_id = a.kelurahan_id
LEFT JOIN haz AS h ON h.kelurahan_id = a.kelurahan_id
GROUP BY ALL
ORDER BY r.is_kampung_kb DESC, a.kecamatan, a.name
