-- The rows of the derived base table mother_month (see konvergensi/store/schema.sql), computed from
-- pregnant_women by konvergensi.store.derived.refresh. One row per mother and month, placed by her latest
-- record of the month (visit_date, records without a date first, then record_id); each value is her
-- latest record of the month that has it.
WITH r AS (
    SELECT mother_id, period, kelurahan_id, posyandu_id, visit_date, record_id,
           muac_cm, hb_g_dl, ttd_tablets, anc_visits,
           (visit_date IS NOT NULL, visit_date, record_id) AS recency
    FROM pregnant_women
)
SELECT
    period,
    mother_id,
    arg_max(kelurahan_id, recency) AS kelurahan_id,
    arg_max(posyandu_id, recency) AS posyandu_id,
    max(visit_date) AS visit_date,
    arg_max(muac_cm, recency) FILTER (WHERE muac_cm IS NOT NULL) AS muac_cm,
    arg_max(hb_g_dl, recency) FILTER (WHERE hb_g_dl IS NOT NULL) AS hb_g_dl,
    arg_max(ttd_tablets, recency) FILTER (WHERE ttd_tablets IS NOT NULL) AS ttd_tablets,
    arg_max(anc_visits, recency) FILTER (WHERE anc_visits IS NOT NULL) AS anc_visits
FROM r
GROUP BY period, mother_id
