-- Convergence scorecard of one reporting month: eligible 1,000-day households and those meeting each of
-- the 18 indicators, one row per kelurahan of the area x indicator with data. Coverage is left to the
-- caller (konvergensi.domain.convergence) so it is always recomputed from summed counts.
-- Parameters: $period (first day of the reporting month), $area_id (kota, kecamatan or kelurahan id).
SELECT
    a.kelurahan_id AS region_id,
    a.name,
    a.kecamatan_id,
    a.kecamatan,
    s.indicator_no,
    i.target_group,
    i.package,
    i.name AS indicator,
    s.eligible,
    s.met
FROM scorecard AS s
JOIN area_kelurahan($area_id) AS a ON a.kelurahan_id = s.kelurahan_id
LEFT JOIN scorecard_indicators AS i USING (indicator_no)
WHERE s.period = $period
ORDER BY a.kecamatan, a.name, s.indicator_no
