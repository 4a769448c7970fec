-- Years of BKKBN family data (keluarga berisiko stunting), newest first.
SELECT DISTINCT year
FROM families_at_risk
ORDER BY year DESC
