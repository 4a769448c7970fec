-- The count targets ('stunted') of an area's kecamatan and kelurahan that an admin set (import or the app) or
-- the config holds, for one target month: the fixed parts the allocation of the kabupaten/kota's target is
-- re-balanced around (konvergensi.domain.targets.allocate). Rows of the allocation itself (target_id ending
-- with $suffix) are not fixed. Two rows for one area (other baseline months): the later baseline last, so it
-- wins. Parameters: $area_id (the kabupaten/kota), $target_period (first day of the target month), $suffix.
SELECT t.region_id, t.target_value
FROM targets AS t
WHERE t.indicator = 'stunted' AND t.target_date = $target_period AND NOT t.target_id LIKE '%' || $suffix
  AND (t.region_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
       OR t.region_id IN (SELECT kecamatan_id FROM area_kelurahan($area_id)))
ORDER BY t.region_id, t.baseline_date
