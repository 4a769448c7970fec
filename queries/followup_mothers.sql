-- Daftar tindak lanjut, ibu hamil KEK: pregnant women of the scope whose latest LiLA in the 3 months up to
-- the reference month is below the KEK cut-off. Names only from mother_identity. Staff pages only.
-- Parameters: $period (first day of the month), $kelurahan_ids (VARCHAR[]; NULL = all), $kek_muac (cm).
WITH recent AS (   -- the 3 months up to and including the period
    SELECT * FROM pregnant_women
    WHERE period <= $period AND period > ($period - INTERVAL 3 MONTH)
),
latest AS (        -- each woman's latest record (where she is served now)
    SELECT * FROM recent
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY period DESC, visit_date DESC NULLS LAST, record_id DESC) = 1
),
latest_muac AS (   -- her latest LiLA measurement
    SELECT mother_id, muac_cm, coalesce(visit_date, period) AS muac_date FROM recent
    WHERE muac_cm IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY period DESC, visit_date DESC NULLS LAST, record_id DESC) = 1
)
SELECT
    l.mother_id, l.posyandu_id, l.kelurahan_id, l.period AS last_period, l.visit_date AS last_visit_date,
    l.gestation_weeks, m.muac_cm, m.muac_date, l.hb_g_dl, l.ttd_tablets, l.anc_visits,
    p.name AS posyandu, kel.name AS kelurahan, kec.name AS kecamatan,
    mi.name, mi.address
FROM latest AS l
JOIN latest_muac AS m USING (mother_id)
LEFT JOIN posyandu AS p ON p.posyandu_id = l.posyandu_id
LEFT JOIN regions AS kel ON kel.region_id = l.kelurahan_id
LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
LEFT JOIN mother_identity AS mi ON mi.mother_id = l.mother_id
WHERE m.muac_cm < $kek_muac
  AND ($kelurahan_ids::VARCHAR[] IS NULL OR list_contains($kelurahan_ids::VARCHAR[], l.kelurahan_id))
ORDER BY kecamatan, kelurahan, posyandu, m.muac_cm, mi.name, l.mother_id
