-- Histogram of unflagged z-scores (HAZ, WAZ, WHZ) in bins of 0.2 SD for one period and area, to draw
-- against the WHO standard normal curve. `bin` is the lower edge of the bin.
-- One value per child and indicator: its latest valid z of the month (the base
-- layer child_month, as for prevalence).
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH measured AS (
    SELECT haz, waz, whz
    FROM child_month
    WHERE period = $period AND kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
),
z_long AS (
    SELECT 'zlen' AS indicator, haz AS z FROM measured WHERE haz IS NOT NULL
    UNION ALL
    SELECT 'zwei', waz FROM measured WHERE waz IS NOT NULL
    UNION ALL
    SELECT 'zwfl', whz FROM measured WHERE whz IS NOT NULL
)
SELECT
    indicator,
    round(floor(z / 0.2 + 1e-9) * 0.2, 1) AS bin,
    count(*) AS n
FROM z_long
GROUP BY ALL
ORDER BY indicator, bin
