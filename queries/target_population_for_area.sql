-- Sasaran balita (children under five) of an area for one year: the sum over its kelurahan, with how
-- many of its kelurahan have a figure for that year (coverage and the estimated number are only computed
-- when every kelurahan has one: a partial sum would understate the population).
-- Parameters: $area_id (kota, kecamatan or kelurahan id), $year (INTEGER).
SELECT
    sum(t.children_under5)::BIGINT AS target_population,
    count(t.kelurahan_id) AS kelurahan_with_population,
    count(*) AS kelurahan
FROM area_kelurahan($area_id) AS a
LEFT JOIN target_population AS t ON t.kelurahan_id = a.kelurahan_id AND t.year = $year
