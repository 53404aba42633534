"""Row rules (docs/extract-contract.md): for every rule, a real CSV and a real XLSX file
with one row that breaks it. The row goes to `quarantine` with its reason
code and its line (CSV physical line, header = 1, counting blank lines and
quoted newlines; XLSX sheet row); the rest of the file loads.

Also the values the contract accepts although they look odd: Indonesian
amounts, day-first dates, apostrophes in free text, a `periode` column.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bansos.contract import REASONS
from tests.ingest_files import (
    BANYUWANGI,
    DESA,
    KECAMATAN,
    KOTA_METRO,
    csv_line,
    excel_number,
    fetch,
    header_for,
    kk,
    load,
    nik,
    quarantine,
    record,
    row_for,
    scalar,
    write_csv_lines,
    write_xlsx,
)

FACT = {"penyaluran": "fact_allocation", "keluarga": "fact_family"}
# A free-text field of each kind that may hold a newline and a delimiter.
FREE_TEXT = {"penyaluran": "id_transaksi", "keluarga": "alasan"}
MULTILINE = "Kantor Cabang Genteng,\nlantai 2"

# One row rule per case: (id, kind, column, value in the CSV, value in the
# XLSX (float = a number cell), reason code). Each bad value breaks exactly
# that one rule.
RULES = [
    ("kk_as_excel_number", "penyaluran", "no_kk", "3.51001E+15", excel_number(kk(6)), "no_kk_invalid"),
    ("kk_as_excel_number", "keluarga", "no_kk", "3.51001E+15", excel_number(kk(6)), "no_kk_invalid"),
    ("nik_as_excel_number", "penyaluran", "nik", "3.51001E+15", excel_number(nik(6)), "nik_invalid"),
    ("nik_as_excel_number", "keluarga", "nik_kepala", "3.51001E+15", excel_number(nik(6)), "nik_invalid"),
    ("kk_15_digits", "penyaluran", "no_kk", "351001000000006", "351001000000006", "no_kk_invalid"),
    ("date_31_february", "penyaluran", "tanggal_salur", "31/02/2026", "31/02/2026", "tanggal_invalid"),
    ("date_31_february", "keluarga", "tanggal_registrasi", "31/02/2026", "31/02/2026", "tanggal_invalid"),
    ("date_iso_30_february", "penyaluran", "tanggal_salur", "2026-02-30", "2026-02-30", "tanggal_invalid"),
    ("snapshot_31_february", "keluarga", "tanggal_data", "31/02/2026", "31/02/2026", "tanggal_invalid"),
    ("nominal_with_cents", "penyaluran", "nominal", "600.000,50", "600.000,50", "nominal_invalid"),
    ("region_unknown_desa", "penyaluran", "kode_wilayah", "35.10.01.9999", "35.10.01.9999", "kode_wilayah_unknown"),
    ("region_unknown_kabkota", "keluarga", "kode_wilayah", "99.99", "99.99", "kode_wilayah_unknown"),
    ("desil_11", "keluarga", "desil", "11", 11, "desil_out_of_range"),
    ("program_unknown", "penyaluran", "program", "BANTUAN_BERAS", "BANTUAN_BERAS", "program_unknown"),
    ("tahap_5", "penyaluran", "tahap", "5", 5, "tahap_invalid"),
    ("status_salur_unknown", "penyaluran", "status_salur", "lunas", "lunas", "status_unknown"),
    ("status_kelayakan_unknown", "keluarga", "status_kelayakan", "mungkin", "mungkin", "status_unknown"),
    ("nominal_negative", "penyaluran", "nominal", "-600000", -600000, "nominal_invalid"),
    ("nominal_words", "penyaluran", "nominal", "enam ratus ribu", "enam ratus ribu", "nominal_invalid"),
    ("required_blank", "penyaluran", "status_salur", "", None, "missing_required"),
    ("required_blank", "keluarga", "kode_wilayah", "", None, "missing_required"),
]


def _valid_rows(kind: str) -> list[dict]:
    second = row_for(kind, 2, **{FREE_TEXT[kind]: MULTILINE})
    return [row_for(kind, 1), second, row_for(kind, 3)]


def _csv_with_bad_record(path, kind: str, bad_record: str | None, *, ends_after_bad: bool = False):
    """Layout, by physical line:
        1 header
        2 valid row 1
        3 (blank line)
        4 valid row 2, a quoted field with a delimiter and a newline ...
        5 ... that ends here
        6 the bad record
        7 valid row 3 (absent when the file ends after the bad record)
    """
    header = header_for(kind)
    valid = _valid_rows(kind)
    lines = [csv_line(header), record(header, valid[0]), "", record(header, valid[1]), bad_record]
    if not ends_after_bad:
        lines.append(record(header, valid[2]))
    return write_csv_lines(path, lines, final_newline=not ends_after_bad)


def _xlsx_with_bad_row(path, kind: str, bad_row: dict):
    """Layout, by sheet row: 1-2 title rows, 3 empty, 4 header, 5 valid row 1,
    6 empty, 7 valid row 2 (a cell with a newline), 8 the bad row, 9 valid row 3."""
    valid = _valid_rows(kind)
    positions = write_xlsx(
        path,
        header_for(kind),
        [valid[0], None, valid[1], bad_row, valid[2]],
        title_rows=[f"Data {kind} bansos 2026", "Sumber: Dinas Sosial Kabupaten Banyuwangi", None],
    )
    assert positions == {0: 5, 2: 7, 3: 8, 4: 9}  # the layout the expected rows below rely on
    return path


def _assert_rest_loaded(db, kind: str, expected_loaded: int) -> None:
    assert scalar(db, f"SELECT count(*) FROM {FACT[kind]}") == expected_loaded
    column = "transaction_id" if kind == "penyaluran" else "reason"
    stored = {r[0] for r in fetch(db, f"SELECT {column} FROM {FACT[kind]}")}
    assert MULTILINE in stored  # the quoted field with a newline and a delimiter, exactly


def test_every_rule_case_uses_a_known_reason_code():
    assert {case[5] for case in RULES} <= set(REASONS)


@pytest.mark.parametrize("case_id, kind, column, csv_value, xlsx_value, reason", RULES, ids=[f"{c[0]}-{c[1]}" for c in RULES])
def test_csv_row_breaking_a_rule_is_quarantined_at_its_physical_line(warehouse, tmp_path, case_id, kind, column, csv_value, xlsx_value, reason):
    header = header_for(kind)
    bad = row_for(kind, 6, **{column: csv_value})
    path = _csv_with_bad_record(tmp_path / f"{kind}.csv", kind, record(header, bad))

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    # 3 valid rows + 1 bad row; the blank line and the quoted newline are not rows.
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert result.reasons == {reason: 1}
    assert quarantine(warehouse) == [(path.name, 6, [reason])]
    _assert_rest_loaded(warehouse, kind, 3)
    if column not in ("no_kk", "nik", "nik_kepala"):
        # The row's values are kept as given (identifiers only masked).
        values = json.loads(scalar(warehouse, "SELECT row_values FROM quarantine"))
        assert values[column] == (csv_value or None)


@pytest.mark.parametrize("case_id, kind, column, csv_value, xlsx_value, reason", RULES, ids=[f"{c[0]}-{c[1]}" for c in RULES])
def test_xlsx_row_breaking_a_rule_is_quarantined_at_its_sheet_row(warehouse, tmp_path, case_id, kind, column, csv_value, xlsx_value, reason):
    path = _xlsx_with_bad_row(tmp_path / f"{kind}.xlsx", kind, row_for(kind, 6, **{column: xlsx_value}))

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    # 3 valid rows + 1 bad row; empty sheet rows and title rows are not rows.
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert result.reasons == {reason: 1}
    assert quarantine(warehouse) == [(path.name, 8, [reason])]
    _assert_rest_loaded(warehouse, kind, 3)


# -- duplicates: the first row of a key is kept --------------------------------


@pytest.mark.parametrize("kind", ["penyaluran", "keluarga"])
def test_csv_duplicate_row_is_quarantined_and_the_first_kept(warehouse, tmp_path, kind):
    header = header_for(kind)
    # Same key as valid row 1 (line 2): same KK, programme, year, tranche /
    # same KK and snapshot date; a different non-key value shows which was kept.
    changed = {"status_salur": "gagal"} if kind == "penyaluran" else {"desil": "7"}
    duplicate = row_for(kind, 1, **changed)
    path = _csv_with_bad_record(tmp_path / "dup.csv", kind, record(header, duplicate))

    [result] = load(warehouse, path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert quarantine(warehouse) == [(path.name, 6, ["duplicate_in_file"])]
    _assert_rest_loaded(warehouse, kind, 3)
    if kind == "penyaluran":
        assert fetch(warehouse, "SELECT status FROM fact_allocation WHERE transaction_id = 'TRX00001'") == [("tersalur",)]
    else:
        assert fetch(warehouse, "SELECT desil FROM fact_family WHERE desil IS NOT NULL") == [(1,), (1,), (1,)]


@pytest.mark.parametrize("kind", ["penyaluran", "keluarga"])
def test_xlsx_duplicate_row_is_quarantined_and_the_first_kept(warehouse, tmp_path, kind):
    changed = {"status_salur": "gagal"} if kind == "penyaluran" else {"desil": "7"}
    path = _xlsx_with_bad_row(tmp_path / "dup.xlsx", kind, row_for(kind, 1, **changed))

    [result] = load(warehouse, path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert quarantine(warehouse) == [(path.name, 8, ["duplicate_in_file"])]
    if kind == "penyaluran":
        assert fetch(warehouse, "SELECT status FROM fact_allocation WHERE transaction_id = 'TRX00001'") == [("tersalur",)]
    else:
        assert sorted(fetch(warehouse, "SELECT desil FROM fact_family")) == [(1,), (1,), (1,)]


def test_duplicate_key_with_programme_alias_is_a_duplicate(warehouse, tmp_path):
    # BPNT is an alias of SEMBAKO: the same (KK, programme, year, tranche).
    header = header_for("penyaluran")
    lines = [
        csv_line(header),
        record(header, row_for("penyaluran", 1, program="SEMBAKO")),
        record(header, row_for("penyaluran", 1, program="bpnt")),
    ]
    path = write_csv_lines(tmp_path / "alias.csv", lines)

    [result] = load(warehouse, path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)
    assert quarantine(warehouse) == [(path.name, 3, ["duplicate_in_file"])]
    assert fetch(warehouse, "SELECT program FROM fact_allocation") == [("SEMBAKO",)]


# -- a file cut off mid-row ------------------------------------------------------


@pytest.mark.parametrize("kind", ["penyaluran", "keluarga"])
def test_csv_cut_off_mid_row_is_missing_required(warehouse, tmp_path, kind):
    header = header_for(kind)
    full = record(header, row_for(kind, 6))
    # Cut after the 5th field (penyaluran: ...,tahap / keluarga: ...,jumlah_anggota),
    # no final newline: what a transfer that stopped early leaves.
    cut = ",".join(full.split(",")[:5])
    path = _csv_with_bad_record(tmp_path / "cut.csv", kind, cut, ends_after_bad=True)
    assert not path.read_bytes().endswith(b"\n")

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    # valid rows 1 and 2 + the cut row.
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert quarantine(warehouse) == [(path.name, 6, ["missing_required"])]
    _assert_rest_loaded(warehouse, kind, 2)


@pytest.mark.parametrize("kind", ["penyaluran", "keluarga"])
def test_xlsx_row_cut_off_after_five_cells_is_missing_required(warehouse, tmp_path, kind):
    header = header_for(kind)
    full = row_for(kind, 6)
    cut = {name: full[name] for name in header[:5]}
    path = _xlsx_with_bad_row(tmp_path / "cut.xlsx", kind, cut)

    [result] = load(warehouse, path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert quarantine(warehouse) == [(path.name, 8, ["missing_required"])]
    _assert_rest_loaded(warehouse, kind, 3)


def test_csv_row_with_more_fields_than_the_header_is_quarantined(warehouse, tmp_path):
    header = header_for("penyaluran")
    extra = record(header, row_for("penyaluran", 6)) + ",sisa"
    path = _csv_with_bad_record(tmp_path / "wide.csv", "penyaluran", extra)

    [result] = load(warehouse, path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert quarantine(warehouse) == [(path.name, 6, ["too_many_fields"])]


def test_row_breaking_several_rules_gets_one_code_per_rule(warehouse, tmp_path):
    header = header_for("penyaluran")
    bad = row_for("penyaluran", 6, no_kk="3.51001E+15", program="XYZ", tahap="9", status_salur="lunas")
    path = _csv_with_bad_record(tmp_path / "many.csv", "penyaluran", record(header, bad))

    [result] = load(warehouse, path)

    assert result.rows_quarantined == 1
    [(_, line, reasons)] = quarantine(warehouse)
    assert line == 6
    assert sorted(reasons) == ["no_kk_invalid", "program_unknown", "status_unknown", "tahap_invalid"]
    assert result.reasons == {"no_kk_invalid": 1, "program_unknown": 1, "status_unknown": 1, "tahap_invalid": 1}


# -- values the contract accepts --------------------------------------------------

AMOUNTS = ["Rp 600.000", "600.000", "600.000,00", "600000"]


def test_csv_indonesian_amounts_are_whole_rupiah(warehouse, tmp_path):
    header = header_for("penyaluran")
    rows = [row_for("penyaluran", i + 1, nominal=amount) for i, amount in enumerate(AMOUNTS)]
    path = write_csv_lines(tmp_path / "amounts.csv", [csv_line(header)] + [record(header, r) for r in rows])

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (4, 0), result.reasons
    assert fetch(warehouse, "SELECT transaction_id, amount FROM fact_allocation ORDER BY 1") == [
        (f"TRX{i:05d}", 600000) for i in range(1, 5)
    ]


def test_xlsx_indonesian_amounts_and_number_cells_are_whole_rupiah(warehouse, tmp_path):
    header = header_for("penyaluran")
    values = [*AMOUNTS, 600000]  # the last one a number cell
    rows = [row_for("penyaluran", i + 1, nominal=value) for i, value in enumerate(values)]
    path = tmp_path / "amounts.xlsx"
    write_xlsx(path, header, rows)

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (5, 0), result.reasons
    assert fetch(warehouse, "SELECT DISTINCT amount FROM fact_allocation") == [(600000,)]


def test_csv_day_first_and_iso_dates(warehouse, tmp_path):
    header = header_for("penyaluran")
    rows = [row_for("penyaluran", i + 1, tanggal_salur=text) for i, text in enumerate(["03/02/2026", "03-02-2026", "2026-02-03"])]
    path = write_csv_lines(tmp_path / "dates.csv", [csv_line(header)] + [record(header, r) for r in rows])

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (3, 0), result.reasons
    assert fetch(warehouse, "SELECT DISTINCT paid_date FROM fact_allocation") == [(date(2026, 2, 3),)]


def test_csv_register_day_first_snapshot_date(warehouse, tmp_path):
    header = header_for("keluarga")
    rows = [row_for("keluarga", 1, tanggal_data="31/03/2026", tanggal_registrasi="15/01/2026")]
    path = write_csv_lines(tmp_path / "reg.csv", [csv_line(header)] + [record(header, r) for r in rows])

    [result] = load(warehouse, path)

    assert result.rows_loaded == 1, result.reasons
    assert fetch(warehouse, "SELECT snapshot_date, registration_date FROM fact_family") == [(date(2026, 3, 31), date(2026, 1, 15))]


def test_xlsx_text_and_date_cells(warehouse, tmp_path):
    header = header_for("penyaluran")
    rows = [
        row_for("penyaluran", 1, tanggal_salur="03/02/2026"),  # text cell, day first
        row_for("penyaluran", 2, tanggal_salur=date(2026, 2, 3)),  # an Excel date cell
    ]
    path = tmp_path / "dates.xlsx"
    write_xlsx(path, header, rows)

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (2, 0), result.reasons
    assert fetch(warehouse, "SELECT DISTINCT paid_date FROM fact_allocation") == [(date(2026, 2, 3),)]


REASON_WITH_APOSTROPHE = "Tidak ditemukan di Dusun Jum'at, Desa Ma'ruf"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_apostrophe_in_free_text_is_stored_exactly(warehouse, tmp_path, file_format):
    header = header_for("keluarga")
    rows = [
        row_for("keluarga", 1, status_kelayakan="tidak_layak", alasan=REASON_WITH_APOSTROPHE),
        row_for("keluarga", 2, status_kelayakan="tidak layak", alasan="Pindah ke Kampung Jum'at", desil="11"),  # quarantined
    ]
    path = tmp_path / f"alasan.{file_format}"
    if file_format == "csv":
        write_csv_lines(path, [csv_line(header)] + [record(header, r) for r in rows])
    else:
        write_xlsx(path, header, rows)

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert fetch(warehouse, "SELECT decision, reason FROM fact_family") == [("tidak_layak", REASON_WITH_APOSTROPHE)]
    values = json.loads(scalar(warehouse, "SELECT row_values FROM quarantine"))
    assert values["alasan"] == "Pindah ke Kampung Jum'at"


PERIODE_HEADER = ("no_kk", "nik", "program", "periode", "kode_wilayah", "nominal", "status_salur", "lembaga_penyalur")


def _periode_rows():
    values = ["2026-T1", "2026-Q1", "2026/1"]
    return [
        {"no_kk": kk(i + 1), "nik": nik(i + 1), "program": "PKH", "periode": value, "kode_wilayah": DESA,
         "nominal": "600000", "status_salur": "tersalur", "lembaga_penyalur": "BRI"}
        for i, value in enumerate(values)
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_periode_column_instead_of_tahun_and_tahap(warehouse, tmp_path, file_format):
    rows = [
        *_periode_rows(),
        # Unreadable periode: line/row 5.
        {"no_kk": kk(9), "program": "PKH", "periode": "Januari", "kode_wilayah": DESA, "nominal": "600000", "status_salur": "tersalur"},
    ]
    path = tmp_path / f"periode.{file_format}"
    if file_format == "csv":
        write_csv_lines(path, [csv_line(PERIODE_HEADER)] + [record(PERIODE_HEADER, r) for r in rows])
    else:
        write_xlsx(path, PERIODE_HEADER, rows)

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    assert result.kind == "penyaluran"
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    assert fetch(warehouse, "SELECT DISTINCT year, tranche FROM fact_allocation") == [(2026, 1)]
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation") == 3
    [(_, line, reasons)] = quarantine(warehouse)
    assert line == 5
    assert "tahap_invalid" in reasons


@pytest.mark.parametrize("code, region, kecamatan", [(DESA, BANYUWANGI, KECAMATAN), (KECAMATAN, BANYUWANGI, KECAMATAN), (BANYUWANGI, BANYUWANGI, None), ("1872", KOTA_METRO, None)])
def test_region_codes_of_every_level_dots_optional(warehouse, tmp_path, code, region, kecamatan):
    header = header_for("penyaluran")
    path = write_csv_lines(tmp_path / "r.csv", [csv_line(header), record(header, row_for("penyaluran", 1, kode_wilayah=code))])

    [result] = load(warehouse, path)

    assert result.rows_loaded == 1, result.reasons
    assert fetch(warehouse, "SELECT region_code, kecamatan_code FROM fact_allocation") == [(region, kecamatan)]


def test_enumerations_are_case_insensitive_and_aliases_are_canonical(warehouse, tmp_path):
    header = header_for("penyaluran")
    rows = [
        row_for("penyaluran", 1, program="bpnt", status_salur="TERSALUR", lembaga_penyalur="pt pos"),
        row_for("penyaluran", 2, program="Pkh", status_salur="Gagal", lembaga_penyalur="bri", tanggal_salur=""),
    ]
    path = write_csv_lines(tmp_path / "enum.csv", [csv_line(header)] + [record(header, r) for r in rows])

    [result] = load(warehouse, path)

    assert result.rows_loaded == 2, result.reasons
    assert fetch(warehouse, "SELECT program, status, institution FROM fact_allocation ORDER BY transaction_id") == [
        ("SEMBAKO", "tersalur", "POS"),
        ("PKH", "gagal", "BRI"),
    ]
