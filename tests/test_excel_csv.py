"""The CSV for Excel with Indonesian regional settings (bansos/excel_csv.py):
semicolons, decimal commas, codes kept as text, no cell Excel could run as a
formula; the same rows and values as the standard CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd

from bansos import excel_csv, export
from bansos.export import ColumnDef, Export, ExportTable
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401
from tests.test_pages_data import deferred, download, run_page  # noqa: F401

COLUMNS = (
    ColumnDef("region_code", "Kode wilayah", "Region code", "text", ""),
    ColumnDef("file_name", "Nama file", "File name", "text", ""),
    ColumnDef("coverage", "Cakupan", "Coverage", "rate", ""),
    ColumnDef("recipients", "Penerima (KPM)", "Recipients (KPM)", "int", ""),
    ColumnDef("allocated_amount", "Nilai dialokasikan (Rp)", "Amount allocated (Rp)", "rp", ""),
    ColumnDef("is_pilot", "Wilayah pilot", "Pilot region", "bool", ""),
    ColumnDef("as_of", "Tanggal snapshot", "Snapshot date", "date", ""),
)


def rows(payload: bytes) -> list[list[str]]:
    assert payload.startswith("\ufeff".encode())  # UTF-8 with BOM, so Excel reads the accents right
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig")), delimiter=";"))


def sample() -> Export:
    frame = pd.DataFrame({
        "region_code": ["35.10", "18.72", "35.10"],
        "file_name": ['=HYPERLINK("http://x","y")', "+62 811; -1", "@SUM(A1)"],
        "coverage": [0.351, None, 0.0],
        "recipients": [1776, 0, 12],
        "allocated_amount": [600000, None, 1_250_000],
        "is_pilot": [True, False, None],
        "as_of": [date(2026, 1, 31), None, date(2025, 12, 31)],
    })
    table = ExportTable("sample", "none", COLUMNS, (), "a hand-made sample")
    return Export(table, frame, {})


def test_semicolons_decimal_commas_labels_and_protected_codes():
    header, first, second, third = rows(excel_csv.to_excel_id_csv_bytes(sample(), "id"))
    assert header == [c.label_id for c in COLUMNS]
    # 35.10 stays the text 35.10 (as a number Excel would make it 35,1)
    assert first[0] == '="35.10"' and second[0] == '="18.72"'
    # a value Excel would run as a formula starts with ' instead
    assert first[1] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert second[1] == "'+62 811; -1"  # the semicolon inside is quoted, not a separator
    assert third[1] == "'@SUM(A1)"
    # rates as fractions with a decimal comma; counts and rupiah as plain digits
    assert (first[2], first[3], first[4]) == ("0,351", "1776", "600000")
    assert (second[2], second[4]) == ("", "")  # empty stays empty, never 0
    assert third[2] == "0,0"
    assert (first[5], second[5], third[5]) == ("ya", "tidak", "")
    assert (first[6], second[6], third[6]) == ("2026-01-31", "", "2025-12-31")


def test_english_labels_and_words():
    header, first, *_ = rows(excel_csv.to_excel_id_csv_bytes(sample(), "en"))
    assert header == [c.label_en for c in COLUMNS]
    assert first[5] == "yes" and first[2] == "0,351"  # still the decimal comma: it is for Indonesian settings


def test_the_xlsx_export_keeps_formula_like_text_as_text():
    # The workbook is the other Excel-oriented file: xlsxwriter would write a
    # string starting with "=" as a formula unless told not to.
    import openpyxl

    made = export.frame_export("sample", sample().frame, "a hand-made sample")
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(made, "id")))
    sheet = book.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert {'=HYPERLINK("http://x","y")', "+62 811; -1", "@SUM(A1)"} <= texts


def test_file_name():
    assert excel_csv.file_name("region-indicators_PKH_2026-T2.csv") == "region-indicators_PKH_2026-T2_excel-id.csv"


def test_the_app_offers_it_beside_the_standard_csv_with_the_same_rows(demo_db, deferred):  # noqa: F811
    at = run_page(demo_db, "ekspor")
    for table in ("region-indicators", "loads", "quarantine-summary"):
        standard, name = download(at, deferred, f"ek_dl_{table}_csv")
        variant, variant_name = download(at, deferred, f"ek_dl_{table}_csv-id")
        assert variant_name == name[:-4] + "_excel-id.csv"
        machine = list(csv.DictReader(io.StringIO(standard.decode("utf-8-sig"))))
        labelled = rows(variant)
        assert len(labelled) - 1 == len(machine) > 0
        if table == "region-indicators":
            columns = export.TABLES[table].columns
            names = [c.name for c in columns]
            assert labelled[0] == [c.label_id for c in columns]
            for plain, excel in zip(machine, labelled[1:]):
                cells = dict(zip(names, excel))
                assert cells["region_code"] == f'="{plain["region_code"]}"'
                assert cells["coverage"] == plain["coverage"].replace(".", ",")
                assert cells["recipients"] == plain["recipients"]
