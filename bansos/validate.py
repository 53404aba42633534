"""Row rules, set-wise in SQL (no Python loop per row).

`prepare(con)` creates the lookups once per ingestion session (region codes,
programme aliases, enumerations, parsing macros). `check(con, staged, ...)`
turns a staging table into a checked table: typed values plus `reasons`, a
list with one code per broken rule (empty = the row loads).

Every value that comes from outside is bound as a parameter; the only
identifiers pasted into SQL are table names made by ingestion itself and
column names from the contract.
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

MACROS = r"""
CREATE OR REPLACE TEMP MACRO bansos_date(v) AS
    CASE WHEN v IS NULL THEN NULL ELSE CAST(coalesce(
        try_strptime(v, '%Y-%m-%d'), try_strptime(v, '%d/%m/%Y'), try_strptime(v, '%d-%m-%Y'),
        try_strptime(v, '%Y-%m-%d %H:%M:%S'), try_strptime(v, '%Y/%m/%d')) AS DATE) END;
CREATE OR REPLACE TEMP MACRO bansos_date_bad(v, d) AS
    v IS NOT NULL AND (d IS NULL OR d NOT BETWEEN DATE '1990-01-01' AND DATE '2100-12-31');
CREATE OR REPLACE TEMP MACRO bansos_int(v) AS
    TRY_CAST(nullif(regexp_extract(v, '^\s*([0-9]{1,9})(\.0+)?\s*$', 1), '') AS INTEGER);
CREATE OR REPLACE TEMP MACRO bansos_tranche(v) AS
    TRY_CAST(nullif(regexp_extract(v, '^\s*(?i:tahap|triwulan|tw|t|q)?\s*([0-9]{1,2})(\.0+)?\s*$', 1), '') AS INTEGER);
CREATE OR REPLACE TEMP MACRO bansos_amount_text(v) AS
    replace(regexp_replace(upper(trim(v)), '^(RP|IDR)\.?\s*', ''), ' ', '');
CREATE OR REPLACE TEMP MACRO bansos_amount(v) AS
    CASE
        WHEN v IS NULL THEN NULL
        WHEN regexp_full_match(bansos_amount_text(v), '[0-9]{1,3}(\.[0-9]{3})+(,0+)?')
            THEN TRY_CAST(replace(split_part(bansos_amount_text(v), ',', 1), '.', '') AS BIGINT)
        WHEN regexp_full_match(bansos_amount_text(v), '[0-9]+(,0+)?')
            THEN TRY_CAST(split_part(bansos_amount_text(v), ',', 1) AS BIGINT)
        WHEN regexp_full_match(bansos_amount_text(v), '[0-9]+(\.0+)?')
            THEN TRY_CAST(split_part(bansos_amount_text(v), '.', 1) AS BIGINT)
    END;
CREATE OR REPLACE TEMP MACRO bansos_id_ok(v) AS regexp_full_match(v, '[0-9]{16}');
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
    enums = {
        "kanal": KANAL_REGISTRASI,
        "kelayakan": STATUS_KELAYAKAN,
        "sanggah": SANGGAH,
        "salur": STATUS_SALUR,
        "lembaga": LEMBAGA_PENYALUR,
    }
    con.execute("CREATE OR REPLACE TEMP TABLE enum_value (domain VARCHAR, alias VARCHAR, value VARCHAR)")
    rows = [(domain, alias, value) for domain, mapping in enums.items() for alias, value in mapping.items()]
    con.executemany("INSERT INTO enum_value VALUES (?, ?, ?)", rows)


def _enum(domain: str, column: str) -> str:
    return (
        f"(SELECT value FROM enum_value e WHERE e.domain = '{domain}' "
        f"AND e.alias = regexp_replace(lower(trim({column})), '\\s+', ' ', 'g'))"
    )


def _reasons(items: list[str]) -> str:
    cases = ",\n            ".join(items)
    return f"list_distinct(list_filter([_pre_reason,\n            {cases}], lambda x: x IS NOT NULL))"


def check(con: duckdb.DuckDBPyConnection, staged: StagedFile, out_table: str, as_of: str | None) -> None:
    if staged.kind.name == KELUARGA:
        _check_keluarga(con, staged.table, out_table, as_of)
    else:
        _check_penyaluran(con, staged.table, out_table)
    _mark_duplicates(con, out_table, staged.kind.name)


