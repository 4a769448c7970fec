-- Years with recorded convergence actions (Aksi Konvergensi), newest first.
SELECT DISTINCT year
FROM convergence_actions
ORDER BY year DESC
