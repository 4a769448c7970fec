-- SKDN of the posyandu of one area for one month, summed (ratios are computed from these sums).
-- Parameters: $period, $area_id.
SELECT
    count(*) AS posyandu_reports,
    count(*) FILTER (WHERE r.opened) AS posyandu_opened,
    coalesce(sum(r.s), 0)::BIGINT AS s,
    coalesce(sum(r.k), 0)::BIGINT AS k,
    coalesce(sum(r.d), 0)::BIGINT AS d,
    coalesce(sum(r.n), 0)::BIGINT AS n,
    coalesce(sum(r.bgm), 0)::BIGINT AS bgm,
    coalesce(sum(r.t2), 0)::BIGINT AS t2
FROM posyandu_reports AS r
JOIN posyandu AS p USING (posyandu_id)
WHERE r.period = $period AND p.kelurahan_id IN (SELECT kelurahan_id FROM area_kelurahan($area_id))
