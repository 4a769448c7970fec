-- Data quality per posyandu for one period and area: one row per posyandu of the area (and one per
-- kelurahan for children measured with no posyandu), with counts of missing and implausible fields,
-- measuring position against age, flagged z-scores and the power sums of unflagged z-scores
-- (n, sum z, sum z^2, z^3, z^4 add up over posyandu: konvergensi.domain.quality turns them into SD, skewness
-- and kurtosis), and the posyandu's SKDN S and D for the month.
-- One row per child: the measurement that places the child in the month (base layer child_month: its latest
-- valid measurement, as for prevalence).
-- Parameters: $period (first day of the month), $area_id (kota, kecamatan or kelurahan id).
WITH area AS (
    SELECT kelurahan_id, name AS kelurahan FROM area_kelurahan($area_id)
),
area_posyandu AS (
    SELECT p.posyandu_id, p.name AS posyandu, p.kelurahan_id
    FROM posyandu AS p
    WHERE p.kelurahan_id IN (SELECT kelurahan_id FROM area)
),
measured AS (   -- the child's measurement of the month (child_month)
    SELECT
        m.*,
        c.sex,
        c.birth_date,
        coalesce(p.kelurahan_id, m.kelurahan_id) AS group_kelurahan
    FROM child_month AS cm
    JOIN measurements AS m ON m.measurement_id = cm.measurement_id
    LEFT JOIN children AS c ON c.child_id = m.child_id
    LEFT JOIN posyandu AS p ON p.posyandu_id = m.posyandu_id
    WHERE cm.period = $period AND cm.kelurahan_id IN (SELECT kelurahan_id FROM area)
),
unflagged AS (  -- z-scores that count in the distribution (flagged ones left out, as WHO does)
    SELECT
        *,
        CASE WHEN coalesce(flen, 0) = 0 THEN zlen END AS hz,
        CASE WHEN coalesce(fwei, 0) = 0 THEN zwei END AS wz,
        CASE WHEN coalesce(fwfl, 0) = 0 THEN zwfl END AS whz
    FROM measured
),
per_group AS (
    SELECT
        posyandu_id,
        group_kelurahan,
        count(*) AS measured,
        count(*) FILTER (WHERE sex = 1) AS boys,
        count(*) FILTER (WHERE sex = 2) AS girls,
        count(*) FILTER (WHERE sex IS NULL) AS missing_sex,
        count(*) FILTER (WHERE age_days IS NULL) AS missing_birth_date,   -- no age: birth date missing
        count(*) FILTER (WHERE weight_kg IS NULL OR weight_kg <= 0) AS missing_weight,
        count(*) FILTER (WHERE lenhei_cm IS NULL OR lenhei_cm <= 0) AS missing_lenhei,
        count(*) FILTER (WHERE lenhei_cm > 0 AND measure IS NULL) AS missing_measure,
        count(*) FILTER (WHERE weight_kg > 0 AND (weight_kg < 0.5 OR weight_kg > 40)) AS implausible_weight,
        count(*) FILTER (WHERE lenhei_cm > 0 AND (lenhei_cm < 35 OR lenhei_cm > 140)) AS implausible_lenhei,
        count(*) FILTER (WHERE lenhei_cm > 0 AND age_days < 731) AS young_lenhei,
        count(*) FILTER (WHERE lenhei_cm > 0 AND age_days < 731 AND measure = 'h') AS young_standing,
        count(*) FILTER (WHERE lenhei_cm > 0 AND age_days < 731 AND measure IS NULL) AS young_unknown,
        count(*) FILTER (WHERE lenhei_cm > 0 AND age_days >= 731) AS old_lenhei,
        count(*) FILTER (WHERE lenhei_cm > 0 AND age_days >= 731 AND measure = 'l') AS old_lying,
        count(*) FILTER (WHERE lenhei_cm > 0 AND age_days >= 731 AND measure IS NULL) AS old_unknown,
        count(zlen) AS zlen_n,
        count(*) FILTER (WHERE zlen IS NOT NULL AND flen = 1) AS zlen_flagged,
        coalesce(sum(hz), 0) AS zlen_s1, coalesce(sum(hz ^ 2), 0) AS zlen_s2,
        coalesce(sum(hz ^ 3), 0) AS zlen_s3, coalesce(sum(hz ^ 4), 0) AS zlen_s4,
        count(zwei) AS zwei_n,
        count(*) FILTER (WHERE zwei IS NOT NULL AND fwei = 1) AS zwei_flagged,
        coalesce(sum(wz), 0) AS zwei_s1, coalesce(sum(wz ^ 2), 0) AS zwei_s2,
        coalesce(sum(wz ^ 3), 0) AS zwei_s3, coalesce(sum(wz ^ 4), 0) AS zwei_s4,
        count(zwfl) AS zwfl_n,
        count(*) FILTER (WHERE zwfl IS NOT NULL AND fwfl = 1) AS zwfl_flagged,
        coalesce(sum(whz), 0) AS zwfl_s1, coalesce(sum(whz ^ 2), 0) AS zwfl_s2,
        coalesce(sum(whz ^ 3), 0) AS zwfl_s3, coalesce(sum(whz ^ 4), 0) AS zwfl_s4
    FROM unflagged
    GROUP BY posyandu_id, group_kelurahan
),
skdn AS (
    SELECT posyandu_id, s AS skdn_s, d AS skdn_d
    FROM posyandu_reports
    WHERE period = $period AND posyandu_id IN (SELECT posyandu_id FROM area_posyandu)
),
joined AS (
    SELECT
        coalesce(p.posyandu_id, g.posyandu_id) AS posyandu_id,
        CASE
            WHEN p.posyandu_id IS NOT NULL THEN p.posyandu
            WHEN g.posyandu_id IS NOT NULL THEN 'Posyandu tidak terdaftar (' || g.posyandu_id || ')'
            ELSE 'Tanpa posyandu'
        END AS posyandu,
        coalesce(p.kelurahan_id, g.group_kelurahan) AS kelurahan_id,
        g.* EXCLUDE (posyandu_id, group_kelurahan)
    FROM area_posyandu AS p
    FULL OUTER JOIN per_group AS g ON g.posyandu_id = p.posyandu_id
)
SELECT
    j.posyandu_id,
    j.posyandu,
    j.kelurahan_id,
    coalesce(k.name, j.kelurahan_id, 'Tanpa kelurahan') AS kelurahan,
    j.* EXCLUDE (posyandu_id, posyandu, kelurahan_id) REPLACE (coalesce(j.measured, 0) AS measured),
    s.skdn_s,
    s.skdn_d
FROM joined AS j
LEFT JOIN regions AS k ON k.region_id = j.kelurahan_id
LEFT JOIN skdn AS s ON s.posyandu_id = j.posyandu_id
ORDER BY kelurahan, posyandu
