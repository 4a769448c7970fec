-- Children measured stunted in one month and whether they belong to a family at risk in the BKKBN data
-- of a year (families_at_risk.child_ids), per kelurahan where the child was measured. Each child counts
-- once: its latest valid length/height-for-age z in the month (flagged z excluded), stunted = HAZ < -2.
-- A family that cannot be assessed (at_risk NULL) does not count as a family at risk.
-- One row per kelurahan of the area, also without data.
-- Parameters: $year (INTEGER), $period (first day of a month), $area_id.
WITH area_kelurahan AS (
    SELECT kel.region_id, kel.name, kel.parent_id AS kecamatan_id, kec.name AS kecamatan
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan'
      AND $area_id IN (kel.region_id, kel.parent_id, kec.parent_id)
),
latest_haz AS (
    SELECT child_id, kelurahan_id, zlen
    FROM measurements
    WHERE period = $period AND zlen IS NOT NULL AND coalesce(flen, 0) = 0
      AND kelurahan_id IN (SELECT region_id FROM area_kelurahan)
    QUALIFY row_number() OVER (PARTITION BY child_id ORDER BY measure_date DESC, measurement_id DESC) = 1
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
FROM area_kelurahan AS a
LEFT JOIN counts AS c ON c.kelurahan_id = a.region_id
ORDER BY a.kecamatan, a.name
