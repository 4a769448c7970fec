-- Schema of the convergence database (DuckDB). One table per real thing.
-- Conventions:
--   * `period` is always the first day of a calendar month (DATE), the unit of every indicator.
--   * region ids are official Kemendagri codes where known ('53.71.01.1001'), else a stable slug.
--   * personal identifiers never appear in clear text: child_id / mother_id / family_id are keyed
--     hashes (HMAC-SHA256, see konvergensi/privacy.py). Names and addresses live only in *_identity
--     tables, filled only when the configuration allows it, and read only by follow-up lists.
--   * z-scores, flags and categories are always computed by konvergensi.growth, never taken from a file.

-- Build metadata: one row per build; pages key their caches on build_id.
CREATE TABLE build_info (
    build_id        VARCHAR PRIMARY KEY,      -- random id of this build
    built_at        TIMESTAMP NOT NULL,
    source          VARCHAR NOT NULL,         -- 'demo' | 'sources' | 'empty'
    synthetic       BOOLEAN NOT NULL,         -- TRUE for demo data: every page shows a banner
    config_name     VARCHAR NOT NULL,         -- e.g. 'kota_kupang'
    region_name     VARCHAR NOT NULL,         -- e.g. 'Kota Kupang'
    data_end        DATE,                     -- last period with data (NULL when empty)
    app_version     VARCHAR,
    settings_json   VARCHAR                   -- config name, region_id, thresholds used (JSON), shown on screen
);

-- Administrative areas: kabupaten/kota > kecamatan > kelurahan/desa.
CREATE TABLE regions (
    region_id       VARCHAR PRIMARY KEY,
    level           VARCHAR NOT NULL CHECK (level IN ('kabkota', 'kecamatan', 'kelurahan')),
    name            VARCHAR NOT NULL,
    parent_id       VARCHAR,                  -- kecamatan of a kelurahan, kabkota of a kecamatan
    official_code   VARCHAR,
    postal_code     VARCHAR,
    area_km2        DOUBLE,
    point_lat       DOUBLE,                   -- representative point (labels, schematic tiles)
    point_lon       DOUBLE,
    is_kampung_kb   BOOLEAN NOT NULL DEFAULT FALSE,
    aliases         VARCHAR[]                 -- other spellings seen in source files
);

