-- Pregnant-women indicators of one area for one month, read from the base layer mother_month: each
-- mother once, in the kelurahan of her latest record of the month, each indicator at her latest value
-- of the month (LiLA, Hb, TTD, ANC visits). Denominators are the women with the value recorded.
-- Parameters: $period, $area_id, $kek_muac (cm), $anaemia_hb (g/dL), $ttd_min (tablets), $anc_min (visits).
SELECT
    count(*) AS bumil_recorded,
    count(muac_cm) AS bumil_measured,
    count(*) FILTER (WHERE muac_cm < $kek_muac) AS bumil_kek,
    count(hb_g_dl) AS hb_measured,
    count(*) FILTER (WHERE hb_g_dl < $anaemia_hb) AS anaemia,
    count(ttd_tablets) AS ttd_recorded,
    count(*) FILTER (WHERE ttd_tablets >= $ttd_min) AS ttd90,
    count(anc_visits) AS anc_recorded,
    count(*) FILTER (WHERE anc_visits >= $anc_min) AS anc4
FROM mother_month
WHERE period = $period AND kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
