-- Age distribution in completed months (age in days / 30.4375, rounded down) by sex, for one period and
-- area: shows age heaping. One row per child: the latest measurement of the child in the period.
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH area_kelurahan AS (
    SELECT kel.region_id AS kelurahan_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
measured AS (
    SELECT m.child_id, m.age_days
    FROM measurements AS m
    WHERE m.period = $period AND m.kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan)
    QUALIFY row_number() OVER (PARTITION BY m.child_id ORDER BY m.measure_date DESC, m.measurement_id DESC) = 1
)
SELECT
    floor(m.age_days / 30.4375)::INTEGER AS age_month,
    c.sex,
    count(*) AS n
FROM measured AS m
LEFT JOIN children AS c ON c.child_id = m.child_id
WHERE m.age_days BETWEEN 0 AND 1826
GROUP BY ALL
ORDER BY age_month, c.sex
