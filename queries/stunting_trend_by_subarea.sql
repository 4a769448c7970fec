-- Monthly stunting one level below an area, for small multiples: per kecamatan of a kota, per kelurahan
-- of a kecamatan (a kelurahan has no sub-areas: one series, itself). Same counting rule as stunting_trend
-- (the derived table stunting_monthly: each child once per month, where it was last validly measured).
-- Parameters: $area_id, $age_group (NULL, '0-23', '24-59'), $sex (NULL, 1, 2).
SELECT
    a.subarea_id,
    r.name AS subarea,
    s.period,
    sum(s.measured)::BIGINT AS measured,
    sum(s.stunted)::BIGINT AS stunted
FROM stunting_monthly AS s
JOIN area_kelurahan($area_id) AS a ON a.kelurahan_id = s.kelurahan_id
JOIN regions AS r ON r.region_id = a.subarea_id
WHERE ($sex IS NULL OR s.sex = $sex)
  AND ($age_group IS NULL OR s.age_group = $age_group)
GROUP BY a.subarea_id, r.name, s.period
ORDER BY r.name, s.period
