-- Monthly stunting in an area, split into Kampung KB kelurahan and the other kelurahan (each child once
-- per month: latest valid length/height-for-age z; stunted = HAZ < -2). Counts, not rates: the caller
-- recomputes prevalence from summed counts.
-- Parameters: $area_id.
WITH area_kelurahan AS (
    SELECT kel.region_id, kel.is_kampung_kb
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
latest_haz AS (
    SELECT m.period, arg_max(m.kelurahan_id, (m.measure_date, m.measurement_id)) AS kelurahan_id,
           arg_max(m.zlen, (m.measure_date, m.measurement_id)) AS zlen   -- the child's latest valid HAZ of the month, and where
    FROM measurements AS m
    WHERE m.kelurahan_id IN (SELECT region_id FROM area_kelurahan)
      AND m.zlen IS NOT NULL AND coalesce(m.flen, 0) = 0
    GROUP BY m.child_id, m.period
)
SELECT
    h.period,
    a.is_kampung_kb,
    count(DISTINCT h.kelurahan_id) AS kelurahan,
    count(*) AS measured,
    count(*) FILTER (WHERE h.zlen < -2) AS stunted
FROM latest_haz AS h
JOIN area_kelurahan AS a ON a.region_id = h.kelurahan_id
GROUP BY h.period, a.is_kampung_kb
ORDER BY h.period, a.is_kampung_kb DESC
