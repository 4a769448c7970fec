-- Histogram of unflagged z-scores (HAZ, WAZ, WHZ) in bins of 0.2 SD for one period and area, to draw
-- against the WHO standard normal curve. `bin` is the lower edge of the bin.
-- One row per child: the latest measurement of the child in the period.
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH area_kelurahan AS (
    SELECT kel.region_id AS kelurahan_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
measured AS (
    SELECT m.zlen, m.flen, m.zwei, m.fwei, m.zwfl, m.fwfl
    FROM measurements AS m
    WHERE m.period = $period AND m.kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan)
    QUALIFY row_number() OVER (PARTITION BY m.child_id ORDER BY m.measure_date DESC, m.measurement_id DESC) = 1
),
z_long AS (
    SELECT 'zlen' AS indicator, zlen AS z FROM measured WHERE zlen IS NOT NULL AND coalesce(flen, 0) = 0
    UNION ALL
    SELECT 'zwei', zwei FROM measured WHERE zwei IS NOT NULL AND coalesce(fwei, 0) = 0
    UNION ALL
    SELECT 'zwfl', zwfl FROM measured WHERE zwfl IS NOT NULL AND coalesce(fwfl, 0) = 0
)
SELECT
    indicator,
    round(floor(z / 0.2 + 1e-9) * 0.2, 1) AS bin,
    count(*) AS n
FROM z_long
GROUP BY ALL
ORDER BY indicator, bin
