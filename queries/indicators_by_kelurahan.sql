-- Child and programme indicators per kelurahan of an area, for one period and for the baseline period:
-- the map, the list of lagging kelurahan and the kelurahan table. One row per kelurahan of the area,
-- also when it has no data (every polygon is drawn). Rates are left to the caller (numerator and
-- denominator both returned) so they can be recomputed after any aggregation.
-- Each child counts once per period: its latest measurement in the month with a valid z-score for the
-- indicator (flagged z-scores excluded; oedema counts as wasted and underweight, as WHO does).
-- Parameters: $period, $baseline_period (first days of months), $area_id (kota, kecamatan or kelurahan
-- id), $age_group (NULL, '0-23', '24-59'), $sex (NULL, 1, 2), $kek_muac (LiLA cut-off, cm).
WITH area_kelurahan AS (
    SELECT kel.region_id, kel.name, kel.parent_id AS kecamatan_id, kec.name AS kecamatan
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan'
      AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
child_measurements AS (
    SELECT m.child_id, m.period, m.kelurahan_id, m.measure_date, m.measurement_id,
           m.zlen, m.flen, m.zwei, m.fwei, m.zwfl, m.fwfl, m.oedema
    FROM measurements AS m
    JOIN children AS c USING (child_id)
    WHERE m.period IN ($period, $baseline_period)
      AND m.kelurahan_id IN (SELECT region_id FROM area_kelurahan)
      AND ($sex IS NULL OR c.sex = $sex)
      AND ($age_group IS NULL
           OR ($age_group = '0-23' AND m.age_days <= 730)
           OR ($age_group = '24-59' AND m.age_days >= 731))
),
latest_haz AS (
    SELECT period, kelurahan_id, zlen
    FROM child_measurements
    WHERE zlen IS NOT NULL AND coalesce(flen, 0) = 0
    QUALIFY row_number() OVER (PARTITION BY child_id, period ORDER BY measure_date DESC, measurement_id DESC) = 1
),
latest_whz AS (
    SELECT period, kelurahan_id, zwfl, oedema
    FROM child_measurements
    WHERE oedema OR (zwfl IS NOT NULL AND coalesce(fwfl, 0) = 0)
    QUALIFY row_number() OVER (PARTITION BY child_id, period ORDER BY measure_date DESC, measurement_id DESC) = 1
),
latest_waz AS (
    SELECT period, kelurahan_id, zwei, oedema
    FROM child_measurements
    WHERE oedema OR (zwei IS NOT NULL AND coalesce(fwei, 0) = 0)
    QUALIFY row_number() OVER (PARTITION BY child_id, period ORDER BY measure_date DESC, measurement_id DESC) = 1
),
stunting AS (
    SELECT kelurahan_id,
           count(*) FILTER (WHERE period = $period) AS measured,
           count(*) FILTER (WHERE period = $period AND zlen < -2) AS stunted,
           count(*) FILTER (WHERE period = $period AND zlen < -3) AS severely_stunted,
           count(*) FILTER (WHERE period = $baseline_period) AS baseline_measured,
           count(*) FILTER (WHERE period = $baseline_period AND zlen < -2) AS baseline_stunted
    FROM latest_haz
    GROUP BY kelurahan_id
),
wasting AS (
    SELECT kelurahan_id, count(*) AS whz_measured, count(*) FILTER (WHERE oedema OR zwfl < -2) AS wasted
    FROM latest_whz WHERE period = $period
    GROUP BY kelurahan_id
),
underweight AS (
    SELECT kelurahan_id, count(*) AS waz_measured, count(*) FILTER (WHERE oedema OR zwei < -2) AS underweight
    FROM latest_waz WHERE period = $period
    GROUP BY kelurahan_id
),
bumil AS (
    SELECT kelurahan_id, count(*) AS bumil_measured, count(*) FILTER (WHERE muac_cm < $kek_muac) AS bumil_kek
    FROM (
        SELECT kelurahan_id, muac_cm
        FROM pregnant_women
        WHERE period = $period AND muac_cm IS NOT NULL
          AND kelurahan_id IN (SELECT region_id FROM area_kelurahan)
        QUALIFY row_number() OVER (PARTITION BY mother_id ORDER BY visit_date DESC NULLS LAST, record_id DESC) = 1
    )
    GROUP BY kelurahan_id
),
skdn AS (
    SELECT p.kelurahan_id, sum(r.s)::BIGINT AS s, sum(r.d)::BIGINT AS d
    FROM posyandu_reports AS r
    JOIN posyandu AS p USING (posyandu_id)
    WHERE r.period = $period AND p.kelurahan_id IN (SELECT region_id FROM area_kelurahan)
    GROUP BY p.kelurahan_id
)
SELECT
    a.region_id, a.name, a.kecamatan_id, a.kecamatan,
    coalesce(st.measured, 0) AS measured,
    coalesce(st.stunted, 0) AS stunted,
    coalesce(st.severely_stunted, 0) AS severely_stunted,
    coalesce(st.baseline_measured, 0) AS baseline_measured,
    coalesce(st.baseline_stunted, 0) AS baseline_stunted,
    coalesce(w.whz_measured, 0) AS whz_measured,
    coalesce(w.wasted, 0) AS wasted,
    coalesce(u.waz_measured, 0) AS waz_measured,
    coalesce(u.underweight, 0) AS underweight,
    coalesce(b.bumil_measured, 0) AS bumil_measured,
    coalesce(b.bumil_kek, 0) AS bumil_kek,
    coalesce(k.s, 0) AS s,
    coalesce(k.d, 0) AS d
FROM area_kelurahan AS a
LEFT JOIN stunting AS st ON st.kelurahan_id = a.region_id
LEFT JOIN wasting AS w ON w.kelurahan_id = a.region_id
LEFT JOIN underweight AS u ON u.kelurahan_id = a.region_id
LEFT JOIN bumil AS b ON b.kelurahan_id = a.region_id
LEFT JOIN skdn AS k ON k.kelurahan_id = a.region_id
ORDER BY a.kecamatan, a.name
