"""File shapes (docs/extract-contract.md): what a real extract looks like when it arrives
(semicolons and a BOM, Windows-1252, header variants, title rows above an
XLSX header, blank lines, quoted newlines, Parquet id columns), and the
files that are rejected whole: status `rejected`, a message naming the file
and the problem, exit code 1, nothing loaded.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pyarrow as pa
import pytest

from tests.ingest_files import (
    DESA,
    KELUARGA_HEADER,
    PENYALURAN_HEADER,
    counts,
    csv_line,
    fetch,
    kk,
    load,
    nik,
    quarantine,
    record,
    row_for,
    scalar,
    sha256,
    write_csv,
    write_csv_lines,
    write_parquet,
    write_xlsx,
)


def _penyaluran_lines(n: int, delimiter: str = ",", header=PENYALURAN_HEADER) -> list[str]:
    keys = PENYALURAN_HEADER
    return [csv_line(header, delimiter)] + [
        csv_line([row_for("penyaluran", i + 1)[k] for k in keys], delimiter) for i in range(n)
    ]


# -- accepted shapes ---------------------------------------------------------------


def test_semicolon_with_utf8_bom(warehouse, tmp_path):
    # The required no_kk comes first, right after the BOM.
    header = ("no_kk", *(h for h in PENYALURAN_HEADER if h != "no_kk"))
    lines = [csv_line(header, ";")] + [csv_line([row_for("penyaluran", i)[h] for h in header], ";") for i in (1, 2, 3)]
    path = write_csv_lines(tmp_path / "bri_semicolon.csv", lines, bom=True, newline="\r\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfno_kk;")

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    assert result.kind == "penyaluran"  # the BOM did not hide the first header
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 3, 0)
    assert result.warnings == []
    assert fetch(warehouse, "SELECT transaction_id FROM fact_allocation ORDER BY 1") == [("TRX00001",), ("TRX00002",), ("TRX00003",)]


def test_semicolon_file_with_decimal_comma_amounts(warehouse, tmp_path):
    # With ; as delimiter, `600.000,00` needs no quotes.
    header = PENYALURAN_HEADER
    lines = [csv_line(header, ";"), csv_line([row_for("penyaluran", 1, nominal="600.000,00")[k] for k in header], ";")]
    path = write_csv_lines(tmp_path / "koma.csv", lines)

    [result] = load(warehouse, path)

    assert result.rows_loaded == 1, result.reasons
    assert scalar(warehouse, "SELECT amount FROM fact_allocation") == 600000


def test_windows_1252_is_decoded_with_a_warning(warehouse, tmp_path, cli):
    header = KELUARGA_HEADER
    # En dash, curly quotes and é: characters Excel on Indonesian Windows saves as cp1252 bytes.
    reason = "Rumah layak huni – penghasilan di atas UMR, ‘Jum’at’ café"
    rows = [
        row_for("keluarga", 1, status_kelayakan="tidak_layak", alasan=reason),
        row_for("keluarga", 2),
        row_for("keluarga", 3, desil="11", alasan="Dusun Krajan – RT 02"),  # line 4: quarantined
    ]
    path = write_csv(tmp_path / "excel_windows.csv", header, rows, delimiter=";", encoding="cp1252", newline="\r\n")
    raw = path.read_bytes()
    assert b"\x96" in raw and b"\x92" in raw  # real cp1252 bytes, not UTF-8

    run = cli("ingest", "--db", warehouse, "--json", path)

    assert run.returncode == 0, run.stderr
    [result] = [json.loads(line) for line in run.stdout.splitlines()]
    assert result["status"] == "loaded"
    assert (result["rows_read"], result["rows_loaded"], result["rows_quarantined"]) == (3, 2, 1)
    assert any("1252" in w for w in result["warnings"]), result["warnings"]
    assert fetch(warehouse, "SELECT reason FROM fact_family WHERE reason IS NOT NULL") == [(reason,)]
    assert quarantine(warehouse) == [(path.name, 4, ["desil_out_of_range"])]
    assert json.loads(scalar(warehouse, "SELECT row_values FROM quarantine"))["alasan"] == "Dusun Krajan – RT 02"
    assert "1252" in scalar(warehouse, "SELECT warnings FROM load_ledger")


@pytest.mark.parametrize(
    "kk_header, region_header",
    [("NO KK", "Kode Wilayah"), ("No_KK", "KODE_WILAYAH"), ("NOMOR_KK", "kode-wilayah"), ("no.kk", "Kode Wilayah")],
)
def test_header_variants(warehouse, tmp_path, kk_header, region_header):
    header = [kk_header if h == "no_kk" else region_header if h == "kode_wilayah" else h.upper() for h in PENYALURAN_HEADER]
    path = write_csv_lines(tmp_path / "variants.csv", _penyaluran_lines(2, ",", header))

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    assert (result.kind, result.rows_loaded, result.rows_quarantined) == ("penyaluran", 2, 0)
    assert fetch(warehouse, "SELECT DISTINCT wilayah_code FROM fact_allocation") == [(DESA,)]


def test_register_header_variants(warehouse, tmp_path):
    header = ["NO KK", "NIK Kepala Keluarga", "Kode Wilayah", "Desil DTSEN", "Jml ART", "Kanal", "Tgl Daftar",
              "Status Layak", "Keterangan", "Status Sanggah", "Tanggal Data"]
    rows = [[row_for("keluarga", i)[k] for k in KELUARGA_HEADER] for i in (1, 2)]
    path = write_csv_lines(tmp_path / "dtsen.csv", [csv_line(header)] + [csv_line(r) for r in rows])

    [result] = load(warehouse, path)

    assert (result.kind, result.rows_loaded) == ("keluarga", 2), result.message
    assert fetch(warehouse, "SELECT DISTINCT desil, members, channel, appeal FROM fact_family") == [(1, 4, "mandiri", "tidak")]


def test_xlsx_with_title_rows_above_the_header(warehouse, tmp_path):
    rows = [row_for("penyaluran", i) for i in (1, 2, 3)]
    path = tmp_path / "laporan.xlsx"
    positions = write_xlsx(
        path, PENYALURAN_HEADER, rows,
        title_rows=["LAPORAN PENYALURAN BANSOS", "Kabupaten Banyuwangi", "Tahap 1 Tahun 2026", None, "Dicetak 2026-03-01"],
    )
    assert positions == {0: 7, 1: 8, 2: 9}  # 5 title rows, header at row 6

    [result] = load(warehouse, path)

    assert (result.rows_read, result.rows_loaded) == (3, 3), result.message
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation") == 3


def test_xlsx_header_below_empty_rows_keeps_sheet_row_numbers(warehouse, tmp_path):
    # Nothing at all in rows 1-2: the sheet's used area starts at row 3.
    rows = [row_for("penyaluran", 1), row_for("penyaluran", 2, tahap="7")]
    path = tmp_path / "geser.xlsx"
    positions = write_xlsx(path, PENYALURAN_HEADER, rows, title_rows=[None, None])
    assert positions == {0: 4, 1: 5}

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (1, 1), result.message
    assert quarantine(warehouse) == [(path.name, 5, ["tahap_invalid"])]


def test_xlsx_first_matching_sheet_is_read(warehouse, tmp_path):
    notes = [["Petunjuk pengisian"], ["Isi no_kk sebagai teks"]]
    rows = [row_for("penyaluran", 1), row_for("penyaluran", 2, status_salur="??")]
    path = tmp_path / "dua_sheet.xlsx"
    positions = write_xlsx(path, PENYALURAN_HEADER, rows, before_sheets=[("Petunjuk", notes)], sheet_name="Penyaluran")
    assert positions == {0: 2, 1: 3}

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert quarantine(warehouse) == [(path.name, 3, ["status_unknown"])]


def test_xlsx_kk_number_cell_is_never_repaired(warehouse, tmp_path):
    # 3510010000003934 typed into a number cell: Excel keeps 3510010000003930.
    rows = [row_for("keluarga", 3934, no_kk=3510010000003930.0), row_for("keluarga", 2)]
    path = tmp_path / "angka.xlsx"
    write_xlsx(path, KELUARGA_HEADER, rows)

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert result.reasons == {"no_kk_invalid": 1}
    assert quarantine(warehouse) == [(path.name, 2, ["no_kk_invalid"])]


@pytest.mark.parametrize("force_python_csv", [False, True], ids=["duckdb-reader", "python-reader"])
def test_blank_lines_delimiter_rows_and_quoted_newlines_are_counted_as_lines_not_rows(warehouse, tmp_path, force_python_csv):
    header = PENYALURAN_HEADER
    note = 'Diterima "Pak RT"; catatan:\nalamat, baru\r\nlagi'  # a delimiter, doubled quotes, LF and CRLF inside quotes
    lines = [
        csv_line(header),                                          # 1 header
        record(header, row_for("penyaluran", 1)),                  # 2
        "",                                                        # 3 blank
        ",,,,,,,,,,",                                              # 4 only delimiters: Excel leaves these
        record(header, row_for("penyaluran", 2, id_transaksi=note)),  # 5-7
        "   ",                                                     # 8 spaces only
        record(header, row_for("penyaluran", 3, tahap="5")),       # 9 bad
        "",                                                        # 10
        "",                                                        # 11
        record(header, row_for("penyaluran", 4, status_salur="x")),  # 12 bad
        record(header, row_for("penyaluran", 5)),                  # 13
        "",                                                        # 14 trailing blank line
    ]
    path = write_csv_lines(tmp_path / "lines.csv", lines)
    assert path.read_bytes().count(b"\n") == 14  # 12 records/blank lines, 2 newlines inside quotes

    [result] = load(warehouse, path, force_python_csv=force_python_csv)

    # Rows: lines 2, 5, 9, 12, 13. Blank, spaces-only and delimiter-only lines are not rows.
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 3, 2), result.message
    assert quarantine(warehouse) == [(path.name, 9, ["tahap_invalid"]), (path.name, 12, ["status_unknown"])]
    assert fetch(warehouse, "SELECT transaction_id FROM fact_allocation WHERE transaction_id LIKE 'Diterima%'") == [(note,)]


@pytest.mark.parametrize("force_python_csv", [False, True], ids=["duckdb-reader", "python-reader"])
def test_rows_of_only_delimiters_of_any_length_are_not_rows(warehouse, tmp_path, force_python_csv):
    header = PENYALURAN_HEADER  # 11 columns
    lines = [
        csv_line(header, ";"),                                    # 1
        csv_line(row_for("penyaluran", 1).values(), ";"),          # 2
        ";;;",                                                    # 3 fewer delimiters than columns
        ";" * 10,                                                 # 4 one delimiter per column gap: Excel's
        ";" * 14,                                                 # 5 more delimiters than columns
        csv_line(row_for("penyaluran", 2).values(), ";"),          # 6
    ]
    path = write_csv_lines(tmp_path / "titik_koma.csv", lines)

    [result] = load(warehouse, path, force_python_csv=force_python_csv)

    # Rows: lines 2 and 6 only (docs/extract-contract.md: rows of only delimiters are not rows).
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0), quarantine(warehouse)
    assert quarantine(warehouse) == []


def test_crlf_file_lines(warehouse, tmp_path):
    header = PENYALURAN_HEADER
    lines = [csv_line(header), "", record(header, row_for("penyaluran", 1)), record(header, row_for("penyaluran", 2, program="?"))]
    path = write_csv_lines(tmp_path / "crlf.csv", lines, newline="\r\n")

    [result] = load(warehouse, path)

    assert (result.rows_read, result.rows_loaded) == (2, 1)
    assert quarantine(warehouse) == [(path.name, 4, ["program_unknown"])]


def test_parquet_integer_id_columns_keep_16_digits(warehouse, tmp_path):
    # The register arrives as CSV with text ids, the payments as Parquet
    # with int64 ids: the same families must get the same key.
    register = write_csv(tmp_path / "reg.csv", KELUARGA_HEADER, [row_for("keluarga", 1), row_for("keluarga", 2)])
    payments = write_parquet(
        tmp_path / "bayar.parquet",
        {
            "no_kk": pa.array([int(kk(1)), int(kk(2))], pa.int64()),
            "nik": pa.array([int(nik(1)), int(nik(2))], pa.int64()),
            "program": ["PKH", "SEMBAKO"],
            "tahun": pa.array([2026, 2026], pa.int32()),
            "tahap": pa.array([1, 1], pa.int32()),
            "kode_wilayah": [DESA, DESA],
            "nominal": pa.array([750000, 600000], pa.int64()),
            "status_salur": ["tersalur", "proses"],
            "tanggal_salur": pa.array([date(2026, 2, 3), None], pa.date32()),
        },
    )

    results = load(warehouse, register, payments)

    assert [r.status for r in results] == ["loaded", "loaded"], [r.message for r in results]
    assert (results[1].kind, results[1].rows_loaded, results[1].rows_quarantined) == ("penyaluran", 2, 0)
    # Both payments link to a register family.
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation a JOIN fact_family f USING (family_key)") == 2
    assert fetch(warehouse, "SELECT program, amount, paid_date FROM fact_allocation ORDER BY program") == [
        ("PKH", 750000, date(2026, 2, 3)), ("SEMBAKO", 600000, None),
    ]


def test_parquet_float_id_column_is_no_kk_invalid(warehouse, tmp_path):
    path = write_parquet(
        tmp_path / "float.parquet",
        {
            "no_kk": pa.array([float(kk(1)), float(kk(2))], pa.float64()),
            "nik": pa.array([nik(1), nik(2)]),
            "program": ["PKH", "PKH"],
            "tahun": [2026, 2026],
            "tahap": [1, 1],
            "kode_wilayah": [DESA, DESA],
            "nominal": [600000, 600000],
            "status_salur": ["tersalur", "tersalur"],
        },
    )

    [result] = load(warehouse, path)

    assert result.status == "loaded", result.message
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 0, 2)
    assert result.reasons == {"no_kk_invalid": 2}
    assert quarantine(warehouse) == [(path.name, 1, ["no_kk_invalid"]), (path.name, 2, ["no_kk_invalid"])]


def test_parquet_row_lines_are_one_based(warehouse, tmp_path):
    path = write_parquet(
        tmp_path / "rows.parquet",
        {
            "no_kk": [kk(1), kk(2), kk(3)],
            "program": ["PKH", "PKH", "PKH"],
            "tahun": ["2026", "2026", "2026"],
            "tahap": ["1", "5", "1"],
            "kode_wilayah": [DESA, DESA, DESA],
            "nominal": ["600000", "600000", "600000"],
            "status_salur": ["tersalur", "tersalur", "tersalur"],
        },
    )

    [result] = load(warehouse, path)

    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert quarantine(warehouse) == [(path.name, 2, ["tahap_invalid"])]


# -- whole-file rejections ------------------------------------------------------------


def _valid_file(tmp_path):
    return write_csv(tmp_path / "sudah_ada.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1), row_for("penyaluran", 2)])


def _truncated_xlsx(tmp_path):
    good = tmp_path / "good.xlsx"
    write_xlsx(good, PENYALURAN_HEADER, [row_for("penyaluran", i) for i in range(1, 40)])
    data = good.read_bytes()
    path = tmp_path / "terpotong.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert data[:4] == b"PK\x03\x04"
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(path)
    return path


def _make(tmp_path, case):
    if case == "empty":
        path = tmp_path / "kosong.csv"
        path.write_bytes(b"")
    elif case == "binary":
        path = tmp_path / "gambar.csv"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    elif case == "xlsx_random_bytes":
        path = tmp_path / "acak.xlsx"
        path.write_bytes(bytes((i * 73 + 11) % 256 for i in range(4096)))
    elif case == "xlsx_truncated":
        path = _truncated_xlsx(tmp_path)
    elif case == "parquet_corrupt":
        path = tmp_path / "rusak.parquet"
        path.write_bytes(b"PAR1" + b"\x15\x00" * 100)
    elif case == "missing_column":
        header = [h for h in PENYALURAN_HEADER if h != "nominal"]
        rows = [{k: v for k, v in row_for("penyaluran", 1).items() if k != "nominal"}]
        path = write_csv(tmp_path / "tanpa_nominal.csv", header, rows)
    elif case == "xlsx_missing_column":
        path = tmp_path / "tanpa_status.xlsx"
        header = [h for h in PENYALURAN_HEADER if h != "status_salur"]
        write_xlsx(path, header, [row_for("penyaluran", 1)], title_rows=["Laporan"])
    elif case == "xlsx_no_table":
        path = tmp_path / "catatan.xlsx"
        write_xlsx(path, ["Catatan", "Tanggal"], [{"Catatan": "rapat", "Tanggal": "2026-03-01"}])
    elif case == "no_kind":
        path = write_csv_lines(tmp_path / "catatan.csv", ["nama,alamat,telepon", "Budi,Jl. Mawar 1,0812"])
    elif case == "missing_path":
        path = tmp_path / "tidak_ada.csv"
    elif case == "directory":
        path = tmp_path / "folder.csv"
        path.mkdir()
    else:
        raise AssertionError(case)
    return path


# case → words of which the message must contain at least one (the problem, named).
REJECTIONS = {
    "empty": ("empty", "kosong"),
    "binary": ("binary", "not a text file", "cannot be decoded"),
    "xlsx_random_bytes": ("xlsx", "workbook", "binary", "not a text file", "cannot be decoded"),
    "xlsx_truncated": ("xlsx", "workbook"),
    "parquet_corrupt": ("parquet",),
    "missing_column": ("nominal",),
    "xlsx_missing_column": ("status_salur",),
    "xlsx_no_table": ("no extract kind", "kind"),
    "no_kind": ("no extract kind", "kind"),
    "missing_path": ("does not exist", "not found"),
    "directory": ("not a file", "directory"),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_rejected_file_loads_nothing_and_exits_1(warehouse, tmp_path, cli, case):
    [before_result] = load(warehouse, _valid_file(tmp_path))
    assert before_result.status == "loaded"
    before_counts = counts(warehouse)
    path = _make(tmp_path, case)

    run = cli("ingest", "--db", warehouse, "--json", path)

    assert run.returncode == 1, (run.stdout, run.stderr)
    [result] = [json.loads(line) for line in run.stdout.splitlines()]
    assert result["status"] == "rejected"
    assert result["file"] == str(path)
    assert path.name in result["message"]
    assert any(word in result["message"].lower() for word in REJECTIONS[case]), result["message"]
    assert (result["rows_read"], result["rows_loaded"], result["rows_quarantined"]) == (0, 0, 0)
    # Nothing loaded: the ledger, facts and quarantine are as before (the file itself is untouched).
    assert counts(warehouse) == before_counts
    # The only trace is the rejection itself, for the people who sent the file.
    [(file_name, message)] = fetch(warehouse, "SELECT file_name, message FROM rejections")
    assert file_name == path.name and message == result["message"]
    assert not list(warehouse.parent.glob("*.loading-*"))


def test_missing_required_column_message_names_it_with_explicit_kind(warehouse, tmp_path, cli):
    header = [h for h in PENYALURAN_HEADER if h not in ("status_salur", "program")]
    path = write_csv(tmp_path / "kurang.csv", header, [row_for("penyaluran", 1)])

    run = cli("ingest", "--db", warehouse, "--kind", "penyaluran", "--json", path)

    assert run.returncode == 1
    result = json.loads(run.stdout)
    assert result["status"] == "rejected"
    assert "kurang.csv" in result["message"]
    assert "program" in result["message"] and "status_salur" in result["message"]


def test_file_of_another_kind_is_rejected(warehouse, tmp_path, cli):
    path = write_csv(tmp_path / "penyaluran_bri.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)])
    before = counts(warehouse)

    run = cli("ingest", "--db", warehouse, "--kind", "keluarga", "--json", path)

    assert run.returncode == 1, run.stdout
    result = json.loads(run.stdout)
    assert result["status"] == "rejected"
    assert "penyaluran_bri.csv" in result["message"] and "keluarga" in result["message"]
    assert "tanggal_data" in result["message"]  # what a register needs and this file lacks
    assert counts(warehouse) == before
    assert fetch(warehouse, "SELECT file_name, kind FROM rejections") == [("penyaluran_bri.csv", "keluarga")]


def test_payment_file_given_as_register_with_as_of_is_rejected(warehouse, tmp_path, cli):
    # --as-of makes tanggal_data optional for a register, but the file has every
    # required column of penyaluran: it is a penyaluran file, not a register
    # (the contract's detection order), so --kind keluarga names the wrong kind.
    path = write_csv(tmp_path / "penyaluran_bri.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1), row_for("penyaluran", 2)])
    before = counts(warehouse)

    run = cli("ingest", "--db", warehouse, "--kind", "keluarga", "--as-of", "2026-03-31", "--json", path)

    result = json.loads(run.stdout)
    assert (run.returncode, result["status"]) == (1, "rejected"), result
    assert "penyaluran_bri.csv" in result["message"]
    assert counts(warehouse) == before
    assert fetch(warehouse, "SELECT file_name FROM rejections") == [("penyaluran_bri.csv",)]


def test_rejected_file_is_not_in_the_ledger_and_can_be_loaded_once_fixed(warehouse, tmp_path):
    path = tmp_path / "nanti.csv"
    path.write_bytes(b"")
    [first] = load(warehouse, path)
    assert first.status == "rejected"
    write_csv(path, PENYALURAN_HEADER, [row_for("penyaluran", 1)])

    [second] = load(warehouse, path)

    assert second.status == "loaded", second.message
    assert scalar(warehouse, "SELECT count(*) FROM load_ledger") == 1


def test_one_rejected_file_among_good_ones_exits_1_and_the_good_ones_load(warehouse, tmp_path, cli):
    good = write_csv(tmp_path / "baik.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1), row_for("penyaluran", 2)])
    bad = tmp_path / "kosong.csv"
    bad.write_bytes(b"")

    run = cli("ingest", "--db", warehouse, "--json", good, bad)

    assert run.returncode == 1
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["file"], r["status"]) for r in results] == [(str(good), "loaded"), (str(bad), "rejected")]
    assert fetch(warehouse, "SELECT file_name FROM load_ledger") == [("baik.csv",)]
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation") == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "03/02/2026"],
        ["--as-of", "2026-02-30"],
        ["--kind", "bantuan"],
        ["--no-such-option"],
    ],
    ids=["as-of-day-first", "as-of-not-a-date", "unknown-kind", "unknown-option"],
)
def test_usage_errors_exit_2_and_load_nothing(warehouse, tmp_path, cli, args):
    path = _valid_file(tmp_path)
    before = sha256(warehouse)

    run = cli("ingest", "--db", warehouse, *args, path)

    assert run.returncode == 2, (run.stdout, run.stderr)
    assert run.stderr.strip()  # says what is wrong
    assert sha256(warehouse) == before


def test_ingest_without_files_is_a_usage_error(warehouse, cli):
    run = cli("ingest", "--db", warehouse)
    assert run.returncode == 2


def test_reading_a_csv_keeps_file_order_without_changing_other_connections(tmp_path):
    # The CSV reader needs file order (its rows line up with the byte scan's
    # line numbers) but ingestion inserts without it on another connection,
    # meanwhile: the reader may change the setting for its own session only.
    import duckdb

    from bansos.extracts import read_file

    rows = [row_for("penyaluran", i) for i in range(1, 6)]
    path = write_csv(tmp_path / "urut.csv", PENYALURAN_HEADER, rows)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    setting = "SELECT current_setting('preserve_insertion_order')"
    seen_while_reading = []

    class Watched:
        """The reader's cursor; notes the other connection's setting at the
        moment the reader runs its CSV query."""

        def __init__(self, cursor):
            self._cursor = cursor

        def sql(self, *args, **kwargs):
            seen_while_reading.append((con.execute(setting).fetchone()[0], self._cursor.execute(setting).fetchone()[0]))
            return self._cursor.sql(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._cursor, name)

    cursor = con.cursor()
    read = read_file(Watched(cursor), path)

    assert seen_while_reading == [(False, True)]  # ordered for the reader only
    assert con.execute(setting).fetchone()[0] is False
    assert cursor.execute(setting).fetchone()[0] is False
    assert read.rows.column("_line").to_pylist() == [2, 3, 4, 5, 6]
    assert read.rows.column("c0").to_pylist() == [r[PENYALURAN_HEADER[0]] for r in rows]
