-- Posyandu of the user's scope (for the follow-up page's posyandu choice), with kelurahan names.
-- Parameters: $kelurahan_ids (VARCHAR[]; NULL = all).
SELECT p.posyandu_id, p.name AS posyandu, p.kelurahan_id, kel.name AS kelurahan
FROM posyandu AS p
LEFT JOIN regions AS kel ON kel.region_id = p.kelurahan_id
WHERE $kelurahan_ids::VARCHAR[] IS NULL OR list_contains($kelurahan_ids::VARCHAR[], p.kelurahan_id)
ORDER BY kel.name, p.name
