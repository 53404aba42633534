"""The lake: the current facts as Hive-partitioned Parquet, with a schema and
provenance file (docs/national-scale.md).

One format, two users: `python -m bansos export lake --out DIR` writes it
for teams who query the facts from their own engine, and `rebuild --engine
spark` hands the facts to Spark in it (a private temporary copy, or an
exported lake with `--lake DIR`).

Layout of a lake folder:

    schema.json                                   columns, types, meanings, provenance, files
    family/snapshot_date=YYYY-MM-DD/province_code=PP/*.parquet
    allocation/year=YYYY/tranche=T/province_code=PP/*.parquet
    reference/<table>.parquet                     the reference tables

Only pseudonyms leave the warehouse: the keyed hashes as hexadecimal text
(the same text `export families` gives), the key's fingerprint, never the
key. Free text (`reason`) and bank transaction ids are left out.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

import duckdb

from bansos.reference import REFERENCE_TABLES

FORMAT = "bansos-lake"
FORMAT_VERSION = 1
SCHEMA_FILE = "schema.json"

# A keyed hash as text: lower-case hex of the 128-bit value, zero-padded to 32
# digits, as `export families` writes it (unpadded, a key with a leading zero
# digit, one in sixteen, would not match the same family in that export).
HEX_KEY_SQL = "lpad(lower(hex({col})), 32, '0')"


class LakeError(Exception):
    """The lake cannot be written or used as asked; the message says why."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # portable: string, date, int8, int16, int32, int64, bool, double
    meaning: str
    source: str | None = None  # SQL over the warehouse table; None = the column itself


@dataclass(frozen=True)
class FactTable:
    name: str  # folder in the lake
    view: str  # the warehouse view of current rows it holds
    columns: tuple[Column, ...]
    partition_by: tuple[str, ...]
    why: str

    def fact_columns(self) -> list[str]:
        """The columns the warehouse view has (the marts' input): all but
        the derived partition column."""
        return [c.name for c in self.columns if c.name != "province_code"]


_PROVINCE = Column(
    "province_code", "string", "Province code (PP): the first two characters of region_code. Partition column only.",
    "left(region_code, 2)",
)

FAMILY = FactTable(
    "family", "current_family",
    (
        Column("family_key", "string", "Keyed hash of the KK number (pseudonym; never the KK), 32 lower-case hex digits.",
               HEX_KEY_SQL.format(col="family_key")),
        Column("snapshot_date", "date", "Register snapshot date (tanggal_data) of the row. Partition column."),
        _PROVINCE,
        Column("region_code", "string", "Kab/kota code (PP.KK, Kemendagri)."),
        Column("kecamatan_code", "string", "Kecamatan code (PP.KK.CC) when the source code was that precise; else empty."),
        Column("wilayah_code", "string", "Region code as given in the extract, dotted (desa/kelurahan where available)."),
        Column("desil", "int8", "DTSEN welfare decile 1-10; empty = not ranked."),
        Column("members", "int16", "Family members."),
        Column("channel", "string", "Registration channel: mandiri, agen, musdes, dinsos or dtsen; empty = not given."),
        Column("registration_date", "date", "Date of registration."),
        Column("decision", "string", "Eligibility decision: layak, tidak_layak; empty = undecided."),
        Column("appeal", "string", "Sanggah: tidak, diajukan, diterima (upheld) or ditolak."),
        Column("head_key", "string", "Keyed hash of the family head's NIK (pseudonym), 32 lower-case hex digits.",
               HEX_KEY_SQL.format(col="head_key")),
        Column("extract_date", "date", "Extract date of the file the row came from."),
        Column("load_id", "int32", "The load that stored the row (see `python -m bansos export loads`)."),
    ),
    ("snapshot_date", "province_code"),
    "A monthly register extract of a region adds one snapshot_date and touches one province, so a load "
    "writes one new partition and never rewrites old ones; the marts read, for each as_of, each region's "
    "latest snapshot on or before it, which a reader prunes by snapshot_date. Province, not kab/kota: 514 "
    "kab/kota times monthly snapshots would make thousands of small files; 38 provinces keep files large.",
)

