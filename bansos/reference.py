"""Reference tables: load data/reference/*.csv into the warehouse.

The CSVs are the one place to edit (pilot list, programme table, tranche
calendar, comparison regions); `python -m bansos rebuild` reloads them and
rebuilds the marts.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bansos import settings

# table → (file, column types). Every column is read as text first so codes
# like `35.10` never become numbers, then cast here.
REFERENCE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "ref_province": (
        "provinces.csv",
        {"code": "VARCHAR", "name": "VARCHAR", "population": "BIGINT", "lat": "DOUBLE", "lon": "DOUBLE", "coord_kind": "VARCHAR"},
    ),
    "ref_region": (
        "regions.csv",
        {
            "code": "VARCHAR", "name": "VARCHAR", "type": "VARCHAR", "province_code": "VARCHAR",
            "population": "BIGINT", "lat": "DOUBLE", "lon": "DOUBLE", "coord_kind": "VARCHAR",
        },
    ),
    "ref_kecamatan": ("kecamatan.csv", {"code": "VARCHAR", "name": "VARCHAR", "region_code": "VARCHAR"}),
    "ref_desa": ("desa.csv.gz", {"code": "VARCHAR", "name": "VARCHAR", "kecamatan_code": "VARCHAR"}),
    "ref_pilot": (
        "pilots.csv",
        {
            "region_code": "VARCHAR", "region_name": "VARCHAR", "province_code": "VARCHAR",
            "province_name": "VARCHAR", "cohort": "INTEGER", "status": "VARCHAR", "source": "VARCHAR",
        },
    ),
    "ref_program": (
        "programs.csv",
        {
            "code": "VARCHAR", "aliases": "VARCHAR", "name_id": "VARCHAR", "name_en": "VARCHAR",
            "max_desil": "INTEGER", "benefit_per_tranche": "BIGINT", "tranches_per_year": "INTEGER", "source": "VARCHAR",
        },
    ),
    "ref_tranche_calendar": ("tranche_calendar.csv", {"tranche": "INTEGER", "start_month": "INTEGER", "start_day": "INTEGER"}),
    "ref_comparison": ("comparison_regions.csv", {"pilot_code": "VARCHAR", "comparison_code": "VARCHAR"}),
}


class ReferenceError(Exception):
    pass


def load_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path | None = None, schema: str = "") -> None:
    """Replace every reference table with the content of its CSV."""
    folder = Path(reference_dir or settings.REFERENCE_DIR)
    prefix = f"{schema}." if schema else ""
    for table, (file_name, columns) in REFERENCE_TABLES.items():
        path = folder / file_name
        if not path.exists():
            raise ReferenceError(f"Reference file missing: {path}")
        text_columns = dict.fromkeys(columns, "VARCHAR")
        casts = ", ".join(f"TRY_CAST(NULLIF(trim({name}), '') AS {kind}) AS {name}" for name, kind in columns.items())
        con.execute(f"DELETE FROM {prefix}{table}")
        try:
            con.execute(
                f"INSERT INTO {prefix}{table} ({', '.join(columns)}) "
                f"SELECT {casts} FROM read_csv($path, header = true, columns = $columns, auto_detect = false, quote = '\"', delim = ',')",
                {"path": str(path), "columns": text_columns},
            )
        except duckdb.Error as error:
            raise ReferenceError(f"{path}: {error}") from error
