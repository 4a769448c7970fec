-- Months that have anthropometric measurements, newest first, with how many children were measured.
SELECT
    period,
    count(DISTINCT child_id) AS children
FROM measurements
GROUP BY period
ORDER BY period DESC
