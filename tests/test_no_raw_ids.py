"""No raw NIK or KK number is ever stored, shown, logged or exported
(docs/privacy.md): every place an identifier could slip through, scanned for
the identifiers the test put into its files.

The scan looks at the warehouse file's bytes (ids as text, and as the
64-bit integers a Parquet file carries), and through SQL at every text and
number column of every table (storage compression could hide a byte
pattern), and at every export format, the command-line output and the
temporary folder a killed load left behind.
"""

from __future__ import annotations

import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.ingest_files import (
    KELUARGA_HEADER,
    PENYALURAN_HEADER,
    REPO_ROOT,
    excel_number,
    kk,
    nik,
    record,
    row_for,
    write_csv,
    write_csv_lines,
    write_parquet,
    write_xlsx,
)

RUN = re.compile(rb"(?<![0-9])[0-9]{15,}(?![0-9])")
# stored_loads holds the ledger's rows as the Kualitas Data page reads them (bansos/stored.py).
HEX_DIGESTS = {("load_ledger", "content_hash"), ("rejections", "content_hash"), ("stored_loads", "content_hash")}
TEXT_RUN = re.compile(r"(?<![0-9])[0-9]{15,}(?![0-9])")


def _ids(numbers) -> set[str]:
    return {kk(n) for n in numbers} | {nik(n) for n in numbers}


def assert_no_raw_ids(db: Path, ids: set[str]) -> None:
    data = db.read_bytes()
    found = {m.group(0).decode() for m in RUN.finditer(data)} & ids
    assert not found, f"raw ids in the file bytes: {sorted(found)[:3]}"
    for raw in ids:
        assert struct.pack("<q", int(raw)) not in data, f"{raw} as a 64-bit integer in the file"
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name IN (SELECT table_name FROM duckdb_tables())"
        ).fetchall()
        numbers = [int(i) for i in ids]
        for table, column, kind in columns:
            if kind.startswith("VARCHAR"):
                hits = con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE regexp_matches(CAST("{column}" AS VARCHAR), \'[0-9]{{15,}}\')'
                ).fetchone()[0]
                assert hits == 0, f"a 15+ digit run in {table}.{column}"
            elif kind in ("BIGINT", "UBIGINT", "HUGEINT", "DOUBLE", "DECIMAL(18,0)"):
                hits = con.execute(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS HUGEINT) IN (SELECT unnest($n))',
                                   {"n": numbers}).fetchone()[0]
                assert hits == 0, f"a raw id as a number in {table}.{column}"
    finally:
        con.close()


def assert_no_run(text: str, where: str) -> None:
    found = TEXT_RUN.findall(text)
    assert not found, f"{where}: {found[:3]}"


@pytest.fixture
def hostile_load(warehouse, tmp_path, cli):
    """Every kind of file and every trick, loaded through the command line;
    returns (warehouse, the raw ids used, the command's output)."""
    numbers = range(7000, 7030)
    csv_rows = [record(PENYALURAN_HEADER, row_for("penyaluran", n)) for n in range(7000, 7005)]
    csv_rows.append(record(PENYALURAN_HEADER, row_for("penyaluran", 7005)).replace("TRX07005,", "", 1))  # misaligned
    csv_rows.append("EXTRA," + record(PENYALURAN_HEADER, row_for("penyaluran", 7006)))  # misaligned the other way
    csv_rows.append(record(PENYALURAN_HEADER, row_for("penyaluran", 7007, id_transaksi=f"{nik(7007)}", tahap="9")))
    csv_file = write_csv_lines(tmp_path / f"bayar_{kk(7029)}.csv", [",".join(PENYALURAN_HEADER), *csv_rows])

    cp1252 = tmp_path / "daftar_cp1252.csv"
    cp1252.write_bytes("\n".join([",".join(KELUARGA_HEADER)] + [
        record(KELUARGA_HEADER, row_for("keluarga", n, status_kelayakan="tidak_layak",
                                        alasan=f"Ganda – NIK {nik(n)} / KK {kk(n)[:4]} {kk(n)[4:8]} {kk(n)[8:12]} {kk(n)[12:]}"))
        for n in range(7008, 7012)] + [record(KELUARGA_HEADER, row_for("keluarga", 7012, desil="99"))]).encode("cp1252"))

    sheet = tmp_path / "daftar.xlsx"
    write_xlsx(sheet, KELUARGA_HEADER, [
        row_for("keluarga", 7013, tanggal_data="2026-04-30"),
        {**row_for("keluarga", 7014, tanggal_data="2026-04-30"), "no_kk": excel_number(kk(7014)), "nik_kepala": int(nik(7014))},
        row_for("keluarga", 7015, tanggal_data="2026-04-30", alasan=kk(7015)),
    ])

    import pyarrow as pa

    parquet = write_parquet(tmp_path / "bank.parquet", {
        **{h: pa.array([row_for("penyaluran", n, lembaga_penyalur="BNI")[h] for n in range(7016, 7022)])
           for h in PENYALURAN_HEADER if h not in ("no_kk", "nik")},
        "no_kk": pa.array([int(kk(n)) for n in range(7016, 7022)], pa.int64()),  # int64 ids: accepted, hashed
        "nik": pa.array([float(nik(n)) for n in range(7016, 7022)], pa.float64()),  # float ids: quarantined
    })

    run = cli("ingest", "--db", warehouse, csv_file, cp1252, sheet, parquet)
    run_json = cli("ingest", "--db", warehouse, "--json", csv_file, cp1252, sheet, parquet)
    assert run.returncode == 0, run.stdout + run.stderr
    return warehouse, _ids(numbers), run.stdout + run.stderr + run_json.stdout + run_json.stderr


