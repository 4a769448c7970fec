-- What a petugas account's scope can name (page "Pengguna"): every puskesmas and every kelurahan, with a
-- label. kind: 'puskesmas' | 'kelurahan'. No parameters.
SELECT 'puskesmas' AS kind, puskesmas_id AS id, name AS label, 0 AS sort_group
FROM puskesmas
UNION ALL
SELECT 'kelurahan' AS kind, kel.region_id AS id, kel.name || ' (Kec. ' || coalesce(kec.name, '-') || ')' AS label, 1
FROM regions AS kel
LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
WHERE kel.level = 'kelurahan'
ORDER BY sort_group, label
