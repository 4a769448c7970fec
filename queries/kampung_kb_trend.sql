-- Monthly stunting in an area, split into Kampung KB kelurahan and the other kelurahan (each child once
-- per month: latest valid length/height-for-age z; stunted = HAZ < -2), from the derived table
-- stunting_monthly. Counts, not rates: the caller recomputes prevalence from summed counts.
-- `kelurahan`: kelurahan of the group with at least one child measured that month.
-- Parameters: $area_id.
WITH area_kelurahan AS (
    SELECT kel.region_id, kel.is_kampung_kb
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
)
SELECT
    s.period,
    a.is_kampung_kb,
    count(DISTINCT s.kelurahan_id) AS kelurahan,
    sum(s.measured)::BIGINT AS measured,
    sum(s.stunted)::BIGINT AS stunted
FROM stunting_monthly AS s
JOIN area_kelurahan AS a ON a.region_id = s.kelurahan_id
GROUP BY s.period, a.is_kampung_kb
ORDER BY s.period, a.is_kampung_kb DESC
