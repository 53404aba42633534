"""CSV for Excel with Indonesian regional settings ("Excel (Indonesia)").

The standard CSV (comma, dot decimal, machine names; bansos.export) is for
R, Python and databases. Excel reads a CSV with the computer's regional
settings: with Indonesian ones the list separator is ";" and the decimal
separator ",", so the standard file opens as one column, and a region code
such as `35.10` becomes the number 35.1. This variant is written for that
Excel: semicolons, decimal commas, column labels in the language shown,
codes kept as text, and no cell that Excel could run as a formula.

It carries the same rows and values as the standard CSV (and the same
provenance sidecar); only the notation differs.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from bansos import i18n
from bansos.export import Export

SEPARATOR = ";"
# Text Excel would turn into a number or a date ("35.10", "0123", "1/2").
_LOOKS_NUMERIC = re.compile(r"\s*[-+]?[\d.,/:\s]*\d[\d.,/:\s]*([eE][-+]?\d+)?\s*")
# Text Excel would read as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    if _LOOKS_NUMERIC.fullmatch(value):
        return f'="{value}"'  # a formula that is only this text: shown as typed, never converted
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value, kind: str, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if kind in ("int", "rp"):
        return str(int(value))
    if kind in ("rate", "num"):
        return repr(float(value)).replace(".", ",")
    if kind == "bool":
        return i18n.t("word.yes" if value else "word.no", lang)
    if kind == "date":
        return str(pd.Timestamp(value).date())
    return _text(str(value))


def to_excel_id_csv_bytes(export: Export, lang: str = "id") -> bytes:
    """The export as CSV for Excel with Indonesian regional settings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    columns = export.table.columns
    writer.writerow([c.label_en if lang == "en" else c.label_id for c in columns])
    for values in zip(*(export.frame[c.name].tolist() for c in columns)):
        writer.writerow([_cell(v, c.kind, lang) for v, c in zip(values, columns)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def file_name(standard_name: str) -> str:
    """`region-indicators_PKH_2026-T2.csv` → `region-indicators_PKH_2026-T2_excel-id.csv`."""
    return standard_name[:-4] + "_excel-id.csv" if standard_name.endswith(".csv") else standard_name + "_excel-id.csv"