-- Boundaries as GeoJSON geometry text (DuckDB's spatial extension cannot be downloaded here).
CREATE TABLE region_boundaries (
    region_id       VARCHAR PRIMARY KEY,
    geometry_json   VARCHAR NOT NULL,         -- GeoJSON geometry object, WGS84
    schematic       BOOLEAN NOT NULL,         -- TRUE: demo tiles, not real boundaries
    source          VARCHAR NOT NULL          -- file name or 'schematic'
);

CREATE TABLE puskesmas (
    puskesmas_id    VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    kecamatan_id    VARCHAR
);

-- Working area of a puskesmas (which kelurahan it serves).
CREATE TABLE puskesmas_kelurahan (
    puskesmas_id    VARCHAR NOT NULL,
    kelurahan_id    VARCHAR NOT NULL,
    PRIMARY KEY (puskesmas_id, kelurahan_id)
);

CREATE TABLE posyandu (
    posyandu_id     VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    kelurahan_id    VARCHAR NOT NULL,
    puskesmas_id    VARCHAR,
    strata_recorded VARCHAR CHECK (strata_recorded IN ('Pratama', 'Madya', 'Purnama', 'Mandiri')),
    kader_count     INTEGER,                  -- registered kader
    has_extra_programmes BOOLEAN,             -- programme tambahan (strata criterion)
    dana_sehat_share DOUBLE,                  -- share of households in dana sehat, 0..1
    is_ilp          BOOLEAN DEFAULT FALSE     -- transformed to Posyandu ILP
);

-- Children under five, pseudonymous.
CREATE TABLE children (
    child_id        VARCHAR PRIMARY KEY,      -- HMAC of NIK (or of name+birth date+mother when no NIK)
    sex             TINYINT NOT NULL CHECK (sex IN (1, 2)),   -- 1 laki-laki, 2 perempuan (WHO coding)
    birth_date      DATE,
    kelurahan_id    VARCHAR,
    posyandu_id     VARCHAR,
    birth_weight_kg DOUBLE,
    birth_length_cm DOUBLE
);

-- Names and addresses: only when config allows it (privacy.store_identity), only for follow-up lists.
CREATE TABLE child_identity (
    child_id        VARCHAR PRIMARY KEY,
    name            VARCHAR,
    parent_name     VARCHAR,
    address         VARCHAR,
    rt              VARCHAR,
    rw              VARCHAR
);

-- One row per anthropometric measurement.
CREATE TABLE measurements (
    measurement_id  BIGINT PRIMARY KEY,
    child_id        VARCHAR NOT NULL,
    measure_date    DATE NOT NULL,
    period          DATE NOT NULL,            -- first day of the month of measure_date
    kelurahan_id    VARCHAR,                  -- where the child was measured
    posyandu_id     VARCHAR,
    age_days        INTEGER,
    weight_kg       DOUBLE,
    lenhei_cm       DOUBLE,
    measure         VARCHAR CHECK (measure IN ('l', 'h')),   -- l terlentang, h berdiri, NULL unknown
    muac_cm         DOUBLE,                   -- LiLA
    oedema          BOOLEAN NOT NULL DEFAULT FALSE,
    weight_up       BOOLEAN,                  -- "Naik Berat Badan" N/T as recorded (SKDN N)
    clenhei         DOUBLE,                   -- length/height after the +/-0.7 cm adjustment
    zlen DOUBLE, flen TINYINT,                -- length/height-for-age  (HAZ)
    zwei DOUBLE, fwei TINYINT,                -- weight-for-age         (WAZ)
    zwfl DOUBLE, fwfl TINYINT,                -- weight-for-length/height (WHZ)
    zbmi DOUBLE, fbmi TINYINT,                -- BMI-for-age
    cat_tbu         VARCHAR,                  -- Permenkes 2/2020 category, TB/U
    cat_bbu         VARCHAR,                  -- BB/U
    cat_bbtb        VARCHAR,                  -- BB/TB
    import_id       BIGINT,                   -- import_log row it came from (NULL: demo)
    row_key         VARCHAR                   -- hash of the measurement's content: importers skip keys already
                                              -- present (anti-join), so re-imports add nothing. No UNIQUE index:
                                              -- it tripled the time to write the measurements of a build.
);

-- Derived base layer (like a dbt staging model), written by konvergensi.derived.refresh whenever the
-- measurements or the register change (every build, and every import or edit through build.atomic_update,
-- inside the same atomic swap); never edited by hand. Every child indicator of every page, the summary
-- command, the meeting pack and stunting_monthly read it, so there is one rule (domain.md):
-- in a month each child counts once, in one place: the kelurahan, posyandu and age of its latest valid
-- measurement of the month (latest measure_date, then measurement_id; a measurement is valid when at least
-- one of its z-scores is unflagged or it records bilateral oedema; a child with no valid measurement is
-- placed by its latest one). Each indicator takes its own latest valid value of the month: a flagged
-- later HAZ does not hide an earlier valid one.
CREATE TABLE child_month (
    period          DATE NOT NULL,
    child_id        VARCHAR NOT NULL,
    kelurahan_id    VARCHAR,                  -- place of the child this month (NULL: measured without kelurahan)
    posyandu_id     VARCHAR,
    age_days        INTEGER,
    age_group       VARCHAR CHECK (age_group IN ('0-23', '24-59')),   -- age_days <= 730 / >= 731 (NULL: unknown)
    sex             TINYINT,                  -- from children (NULL: child not in the register)
    in_register     BOOLEAN NOT NULL,
    measure_date    DATE NOT NULL,            -- date of the placing measurement
    measurement_id  BIGINT NOT NULL,          -- the placing measurement (quality reports read its raw values)
    measurements    INTEGER NOT NULL,         -- measurements of the child this month
    haz             DOUBLE,                   -- latest valid length/height-for-age z (NULL: none valid)
    whz             DOUBLE,                   -- latest valid weight-for-length/height z
    whz_oedema      BOOLEAN NOT NULL,         -- that latest WHZ record is bilateral oedema (counts as < -3, WHO)
    waz             DOUBLE,                   -- latest valid weight-for-age z
    waz_oedema      BOOLEAN NOT NULL
    -- one row per (period, child_id) by construction; no PRIMARY KEY: its index on 64-character ids
    -- would cost more disk and build memory than the table (like measurements.row_key)
);

-- Derived base layer for pregnant women (same rule): one row per mother and month, placed by her latest
-- record of the month (visit_date, then record_id); each value is her latest recorded one of the month.
CREATE TABLE mother_month (
    period          DATE NOT NULL,
    mother_id       VARCHAR NOT NULL,
    kelurahan_id    VARCHAR,
    posyandu_id     VARCHAR,
    visit_date      DATE,
    muac_cm         DOUBLE,                   -- latest LiLA recorded this month
    hb_g_dl         DOUBLE,
    ttd_tablets     INTEGER,
    anc_visits      INTEGER                   -- one row per (period, mother_id); no index (see child_month)
);

-- Derived: monthly stunting counts per kelurahan, age group and sex, aggregated from child_month (same
-- rule) so that the trend pages sum a few thousand rows instead of scanning every child-month.
CREATE TABLE stunting_monthly (
    period          DATE NOT NULL,
    kelurahan_id    VARCHAR,
    age_group       VARCHAR NOT NULL CHECK (age_group IN ('0-23', '24-59')),   -- age_days <= 730 / >= 731
    sex             TINYINT,                  -- from children (NULL: child not in the register)
    measured        INTEGER NOT NULL,
    stunted         INTEGER NOT NULL,         -- HAZ < -2
    severely_stunted INTEGER NOT NULL         -- HAZ < -3
);

-- Derived, written with stunting_monthly (same rule): every measurement of each child measured in more
-- than one kelurahan (a measurement with no kelurahan counts as one more place), with the columns the
-- follow-up list uses. The list reads a scope's own measurements by kelurahan and, from here, those its
-- children had made elsewhere, instead of searching all measurements for the scope's children.
CREATE TABLE moved_measurements (
    measurement_id  BIGINT NOT NULL,
    child_id        VARCHAR NOT NULL,
    measure_date    DATE NOT NULL,
    period          DATE NOT NULL,
    kelurahan_id    VARCHAR,
    posyandu_id     VARCHAR,
    weight_kg       DOUBLE,
    lenhei_cm       DOUBLE,
    oedema          BOOLEAN NOT NULL,
    weight_up       BOOLEAN,
    zlen DOUBLE, flen TINYINT,
    zwfl DOUBLE, fwfl TINYINT,
    cat_tbu         VARCHAR,
    cat_bbtb        VARCHAR
);

-- Posyandu monthly report (SKDN).
CREATE TABLE posyandu_reports (
    posyandu_id     VARCHAR NOT NULL,
    period          DATE NOT NULL,
    opened          BOOLEAN NOT NULL,         -- posyandu held this month
    s INTEGER, k INTEGER, d INTEGER, n INTEGER,
    o INTEGER, t INTEGER, b INTEGER,          -- not weighed last month, not up, first time
    bgm INTEGER,                              -- bawah garis merah
    t2 INTEGER,                               -- 2T: no weight gain two months in a row
    kader_on_duty   INTEGER,
    main_service_coverage DOUBLE,             -- coverage of main services (KIA, KB, imunisasi), 0..1
    import_id       BIGINT,
    PRIMARY KEY (posyandu_id, period)
);

-- Pregnant women, one row per visit/record in a month; pseudonymous.
CREATE TABLE pregnant_women (
    record_id       BIGINT PRIMARY KEY,
    mother_id       VARCHAR NOT NULL,         -- HMAC
    kelurahan_id    VARCHAR,
    posyandu_id     VARCHAR,
    period          DATE NOT NULL,
    visit_date      DATE,
    gestation_weeks INTEGER,
    muac_cm         DOUBLE,                   -- LiLA; KEK = muac_cm < 23.5 (threshold configurable)
    hb_g_dl         DOUBLE,                   -- anaemia = Hb < 11 g/dL (configurable)
    ttd_tablets     INTEGER,                  -- iron-folic tablets taken so far in this pregnancy
    anc_visits      INTEGER,                  -- antenatal visits so far
    import_id       BIGINT,
    row_key         VARCHAR                   -- content hash; importers skip keys already present
);

CREATE TABLE mother_identity (
    mother_id       VARCHAR PRIMARY KEY,
    name            VARCHAR,
    address         VARCHAR
);

-- BKKBN family data: families with a target member and their risk factors (one row per family per year).
CREATE TABLE families_at_risk (
    family_id       VARCHAR NOT NULL,         -- HMAC
    year            INTEGER NOT NULL,
    kelurahan_id    VARCHAR NOT NULL,
    has_catin BOOLEAN, has_pus BOOLEAN, has_bumil BOOLEAN, has_baduta BOOLEAN, has_balita BOOLEAN,
    unsafe_water    BOOLEAN,
    no_latrine      BOOLEAN,
    too_young       BOOLEAN,                  -- wife under 20
    too_old         BOOLEAN,                  -- wife over 35
    too_close       BOOLEAN,                  -- births less than 2 years apart
    too_many        BOOLEAN,                  -- more than 3 children
    low_education   BOOLEAN,
    poor            BOOLEAN,
    at_risk         BOOLEAN,                  -- konvergensi.convergence.family_at_risk: a target member and at least
                                              -- one risk factor Ya; NULL = cannot be assessed (no factor Ya, one not
                                              -- recorded). Factor columns: NULL = not recorded
    child_ids       VARCHAR[],                -- children of the family (HMAC), for the overlap view
    PRIMARY KEY (family_id, year)
);

-- The 18 scorecard indicators and their service packages (reference data).
CREATE TABLE scorecard_indicators (
    indicator_no    INTEGER PRIMARY KEY,      -- 1..18
    target_group    VARCHAR NOT NULL,         -- 'Ibu hamil' | 'Anak 0-23 bulan'
    package         VARCHAR NOT NULL,         -- KIA | Konseling gizi | Air bersih dan sanitasi | Perlindungan sosial | PAUD
    name            VARCHAR NOT NULL
);

-- Kelurahan convergence scorecard: eligible 1,000-day households and those meeting each indicator.
CREATE TABLE scorecard (
    kelurahan_id    VARCHAR NOT NULL,
    period          DATE NOT NULL,            -- reporting month (usually quarterly)
    indicator_no    INTEGER NOT NULL,
    eligible        INTEGER NOT NULL,
    met             INTEGER NOT NULL,
    import_id       BIGINT,
    PRIMARY KEY (kelurahan_id, period, indicator_no)
);

-- The 8 convergence actions per year.
CREATE TABLE convergence_actions (
    year            INTEGER NOT NULL,
    aksi_no         INTEGER NOT NULL CHECK (aksi_no BETWEEN 1 AND 8),
    name            VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('Belum mulai', 'Berjalan', 'Selesai')),
    done_date       DATE,
    output_note     VARCHAR,                  -- output / evidence
    opd             VARCHAR,                  -- responsible agency
    updated_by      VARCHAR,
    updated_at      TIMESTAMP,
    PRIMARY KEY (year, aksi_no)
);

