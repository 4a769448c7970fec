-- Months that have anthropometric measurements, newest first (the filter bar's period list).
-- Only the months: counting distinct children per month here cost 0.8 s on a 6-million-row province.
SELECT DISTINCT period
FROM measurements
ORDER BY period DESC
