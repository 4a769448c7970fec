-- Pregnant-women indicators of one area for one month. Each mother counts once per indicator: her
-- latest record in the month that has the value the indicator needs (LiLA, Hb, TTD, ANC visits).
-- Parameters: $period, $area_id, $kek_muac (cm), $anaemia_hb (g/dL), $ttd_min (tablets), $anc_min (visits).
WITH area_kelurahan AS (
    SELECT kel.region_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
month_records AS (
    SELECT mother_id, record_id, visit_date, muac_cm, hb_g_dl, ttd_tablets, anc_visits
    FROM pregnant_women
    WHERE period = $period AND kelurahan_id IN (SELECT region_id FROM area_kelurahan)
),
latest_muac AS (
    SELECT muac_cm FROM month_records WHERE muac_cm IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_hb AS (
    SELECT hb_g_dl FROM month_records WHERE hb_g_dl IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_ttd AS (
    SELECT ttd_tablets FROM month_records WHERE ttd_tablets IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_anc AS (
    SELECT anc_visits FROM month_records WHERE anc_visits IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
)
SELECT
    (SELECT count(DISTINCT mother_id) FROM month_records) AS bumil_recorded,
    (SELECT count(*) FROM latest_muac) AS bumil_measured,
    (SELECT count(*) FILTER (WHERE muac_cm < $kek_muac) FROM latest_muac) AS bumil_kek,
    (SELECT count(*) FROM latest_hb) AS hb_measured,
    (SELECT count(*) FILTER (WHERE hb_g_dl < $anaemia_hb) FROM latest_hb) AS anaemia,
    (SELECT count(*) FROM latest_ttd) AS ttd_recorded,
    (SELECT count(*) FILTER (WHERE ttd_tablets >= $ttd_min) FROM latest_ttd) AS ttd90,
    (SELECT count(*) FROM latest_anc) AS anc_recorded,
    (SELECT count(*) FILTER (WHERE anc_visits >= $anc_min) FROM latest_anc) AS anc4
