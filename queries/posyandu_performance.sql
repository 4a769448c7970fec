-- One row per posyandu of an area: its SKDN report for the period, what the strata criteria need over
-- the 12 months up to the period, D/S of the last 6 months (sparkline) and stunting among the children
-- it measured in the period. Ratios are left to the caller (konvergensi.domain.posyandu); counts come as they are.
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH area_posyandu AS (
    SELECT p.*, a.name AS kelurahan, a.kecamatan
    FROM posyandu AS p
    JOIN area_kelurahan($area_id) AS a ON a.kelurahan_id = p.kelurahan_id
),
this_month AS (
    SELECT r.*
    FROM posyandu_reports AS r
    WHERE r.period = $period AND r.posyandu_id IN (SELECT posyandu_id FROM area_posyandu)
),
last_year AS (   -- the 12 months up to and including the period
    SELECT
        posyandu_id,
        count(*) AS months_reported,
        count(*) FILTER (WHERE opened) AS openings,
        avg(kader_on_duty) FILTER (WHERE opened) AS kader_on_duty_avg,
        sum(d)::DOUBLE / nullif(sum(s), 0) AS ds_12m,
        avg(main_service_coverage) AS main_service_12m
    FROM posyandu_reports
    WHERE period > $period - INTERVAL 12 MONTH AND period <= $period
      AND posyandu_id IN (SELECT posyandu_id FROM area_posyandu)
    GROUP BY posyandu_id
),
months6 AS (
    SELECT unnest(generate_series(($period - INTERVAL 5 MONTH)::DATE, $period::DATE, INTERVAL 1 MONTH))::DATE AS period
),
sparkline AS (   -- D/S per month, 6 months, NULL where there is no report (and its D and S: the public's
                 -- sparkline is recomputed from rounded counts, konvergensi.ui.posyandu_view)
    SELECT p.posyandu_id,
           list(round(r.d::DOUBLE / nullif(r.s, 0) * 100, 1) ORDER BY m.period) AS ds_6m,
           list(r.d ORDER BY m.period) AS d_6m,
           list(r.s ORDER BY m.period) AS s_6m
    FROM area_posyandu AS p
    CROSS JOIN months6 AS m
    LEFT JOIN posyandu_reports AS r ON r.posyandu_id = p.posyandu_id AND r.period = m.period
    GROUP BY p.posyandu_id
),
children_stunting AS (   -- the base layer: each child once, at the posyandu of its latest valid measurement
    SELECT posyandu_id, count(*) AS measured, count(*) FILTER (WHERE haz < -2) AS stunted
    FROM child_month
    WHERE period = $period AND haz IS NOT NULL
      AND posyandu_id IN (SELECT posyandu_id FROM area_posyandu)
    GROUP BY posyandu_id
)
SELECT
    p.posyandu_id, p.name, p.kelurahan, p.kecamatan,
    p.strata_recorded, p.kader_count, p.has_extra_programmes, p.dana_sehat_share, p.is_ilp,
    t.opened, t.s, t.k, t.d, t.n, t.bgm, t.t2, t.kader_on_duty,
    coalesce(y.months_reported, 0) AS months_reported,
    coalesce(y.openings, 0) AS openings,
    y.kader_on_duty_avg, y.ds_12m, y.main_service_12m,
    s.ds_6m, s.d_6m, s.s_6m,
    coalesce(c.measured, 0) AS children_measured,
    coalesce(c.stunted, 0) AS children_stunted
FROM area_posyandu AS p
LEFT JOIN this_month AS t USING (posyandu_id)
LEFT JOIN last_year AS y USING (posyandu_id)
LEFT JOIN sparkline AS s USING (posyandu_id)
LEFT JOIN children_stunting AS c USING (posyandu_id)
ORDER BY p.kecamatan, p.kelurahan, p.name
