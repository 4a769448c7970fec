-- Children measured stunted in one month and whether they belong to a family at risk in the BKKBN data
-- of a year (families_at_risk.child_ids), per kelurahan where the child was measured. Each child counts
-- once (the base layer child_month: its latest valid length/height-for-age z in the month, in the kelurahan
-- of that measurement), stunted = HAZ < -2.
-- A family that cannot be assessed (at_risk NULL) does not count as a family at risk.
-- One row per kelurahan of the area, also without data.
-- Parameters: $year (INTEGER), $period (first day of a month), $area_id.
WITH area AS (
    SELECT kelurahan_id AS region_id, name, kecamatan_id, kecamatan FROM area_kelurahan($area_id)
),
latest_haz AS (   -- the base layer: each child once, where its latest valid measurement puts it
    SELECT child_id, kelurahan_id, haz AS zlen
    FROM child_month
    WHERE period = $period AND haz IS NOT NULL AND kelurahan_id IN (SELECT region_id FROM area)
),
family_members AS (
    SELECT unnest(child_ids) AS child_id, at_risk
    FROM families_at_risk
    WHERE year = $year
),
family_children AS (
    SELECT child_id, bool_or(at_risk) AS in_risk_family
    FROM family_members
    GROUP BY child_id
),
children AS (
    SELECT h.kelurahan_id, h.zlen < -2 AS stunted,
           coalesce(fc.in_risk_family, FALSE) AS in_risk_family,
           fc.child_id IS NOT NULL AS in_family_data
    FROM latest_haz AS h
    LEFT JOIN family_children AS fc USING (child_id)
),
counts AS (
    SELECT kelurahan_id,
           count(*) AS measured,
           count(*) FILTER (WHERE stunted) AS stunted,
           count(*) FILTER (WHERE in_risk_family) AS measured_in_risk_family,
           count(*) FILTER (WHERE stunted AND in_risk_family) AS stunted_in_risk_family,
           count(*) FILTER (WHERE stunted AND NOT in_family_data) AS stunted_not_in_family_data
    FROM children
    GROUP BY kelurahan_id
)
SELECT
    a.region_id, a.name, a.kecamatan_id, a.kecamatan,
    coalesce(c.measured, 0) AS measured,
    coalesce(c.stunted, 0) AS stunted,
    coalesce(c.measured_in_risk_family, 0) AS measured_in_risk_family,
    coalesce(c.stunted_in_risk_family, 0) AS stunted_in_risk_family,
    coalesce(c.stunted_not_in_family_data, 0) AS stunted_not_in_family_data
FROM area AS a
LEFT JOIN counts AS c ON c.kelurahan_id = a.region_id
ORDER BY a.kecamatan, a.name