-- Targets as data: baseline and target per area and indicator.
CREATE TABLE targets (
    target_id       VARCHAR PRIMARY KEY,
    region_id       VARCHAR NOT NULL,
    indicator       VARCHAR NOT NULL,         -- 'stunted' (count) | 'prevalence_stunting' (percent)
    baseline_date   DATE NOT NULL,
    baseline_value  DOUBLE NOT NULL,
    target_date     DATE NOT NULL,
    target_value    DOUBLE NOT NULL,
    source          VARCHAR                   -- where the target was set
);

-- Target population (sasaran balita): children under five (0-59 months) per kelurahan and year, from the
-- Dukcapil/BPS/Pusdatin projections the dinas uses. The denominator of coverage (children measured /
-- sasaran) and the multiplier of the estimated number of stunted children (prevalence x sasaran).
CREATE TABLE target_population (
    kelurahan_id    VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    children_under5 INTEGER NOT NULL,         -- balita 0-59 bulan
    source          VARCHAR,                  -- 'Proyeksi Dukcapil 2025', ...
    import_id       BIGINT,
    PRIMARY KEY (kelurahan_id, year)
);

-- Published figures from outside (SSGI, SKI, city reports): never mixed with e-PPGBM without a label.
CREATE TABLE published_figures (
    region_id       VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    source          VARCHAR NOT NULL,         -- 'SSGI 2021', 'e-PPGBM (publikasi kota)', ...
    kind            VARCHAR NOT NULL,         -- 'survei' | 'e-PPGBM'
    stunted         INTEGER,
    prevalence_stunting DOUBLE,
    note            VARCHAR
);

