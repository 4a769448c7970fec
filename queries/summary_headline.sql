-- Headline child indicators of one area for one month (python -m konvergensi summary, the Ringkasan page).
-- Each child counts once per indicator: its latest measurement in the month with a valid (unflagged)
-- z-score for that indicator. Bilateral oedema counts as wasted, severely wasted and underweight and is
-- in those denominators (WHO); it has no weight-based z, so it is never overweight.
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id),
-- $age_group (NULL, '0-23' = 0-730 days, '24-59' = 731 days and over), $sex (NULL, 1, 2).
WITH area_kelurahan AS (
    SELECT kel.region_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
month_measurements AS (
    SELECT m.child_id, m.measure_date, m.measurement_id,
           m.zlen, m.flen, m.zwei, m.fwei, m.zwfl, m.fwfl, m.oedema
    FROM measurements AS m
    JOIN children AS c USING (child_id)
    WHERE m.period = $period
      AND m.kelurahan_id IN (SELECT region_id FROM area_kelurahan)
      AND ($sex IS NULL OR c.sex = $sex)
      AND ($age_group IS NULL
           OR ($age_group = '0-23' AND m.age_days <= 730)
           OR ($age_group = '24-59' AND m.age_days >= 731))
),
latest_haz AS (
    SELECT zlen FROM month_measurements
    WHERE zlen IS NOT NULL AND coalesce(flen, 0) = 0
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1
),
latest_whz AS (
    SELECT zwfl, oedema FROM month_measurements
    WHERE oedema OR (zwfl IS NOT NULL AND coalesce(fwfl, 0) = 0)
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1
),
latest_waz AS (
    SELECT zwei, oedema FROM month_measurements
    WHERE oedema OR (zwei IS NOT NULL AND coalesce(fwei, 0) = 0)
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1
),
stunting AS (
    SELECT count(*) AS children_measured,
           count(*) FILTER (WHERE zlen < -2) AS stunted,
           count(*) FILTER (WHERE zlen < -3) AS severely_stunted
    FROM latest_haz
),
wasting AS (
    SELECT count(*) AS whz_measured,
           count(*) FILTER (WHERE oedema OR zwfl < -2) AS wasted,
           count(*) FILTER (WHERE oedema OR zwfl < -3) AS severely_wasted,
           count(*) FILTER (WHERE NOT oedema AND zwfl > 2) AS overweight
    FROM latest_whz
),
underweight AS (
    SELECT count(*) AS waz_measured,
           count(*) FILTER (WHERE oedema OR zwei < -2) AS underweight
    FROM latest_waz
),
children_seen AS (
    SELECT count(DISTINCT child_id) AS children_seen FROM month_measurements
)
SELECT * FROM stunting, wasting, underweight, children_seen
