-- Monthly stunting in an area: children measured (valid length/height-for-age z, latest measurement per
-- child in the month), stunted (HAZ < -2) and severely stunted (HAZ < -3), for every month with data.
-- Read from the derived table stunting_monthly (each child once per month, in the kelurahan and age
-- group of its latest valid measurement of the month; see konvergensi/store/schema.sql).
-- Parameters: $area_id (kota, kecamatan or kelurahan id), $age_group (NULL, '0-23', '24-59'), $sex (NULL, 1, 2).
SELECT
    period,
    sum(measured)::BIGINT AS measured,
    sum(stunted)::BIGINT AS stunted,
    sum(severely_stunted)::BIGINT AS severely_stunted
FROM stunting_monthly
WHERE kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
  AND ($sex IS NULL OR sex = $sex)
  AND ($age_group IS NULL OR age_group = $age_group)
GROUP BY period
ORDER BY period
