-- Pregnant women in an area, month by month: the same counts as bumil_by_kelurahan (each woman once per
-- indicator per month: her latest record in the month with the value), for every month with records.
-- Parameters: $area_id, $kek_muac (cm), $anaemia_hb (g/dL), $ttd_min (tablets), $anc_min (visits).
WITH area_kelurahan AS (
    SELECT kel.region_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
records AS (
    SELECT mother_id, period, visit_date, record_id, muac_cm, hb_g_dl, ttd_tablets, anc_visits
    FROM pregnant_women
    WHERE kelurahan_id IN (SELECT region_id FROM area_kelurahan)
),
women AS (
    SELECT period, count(DISTINCT mother_id) AS women FROM records GROUP BY period
),
latest_muac AS (
    SELECT period, muac_cm FROM records WHERE muac_cm IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id, period ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_hb AS (
    SELECT period, hb_g_dl FROM records WHERE hb_g_dl IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id, period ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_ttd AS (
    SELECT period, ttd_tablets FROM records WHERE ttd_tablets IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id, period ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_anc AS (
    SELECT period, anc_visits FROM records WHERE anc_visits IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id, period ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
kek AS (
    SELECT period, count(*) AS muac_measured, count(*) FILTER (WHERE muac_cm < $kek_muac) AS kek
    FROM latest_muac GROUP BY period
),
anaemia AS (
    SELECT period, count(*) AS hb_measured, count(*) FILTER (WHERE hb_g_dl < $anaemia_hb) AS anaemia
    FROM latest_hb GROUP BY period
),
ttd AS (
    SELECT period, count(*) AS ttd_recorded, count(*) FILTER (WHERE ttd_tablets >= $ttd_min) AS ttd_ok
    FROM latest_ttd GROUP BY period
),
anc AS (
    SELECT period, count(*) AS anc_recorded, count(*) FILTER (WHERE anc_visits >= $anc_min) AS anc_ok
    FROM latest_anc GROUP BY period
)
SELECT
    w.period,
    w.women,
    coalesce(k.muac_measured, 0) AS muac_measured,
    coalesce(k.kek, 0) AS kek,
    coalesce(h.hb_measured, 0) AS hb_measured,
    coalesce(h.anaemia, 0) AS anaemia,
    coalesce(t.ttd_recorded, 0) AS ttd_recorded,
    coalesce(t.ttd_ok, 0) AS ttd_ok,
    coalesce(c.anc_recorded, 0) AS anc_recorded,
    coalesce(c.anc_ok, 0) AS anc_ok
FROM women AS w
LEFT JOIN kek AS k USING (period)
LEFT JOIN anaemia AS h USING (period)
LEFT JOIN ttd AS t USING (period)
LEFT JOIN anc AS c USING (period)
ORDER BY w.period
