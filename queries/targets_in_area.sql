-- Every target set for an area, its kecamatan and its kelurahan (admin's, the config's and the proportional
-- allocation's rows, konvergensi.domain.targets tells them apart). Parameter: $area_id.
SELECT target_id, region_id, indicator, baseline_date, baseline_value, target_date, target_value, source
FROM targets
WHERE region_id = $area_id
   OR region_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
   OR region_id IN (SELECT kecamatan_id FROM area_kelurahan($area_id))
ORDER BY region_id, target_date DESC, indicator
