-- The rows of the derived table moved_measurements (see konvergensi/store/schema.sql), computed from
-- measurements by konvergensi.store.derived.refresh: every measurement of each child measured in more than one
-- kelurahan, where a measurement with no kelurahan counts as one more place.
SELECT m.measurement_id, m.child_id, m.measure_date, m.period, m.kelurahan_id, m.posyandu_id,
       m.weight_kg, m.lenhei_cm, m.oedema, m.weight_up, m.zlen, m.flen, m.zwfl, m.fwfl,
       m.cat_tbu, m.cat_bbtb
FROM measurements AS m
WHERE m.child_id IN (
    SELECT child_id FROM measurements
    GROUP BY child_id
    HAVING count(DISTINCT kelurahan_id) + max(CASE WHEN kelurahan_id IS NULL THEN 1 ELSE 0 END) > 1)
ORDER BY m.child_id, m.measure_date
