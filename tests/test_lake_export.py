"""`python -m bansos export lake`: the current facts as Hive-partitioned
Parquet with schema.json (bansos/lake.py). No Spark needed here: the lake
is read back with DuckDB, as a team with their own engine would."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import struct
from pathlib import Path

import duckdb
import pytest

from bansos import keys, lake
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401


@pytest.fixture(scope="module")
def exported(demo_db, app_key_file, tmp_path_factory, cli_module):
    out = tmp_path_factory.mktemp("lake") / "lake"
    result = cli_module("export", "lake", "--db", demo_db, "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # the message goes to stderr, like every export's
    assert "exported the lake" in result.stderr and "schema.json" in result.stderr
    return out


@pytest.fixture(scope="module")
def cli_module(app_key_file):
    import subprocess
    import sys

    def run(*args):
        env = {**os.environ, "BANSOS_KEY_FILE": str(app_key_file)}
        env.pop("BANSOS_KEY", None)
        return subprocess.run([sys.executable, "-m", "bansos", *map(str, args)], cwd=Path(__file__).parent.parent,
                              env=env, capture_output=True, text=True, timeout=300)

    return run


def read_fact(con, folder: Path, spec: dict) -> str:
    """SQL reading one fact table of the lake by name, partition types declared."""
    columns = [c["name"] for c in spec["columns"] if c["name"] != "province_code"]
    types = ", ".join(f"'{name}': {kind}" for name, kind in spec["duckdb_hive_types"].items())
    return (f"SELECT {', '.join(columns)} FROM read_parquet('{folder / spec['path']}/**/*.parquet', "
            f"hive_partitioning = true, hive_types = {{{types}}})")


def test_the_lake_reads_back_as_the_current_facts(exported, demo_db):
    document = lake.read_schema(exported)
    con = duckdb.connect()
    con.execute(f"ATTACH '{demo_db}' AS wh (READ_ONLY)")
    for name, view in (("family", "current_family"), ("allocation", "current_allocation")):
        spec = document["tables"][name]
        columns = [c["name"] for c in spec["columns"] if c["name"] != "province_code"]
        # The warehouse's rows as the lake promises them: keyed hashes as 32
        # lower-case hex digits, exactly as `export families` writes them
        # (queries/families.sql), so the two exports join.
        facts = ("SELECT " + ", ".join(f"lpad(lower(hex({c})), 32, '0') AS {c}" if c.endswith("_key") else c for c in columns)
                 + f" FROM wh.{view}")
        from_lake = read_fact(con, exported, spec)
        lengths, leading_zero = con.execute(
            f"SELECT list(DISTINCT length(family_key)), count(*) FILTER (WHERE family_key LIKE '0%') FROM ({from_lake})"
        ).fetchone()
        assert lengths == [32] and leading_zero > 0  # padded, and the demo has keys that need it
        missing = con.execute(f"SELECT count(*) FROM ({facts} EXCEPT ALL {from_lake})").fetchall()[0][0]
        extra = con.execute(f"SELECT count(*) FROM ({from_lake} EXCEPT ALL {facts})").fetchall()[0][0]
        rows = con.execute(f"SELECT count(*) FROM wh.{view}").fetchall()[0][0]
        assert (missing, extra) == (0, 0), name
        assert spec["rows"] == rows > 1000
        # Types as declared in schema.json (a reader that declares them gets the warehouse's types).
        described = {r[0]: r[1] for r in con.execute(f"DESCRIBE {from_lake}").fetchall()}
        for column in spec["columns"]:
            if column["name"] in described:
                assert described[column["name"]] == lake.TYPES[column["type"]][0], (name, column["name"])
    for table in ("ref_program", "ref_tranche_calendar", "ref_region"):
        path = exported / document["tables"][f"reference/{table}"]["path"]
        assert con.execute(f"SELECT count(*) FROM (SELECT * FROM read_parquet('{path}') EXCEPT ALL SELECT * FROM wh.{table})"
                           ).fetchall()[0][0] == 0
    assert document["facts_version"] == lake.facts_version(con, "wh")


def test_partitions_hold_what_their_folder_names_say(exported):
    con = duckdb.connect()
    layouts = {"family": r"/family/snapshot_date=\d{4}-\d\d-\d\d/province_code=(\d\d)/part-\d+\.parquet$",
               "allocation": r"/allocation/year=\d{4}/tranche=[1-4]/province_code=(\d\d)/part-\d+\.parquet$"}
    for table, layout in layouts.items():
        files = sorted((exported / table).rglob("*.parquet"))
        assert len(files) > 5, table
        for path in files:
            province = re.search(layout, str(path)).group(1)
            inside = f"read_parquet('{path}', hive_partitioning = false)"
            # Each file holds only its province's kab/kota...
            assert con.execute(f"SELECT DISTINCT left(region_code, 2) FROM {inside}").fetchall() == [(province,)]
            # ...and no partition column: a reader would see it twice.
            names = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {inside}").fetchall()}
            assert not names & {"snapshot_date", "year", "tranche", "province_code"}, path


@pytest.fixture(scope="module")
def fixture_lake(tmp_path_factory):
    """The hand-built fixture of tests/test_indicators_fixture.py (whose raw
    KK numbers are known) and its lake."""
    from tests.test_indicators_fixture import ALLOCATIONS, REGISTER_2025, REGISTER_2026, build_warehouse, kk

    folder = tmp_path_factory.mktemp("fixture")
    saved = {name: os.environ.pop(name, None) for name in ("BANSOS_KEY", "BANSOS_KEY_FILE")}
    os.environ["BANSOS_KEY_FILE"] = str(folder / "keys" / "key")  # never beside the warehouse
    try:
        db = build_warehouse(folder)
        key = (folder / "keys" / "key").read_text().strip()
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value
    con = duckdb.connect()
    con.execute(f"ATTACH '{db}' AS wh (READ_ONLY)")
    out = folder / "lake"
    lake.write(con, "wh", out)
    ids = {kk(row[0]) for row in REGISTER_2026 + REGISTER_2025 + ALLOCATIONS}
    return out, ids, key


def test_no_raw_id_and_no_key_in_the_lake(fixture_lake):
    out, ids, key = fixture_lake
    assert len(ids) == 19  # A1-A10, B1-B5, X1 (2025 register), N1, C1, C2 (allocations only)
    document = json.loads((out / "schema.json").read_text())
    assert document["key"]["fingerprint"] == keys.fingerprint(key)
    con = duckdb.connect()
    files = [p for p in sorted(out.rglob("*")) if p.is_file()]
    assert any(p.name == "schema.json" for p in files) and len(files) > 5
    for path in files:
        data = path.read_bytes()
        assert key.encode() not in data, path
        for raw in ids:
            assert raw.encode() not in data and struct.pack("<q", int(raw)) not in data, (path, raw)
        if path.suffix != ".parquet":
            continue
        # Every value of every column, through SQL (compression can hide bytes).
        inside = f"read_parquet('{path}', hive_partitioning = false)"
        for column in [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {inside}").fetchall()]:
            found = con.execute(f"SELECT count(*) FROM {inside} WHERE CAST({column} AS VARCHAR) IN $ids",
                                {"ids": sorted(ids)}).fetchall()[0][0]
            assert found == 0, (path, column)
    assert "reason" not in {c["name"] for c in document["tables"]["family"]["columns"]}
    assert "transaction_id" not in {c["name"] for c in document["tables"]["allocation"]["columns"]}


def test_lake_text_holds_no_id_like_numbers(exported):
    """On the demo: a pseudonym is a 128-bit hash in hex (which may hold 15
    decimal digits in a row by chance), so it must be hex of at most 32
    digits; every other text holds no run of 15 digits or more."""
    con = duckdb.connect()
    for path in sorted(exported.rglob("*.parquet")):
        inside = f"read_parquet('{path}', hive_partitioning = false)"
        for column, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM {inside}").fetchall():
            if kind != "VARCHAR":
                continue
            rule = (f"NOT regexp_full_match({column}, '[0-9a-f]{{1,32}}')" if column.endswith("_key")
                    else f"regexp_matches({column}, '[0-9]{{15,}}')")
            assert con.execute(f"SELECT count(*) FROM {inside} WHERE {rule}").fetchall()[0][0] == 0, (path, column)


def test_the_lake_is_private_and_verified(exported, tmp_path):
    assert stat.S_IMODE(exported.stat().st_mode) == 0o700
    copy = tmp_path / "copy"
    shutil.copytree(exported, copy)
    assert lake.read_schema(copy)["format"] == lake.FORMAT
    victim = next((copy / "allocation").rglob("*.parquet"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    victim.write_bytes(bytes(data))
    with pytest.raises(lake.LakeError, match="changed since"):
        lake.read_schema(copy)
    victim.unlink()
    with pytest.raises(lake.LakeError, match="does not match"):
        lake.read_schema(copy)


def test_export_lake_refuses_a_used_folder_and_filters(exported, demo_db, cli_module, tmp_path):
    before = sorted(p.name for p in exported.iterdir())
    used = cli_module("export", "lake", "--db", demo_db, "--out", exported)
    assert used.returncode == 1 and "not an empty folder" in used.stderr
    assert sorted(p.name for p in exported.iterdir()) == before
    filtered = cli_module("export", "lake", "--db", demo_db, "--out", tmp_path / "x", "--province", "35")
    assert filtered.returncode == 2 and "--province" in filtered.stderr
    assert not (tmp_path / "x").exists()
    nowhere = cli_module("export", "lake", "--db", demo_db)
    assert nowhere.returncode == 2 and "--out" in nowhere.stderr


def test_a_failed_export_leaves_nothing(demo_db, tmp_path, monkeypatch):
    def broken(folder):
        raise OSError("disk gone")

    monkeypatch.setattr(lake, "_file_list", broken)
    con = duckdb.connect()
    con.execute(f"ATTACH '{demo_db}' AS wh (READ_ONLY)")
    with pytest.raises(OSError, match="disk gone"):
        lake.write(con, "wh", tmp_path / "lake")
    assert list(tmp_path.iterdir()) == []
