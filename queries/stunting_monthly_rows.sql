-- The rows of the derived table stunting_monthly (see konvergensi/store/schema.sql): child_month summed per
-- month, kelurahan, age group and sex (children with a valid length/height-for-age z).
SELECT
    period,
    kelurahan_id,
    age_group,
    sex,
    count(*) AS measured,
    count(*) FILTER (WHERE haz < -2) AS stunted,
    count(*) FILTER (WHERE haz < -3) AS severely_stunted
FROM child_month
WHERE haz IS NOT NULL AND age_group IS NOT NULL
GROUP BY ALL
