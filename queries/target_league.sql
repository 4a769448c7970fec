-- The league table's counts: per kecamatan of a kabupaten/kota (per kelurahan of a kecamatan, or the kelurahan
-- itself), or per kelurahan when $by_kelurahan, the children measured (valid TB/U) and found stunted (z < -2)
-- in the month: the map's numbers (child_month), for all children (targets are set for all children of an area).
-- Parameters: $area_id, $period (first day of the month), $by_kelurahan (BOOLEAN).
WITH area AS (
    SELECT kelurahan_id, CASE WHEN $by_kelurahan THEN kelurahan_id ELSE subarea_id END AS region_id
    FROM area_kelurahan($area_id)
),
counts AS (
    SELECT kelurahan_id, count(haz) AS measured, count(*) FILTER (WHERE haz < -2) AS stunted
    FROM child_month
    WHERE period = $period AND kelurahan_id IN (SELECT kelurahan_id FROM area)
    GROUP BY kelurahan_id
)
SELECT a.region_id, r.name, r.level, p.name AS parent_name,
       sum(coalesce(c.measured, 0))::BIGINT AS measured, sum(coalesce(c.stunted, 0))::BIGINT AS stunted
FROM area AS a
JOIN regions AS r ON r.region_id = a.region_id
LEFT JOIN regions AS p ON p.region_id = r.parent_id
LEFT JOIN counts AS c ON c.kelurahan_id = a.kelurahan_id
GROUP BY a.region_id, r.name, r.level, p.name
ORDER BY p.name, r.name
