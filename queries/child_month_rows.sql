-- The rows of the derived base table child_month (see konvergensi/store/schema.sql), computed from the
-- measurements by konvergensi.store.derived.refresh. One row per child and month. The child is placed where
-- its latest valid measurement of the month puts it (kelurahan, posyandu, age); each indicator takes
-- its own latest valid value (latest measure_date, then measurement_id). Valid: the z is present and
-- not flagged; for WHZ and WAZ a record of bilateral oedema also counts (WHO: below -3, no weight z).
WITH m AS (
    SELECT child_id, period, measure_date, measurement_id, kelurahan_id, posyandu_id, age_days,
           zlen IS NOT NULL AND coalesce(flen, 0) = 0 AS haz_ok,
           oedema OR (zwfl IS NOT NULL AND coalesce(fwfl, 0) = 0) AS whz_ok,
           oedema OR (zwei IS NOT NULL AND coalesce(fwei, 0) = 0) AS waz_ok,
           zlen, zwfl, zwei, oedema
    FROM measurements
),
picked AS (
    SELECT child_id, period,
           count(*) AS measurements,
           arg_max({'kelurahan_id': kelurahan_id, 'posyandu_id': posyandu_id, 'age_days': age_days,
                    'measure_date': measure_date, 'measurement_id': measurement_id},
                   (haz_ok OR whz_ok OR waz_ok, measure_date, measurement_id)) AS place,
           arg_max(zlen, (measure_date, measurement_id)) FILTER (WHERE haz_ok) AS haz,
           arg_max({'z': CASE WHEN oedema THEN NULL ELSE zwfl END, 'oedema': oedema},
                   (measure_date, measurement_id)) FILTER (WHERE whz_ok) AS whz_pick,
           arg_max({'z': CASE WHEN oedema THEN NULL ELSE zwei END, 'oedema': oedema},
                   (measure_date, measurement_id)) FILTER (WHERE waz_ok) AS waz_pick
    FROM m
    GROUP BY child_id, period
)
SELECT
    p.period,
    p.child_id,
    p.place.kelurahan_id AS kelurahan_id,
    p.place.posyandu_id AS posyandu_id,
    p.place.age_days AS age_days,
    CASE WHEN p.place.age_days IS NULL THEN NULL
         WHEN p.place.age_days <= 730 THEN '0-23' ELSE '24-59' END AS age_group,
    c.sex,
    c.child_id IS NOT NULL AS in_register,
    p.place.measure_date AS measure_date,
    p.place.measurement_id AS measurement_id,
    p.measurements,
    p.haz,
    p.whz_pick.z AS whz,
    coalesce(p.whz_pick.oedema, FALSE) AS whz_oedema,
    p.waz_pick.z AS waz,
    coalesce(p.waz_pick.oedema, FALSE) AS waz_oedema
FROM picked AS p
LEFT JOIN children AS c ON c.child_id = p.child_id
