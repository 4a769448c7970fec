-- Reporting months of the kelurahan convergence scorecard, newest first, with how many kelurahan reported.
SELECT
    period,
    count(DISTINCT kelurahan_id) AS kelurahan
FROM scorecard
GROUP BY period
ORDER BY period DESC
