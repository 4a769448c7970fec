-- Monthly stunting one level below an area, for small multiples: per kecamatan of a kota, per kelurahan
-- of a kecamatan (a kelurahan has no sub-areas: one series, itself). Same counting rule as stunting_trend.
-- Parameters: $area_id, $age_group (NULL, '0-23', '24-59'), $sex (NULL, 1, 2).
WITH area_kelurahan AS (
    SELECT kel.region_id AS kelurahan_id,
           CASE
               WHEN kec.parent_id = $area_id THEN kec.region_id   -- area is the kota: group by kecamatan
               ELSE kel.region_id                                  -- area is a kecamatan or a kelurahan
           END AS subarea_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
latest_haz AS (
    SELECT arg_max(a.subarea_id, (m.measure_date, m.measurement_id)) AS subarea_id, m.period,
           arg_max(m.zlen, (m.measure_date, m.measurement_id)) AS zlen   -- the child's latest valid HAZ of the month, and where
    FROM measurements AS m
    JOIN area_kelurahan AS a ON a.kelurahan_id = m.kelurahan_id
    WHERE m.zlen IS NOT NULL AND coalesce(m.flen, 0) = 0
      AND ($sex IS NULL OR m.child_id IN (SELECT child_id FROM children WHERE sex = $sex))
      AND ($age_group IS NULL
           OR ($age_group = '0-23' AND m.age_days <= 730)
           OR ($age_group = '24-59' AND m.age_days >= 731))
    GROUP BY m.child_id, m.period
)
SELECT
    l.subarea_id,
    r.name AS subarea,
    l.period,
    count(*) AS measured,
    count(*) FILTER (WHERE l.zlen < -2) AS stunted
FROM latest_haz AS l
JOIN regions AS r ON r.region_id = l.subarea_id
GROUP BY l.subarea_id, r.name, l.period
ORDER BY r.name, l.period
