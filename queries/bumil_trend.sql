-- Pregnant women in an area, month by month: the same counts as bumil_by_kelurahan, read from the base
-- layer mother_month (each woman once per month, in the kelurahan of her latest record, each indicator
-- at her latest value of the month), for every month with records.
-- Parameters: $area_id, $kek_muac (cm), $anaemia_hb (g/dL), $ttd_min (tablets), $anc_min (visits).
SELECT
    period,
    count(*) AS women,
    count(muac_cm) AS muac_measured,
    count(*) FILTER (WHERE muac_cm < $kek_muac) AS kek,
    count(hb_g_dl) AS hb_measured,
    count(*) FILTER (WHERE hb_g_dl < $anaemia_hb) AS anaemia,
    count(ttd_tablets) AS ttd_recorded,
    count(*) FILTER (WHERE ttd_tablets >= $ttd_min) AS ttd_ok,
    count(anc_visits) AS anc_recorded,
    count(*) FILTER (WHERE anc_visits >= $anc_min) AS anc_ok
FROM mother_month
WHERE kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
GROUP BY period
ORDER BY period
