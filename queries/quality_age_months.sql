-- Age distribution in completed months (age in days / 30.4375, rounded down) by sex, for one period and
-- area: shows age heaping. One row per child: the measurement that places the child in the month
-- (the base layer child_month: its latest valid measurement, as for prevalence).
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH measured AS (
    SELECT m.child_id, m.age_days
    FROM child_month AS cm
    JOIN measurements AS m ON m.measurement_id = cm.measurement_id
    WHERE cm.period = $period AND cm.kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
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
