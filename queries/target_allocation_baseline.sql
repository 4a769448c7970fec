-- The baseline of the proportional allocation of a kabupaten/kota's count target: per kelurahan of the area,
-- the stunted children (TB/U z < -2) of the baseline month, counted as the map counts them (child_month: each
-- child once a month, in the kelurahan of its latest valid measurement). One row per kelurahan, also with 0;
-- with its kecamatan's name (the source text of a share cut from a kecamatan's own target).
-- Parameters: $area_id (the kabupaten/kota), $baseline_period (first day of the baseline month).
SELECT a.kelurahan_id, a.kecamatan_id, any_value(a.kecamatan) AS kecamatan_name,
       count(c.haz) FILTER (WHERE c.haz < -2) AS baseline_stunted
FROM area_kelurahan($area_id) AS a
LEFT JOIN child_month AS c ON c.kelurahan_id = a.kelurahan_id AND c.period = $baseline_period
GROUP BY a.kelurahan_id, a.kecamatan_id
ORDER BY a.kelurahan_id
