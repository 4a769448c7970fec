-- Pregnant women (ibu hamil) per kelurahan of an area in one month: KEK (LiLA below the cut-off),
-- anaemia (Hb below the cut-off), iron-folic tablets (TTD) and antenatal visits (ANC) at or above the
-- minimum. Read from the base layer mother_month: each woman once, in the kelurahan of her latest record
-- of the month, each indicator at her latest value of the month (the same rule as the bumil KEK count of
-- indicators_by_kelurahan). Denominators are the women with the value recorded. One row per kelurahan
-- of the area, also without data.
-- Parameters: $period, $area_id, $kek_muac (cm), $anaemia_hb (g/dL), $ttd_min (tablets), $anc_min (visits).
WITH women AS (
    SELECT kelurahan_id,
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
    WHERE period = $period AND kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
    GROUP BY kelurahan_id
)
SELECT
    a.kelurahan_id AS region_id, a.name, a.kecamatan_id, a.kecamatan,
    coalesce(w.women, 0) AS women,
    coalesce(w.muac_measured, 0) AS muac_measured,
    coalesce(w.kek, 0) AS kek,
    coalesce(w.hb_measured, 0) AS hb_measured,
    coalesce(w.anaemia, 0) AS anaemia,
    coalesce(w.ttd_recorded, 0) AS ttd_recorded,
    coalesce(w.ttd_ok, 0) AS ttd_ok,
    coalesce(w.anc_recorded, 0) AS anc_recorded,
    coalesce(w.anc_ok, 0) AS anc_ok
FROM area_kelurahan($area_id) AS a
LEFT JOIN women AS w ON w.kelurahan_id = a.kelurahan_id
ORDER BY a.kecamatan, a.name
