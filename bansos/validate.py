"""Row rules, set-wise in SQL (no Python loop per row).

`prepare(con)` creates the lookups once per ingestion session (region codes,
programme aliases, parsing macros). `check(con, staged, out, as_of)` reads
the staging view once and writes the checked table: typed values plus
`reasons`, a list with one code per broken rule (empty = the row loads).

Speed matters (hundreds of thousands of rows a second): every parse has a
cheap fast path for the common shape (`600000`, `2026-02-03`, `3`) before
the general one, region codes are resolved once per distinct code, and
duplicates are found with a grouped count rather than a sort of the file.

Every value from outside is bound or read from a table; the only text pasted
into SQL is table names made by ingestion itself, column names from the
contract and enumeration constants defined in bansos/contract.py.
"""

from __future__ import annotations

import duckdb

from bansos.contract import (
    KANAL_REGISTRASI,
    KELUARGA,
    LEMBAGA_PENYALUR,
    SANGGAH,
    STATUS_KELAYAKAN,
    STATUS_SALUR,
)
from bansos.extracts import StagedFile
from bansos.warehouse import WAREHOUSE, one_row

FIRST_DATE, LAST_DATE = "2000-01-01", "2100-12-31"  # contract: dates between 2000 and 2100

MACROS = rf"""
CREATE OR REPLACE TEMP MACRO bansos_date(v) AS
    CASE WHEN v IS NULL THEN NULL
         WHEN substr(v, 5, 1) = '-' AND length(v) = 10 THEN TRY_CAST(v AS DATE)
         WHEN substr(v, 3, 1) = '/' AND length(v) = 10 THEN CAST(try_strptime(v, '%d/%m/%Y') AS DATE)
         WHEN substr(v, 3, 1) = '-' AND length(v) = 10 THEN CAST(try_strptime(v, '%d-%m-%Y') AS DATE)
         ELSE coalesce(
            TRY_CAST(v AS DATE),
            CAST(coalesce(try_strptime(v, '%d/%m/%Y'), try_strptime(v, '%d-%m-%Y'),
                          try_strptime(v, '%Y-%m-%d %H:%M:%S'), try_strptime(v, '%Y/%m/%d')) AS DATE)) END;
CREATE OR REPLACE TEMP MACRO bansos_date_ok(d) AS d BETWEEN DATE '{FIRST_DATE}' AND DATE '{LAST_DATE}';
-- Fast paths: a cast that prints back as the same text was plain digits
-- (TRY_CAST alone is too lenient: it takes '3.5', '1e3', '1_000').
CREATE OR REPLACE TEMP MACRO bansos_int(v) AS
    CASE WHEN CAST(TRY_CAST(v AS INTEGER) AS VARCHAR) = v THEN TRY_CAST(v AS INTEGER)
         ELSE TRY_CAST(nullif(regexp_extract(v, '^\s*([0-9]{{1,9}})(\.0+)?\s*$', 1), '') AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO bansos_tranche(v) AS
    CASE WHEN CAST(TRY_CAST(v AS INTEGER) AS VARCHAR) = v THEN TRY_CAST(v AS INTEGER)
         ELSE TRY_CAST(nullif(regexp_extract(v, '^\s*(?i:tahap|triwulan|tw|t|q)?\s*([0-9]{{1,2}})(\.0+)?\s*$', 1), '') AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO bansos_amount_text(v) AS
    replace(regexp_replace(upper(trim(v)), '^(RP|IDR)\.?\s*', ''), ' ', '');
CREATE OR REPLACE TEMP MACRO bansos_amount_general(t) AS
    CASE
        WHEN regexp_full_match(t, '[0-9]{{1,3}}(\.[0-9]{{3}})+(,0+)?') THEN TRY_CAST(replace(split_part(t, ',', 1), '.', '') AS BIGINT)
        WHEN regexp_full_match(t, '[0-9]+(,0+)?') THEN TRY_CAST(split_part(t, ',', 1) AS BIGINT)
        WHEN regexp_full_match(t, '[0-9]+(\.0+)?') THEN TRY_CAST(split_part(t, '.', 1) AS BIGINT)
    END;
CREATE OR REPLACE TEMP MACRO bansos_amount_plain(v) AS
    CASE WHEN CAST(TRY_CAST(v AS BIGINT) AS VARCHAR) = v AND TRY_CAST(v AS BIGINT) >= 0 THEN TRY_CAST(v AS BIGINT) END;
CREATE OR REPLACE TEMP MACRO bansos_id_ok(v) AS regexp_full_match(v, '[0-9]{{16}}');
"""


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MACROS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE region_codes AS
        SELECT replace(code, '.', '') AS digits, code, code AS region_code, NULL::VARCHAR AS kecamatan_code
        FROM {WAREHOUSE}.ref_region
        UNION ALL
        SELECT replace(code, '.', ''), code, region_code, code FROM {WAREHOUSE}.ref_kecamatan
        UNION ALL
        SELECT replace(d.code, '.', ''), d.code, k.region_code, k.code
        FROM {WAREHOUSE}.ref_desa d JOIN {WAREHOUSE}.ref_kecamatan k ON k.code = d.kecamatan_code
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE program_alias AS
        SELECT DISTINCT upper(trim(alias)) AS alias, code FROM (
            SELECT code AS alias, code FROM {WAREHOUSE}.ref_program
            UNION ALL
            SELECT unnest(string_split(aliases, ';')), code FROM {WAREHOUSE}.ref_program WHERE aliases IS NOT NULL
        ) WHERE trim(alias) <> ''
        """
    )


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _enum(mapping: dict[str, str], column: str) -> str:
    """Enumerations are matched case-insensitively; the accepted spellings are
    constants of the contract, so a CASE is both safe and fast."""
    whens = " ".join(f"WHEN {_sql_text(alias)} THEN {_sql_text(value)}" for alias, value in mapping.items())
    return f"CASE lower(trim({column})) {whens} END"


def _reasons(rules: list[tuple[str, str]]) -> str:
    """The reasons list from (condition, code) pairs. Building a list per
    row is costly, so rows that break no rule get an empty list from a
    plain boolean test first."""
    any_broken = " OR ".join(f"coalesce({condition}, false)" for condition, _ in rules)
    cases = ",\n            ".join(f"CASE WHEN {condition} THEN '{code}' END" for condition, code in rules)
    return (
        f"CASE WHEN p._pre_reason IS NULL AND NOT ({any_broken}) THEN []::VARCHAR[] "
        f"ELSE list_distinct(list_filter([p._pre_reason,\n            {cases}], lambda x: x IS NOT NULL)) END"
    )


def check(con: duckdb.DuckDBPyConnection, staged: StagedFile, out_table: str, as_of: str | None) -> int:
    """Write the checked table; returns the number of rows read."""
    # Region codes: resolved once per distinct spelling in the file.
    region_map = f"{out_table}_regions"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {region_map} AS
        SELECT d.raw, c.code, c.region_code, c.kecamatan_code
        FROM (SELECT DISTINCT kode_wilayah AS raw FROM {staged.table} WHERE kode_wilayah IS NOT NULL) d
        LEFT JOIN region_codes c ON c.digits = replace(replace(replace(d.raw, '.', ''), ' ', ''), '-', '')
        """
    )
    try:
        if staged.kind.name == KELUARGA:
            _check_keluarga(con, staged.table, region_map, out_table, as_of)
        else:
            _check_penyaluran(con, staged.table, region_map, out_table)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {region_map}")
    return one_row(con.execute(f"SELECT count(*) FROM {out_table}"))[0]