ALLOCATION = FactTable(
    "allocation", "current_allocation",
    (
        Column("family_key", "string", "Keyed hash of the KK number (pseudonym), 32 lower-case hex digits; joins to family.family_key.",
               HEX_KEY_SQL.format(col="family_key")),
        Column("program", "string", "Programme code (PKH, SEMBAKO, ...; canonical: SEMBAKO for BPNT)."),
        Column("year", "int16", "Year of the tranche. Partition column."),
        Column("tranche", "int8", "Tranche (tahap) 1-4. Partition column."),
        _PROVINCE,
        Column("region_code", "string", "Kab/kota code (PP.KK) of the allocation."),
        Column("kecamatan_code", "string", "Kecamatan code when the source code was that precise; else empty."),
        Column("wilayah_code", "string", "Region code as given in the extract, dotted."),
        Column("amount", "int64", "Amount allocated, whole rupiah."),
        Column("status", "string", "Payment status: tersalur (paid), proses (pending), gagal (failed) or retur (returned)."),
        Column("institution", "string", "Paying institution (lembaga penyalur); empty = not given."),
        Column("paid_date", "date", "Date paid; empty unless paid."),
        Column("recipient_key", "string", "Keyed hash of the recipient's NIK (pseudonym), 32 lower-case hex digits.",
               HEX_KEY_SQL.format(col="recipient_key")),
        Column("extract_date", "date", "Extract date of the file the row came from."),
        Column("load_id", "int32", "The load that stored the row."),
    ),
    ("year", "tranche", "province_code"),
    "A bank's tranche file covers one year and tranche; marts and pages read by programme, year and tranche, "
    "so readers prune by year and tranche and a load rewrites only its tranche's partitions. Province keeps "
    "each partition a manageable size nationally without one folder per kab/kota.",
)

FACT_TABLES = (FAMILY, ALLOCATION)
LEFT_OUT = {
    "reason": "free text about a family's circumstances (can reveal illness or disability); not needed by any indicator",
    "transaction_id": "a bank's transaction reference, not a pseudonym; not needed by any indicator",
    "superseded_by": "always empty: the lake holds current rows only",
}

# Portable type → (DuckDB type, Spark DDL type)
TYPES = {
    "string": ("VARCHAR", "STRING"),
    "date": ("DATE", "DATE"),
    "int8": ("TINYINT", "TINYINT"),
    "int16": ("SMALLINT", "SMALLINT"),
    "int32": ("INTEGER", "INT"),
    "int64": ("BIGINT", "BIGINT"),
    "bool": ("BOOLEAN", "BOOLEAN"),
    "double": ("DOUBLE", "DOUBLE"),
}
_FROM_DUCKDB = {duck: portable for portable, (duck, _) in TYPES.items()}


def spark_ddl(columns: list[dict]) -> str:
    """A Spark schema string for `spark.read.schema(...)` from schema.json's column list."""
    return ", ".join(f"`{c['name']}` {TYPES[c['type']][1]}" for c in columns)


