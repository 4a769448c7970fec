-- The 18 scorecard indicators with their target group and service package (reference data).
SELECT indicator_no, target_group, package, name
FROM scorecard_indicators
ORDER BY indicator_no
