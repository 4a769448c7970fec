-- Terminal (decimal) digit of weight and length/height per posyandu, for one period and area:
-- how many children's values end in .0, .1, ..., .9 (value rounded to one decimal). The area total is the
-- sum over posyandu. One row per child: the latest measurement of the child in the period.
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH area_kelurahan AS (
    SELECT kel.region_id AS kelurahan_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
measured AS (
    SELECT m.posyandu_id, m.weight_kg, m.lenhei_cm
    FROM measurements AS m
    WHERE m.period = $period AND m.kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan)
    QUALIFY row_number() OVER (PARTITION BY m.child_id ORDER BY m.measure_date DESC, m.measurement_id DESC) = 1
),
values_long AS (
    SELECT posyandu_id, 'weight' AS variable, weight_kg AS value FROM measured WHERE weight_kg > 0
    UNION ALL
    SELECT posyandu_id, 'lenhei' AS variable, lenhei_cm AS value FROM measured WHERE lenhei_cm > 0
)
SELECT
    posyandu_id,
    variable,
    (round(value * 10)::BIGINT % 10)::INTEGER AS digit,
    count(*) AS n
FROM values_long
GROUP BY ALL
ORDER BY posyandu_id, variable, digit
