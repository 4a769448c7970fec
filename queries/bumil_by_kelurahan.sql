-- Pregnant women (ibu hamil) per kelurahan of an area in one month: KEK (LiLA below the cut-off),
-- anaemia (Hb below the cut-off), iron-folic tablets (TTD) and antenatal visits (ANC) at or above the
-- minimum. Each woman counts once per indicator: her latest record in the month that has the value
-- (the same rule as the bumil KEK count of indicators_by_kelurahan). Denominators are the women with the
-- value recorded. One row per kelurahan of the area, also without data.
-- Parameters: $period, $area_id, $kek_muac (cm), $anaemia_hb (g/dL), $ttd_min (tablets), $anc_min (visits).
WITH area_kelurahan AS (
    SELECT kel.region_id, kel.name, kel.parent_id AS kecamatan_id, kec.name AS kecamatan
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan'
      AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
records AS (
    SELECT mother_id, kelurahan_id, visit_date, record_id, muac_cm, hb_g_dl, ttd_tablets, anc_visits
    FROM pregnant_women
    WHERE period = $period AND kelurahan_id IN (SELECT region_id FROM area_kelurahan)
),
women AS (
    SELECT kelurahan_id, count(DISTINCT mother_id) AS women
    FROM records GROUP BY kelurahan_id
),
latest_muac AS (
    SELECT kelurahan_id, muac_cm FROM records WHERE muac_cm IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_hb AS (
    SELECT kelurahan_id, hb_g_dl FROM records WHERE hb_g_dl IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_ttd AS (
    SELECT kelurahan_id, ttd_tablets FROM records WHERE ttd_tablets IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_anc AS (
    SELECT kelurahan_id, anc_visits FROM records WHERE anc_visits IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
),
kek AS (
    SELECT kelurahan_id, count(*) AS muac_measured, count(*) FILTER (WHERE muac_cm < $kek_muac) AS kek
    FROM latest_muac GROUP BY kelurahan_id
),
anaemia AS (
    SELECT kelurahan_id, count(*) AS hb_measured, count(*) FILTER (WHERE hb_g_dl < $anaemia_hb) AS anaemia
    FROM latest_hb GROUP BY kelurahan_id
),
ttd AS (
    SELECT kelurahan_id, count(*) AS ttd_recorded, count(*) FILTER (WHERE ttd_tablets >= $ttd_min) AS ttd_ok
    FROM latest_ttd GROUP BY kelurahan_id
),
anc AS (
    SELECT kelurahan_id, count(*) AS anc_recorded, count(*) FILTER (WHERE anc_visits >= $anc_min) AS anc_ok
    FROM latest_anc GROUP BY kelurahan_id
)
SELECT
    a.region_id, a.name, a.kecamatan_id, a.kecamatan,
    coalesce(w.women, 0) AS women,
    coalesce(k.muac_measured, 0) AS muac_measured,
    coalesce(k.kek, 0) AS kek,
    coalesce(h.hb_measured, 0) AS hb_measured,
    coalesce(h.anaemia, 0) AS anaemia,
    coalesce(t.ttd_recorded, 0) AS ttd_recorded,
    coalesce(t.ttd_ok, 0) AS ttd_ok,
    coalesce(c.anc_recorded, 0) AS anc_recorded,
    coalesce(c.anc_ok, 0) AS anc_ok
FROM area_kelurahan AS a
LEFT JOIN women AS w ON w.kelurahan_id = a.region_id
LEFT JOIN kek AS k ON k.kelurahan_id = a.region_id
LEFT JOIN anaemia AS h ON h.kelurahan_id = a.region_id
LEFT JOIN ttd AS t ON t.kelurahan_id = a.region_id
LEFT JOIN anc AS c ON c.kelurahan_id = a.region_id
ORDER BY a.kecamatan, a.name
