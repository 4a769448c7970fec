-- The latest month with child measurements (else with any data): the default period of the summary.
SELECT coalesce(
    (SELECT max(period) FROM measurements),
    (SELECT max(period) FROM (SELECT period FROM posyandu_reports UNION ALL SELECT period FROM pregnant_women))
) AS period