def _check_keluarga(con, source: str, out: str, as_of: str | None) -> None:
    reasons = _reasons(
        [
            "CASE WHEN no_kk IS NULL OR kode_wilayah IS NULL OR snapshot_date IS NULL AND tanggal_data IS NULL THEN 'missing_required' END",
            "CASE WHEN no_kk IS NOT NULL AND NOT bansos_id_ok(no_kk) THEN 'no_kk_invalid' END",
            "CASE WHEN nik_kepala IS NOT NULL AND NOT bansos_id_ok(nik_kepala) THEN 'nik_invalid' END",
            "CASE WHEN kode_wilayah IS NOT NULL AND w_code IS NULL THEN 'kode_wilayah_unknown' END",
            "CASE WHEN desil IS NOT NULL AND (v_desil IS NULL OR v_desil NOT BETWEEN 1 AND 10) THEN 'desil_out_of_range' END",
            "CASE WHEN jumlah_anggota IS NOT NULL AND (v_members IS NULL OR v_members < 1) THEN 'jumlah_anggota_invalid' END",
            "CASE WHEN kanal_registrasi IS NOT NULL AND v_channel IS NULL THEN 'kanal_unknown' END",
            "CASE WHEN status_kelayakan IS NOT NULL AND v_decision IS NULL THEN 'status_unknown' END",
            "CASE WHEN sanggah IS NOT NULL AND v_appeal IS NULL THEN 'sanggah_unknown' END",
            "CASE WHEN bansos_date_bad(tanggal_data, d_data) OR bansos_date_bad(tanggal_registrasi, v_registration_date) THEN 'tanggal_invalid' END",
        ]
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH parsed AS (
            SELECT s.*,
                regexp_replace(kode_wilayah, '[\\s.]', '', 'g') AS w_digits,
                bansos_date(tanggal_data) AS d_data,
                bansos_date(tanggal_registrasi) AS v_registration_date,
                bansos_int(desil) AS v_desil,
                bansos_int(jumlah_anggota) AS v_members,
                {_enum('kanal', 'kanal_registrasi')} AS v_channel,
                {_enum('kelayakan', 'status_kelayakan')} AS v_decision,
                {_enum('sanggah', 'sanggah')} AS v_appeal
            FROM {source} s
        ), coded AS (
            SELECT p.*, c.code AS w_code, c.region_code AS w_region, c.kecamatan_code AS w_kecamatan,
                coalesce(CASE WHEN d_data BETWEEN DATE '1990-01-01' AND DATE '2100-12-31' THEN d_data END,
                         CASE WHEN tanggal_data IS NULL THEN $as_of::DATE END) AS snapshot_date
            FROM parsed p LEFT JOIN region_codes c ON c.digits = p.w_digits
        )
        SELECT *, {reasons} AS reasons FROM coded
        """,
        {"as_of": as_of},
    )


def _check_penyaluran(con, source: str, out: str) -> None:
    periode_year = "TRY_CAST(nullif(regexp_extract(periode, '^\\s*([0-9]{4})\\s*[-/ ]?\\s*(?i:tahap|tw|t|q)?\\s*[0-9]\\s*$', 1), '') AS INTEGER)"
    periode_tranche = "TRY_CAST(nullif(regexp_extract(periode, '^\\s*[0-9]{4}\\s*[-/ ]?\\s*(?i:tahap|tw|t|q)?\\s*([0-9])\\s*$', 1), '') AS INTEGER)"
    reasons = _reasons(
        [
            "CASE WHEN no_kk IS NULL OR program IS NULL OR kode_wilayah IS NULL OR nominal IS NULL OR status_salur IS NULL "
            "OR (tahun IS NULL AND periode IS NULL) OR (tahap IS NULL AND periode IS NULL) THEN 'missing_required' END",
            "CASE WHEN no_kk IS NOT NULL AND NOT bansos_id_ok(no_kk) THEN 'no_kk_invalid' END",
            "CASE WHEN nik IS NOT NULL AND NOT bansos_id_ok(nik) THEN 'nik_invalid' END",
            "CASE WHEN kode_wilayah IS NOT NULL AND w_code IS NULL THEN 'kode_wilayah_unknown' END",
            "CASE WHEN program IS NOT NULL AND v_program IS NULL THEN 'program_unknown' END",
            "CASE WHEN v_year NOT BETWEEN 2000 AND 2100 OR tahun IS NOT NULL AND v_year IS NULL THEN 'tahun_invalid' END",
            "CASE WHEN (tahap IS NOT NULL OR periode IS NOT NULL) AND (v_tranche IS NULL OR v_tranche NOT BETWEEN 1 AND 4) THEN 'tahap_invalid' END",
            "CASE WHEN nominal IS NOT NULL AND v_amount IS NULL THEN 'nominal_invalid' END",
            "CASE WHEN status_salur IS NOT NULL AND v_status IS NULL THEN 'status_unknown' END",
            "CASE WHEN lembaga_penyalur IS NOT NULL AND v_institution IS NULL THEN 'lembaga_unknown' END",
            "CASE WHEN bansos_date_bad(tanggal_salur, v_paid_date) THEN 'tanggal_invalid' END",
        ]
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH parsed AS (
            SELECT s.*,
                regexp_replace(kode_wilayah, '[\\s.]', '', 'g') AS w_digits,
                (SELECT code FROM program_alias a WHERE a.alias = upper(trim(s.program))) AS v_program,
                CASE WHEN tahun IS NOT NULL THEN bansos_int(tahun) ELSE {periode_year} END AS v_year,
                CASE WHEN tahap IS NOT NULL THEN bansos_tranche(tahap) ELSE {periode_tranche} END AS v_tranche,
                bansos_amount(nominal) AS v_amount,
                {_enum('salur', 'status_salur')} AS v_status,
                {_enum('lembaga', 'lembaga_penyalur')} AS v_institution,
                bansos_date(tanggal_salur) AS v_paid_date
            FROM {source} s
        ), coded AS (
            SELECT p.*, c.code AS w_code, c.region_code AS w_region, c.kecamatan_code AS w_kecamatan
            FROM parsed p LEFT JOIN region_codes c ON c.digits = p.w_digits
        )
        SELECT *, {reasons} AS reasons FROM coded
        """
    )


def _mark_duplicates(con, table: str, kind: str) -> None:
    """Within one file, a second row with a key already seen is quarantined
    as duplicate_in_file; the first (lowest line) is kept."""
    key = "no_kk, snapshot_date" if kind == KELUARGA else "no_kk, v_program, v_year, v_tranche"
    not_null = " AND ".join(f"{k.strip()} IS NOT NULL" for k in key.split(","))
    con.execute(
        f"""
        UPDATE {table} SET reasons = list_append(reasons, 'duplicate_in_file')
        WHERE _line IN (
            SELECT _line FROM (
                SELECT _line, row_number() OVER (PARTITION BY {key} ORDER BY _line) AS seen
                FROM {table} WHERE {not_null}
            ) WHERE seen > 1
        )
        """
    )
