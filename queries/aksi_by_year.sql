-- The 8 convergence actions of one year as recorded: status, completion date, output/evidence,
-- responsible OPD and who last changed the row. Actions not yet recorded are added by
-- konvergensi.domain.convergence.complete_actions (so the page always lists all 8).
-- Parameters: $year (INTEGER).
SELECT
    year,
    aksi_no,
    name,
    status,
    done_date,
    output_note,
    opd,
    updated_by,
    updated_at
FROM convergence_actions
WHERE year = $year
ORDER BY aksi_no
