-- Monthly stunting in an area: children measured (valid length/height-for-age z, latest measurement per
-- child in the month), stunted (HAZ < -2) and severely stunted (HAZ < -3), for every month with data.
-- Read from the derived table stunting_monthly (each child once per month, in the kelurahan and age
-- group of its latest valid measurement of the month; see konvergensi/schema.sql).
-- Parameters: $area_id (kota, kecamatan or kelurahan id), $age_group (NULL, '0-23', '24-59'), $sex (NULL, 1, 2).
WITH area_kelurahan AS (
    SELECT kel.region_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
)
SELECT
    period,
    sum(measured)::BIGINT AS measured,
    sum(stunted)::BIGINT AS stunted,
    sum(severely_stunted)::BIGINT AS severely_stunted
FROM stunting_monthly
WHERE kelurahan_id IN (SELECT region_id FROM area_kelurahan)
  AND ($sex IS NULL OR sex = $sex)
  AND ($age_group IS NULL OR age_group = $age_group)
GROUP BY period
ORDER BY period
