-- Baselines and targets set for one area (count of stunted children and/or prevalence), newest first.
-- Parameter: $area_id.
SELECT target_id, region_id, indicator, baseline_date, baseline_value, target_date, target_value, source
FROM targets
WHERE region_id = $area_id
ORDER BY target_date DESC, indicator
