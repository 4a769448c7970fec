-- What the database holds of each kind of source data: one row per kind and month (period NULL for a
-- kind without months; yearly kinds give 1 January of the year). Read by konvergensi.store.data_status, which
-- tells the pages what is missing and what to import next, and which months have data.
WITH kinds AS (
    SELECT 'eppgbm' AS kind, period, count(*) AS n FROM measurements GROUP BY period
    UNION ALL SELECT 'skdn', period, count(*) FROM posyandu_reports GROUP BY period
    UNION ALL SELECT 'bumil', period, count(*) FROM pregnant_women GROUP BY period
    UNION ALL SELECT 'scorecard', period, count(*) FROM scorecard GROUP BY period
    UNION ALL SELECT 'keluarga', make_date(year, 1, 1), count(*) FROM families_at_risk GROUP BY year
    UNION ALL SELECT 'aksi', make_date(year, 1, 1), count(*) FROM convergence_actions GROUP BY year
    UNION ALL SELECT 'posyandu', NULL, count(*) FROM posyandu
    UNION ALL SELECT 'targets', NULL, count(*) FROM targets
    UNION ALL SELECT 'sasaran', make_date(year, 1, 1), count(*) FROM target_population GROUP BY year
    UNION ALL SELECT 'boundaries', NULL, count(*) FROM region_boundaries WHERE NOT schematic
)
SELECT kind, period, n
FROM kinds
WHERE n > 0
ORDER BY kind, period DESC