def _finish(con, out: str, parsed_sql: str, key: list[str], reasons: str, params: dict,
            nullable: tuple[str, ...] = ()) -> None:
    """Add the duplicate rule and the reasons list. Within one file, a second
    row with a key already seen is quarantined as duplicate_in_file; the
    first (lowest line) is kept. Found with a grouped count: duplicates are
    rare, so only their keys are joined back. A `nullable` key column is
    part of the key with blank as a value of its own."""
    key_not_null = " AND ".join(f"{k} IS NOT NULL" for k in key if k not in nullable)
    key_select = ", ".join(f"{k} AS dup_key_{i}" for i, k in enumerate(key))
    key_join = " AND ".join(
        f"d.dup_key_{i} IS NOT DISTINCT FROM p.{k}" if k in nullable else f"d.dup_key_{i} = p.{k}"
        for i, k in enumerate(key)
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH parsed AS MATERIALIZED ({parsed_sql}),
        dups AS (
            SELECT {key_select}, min(_line) AS first_line
            FROM parsed WHERE {key_not_null}
            GROUP BY ALL HAVING count(*) > 1
        )
        SELECT p.*, CASE WHEN d.first_line IS NULL OR p._line = d.first_line THEN {reasons}
                         ELSE list_append({reasons}, 'duplicate_in_file') END AS reasons
        FROM parsed p LEFT JOIN dups d ON {key_join}
        """,
        params,
    )


def _check_keluarga(con, source: str, regions: str, out: str, as_of: str | None) -> None:
    reasons = _reasons(
        [
            ("no_kk IS NULL OR kode_wilayah IS NULL OR (snapshot_date IS NULL AND tanggal_data IS NULL)", "missing_required"),
            ("no_kk IS NOT NULL AND NOT bansos_id_ok(no_kk)", "no_kk_invalid"),
            ("nik_kepala IS NOT NULL AND NOT bansos_id_ok(nik_kepala)", "nik_invalid"),
            ("kode_wilayah IS NOT NULL AND w_code IS NULL", "kode_wilayah_unknown"),
            ("desil IS NOT NULL AND (v_desil IS NULL OR v_desil NOT BETWEEN 1 AND 10)", "desil_out_of_range"),
            ("jumlah_anggota IS NOT NULL AND (v_members IS NULL OR v_members < 1)", "jumlah_anggota_invalid"),
            ("kanal_registrasi IS NOT NULL AND v_channel IS NULL", "kanal_unknown"),
            ("status_kelayakan IS NOT NULL AND v_decision IS NULL", "status_unknown"),
            ("sanggah IS NOT NULL AND v_appeal IS NULL", "sanggah_unknown"),
            ("(tanggal_data IS NOT NULL AND NOT coalesce(bansos_date_ok(d_data), false)) OR (tanggal_registrasi IS NOT NULL AND NOT coalesce(bansos_date_ok(v_registration_date), false))", "tanggal_invalid"),
        ]
    )
    parsed = f"""
        SELECT s.*, w.code AS w_code, w.region_code AS w_region, w.kecamatan_code AS w_kecamatan,
            coalesce(CASE WHEN bansos_date_ok(s.d_data) THEN s.d_data END,
                     CASE WHEN s.tanggal_data IS NULL THEN $as_of::DATE END) AS snapshot_date,
            bansos_date(s.tanggal_registrasi) AS v_registration_date,
            bansos_int(s.desil) AS v_desil,
            bansos_int(s.jumlah_anggota) AS v_members,
            {_enum(KANAL_REGISTRASI, 's.kanal_registrasi')} AS v_channel,
            {_enum(STATUS_KELAYAKAN, 's.status_kelayakan')} AS v_decision,
            {_enum(SANGGAH, 's.sanggah')} AS v_appeal
        FROM (SELECT *, bansos_date(tanggal_data) AS d_data FROM {source}) s
        LEFT JOIN {regions} w ON w.raw = s.kode_wilayah
    """
    _finish(con, out, parsed, ["no_kk", "snapshot_date"], reasons, {"as_of": as_of})


def _check_penyaluran(con, source: str, regions: str, out: str) -> None:
    periode = "^\\s*([0-9]{4})\\s*[-/ ]?\\s*(?i:tahap|tw|t|q)?\\s*([0-9])\\s*$"
    reasons = _reasons(
        [
            ("no_kk IS NULL OR program IS NULL OR kode_wilayah IS NULL OR nominal IS NULL OR status_salur IS NULL OR (tahun IS NULL AND periode IS NULL) OR (tahap IS NULL AND periode IS NULL)", "missing_required"),
            ("no_kk IS NOT NULL AND NOT bansos_id_ok(no_kk)", "no_kk_invalid"),
            ("nik IS NOT NULL AND NOT bansos_id_ok(nik)", "nik_invalid"),
            ("kode_wilayah IS NOT NULL AND w_code IS NULL", "kode_wilayah_unknown"),
            ("program IS NOT NULL AND v_program IS NULL", "program_unknown"),
            ("v_year NOT BETWEEN 2000 AND 2100 OR (tahun IS NOT NULL AND v_year IS NULL)", "tahun_invalid"),
            ("(tahap IS NOT NULL OR periode IS NOT NULL) AND (v_tranche IS NULL OR v_tranche NOT BETWEEN 1 AND 4)", "tahap_invalid"),
            ("nominal IS NOT NULL AND v_amount IS NULL", "nominal_invalid"),
            ("status_salur IS NOT NULL AND v_status IS NULL", "status_unknown"),
            ("lembaga_penyalur IS NOT NULL AND v_institution IS NULL", "lembaga_unknown"),
            ("tanggal_salur IS NOT NULL AND NOT coalesce(bansos_date_ok(v_paid_date), false)", "tanggal_invalid"),
        ]
    )
    parsed = f"""
        SELECT s.*, w.code AS w_code, w.region_code AS w_region, w.kecamatan_code AS w_kecamatan,
            a.code AS v_program,
            CASE WHEN s.tahun IS NOT NULL THEN bansos_int(s.tahun)
                 ELSE TRY_CAST(nullif(regexp_extract(s.periode, '{periode}', 1), '') AS INTEGER) END AS v_year,
            CASE WHEN s.tahap IS NOT NULL THEN bansos_tranche(s.tahap)
                 ELSE TRY_CAST(nullif(regexp_extract(s.periode, '{periode}', 2), '') AS INTEGER) END AS v_tranche,
            coalesce(s.amount_plain, bansos_amount_general(s.amount_text)) AS v_amount,
            {_enum(STATUS_SALUR, 's.status_salur')} AS v_status,
            {_enum(LEMBAGA_PENYALUR, 's.lembaga_penyalur')} AS v_institution,
            bansos_date(s.tanggal_salur) AS v_paid_date
        FROM (
            -- Normalise once what several expressions read (macros would
            -- repeat the work in every place they are used).
            SELECT *, CASE WHEN amount_plain IS NULL THEN bansos_amount_text(nominal) END AS amount_text
            FROM (SELECT *, bansos_amount_plain(nominal) AS amount_plain FROM {source})
        ) s
        LEFT JOIN {regions} w ON w.raw = s.kode_wilayah
        LEFT JOIN program_alias a ON a.alias = upper(trim(s.program))
    """
    # The allocation key (docs/extract-contract.md): family, programme, year,
    # tranche, kab/kota and paying institution (blank is a value of its own).
    _finish(con, out, parsed, ["no_kk", "v_program", "v_year", "v_tranche", "w_region", "v_institution"], reasons, {},
            nullable=("v_institution",))
