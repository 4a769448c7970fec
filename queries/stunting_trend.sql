-- Monthly stunting in an area: children measured (valid length/height-for-age z, latest measurement per
-- child in the month), stunted (HAZ < -2) and severely stunted (HAZ < -3), for every month with data.
-- Parameters: $area_id (kota, kecamatan or kelurahan id), $age_group (NULL, '0-23', '24-59'), $sex (NULL, 1, 2).
WITH area_kelurahan AS (
    SELECT kel.region_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
latest_haz AS (
    SELECT m.period, arg_max(m.zlen, (m.measure_date, m.measurement_id)) AS zlen   -- the child's latest valid HAZ of the month
    FROM measurements AS m
    WHERE m.kelurahan_id IN (SELECT region_id FROM area_kelurahan)
      AND m.zlen IS NOT NULL AND coalesce(m.flen, 0) = 0
      AND ($sex IS NULL OR m.child_id IN (SELECT child_id FROM children WHERE sex = $sex))
      AND ($age_group IS NULL
           OR ($age_group = '0-23' AND m.age_days <= 730)
           OR ($age_group = '24-59' AND m.age_days >= 731))
    GROUP BY m.child_id, m.period
)
SELECT
    period,
    count(*) AS measured,
    count(*) FILTER (WHERE zlen < -2) AS stunted,
    count(*) FILTER (WHERE zlen < -3) AS severely_stunted
FROM latest_haz
GROUP BY period
ORDER BY period
