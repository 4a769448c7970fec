-- The rows of the derived table stunting_monthly (see konvergensi/schema.sql), computed from
-- measurements by konvergensi.derived.refresh. Each child counts once per month: its latest valid
-- (unflagged) length/height-for-age z of the month (latest measure_date, then measurement_id), in the
-- kelurahan and age group of that measurement.
WITH latest_haz AS (
    SELECT m.child_id, m.period,
           arg_max({'kelurahan_id': m.kelurahan_id, 'age_days': m.age_days, 'zlen': m.zlen},
                   (m.measure_date, m.measurement_id)) AS pick
    FROM measurements AS m
    WHERE m.zlen IS NOT NULL AND coalesce(m.flen, 0) = 0
    GROUP BY m.child_id, m.period
)
SELECT
    h.period,
    h.pick.kelurahan_id AS kelurahan_id,
    CASE WHEN h.pick.age_days <= 730 THEN '0-23' ELSE '24-59' END AS age_group,
    c.sex,
    count(*) AS measured,
    count(*) FILTER (WHERE h.pick.zlen < -2) AS stunted,
    count(*) FILTER (WHERE h.pick.zlen < -3) AS severely_stunted
FROM latest_haz AS h
LEFT JOIN children AS c ON c.child_id = h.child_id
GROUP BY ALL
