-- Import history (Kelola data): every import with its counts, newest first.
SELECT
    import_id,
    imported_at,
    kind,
    file_name,
    rows_read,
    accepted,
    rejected,
    duplicates,
    imported_by,
    message
FROM import_log
ORDER BY import_id DESC
LIMIT 500
