-- The rejected rows of one import, in file order (to send back to the puskesmas).
-- Parameters: $import_id.
SELECT
    row_number,
    column_name,
    value,
    reason,
    raw_json
FROM import_rejects
WHERE import_id = $import_id
ORDER BY row_number, column_name
