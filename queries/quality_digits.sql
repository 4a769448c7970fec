-- Terminal (decimal) digit of weight and length/height per posyandu, for one period and area:
-- how many children's values end in .0, .1, ..., .9 (value rounded to one decimal). The area total is the
-- sum over posyandu. One row per child: the measurement that places the child in the month
-- (the base layer child_month: its latest valid measurement, as for prevalence).
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH measured AS (
    SELECT m.posyandu_id, m.weight_kg, m.lenhei_cm
    FROM child_month AS cm
    JOIN measurements AS m ON m.measurement_id = cm.measurement_id
    WHERE cm.period = $period AND cm.kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
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
