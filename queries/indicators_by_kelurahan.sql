-- Child and programme indicators per kelurahan of an area, for one period and for the baseline period:
-- the map, the list of lagging kelurahan and the kelurahan table. One row per kelurahan of the area,
-- also when it has no data (every polygon is drawn). Rates are left to the caller (numerator and
-- denominator both returned) so they can be recomputed after any aggregation.
-- Children and mothers are read from the base layer child_month / mother_month: each child once per
-- month, in the kelurahan and age group of its latest valid measurement, each indicator at its own
-- latest valid value (flagged z-scores excluded; oedema counts as wasted and underweight, as WHO does).
-- Parameters: $period, $baseline_period (first days of months), $area_id (kota, kecamatan or kelurahan
-- id), $age_group (NULL, '0-23', '24-59'), $sex (NULL, 1, 2), $kek_muac (LiLA cut-off, cm).
WITH area AS (
    SELECT kelurahan_id AS region_id, name, kecamatan_id, kecamatan FROM area_kelurahan($area_id)
),
child_counts AS (
    SELECT kelurahan_id,
           count(haz) FILTER (WHERE period = $period) AS measured,
           count(*) FILTER (WHERE period = $period AND haz < -2) AS stunted,
           count(*) FILTER (WHERE period = $period AND haz < -3) AS severely_stunted,
           count(haz) FILTER (WHERE period = $baseline_period) AS baseline_measured,
           count(*) FILTER (WHERE period = $baseline_period AND haz < -2) AS baseline_stunted,
           count(*) FILTER (WHERE period = $period AND (whz IS NOT NULL OR whz_oedema)) AS whz_measured,
           count(*) FILTER (WHERE period = $period AND (whz_oedema OR whz < -2)) AS wasted,
           count(*) FILTER (WHERE period = $period AND (waz IS NOT NULL OR waz_oedema)) AS waz_measured,
           count(*) FILTER (WHERE period = $period AND (waz_oedema OR waz < -2)) AS underweight
    FROM child_month
    WHERE period IN ($period, $baseline_period)
      AND kelurahan_id IN (SELECT region_id FROM area)
      AND ($sex IS NULL OR sex = $sex)
      AND ($age_group IS NULL OR age_group = $age_group)
    GROUP BY kelurahan_id
),
bumil AS (
    SELECT kelurahan_id, count(*) AS bumil_measured, count(*) FILTER (WHERE muac_cm < $kek_muac) AS bumil_kek
    FROM mother_month
    WHERE period = $period AND muac_cm IS NOT NULL AND kelurahan_id IN (SELECT region_id FROM area)
    GROUP BY kelurahan_id
),
skdn AS (
    SELECT p.kelurahan_id, sum(r.s)::BIGINT AS s, sum(r.d)::BIGINT AS d
    FROM posyandu_reports AS r
    JOIN posyandu AS p USING (posyandu_id)
    WHERE r.period = $period AND p.kelurahan_id IN (SELECT region_id FROM area)
    GROUP BY p.kelurahan_id
)
SELECT
    a.region_id, a.name, a.kecamatan_id, a.kecamatan,
    coalesce(c.measured, 0) AS measured,
    coalesce(c.stunted, 0) AS stunted,
    coalesce(c.severely_stunted, 0) AS severely_stunted,
    coalesce(c.baseline_measured, 0) AS baseline_measured,
    coalesce(c.baseline_stunted, 0) AS baseline_stunted,
    coalesce(c.whz_measured, 0) AS whz_measured,
    coalesce(c.wasted, 0) AS wasted,
    coalesce(c.waz_measured, 0) AS waz_measured,
    coalesce(c.underweight, 0) AS underweight,
    coalesce(b.bumil_measured, 0) AS bumil_measured,
    coalesce(b.bumil_kek, 0) AS bumil_kek,
    coalesce(k.s, 0) AS s,
    coalesce(k.d, 0) AS d
FROM area AS a
LEFT JOIN child_counts AS c ON c.kelurahan_id = a.region_id
LEFT JOIN bumil AS b ON b.kelurahan_id = a.region_id
LEFT JOIN skdn AS k ON k.kelurahan_id = a.region_id
ORDER BY a.kecamatan, a.name
