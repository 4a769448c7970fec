-- Headline child indicators of one area for one month (python -m konvergensi summary, Ringkasan, the
-- meeting pack). Read from the base layer child_month: each child once, in the kelurahan and age group
-- of its latest valid measurement of the month, each indicator at its own latest valid value. Bilateral
-- oedema counts as wasted, severely wasted and underweight and is in those denominators (WHO); it has no
-- weight-based z, so it is never overweight.
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id),
-- $age_group (NULL, '0-23' = 0-730 days, '24-59' = 731 days and over), $sex (NULL, 1, 2).
SELECT
    count(haz) AS children_measured,
    count(*) FILTER (WHERE haz < -2) AS stunted,
    count(*) FILTER (WHERE haz < -3) AS severely_stunted,
    count(*) FILTER (WHERE whz IS NOT NULL OR whz_oedema) AS whz_measured,
    count(*) FILTER (WHERE whz_oedema OR whz < -2) AS wasted,
    count(*) FILTER (WHERE whz_oedema OR whz < -3) AS severely_wasted,
    count(*) FILTER (WHERE whz > 2) AS overweight,
    count(*) FILTER (WHERE waz IS NOT NULL OR waz_oedema) AS waz_measured,
    count(*) FILTER (WHERE waz_oedema OR waz < -2) AS underweight,
    count(*) AS children_seen
FROM child_month
WHERE period = $period
  AND kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
  AND ($sex IS NULL OR sex = $sex)
  AND ($age_group IS NULL OR age_group = $age_group)