def _quote(text: str | Path) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(8 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    """The single row of `sql`, read to the end (DuckDB 2 keeps a result
    that was not read to the end open, and the connection busy)."""
    return con.execute(sql).fetchall()[0]


def facts_version(con: duckdb.DuckDBPyConnection, schema: str) -> dict:
    """What identifies the state of the current facts: changes with every
    load and unload. A lake records it; a rebuild from a lake checks it."""
    row = _one(con, f"SELECT coalesce(max(load_id), 0), count(*), count(unloaded_at) FROM {schema}.load_ledger")
    family = _one(con, f"SELECT count(*) FROM {schema}.current_family")[0]
    allocation = _one(con, f"SELECT count(*) FROM {schema}.current_allocation")[0]
    return {
        "last_load_id": int(row[0]), "loads": int(row[1]), "unloaded_loads": int(row[2]),
        "current_family_rows": int(family), "current_allocation_rows": int(allocation),
    }


def _meta(con, schema: str) -> dict:
    return dict(con.execute(f"SELECT key, value FROM {schema}.meta").fetchall())


def write(con: duckdb.DuckDBPyConnection, schema: str, out: Path, *, provenance: dict | None = None) -> dict:
    """Write the lake of the warehouse attached as `schema` into the folder
    `out`, which must not exist: it is written beside it under a temporary
    name and renamed at the end, so `out` holds a whole lake or nothing.
    Returns the schema document (also written as out/schema.json)."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise LakeError(f"{out} exists and is not an empty folder: choose a new folder for the lake")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))  # mode 0700
    try:
        tables: dict[str, dict[str, Any]] = {}  # table name -> its description in the manifest
        for table in FACT_TABLES:
            folder = partial / table.name
            folder.mkdir()
            select = ", ".join(f"{c.source or c.name} AS {c.name}" for c in table.columns)
            rows = _one(con, f"SELECT count(*) FROM {schema}.{table.view}")[0]
            if rows:
                con.execute(
                    f"COPY (SELECT {select} FROM {schema}.{table.view}) TO {_quote(folder)} "
                    f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({', '.join(table.partition_by)}), FILENAME_PATTERN 'part-{{i}}')"
                )
            tables[table.name] = {
                "path": table.name,
                "holds": f"current rows of {table.view}",
                "rows": int(rows),
                "partitioning": list(table.partition_by),
                "partitioning_why": table.why,
                "columns": [
                    {"name": c.name, "type": c.type, "meaning": c.meaning, "partition": c.name in table.partition_by}
                    for c in table.columns
                ],
            }
        reference = partial / "reference"
        reference.mkdir()
        for name in REFERENCE_TABLES:
            described = con.execute(f"DESCRIBE {schema}.{name}").fetchall()
            con.execute(f"COPY {schema}.{name} TO {_quote(reference / (name + '.parquet'))} (FORMAT parquet)")
            tables[f"reference/{name}"] = {
                "path": f"reference/{name}.parquet",
                "holds": f"reference table {name} (data/reference/{REFERENCE_TABLES[name][0]})",
                "rows": int(_one(con, f"SELECT count(*) FROM {schema}.{name}")[0]),
                "partitioning": [],
                "columns": [{"name": c[0], "type": _FROM_DUCKDB[c[1]], "meaning": "", "partition": False} for c in described],
            }
        for spec in tables.values():
            # Readers infer partition values' types from folder names
            # (province_code=35 would become a number): declare them.
            spec["spark_schema"] = spark_ddl(spec["columns"])
            if spec["partitioning"]:
                by_name = {c["name"]: c for c in spec["columns"]}
                spec["duckdb_hive_types"] = {n: TYPES[by_name[n]["type"]][0] for n in spec["partitioning"]}
        meta = _meta(con, schema)
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **(provenance or {}),
            "warehouse": {"created_at": meta.get("created_at"), "is_demo": meta.get("is_demo") == "true"},
            "facts_version": facts_version(con, schema),
            "key": {"fingerprint": meta.get("key_fingerprint"), "scheme": meta.get("key_scheme"),
                    "note": "the fingerprint identifies the key; the key itself is never in a lake"},
            "identifiers": "family_key, head_key and recipient_key are keyed hashes of the KK or NIK (the warehouse's "
                           "pseudonyms) as lower-case hexadecimal text; no raw NIK or KK number is in the lake.",
            "left_out": LEFT_OUT,
            "tables": tables,
            "files": _file_list(partial),
        }
        (partial / SCHEMA_FILE).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        if out.exists():
            out.rmdir()  # the empty folder asked for
        os.replace(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return document


def _file_list(folder: Path) -> list[dict]:
    return [
        {"path": str(p.relative_to(folder)), "bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.rglob("*.parquet"))
    ]


def read_schema(folder: Path, *, verify: bool = True) -> dict:
    """The lake's schema.json; with `verify`, every file listed is there
    with its size and SHA-256, and no Parquet file is there unlisted."""
    folder = Path(folder)
    path = folder / SCHEMA_FILE
    if not path.is_file():
        raise LakeError(f"{folder} is not a lake: it has no {SCHEMA_FILE} (make one with `python -m bansos export lake`)")
    try:
        document = json.loads(path.read_text())
    except ValueError as error:
        raise LakeError(f"{path} is not valid JSON ({error})") from error
    if document.get("format") != FORMAT or document.get("format_version") != FORMAT_VERSION:
        raise LakeError(f"{folder} is not a lake of format {FORMAT} {FORMAT_VERSION}")
    if verify:
        listed = {f["path"]: f for f in document["files"]}
        present = {str(p.relative_to(folder)) for p in folder.rglob("*.parquet")}
        if present != set(listed):
            missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
            raise LakeError(f"the lake {folder} does not match its {SCHEMA_FILE}: missing {missing[:3]}, unlisted {extra[:3]}")
        for name, spec in listed.items():
            file = folder / name
            if file.stat().st_size != spec["bytes"] or _sha256(file) != spec["sha256"]:
                raise LakeError(f"the lake file {file} changed since the lake was written (size or SHA-256 differ)")
    return document
