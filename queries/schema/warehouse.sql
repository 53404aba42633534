-- Warehouse schema (docs/architecture.md). Created once, when ingestion makes a new
-- warehouse file; every statement is idempotent so that opening an older
-- file adds what is missing.
--
-- Identifiers: family_key / head_key / recipient_key are keyed hashes
-- (see bansos/keys.py); no raw NIK or KK number is stored in any table.
-- Codes are text (`35.10`), money is integer rupiah, dates are DATE.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

-- Reference data, loaded from data/reference/*.csv (bansos/reference.py).
CREATE TABLE IF NOT EXISTS ref_province (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, population BIGINT, lat DOUBLE, lon DOUBLE, coord_kind VARCHAR
);
CREATE TABLE IF NOT EXISTS ref_region (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, type VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL, population BIGINT, lat DOUBLE, lon DOUBLE, coord_kind VARCHAR
);
CREATE TABLE IF NOT EXISTS ref_kecamatan (code VARCHAR PRIMARY KEY, name VARCHAR, region_code VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ref_desa (code VARCHAR PRIMARY KEY, name VARCHAR, kecamatan_code VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ref_pilot (
    region_code VARCHAR PRIMARY KEY, region_name VARCHAR, province_code VARCHAR,
    province_name VARCHAR, cohort INTEGER, status VARCHAR, source VARCHAR
);
CREATE TABLE IF NOT EXISTS ref_program (
    code VARCHAR PRIMARY KEY, aliases VARCHAR, name_id VARCHAR, name_en VARCHAR,
    max_desil INTEGER, benefit_per_tranche BIGINT, tranches_per_year INTEGER, source VARCHAR
);
CREATE TABLE IF NOT EXISTS ref_tranche_calendar (tranche INTEGER PRIMARY KEY, start_month INTEGER, start_day INTEGER);
CREATE TABLE IF NOT EXISTS ref_comparison (pilot_code VARCHAR, comparison_code VARCHAR);

-- Facts. A register row is keyed by (family_key, snapshot_date); an
-- allocation row by (family_key, program, year, tranche, region_code,
-- institution), a blank institution being a value of its own: the same
-- family allocated a tranche by two kab/kota or two institutions stays two
-- rows (a leakage signal, not a correction). Keys are enforced by ingestion,
-- not by an index: bulk loads of millions of rows stay fast and memory flat.
--
-- Loads never delete fact rows. A row that a later extract, or a --replace
-- re-issue, supersedes gets the id of that load in `superseded_by`; the
-- current rows (superseded_by IS NULL) are what marts and pages read, through
-- the views below. `unload` can so restore exactly what a load replaced.
CREATE TABLE IF NOT EXISTS fact_family (
    family_key        UHUGEINT NOT NULL,
    snapshot_date     DATE NOT NULL,
    region_code       VARCHAR NOT NULL,   -- kab/kota, PP.KK
    kecamatan_code    VARCHAR,            -- PP.KK.CC when the row's code is that precise
    wilayah_code      VARCHAR NOT NULL,   -- the code as given, dotted
    desil             TINYINT,
    members           SMALLINT,
    channel           VARCHAR,
    registration_date DATE,
    decision          VARCHAR,
    reason            VARCHAR,            -- free text, every long digit run masked
    appeal            VARCHAR,
    head_key          UHUGEINT,
    extract_date      DATE NOT NULL,
    load_id           INTEGER NOT NULL,
    superseded_by     INTEGER             -- the load that replaced this row; NULL = current
);
CREATE TABLE IF NOT EXISTS fact_allocation (
    family_key     UHUGEINT NOT NULL,
    program        VARCHAR NOT NULL,
    year           SMALLINT NOT NULL,
    tranche        TINYINT NOT NULL,
    region_code    VARCHAR NOT NULL,
    kecamatan_code VARCHAR,
    wilayah_code   VARCHAR NOT NULL,
    amount         BIGINT NOT NULL,
    status         VARCHAR NOT NULL,
    institution    VARCHAR,
    paid_date      DATE,
    transaction_id VARCHAR,
    recipient_key  UHUGEINT,
    extract_date   DATE NOT NULL,
    load_id        INTEGER NOT NULL,
    superseded_by  INTEGER
);
CREATE OR REPLACE VIEW current_family AS SELECT * FROM fact_family WHERE superseded_by IS NULL;
CREATE OR REPLACE VIEW current_allocation AS SELECT * FROM fact_allocation WHERE superseded_by IS NULL;

-- One row per file that was loaded (a rejected file is not in the ledger).
CREATE TABLE IF NOT EXISTS load_ledger (
    load_id          INTEGER PRIMARY KEY,
    file_name        VARCHAR NOT NULL,
    content_hash     VARCHAR NOT NULL,   -- over the bytes and the options that change meaning
    kind             VARCHAR NOT NULL,
    as_of            DATE,
    replace_mode     BOOLEAN NOT NULL,
    extract_date     DATE,
    rows_read        BIGINT NOT NULL,
    rows_loaded      BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_superseded  BIGINT NOT NULL,    -- valid rows older than the stored row of the same key
    rows_removed     BIGINT NOT NULL,    -- stored rows a --replace re-issue marked as replaced
    loaded_at        TIMESTAMP NOT NULL, -- UTC
    message          VARCHAR,
    warnings         VARCHAR,
    loaded_by        VARCHAR,            -- who ran the load (a login, or the operating-system user)
    unloaded_at      TIMESTAMP,          -- set by `unload`; the record itself is kept
    unloaded_by      VARCHAR,
    quarantine_purged BOOLEAN            -- its quarantined samples were purged (retention); counts stay
);

-- The kab/kota each loaded file's rows name, stored and quarantined alike (a
-- quarantined row's from the kode_wilayah it was given): whose file it is,
-- for a reader limited to some regions (queries/loads.sql), without reading
-- the facts. Written with the load, kept after `unload` like the ledger record.
CREATE TABLE IF NOT EXISTS load_region (
    load_id     INTEGER NOT NULL,
    region_code VARCHAR NOT NULL         -- PP.KK
);

-- The quarantine counted: rows by load, kab/kota (from the kode_wilayah each
-- row was given; NULL when it holds no four digits) and set of broken rules,
-- with the first line of each. The Kualitas Data page's tiles, reasons chart
-- and by-file table read it instead of every quarantined row (decoding the
-- JSON of 100,000s of rows per page run). Written with the load, and kept
-- equal to the quarantine by `unload` and `purge`; `check` recomputes it.
CREATE TABLE IF NOT EXISTS quarantine_summary (
    load_id     INTEGER NOT NULL,
    file_name   VARCHAR NOT NULL,
    region_code VARCHAR,                 -- PP.KK, or NULL: visible only to those who see every region
    reasons     VARCHAR[] NOT NULL,
    rows        BIGINT NOT NULL,
    first_line  BIGINT NOT NULL
);

-- Files rejected whole (unreadable, no matching header, too many bad rows):
-- not loaded, so not in the ledger, but kept as a trace for the people who
-- sent them. Purged after the retention period (docs/operations.md).
CREATE TABLE IF NOT EXISTS rejections (
    rejected_at  TIMESTAMP NOT NULL,    -- UTC
    file_name    VARCHAR NOT NULL,      -- long digit runs masked
    content_hash VARCHAR,               -- NULL when the file could not be read at all
    kind         VARCHAR,
    message      VARCHAR NOT NULL,      -- long digit runs masked
    rejected_by  VARCHAR
);

CREATE TABLE IF NOT EXISTS quarantine (
    load_id      INTEGER NOT NULL,
    file_name    VARCHAR NOT NULL,
    line         BIGINT NOT NULL,       -- CSV physical line (header = 1), XLSX sheet row, Parquet 1-based row
    reasons      VARCHAR[] NOT NULL,
    row_values   VARCHAR,               -- JSON of the row as given, identifiers masked
    no_kk_key    UHUGEINT,
    no_kk_masked VARCHAR,
    nik_key      UHUGEINT,
    nik_masked   VARCHAR
);