-- Every import (CLI or app), with its counts; rejected rows kept with their reason.
CREATE TABLE import_log (
    import_id       BIGINT PRIMARY KEY,
    imported_at     TIMESTAMP NOT NULL,
    kind            VARCHAR NOT NULL,         -- 'eppgbm' | 'skdn' | 'posyandu' | 'bumil' | 'scorecard' | 'boundaries' | 'keluarga'
    file_name       VARCHAR NOT NULL,
    file_sha256     VARCHAR NOT NULL,
    rows_read       INTEGER NOT NULL,
    accepted        INTEGER NOT NULL,
    rejected        INTEGER NOT NULL,
    duplicates      INTEGER NOT NULL,
    imported_by     VARCHAR,
    message         VARCHAR
);

CREATE TABLE import_rejects (
    import_id       BIGINT NOT NULL,
    row_number      INTEGER NOT NULL,         -- row number as the user sees it in the file (1 = first row)
    column_name     VARCHAR,
    value           VARCHAR,
    reason          VARCHAR NOT NULL,         -- Indonesian, e.g. 'Kelurahan "Oesapa Brt" tidak dikenal; maksud Anda "Oesapa Barat"?'
    raw_json        VARCHAR                   -- the whole row as read, personal fields removed
);

-- Audit log of by-name exports and app edits is NOT here: the dashboard opens this file read-only,
-- so it lives in an append-only file beside it (see konvergensi/audit.py).

-- The kelurahan of an area (a kabupaten/kota, kecamatan or kelurahan id), with their kecamatan and the
-- sub-area one level below the area (the kecamatan of a kota, else the kelurahan itself): the one
-- definition every query uses to scope by area. Written with the derived tables (CREATE OR REPLACE), so
-- older databases get it with `build --refresh`.
CREATE OR REPLACE MACRO area_kelurahan(area) AS TABLE
    SELECT kel.region_id AS kelurahan_id, kel.name, kel.parent_id AS kecamatan_id, kec.name AS kecamatan,
           CASE WHEN kec.parent_id = area THEN kec.region_id ELSE kel.region_id END AS subarea_id
    FROM regions AS kel
    LEFT JOIN regions AS kec ON kec.region_id = kel.parent_id
    WHERE kel.level = 'kelurahan' AND area IN (kel.region_id, kel.parent_id, kec.parent_id);
