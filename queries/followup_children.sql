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
picks AS (         -- per child, in one pass: its latest measurement, latest valid (unflagged) length/
                   -- height-for-age and latest valid weight-for-length/height (oedema counts as severely
                   -- wasted, WHO); for 2T the month's latest weight and recorded N/T (naik/tidak) of the
                   -- period (w0, u0) and of each of the three months before it (w1 u1, w2 u2, w3)
    SELECT child_id,
           arg_max(measurement_id, recency) AS last_id,
           arg_max(measurement_id, recency) FILTER (WHERE zlen IS NOT NULL AND coalesce(flen, 0) = 0) AS haz_id,
           arg_max(measurement_id, recency)
               FILTER (WHERE oedema OR (zwfl IS NOT NULL AND coalesce(fwfl, 0) = 0)) AS whz_id,
           arg_max(weight_kg, recency) FILTER (WHERE period = $period::DATE) AS w0,
           arg_max(weight_up, recency) FILTER (WHERE weight_kg IS NOT NULL AND period = $period::DATE) AS u0,
           arg_max(weight_kg, recency) FILTER (WHERE period = ($period - INTERVAL 1 MONTH)::DATE) AS w1,
           arg_max(weight_up, recency)
               FILTER (WHERE weight_kg IS NOT NULL AND period = ($period - INTERVAL 1 MONTH)::DATE) AS u1,
           arg_max(weight_kg, recency) FILTER (WHERE period = ($period - INTERVAL 2 MONTH)::DATE) AS w2,
           arg_max(weight_up, recency)
               FILTER (WHERE weight_kg IS NOT NULL AND period = ($period - INTERVAL 2 MONTH)::DATE) AS u2,
           arg_max(weight_kg, recency) FILTER (WHERE period = ($period - INTERVAL 3 MONTH)::DATE) AS w3
    FROM ordered
    GROUP BY child_id
),
not_up AS (        -- "tidak naik" (T) in the period (t0) and the two months before (t1, t2): as recorded
                   -- (N/T), else the weight not above the month before's; NULL when neither is known
    SELECT *,
           CASE WHEN u0 IS NOT NULL THEN NOT u0 WHEN w1 IS NOT NULL THEN w0 <= w1 END AS t0,
           CASE WHEN u1 IS NOT NULL THEN NOT u1 WHEN w2 IS NOT NULL THEN w1 <= w2 END AS t1,
           CASE WHEN u2 IS NOT NULL THEN NOT u2 WHEN w3 IS NOT NULL THEN w2 <= w3 END AS t2
    FROM picks
),
t2 AS (            -- 2T: not up in the latest weighing month (the period or the month before it) and in
                   -- the month before that one, weighed in both
    SELECT child_id,
           CASE WHEN w0 IS NOT NULL THEN $period::DATE ELSE ($period - INTERVAL 1 MONTH)::DATE END AS t2_period
    FROM not_up
    WHERE CASE WHEN w0 IS NOT NULL THEN w1 IS NOT NULL AND t0 AND t1
               WHEN w1 IS NOT NULL THEN w2 IS NOT NULL AND t1 AND t2
          END
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
