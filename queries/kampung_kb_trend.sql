-- Monthly stunting in an area, split into Kampung KB kelurahan and the other kelurahan (each child once
-- per month: latest valid length/height-for-age z; stunted = HAZ < -2), from the derived table
-- stunting_monthly. Counts, not rates: the caller recomputes prevalence from summed counts.
-- `kelurahan`: kelurahan of the group with at least one child measured that month.
-- Parameters: $area_id.
SELECT
    s.period,
    r.is_kampung_kb,
    count(DISTINCT s.kelurahan_id) AS kelurahan,
    sum(s.measured)::BIGINT AS measured,
    sum(s.stunted)::BIGINT AS stunted
FROM stunting_monthly AS s
JOIN area_kelurahan($area_id) AS a ON a.kelurahan_id = s.kelurahan_id
JOIN regions AS r ON r.region_id = a.kelurahan_id
GROUP BY s.period, r.is_kampung_kb
ORDER BY s.period, r.is_kampung_kb DESC
