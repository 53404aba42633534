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
from bansos.warehouse import WAREHOUSE

FIRST_DATE, LAST_DATE = "2000-01-01", "2100-12-31"  # contract: dates between 2000 and 2100

MACROS = rf"""
CREATE OR REPLACE TEMP MACRO bansos_date(v) AS
    CASE WHEN v IS NULL THEN NULL ELSE coalesce(
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
CREATE OR REPLACE TEMP MACRO bansos_amount(v) AS
    CASE WHEN v IS NULL THEN NULL
         WHEN CAST(TRY_CAST(v AS BIGINT) AS VARCHAR) = v AND TRY_CAST(v AS BIGINT) >= 0 THEN TRY_CAST(v AS BIGINT)
         ELSE bansos_amount_general(bansos_amount_text(v)) END;
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


def _reasons(items: list[str]) -> str:
    cases = ",\n            ".join(items)
    return f"list_filter([_pre_reason,\n            {cases}], lambda x: x IS NOT NULL)"


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
    return con.execute(f"SELECT count(*) FROM {out_table}").fetchone()[0]


def _finish(con, out: str, parsed_sql: str, key: list[str], reasons: str, params: dict) -> None:
    """Add the duplicate rule and the reasons list. Within one file, a second
    row with a key already seen is quarantined as duplicate_in_file; the
    first (lowest line) is kept. Found with a grouped count: duplicates are
    rare, so only their keys are joined back."""
    key_not_null = " AND ".join(f"{k} IS NOT NULL" for k in key)
    key_select = ", ".join(f"{k} AS dup_key_{i}" for i, k in enumerate(key))
    key_join = " AND ".join(f"d.dup_key_{i} = p.{k}" for i, k in enumerate(key))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH parsed AS MATERIALIZED ({parsed_sql}),
        dups AS (
            SELECT {key_select}, min(_line) AS first_line
            FROM parsed WHERE {key_not_null}
            GROUP BY ALL HAVING count(*) > 1
        )
        SELECT p.*, list_distinct({reasons}
                    || CASE WHEN p._line > d.first_line THEN ['duplicate_in_file'] ELSE [] END) AS reasons
        FROM parsed p LEFT JOIN dups d ON {key_join}
        """,
        params,
    )


def _check_keluarga(con, source: str, regions: str, out: str, as_of: str | None) -> None:
    reasons = _reasons(
        [
            "CASE WHEN no_kk IS NULL OR kode_wilayah IS NULL OR (snapshot_date IS NULL AND tanggal_data IS NULL) THEN 'missing_required' END",
            "CASE WHEN no_kk IS NOT NULL AND NOT bansos_id_ok(no_kk) THEN 'no_kk_invalid' END",
            "CASE WHEN nik_kepala IS NOT NULL AND NOT bansos_id_ok(nik_kepala) THEN 'nik_invalid' END",
            "CASE WHEN kode_wilayah IS NOT NULL AND w_code IS NULL THEN 'kode_wilayah_unknown' END",
            "CASE WHEN desil IS NOT NULL AND (v_desil IS NULL OR v_desil NOT BETWEEN 1 AND 10) THEN 'desil_out_of_range' END",
            "CASE WHEN jumlah_anggota IS NOT NULL AND (v_members IS NULL OR v_members < 1) THEN 'jumlah_anggota_invalid' END",
            "CASE WHEN kanal_registrasi IS NOT NULL AND v_channel IS NULL THEN 'kanal_unknown' END",
            "CASE WHEN status_kelayakan IS NOT NULL AND v_decision IS NULL THEN 'status_unknown' END",
            "CASE WHEN sanggah IS NOT NULL AND v_appeal IS NULL THEN 'sanggah_unknown' END",
            "CASE WHEN (tanggal_data IS NOT NULL AND NOT coalesce(bansos_date_ok(d_data), false)) "
            "OR (tanggal_registrasi IS NOT NULL AND NOT coalesce(bansos_date_ok(v_registration_date), false)) THEN 'tanggal_invalid' END",
        ]
    )
    parsed = f"""
        SELECT s.*, w.code AS w_code, w.region_code AS w_region, w.kecamatan_code AS w_kecamatan,
            bansos_date(s.tanggal_data) AS d_data,
            coalesce(CASE WHEN bansos_date_ok(bansos_date(s.tanggal_data)) THEN bansos_date(s.tanggal_data) END,
                     CASE WHEN s.tanggal_data IS NULL THEN $as_of::DATE END) AS snapshot_date,
            bansos_date(s.tanggal_registrasi) AS v_registration_date,
            bansos_int(s.desil) AS v_desil,
            bansos_int(s.jumlah_anggota) AS v_members,
            {_enum(KANAL_REGISTRASI, 's.kanal_registrasi')} AS v_channel,
            {_enum(STATUS_KELAYAKAN, 's.status_kelayakan')} AS v_decision,
            {_enum(SANGGAH, 's.sanggah')} AS v_appeal
        FROM {source} s LEFT JOIN {regions} w ON w.raw = s.kode_wilayah
    """
    _finish(con, out, parsed, ["no_kk", "snapshot_date"], reasons, {"as_of": as_of})