def test_no_raw_id_in_the_warehouse_after_hostile_files(hostile_load):
    db, ids, _ = hostile_load
    assert_no_raw_ids(db, ids)
    con = duckdb.connect(str(db), read_only=True)
    try:
        # The rows did land (the scan is not passing on an empty warehouse).
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] >= 7
        assert con.execute("SELECT count(*) FROM current_allocation").fetchone()[0] >= 5
        assert con.execute("SELECT count(*) FROM current_family WHERE reason LIKE '%****%'").fetchone()[0] >= 4
    finally:
        con.close()


def test_no_raw_id_in_the_command_line_output(hostile_load):
    _, _, output = hostile_load
    assert "quarantined" in output
    assert_no_run(output, "ingest output")


@pytest.mark.parametrize("table", ["quarantine", "loads", "families", "region-indicators"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_no_raw_id_in_any_export(hostile_load, tmp_path, cli, table, fmt):
    db, ids, _ = hostile_load
    out = tmp_path / f"out.{fmt}"

    run = cli("export", table, "--db", db, "--format", fmt, "--out", out)

    assert run.returncode == 0, run.stderr
    assert_no_run(run.stdout + run.stderr, "export output")
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(out, read_only=True)
        text = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        text = json.dumps(pq.read_table(out).to_pylist(), default=str)
    else:
        text = out.read_text(encoding="utf-8-sig")
    assert len(text) > 50
    # Provenance holds digit-heavy values (a nanosecond data version, content
    # hashes): look for the ids themselves, anywhere in the text.
    meta = Path(str(out) + ".meta.json")
    for where, content in ((f"{table}.{fmt}", text), ("meta.json", meta.read_text() if meta.exists() else "")):
        leaked = [raw for raw in ids if raw in content]
        assert not leaked, f"{where}: {leaked[:3]}"
    if table == "quarantine":
        assert "3510********" in text  # masked forms are there, so the scan read real content


def test_no_raw_id_in_the_demo_warehouse(tmp_path, monkeypatch):
    from bansos.ingest import LoadRequest, ingest
    from bansos.synthetic import generate

    monkeypatch.setenv("BANSOS_KEY_FILE", str(tmp_path / "keys" / "key"))
    folder = tmp_path / "extracts"
    folder.mkdir()
    files = generate(folder, scale=0.002, seed=5)
    ids = set()
    for f in files:
        if f.path.suffix == ".csv":
            ids |= set(TEXT_RUN.findall(f.path.read_bytes().decode("utf-8", errors="replace")))
        elif f.path.suffix == ".parquet":
            import pyarrow.parquet as pq

            for column in pq.read_table(f.path).columns:
                ids |= {str(v) for v in column.to_pylist() if v is not None and TEXT_RUN.fullmatch(str(v))}
    ids = {i for i in ids if len(i) == 16}
    assert len(ids) > 10_000
    db = tmp_path / "demo.duckdb"

    ingest(db, [LoadRequest(f.path, f.kind, f.as_of) for f in files], mark_demo=True)

    data = db.read_bytes()
    assert not ({m.group(0).decode() for m in RUN.finditer(data)} & ids)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE data_type LIKE 'VARCHAR%' "
            "AND table_name IN (SELECT table_name FROM duckdb_tables())"
        ).fetchall():
            if (table, column) in HEX_DIGESTS:
                # A SHA-256 in hex holds a run of 15 decimal digits now and then (about one
                # file in 25): it can only be checked against the ids themselves.
                values = {v for (v,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall() if v}
                assert not {run for v in values for run in TEXT_RUN.findall(v)} & ids, f"{table}.{column}"
                continue
            hits = con.execute(f'SELECT count(*) FROM "{table}" WHERE regexp_matches(CAST("{column}" AS VARCHAR), \'[0-9]{{15,}}\')').fetchone()[0]
            assert hits == 0, f"{table}.{column}"
    finally:
        con.close()


def test_no_raw_id_left_in_the_temporary_folder_after_a_killed_load(warehouse, tmp_path, monkeypatch, cli):
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(root))
    numbers = range(1, 150_001)
    text = "\n".join([",".join(PENYALURAN_HEADER)] + [record(PENYALURAN_HEADER, row_for("penyaluran", n, id_transaksi="Pembayaran – tahap 1"))
                                                   for n in numbers])
    cp1252 = tmp_path / "besar_cp1252.csv"
    cp1252.write_bytes(text.encode("cp1252"))  # transcoded into the private folder while it loads
    proc = subprocess.Popen([sys.executable, "-m", "bansos", "ingest", "--db", str(warehouse), str(cp1252)],
                            cwd=REPO_ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while not list(root.glob("bansos-load-*/transcoded-*.csv")):
            assert proc.poll() is None and time.monotonic() < deadline, "the load never transcoded the file"
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    [left] = list(root.glob("bansos-load-*"))
    assert (left.stat().st_mode & 0o777) == 0o700  # private while it lies there

    run = cli("ingest", "--db", warehouse, write_csv(tmp_path / "kecil.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))

    assert run.returncode == 0, run.stderr
    leftovers = [p for p in root.rglob("*") if p.is_file()]
    assert leftovers == []
    assert_no_raw_ids(warehouse, {kk(n) for n in (1, 2, 3)} | {nik(n) for n in (1, 2, 3)})
