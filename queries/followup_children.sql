-- Daftar tindak lanjut, anak: every child of the scope with at least one reason for a home visit as of
-- the reference month, with the facts behind each reason. Names only from child_identity (NULL when the
-- configuration does not store identities). For staff pages only (petugas, admin).
-- Parameters: $period (first day of the reference month), $kelurahan_ids (VARCHAR[] of the user's scope;
-- NULL = every kelurahan).
-- Children on the list: measured at least once in the 12 months up to the period and under 60 months
-- (1826 days) on the first day of the period; listed under the posyandu/kelurahan of their latest
-- measurement (else those registered in `children`).
WITH recent AS MATERIALIZED (   -- the scope's children's measurements of the 12 months up to the period,
                                -- wherever made: those made in the scope (read by kelurahan, so a scope
                                -- reads its own rows only), and those its children had made elsewhere
                                -- (moved_measurements: children measured in more than one kelurahan)
    SELECT m.measurement_id, m.child_id, m.measure_date, m.period, m.kelurahan_id, m.posyandu_id,
           m.weight_kg, m.lenhei_cm, m.oedema, m.weight_up, m.zlen, m.flen, m.zwfl, m.fwfl,
           m.cat_tbu, m.cat_bbtb
    FROM measurements AS m
    WHERE m.period <= $period AND m.period > ($period - INTERVAL 12 MONTH)
      AND ($kelurahan_ids::VARCHAR[] IS NULL
           OR (m.kelurahan_id BETWEEN list_min($kelurahan_ids::VARCHAR[]) AND list_max($kelurahan_ids::VARCHAR[])
               AND list_contains($kelurahan_ids::VARCHAR[], m.kelurahan_id)))   -- (the range lets DuckDB
                                                                                 -- skip other areas' blocks)
    UNION ALL
    SELECT o.measurement_id, o.child_id, o.measure_date, o.period, o.kelurahan_id, o.posyandu_id,
           o.weight_kg, o.lenhei_cm, o.oedema, o.weight_up, o.zlen, o.flen, o.zwfl, o.fwfl,
           o.cat_tbu, o.cat_bbtb
    FROM moved_measurements AS o
    WHERE $kelurahan_ids::VARCHAR[] IS NOT NULL
      AND o.period <= $period AND o.period > ($period - INTERVAL 12 MONTH)
      AND NOT coalesce(list_contains($kelurahan_ids::VARCHAR[], o.kelurahan_id), FALSE)
      AND o.child_id IN (SELECT i.child_id FROM moved_measurements AS i
                         WHERE i.period <= $period AND i.period > ($period - INTERVAL 12 MONTH)
                           AND list_contains($kelurahan_ids::VARCHAR[], i.kelurahan_id))
),
ordered AS (       -- "latest" = latest measure_date, then highest measurement_id; as one number (the day
                   -- in the high 64 bits) because DuckDB ranks a number much faster than a (date, id) pair
    SELECT *, date_diff('day', DATE '2000-01-01', measure_date)::HUGEINT * 18446744073709551616
              + measurement_id AS recency
    FROM recent
),
picks AS (         -- per child: its latest measurement, latest valid (unflagged) length/height-for-age and
                   -- latest valid weight-for-length/height (oedema counts as severely wasted, WHO)
    SELECT child_id,
           arg_max(measurement_id, recency) AS last_id,
           arg_max(measurement_id, recency) FILTER (WHERE zlen IS NOT NULL AND coalesce(flen, 0) = 0) AS haz_id,
           arg_max(measurement_id, recency)
               FILTER (WHERE oedema OR (zwfl IS NOT NULL AND coalesce(fwfl, 0) = 0)) AS whz_id
    FROM ordered
    GROUP BY child_id
),
monthly AS (       -- one weighing per child and month (the month's latest)
    SELECT child_id, period, arg_max(weight_kg, recency) AS weight_kg, arg_max(weight_up, recency) AS weight_up
    FROM ordered
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
        p.child_id,
        coalesce(l.posyandu_id, c.posyandu_id) AS posyandu_id,
        coalesce(l.kelurahan_id, c.kelurahan_id) AS kelurahan_id,
        c.sex, c.birth_date,
        l.measure_date AS last_measure_date, l.period AS last_period, l.weight_kg, l.lenhei_cm,
        h.zlen, h.cat_tbu, h.measure_date AS haz_date, w.zwfl, w.cat_bbtb, w.measure_date AS whz_date,
        coalesce(w.oedema, FALSE) AS oedema,
        t2.t2_period,
        coalesce(h.zlen < -2, FALSE) AS stunted,
        coalesce(h.zlen < -3, FALSE) AS severely_stunted,
        coalesce(w.oedema OR w.zwfl < -2, FALSE) AS wasted,
        t2.child_id IS NOT NULL AS t2,
        l.period < ($period - INTERVAL 1 MONTH)::DATE AS not_measured
    FROM picks AS p
    JOIN recent AS l ON l.measurement_id = p.last_id
    LEFT JOIN recent AS h ON h.measurement_id = p.haz_id
    LEFT JOIN recent AS w ON w.measurement_id = p.whz_id
    JOIN children AS c ON c.child_id = p.child_id
    LEFT JOIN t2 ON t2.child_id = p.child_id
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