def _check_penyaluran(con, source: str, regions: str, out: str) -> None:
    periode = "^\\s*([0-9]{4})\\s*[-/ ]?\\s*(?i:tahap|tw|t|q)?\\s*([0-9])\\s*$"
    reasons = _reasons(
        [
            "CASE WHEN no_kk IS NULL OR program IS NULL OR kode_wilayah IS NULL OR nominal IS NULL OR status_salur IS NULL "
            "OR (tahun IS NULL AND periode IS NULL) OR (tahap IS NULL AND periode IS NULL) THEN 'missing_required' END",
            "CASE WHEN no_kk IS NOT NULL AND NOT bansos_id_ok(no_kk) THEN 'no_kk_invalid' END",
            "CASE WHEN nik IS NOT NULL AND NOT bansos_id_ok(nik) THEN 'nik_invalid' END",
            "CASE WHEN kode_wilayah IS NOT NULL AND w_code IS NULL THEN 'kode_wilayah_unknown' END",
            "CASE WHEN program IS NOT NULL AND v_program IS NULL THEN 'program_unknown' END",
            "CASE WHEN v_year NOT BETWEEN 2000 AND 2100 OR (tahun IS NOT NULL AND v_year IS NULL) THEN 'tahun_invalid' END",
            "CASE WHEN (tahap IS NOT NULL OR periode IS NOT NULL) AND (v_tranche IS NULL OR v_tranche NOT BETWEEN 1 AND 4) THEN 'tahap_invalid' END",
            "CASE WHEN nominal IS NOT NULL AND v_amount IS NULL THEN 'nominal_invalid' END",
            "CASE WHEN status_salur IS NOT NULL AND v_status IS NULL THEN 'status_unknown' END",
            "CASE WHEN lembaga_penyalur IS NOT NULL AND v_institution IS NULL THEN 'lembaga_unknown' END",
            "CASE WHEN tanggal_salur IS NOT NULL AND NOT coalesce(bansos_date_ok(v_paid_date), false) THEN 'tanggal_invalid' END",
        ]
    )
    parsed = f"""
        SELECT s.*, w.code AS w_code, w.region_code AS w_region, w.kecamatan_code AS w_kecamatan,
            a.code AS v_program,
            CASE WHEN s.tahun IS NOT NULL THEN bansos_int(s.tahun)
                 ELSE TRY_CAST(nullif(regexp_extract(s.periode, '{periode}', 1), '') AS INTEGER) END AS v_year,
            CASE WHEN s.tahap IS NOT NULL THEN bansos_tranche(s.tahap)
                 ELSE TRY_CAST(nullif(regexp_extract(s.periode, '{periode}', 2), '') AS INTEGER) END AS v_tranche,
            bansos_amount(s.nominal) AS v_amount,
            {_enum(STATUS_SALUR, 's.status_salur')} AS v_status,
            {_enum(LEMBAGA_PENYALUR, 's.lembaga_penyalur')} AS v_institution,
            bansos_date(s.tanggal_salur) AS v_paid_date
        FROM {source} s
        LEFT JOIN {regions} w ON w.raw = s.kode_wilayah
        LEFT JOIN program_alias a ON a.alias = upper(trim(s.program))
    """
    _finish(con, out, parsed, ["no_kk", "v_program", "v_year", "v_tranche"], reasons, {})
