-- Families in the BKKBN data per kelurahan of an area for one year: all families recorded, families at
-- risk of stunting (at_risk TRUE) and families that cannot be assessed (at_risk NULL: a target member, no
-- factor Ya, a factor not recorded; the rule is konvergensi.domain.convergence.family_at_risk, applied on import).
-- For each risk factor: <factor> = families with it (a family can have several), <factor>_assessed =
-- families whose data record it (Ya or Tidak; NULL = not recorded), the denominator of its share.
-- Also, for the overlap view: families at risk with at least one child measured in $period, and with at
-- least one child measured stunted in $period (each child's latest valid HAZ in the month < -2).
-- One row per kelurahan of the area, also without data.
-- Parameters: $year (INTEGER), $period (first day of a month), $area_id.
WITH area AS (
    SELECT kelurahan_id AS region_id, name, kecamatan_id, kecamatan FROM area_kelurahan($area_id)
),
families AS (
    SELECT *
    FROM families_at_risk
    WHERE year = $year AND kelurahan_id IN (SELECT region_id FROM area)
),
latest_haz AS (   -- the base layer: each child's latest valid HAZ of the month
    SELECT child_id, haz AS zlen
    FROM child_month
    WHERE period = $period AND haz IS NOT NULL
),
risk_family_members AS (
    SELECT family_id, kelurahan_id, unnest(child_ids) AS child_id
    FROM families
    WHERE at_risk
),
family_children AS (
    SELECT DISTINCT r.family_id, r.kelurahan_id, r.child_id, h.zlen < -2 AS stunted
    FROM risk_family_members AS r
    JOIN latest_haz AS h USING (child_id)
),
family_status AS (
    SELECT kelurahan_id, family_id, bool_or(stunted) AS any_stunted
    FROM family_children
    GROUP BY kelurahan_id, family_id
),
counts AS (
    SELECT
        kelurahan_id,
        count(*) AS families,
        count(*) FILTER (WHERE at_risk) AS at_risk,
        count(*) FILTER (WHERE at_risk IS NULL) AS risk_unknown,
        count(*) FILTER (WHERE poor) AS poor, count(poor) AS poor_assessed,
        count(*) FILTER (WHERE low_education) AS low_education, count(low_education) AS low_education_assessed,
        count(*) FILTER (WHERE no_latrine) AS no_latrine, count(no_latrine) AS no_latrine_assessed,
        count(*) FILTER (WHERE unsafe_water) AS unsafe_water, count(unsafe_water) AS unsafe_water_assessed,
        count(*) FILTER (WHERE too_young) AS too_young, count(too_young) AS too_young_assessed,
        count(*) FILTER (WHERE too_old) AS too_old, count(too_old) AS too_old_assessed,
        count(*) FILTER (WHERE too_close) AS too_close, count(too_close) AS too_close_assessed,
        count(*) FILTER (WHERE too_many) AS too_many, count(too_many) AS too_many_assessed
    FROM families
    GROUP BY kelurahan_id
),
overlap AS (
    SELECT kelurahan_id,
           count(*) AS at_risk_child_measured,
           count(*) FILTER (WHERE any_stunted) AS at_risk_child_stunted
    FROM family_status
    GROUP BY kelurahan_id
)
SELECT
    a.region_id, a.name, a.kecamatan_id, a.kecamatan,
    coalesce(c.families, 0) AS families,
    coalesce(c.at_risk, 0) AS at_risk,
    coalesce(c.risk_unknown, 0) AS risk_unknown,
    coalesce(c.poor, 0) AS poor, coalesce(c.poor_assessed, 0) AS poor_assessed,
    coalesce(c.low_education, 0) AS low_education, coalesce(c.low_education_assessed, 0) AS low_education_assessed,
    coalesce(c.no_latrine, 0) AS no_latrine, coalesce(c.no_latrine_assessed, 0) AS no_latrine_assessed,
    coalesce(c.unsafe_water, 0) AS unsafe_water, coalesce(c.unsafe_water_assessed, 0) AS unsafe_water_assessed,
    coalesce(c.too_young, 0) AS too_young, coalesce(c.too_young_assessed, 0) AS too_young_assessed,
    coalesce(c.too_old, 0) AS too_old, coalesce(c.too_old_assessed, 0) AS too_old_assessed,
    coalesce(c.too_close, 0) AS too_close, coalesce(c.too_close_assessed, 0) AS too_close_assessed,
    coalesce(c.too_many, 0) AS too_many, coalesce(c.too_many_assessed, 0) AS too_many_assessed,
    coalesce(o.at_risk_child_measured, 0) AS at_risk_child_measured,
    coalesce(o.at_risk_child_stunted, 0) AS at_risk_child_stunted
FROM area AS a
LEFT JOIN counts AS c ON c.kelurahan_id = a.region_id
LEFT JOIN overlap AS o ON o.kelurahan_id = a.region_id
ORDER BY a.kecamatan, a.name
