-- Daftar tindak lanjut, anak: every child of the scope with at least one reason for a home visit as of
-- the reference month, with the facts behind each reason. Names only from child_identity (NULL when the
-- configuration does not store identities). For staff pages only (petugas, admin).
-- Parameters: $period (first day of the reference month), $kelurahan_ids (VARCHAR[] of the user's scope;
-- NULL = every kelurahan).
-- Children on the list: measured at least once in the 12 months up to the period and under 60 months
-- (1826 days) on the first day of the period; listed under the posyandu/kelurahan of their latest
-- measurement (else those registered in `children`).
WITH scope_children AS (   -- children measured in the scope at least once in the 12 months up to the
                          -- period (a cheap pre-filter on two columns: the final scope test uses where
                          -- the child was measured last)
    SELECT DISTINCT child_id
    FROM measurements
    WHERE period <= $period AND period > ($period - INTERVAL 12 MONTH)
      AND ($kelurahan_ids::VARCHAR[] IS NULL OR kelurahan_id IN (SELECT unnest($kelurahan_ids::VARCHAR[])))
),
recent AS (        -- their measurements of those 12 months (anywhere: a child may have moved)
    SELECT m.measurement_id, m.child_id, m.measure_date, m.period, m.kelurahan_id, m.posyandu_id,
           m.weight_kg, m.lenhei_cm, m.oedema, m.weight_up, m.zlen, m.flen, m.zwfl, m.fwfl,
           m.cat_tbu, m.cat_bbtb
    FROM measurements AS m
    WHERE m.period <= $period AND m.period > ($period - INTERVAL 12 MONTH)
      AND m.child_id IN (SELECT child_id FROM scope_children)
),
latest AS (        -- each child's latest measurement
    SELECT child_id, arg_max(measurement_id, (measure_date, measurement_id)) AS measurement_id
    FROM recent GROUP BY child_id
),
latest_haz AS (    -- latest valid (unflagged) length/height-for-age
    SELECT r.child_id, r.zlen, r.cat_tbu, r.measure_date AS haz_date
    FROM (SELECT arg_max(measurement_id, (measure_date, measurement_id)) AS measurement_id
          FROM recent WHERE zlen IS NOT NULL AND coalesce(flen, 0) = 0 GROUP BY child_id) AS pick
    JOIN recent AS r USING (measurement_id)
),
latest_whz AS (    -- latest valid weight-for-length/height; oedema counts as severely wasted (WHO)
    SELECT r.child_id, r.zwfl, r.cat_bbtb, r.oedema, r.measure_date AS whz_date
    FROM (SELECT arg_max(measurement_id, (measure_date, measurement_id)) AS measurement_id
          FROM recent WHERE oedema OR (zwfl IS NOT NULL AND coalesce(fwfl, 0) = 0) GROUP BY child_id) AS pick
    JOIN recent AS r USING (measurement_id)
),
monthly AS (       -- one weighing per child and month (the month's latest)
    SELECT child_id, period, arg_max(weight_kg, (measure_date, measurement_id)) AS weight_kg,
           arg_max(weight_up, (measure_date, measurement_id)) AS weight_up
    FROM recent
    WHERE weight_kg IS NOT NULL
      AND period >= ($period - INTERVAL 3 MONTH)::DATE   -- 2T looks at most 3 months back (see t2)
    GROUP BY child_id, period
),
weighings AS (     -- "tidak naik" (T): as recorded (N/T), else weight not above last month's weight
    SELECT child_id, period,
           CASE WHEN weight_up IS NOT NULL THEN NOT weight_up
                WHEN lag(period) OVER w = (period - INTERVAL 1 MONTH)::DATE THEN weight_kg <= lag(weight_kg) OVER w
           END AS not_up,
           row_number() OVER (PARTITION BY child_id ORDER BY period DESC) AS recency
    FROM monthly
    WINDOW w AS (PARTITION BY child_id ORDER BY period)
),
t2 AS (            -- 2T: not up in the latest weighing month and in the month before it
    SELECT a.child_id, a.period AS t2_period
    FROM weighings AS a
    JOIN weighings AS b ON b.child_id = a.child_id AND b.period = (a.period - INTERVAL 1 MONTH)::DATE
    WHERE a.recency = 1 AND a.not_up AND b.not_up AND a.period >= ($period - INTERVAL 1 MONTH)::DATE
),
listed AS (
    SELECT
        l.child_id,
        coalesce(l.posyandu_id, c.posyandu_id) AS posyandu_id,
        coalesce(l.kelurahan_id, c.kelurahan_id) AS kelurahan_id,
        c.sex, c.birth_date,
        l.measure_date AS last_measure_date, l.period AS last_period, l.weight_kg, l.lenhei_cm,
        h.zlen, h.cat_tbu, h.haz_date, w.zwfl, w.cat_bbtb, w.whz_date, coalesce(w.oedema, FALSE) AS oedema,
        t2.t2_period,
        coalesce(h.zlen < -2, FALSE) AS stunted,
        coalesce(h.zlen < -3, FALSE) AS severely_stunted,
        coalesce(w.oedema OR w.zwfl < -2, FALSE) AS wasted,
        t2.child_id IS NOT NULL AS t2,
        l.period < ($period - INTERVAL 1 MONTH)::DATE AS not_measured
    FROM latest AS lm
    JOIN recent AS l ON l.measurement_id = lm.measurement_id
    JOIN children AS c ON c.child_id = l.child_id
    LEFT JOIN latest_haz AS h ON h.child_id = l.child_id
    LEFT JOIN latest_whz AS w ON w.child_id = l.child_id
    LEFT JOIN t2 ON t2.child_id = l.child_id
    WHERE c.birth_date IS NULL OR date_diff('day', c.birth_date, $period::DATE) <= 1826
)
SELECT
    s.*,
    date_diff('month', s.birth_date, $period::DATE) AS age_months,
    p.name AS posyandu, kel.name AS kelurahan, kec.name AS kecamatan,
    ci.name, ci.parent_name, ci.address, ci.rt, ci.rw
FROM listed AS s
LEFT JOIN posyandu AS p ON p.posyandu_id = s.posyandu_id
LEFT JOIN regions AS kel ON kel.region_id = s.kelurahan_id
LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
LEFT JOIN child_identity AS ci ON ci.child_id = s.child_id
WHERE (s.stunted OR s.wasted OR s.t2 OR s.not_measured)
  AND ($kelurahan_ids::VARCHAR[] IS NULL OR list_contains($kelurahan_ids::VARCHAR[], s.kelurahan_id))
ORDER BY kecamatan, kelurahan, posyandu, s.severely_stunted DESC, s.stunted DESC, s.wasted DESC, s.t2 DESC,
         ci.name, s.child_id
