"""Nothing lost, nothing leaked: ingestion and the warehouse attacked with
hostile files and faults (docs/extract-contract.md, docs/privacy.md,
docs/operations.md). Each test names the defect it guards against; each
failed on the code before the fix.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

import bansos.warehouse as warehouse_module
from bansos import keys
from bansos.ingest import IngestError
from tests.ingest_files import (
    KELUARGA_HEADER,
    PENYALURAN_HEADER,
    REPO_ROOT,
    counts,
    current,
    fetch,
    kk,
    load,
    make_schema_5,
    nik,
    record,
    row_for,
    scalar,
    sha256,
    write_csv,
    write_csv_lines,
    write_xlsx,
)

SIXTEEN = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def _lines(kind: str, numbers, **overrides) -> list[str]:
    header = PENYALURAN_HEADER if kind == "penyaluran" else KELUARGA_HEADER
    return [",".join(header)] + [record(header, row_for(kind, n, **overrides)) for n in numbers]


def _python_records(path: Path) -> int:
    """Data records as Python's csv module counts them (a second reader)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return sum(1 for row in csv.reader(handle, strict=True) if row) - 1


# -- 1. rows lost silently ---------------------------------------------------------------


@pytest.mark.parametrize("force_python_csv", [False, True], ids=["duckdb-reader", "python-reader"])
def test_a_stray_quote_that_swallows_the_rest_of_the_file_rejects_it_whole(warehouse, tmp_path, force_python_csv):
    # Defect: 5,001 data lines with one unbalanced quote in line 51 loaded
    # "50 of 51" with exit 0; 4,950 lines were never counted, and the file
    # went into the ledger, so a reload said "unchanged".
    lines = _lines("penyaluran", range(1, 5002))
    lines[50] = lines[50].replace(",PKH,", ',"PKH,', 1)  # physical line 51
    path = write_csv_lines(tmp_path / "kutip.csv", lines)

    [result] = load(warehouse, path, force_python_csv=force_python_csv)

    assert result.status == "rejected"
    assert "line 51" in result.message, result.message
    assert counts(warehouse) == {"load_ledger": 0, "fact_allocation": 0, "fact_family": 0, "quarantine": 0}
    [again] = load(warehouse, path)
    assert again.status == "rejected"  # not "unchanged": a rejected file is not in the ledger


def test_a_very_long_field_after_a_stray_quote_is_not_a_silent_stop(warehouse, tmp_path):
    # Defect: the Python reader stopped at the 128 KiB field limit.
    lines = _lines("penyaluran", range(1, 301))
    lines[100] = lines[100].replace("TRX00100", "TRX00100 " + "x" * 300_000 + ' "', 1)
    path = write_csv_lines(tmp_path / "panjang.csv", lines)

    [result] = load(warehouse, path, force_python_csv=True)

    assert result.status == "rejected", result.message
    assert "line" in result.message and counts(warehouse)["load_ledger"] == 0


def test_a_quote_inside_a_value_is_read_and_every_record_is_counted(warehouse, tmp_path):
    # `P"KH` (a quote inside a value, not doubled) is how Excel users write
    # inches; both readers take it as text. The byte scan disagrees, so the
    # Python reader reads the file and its count is checked against DuckDB's.
    lines = _lines("penyaluran", range(1, 201))
    lines[20] = lines[20].replace("TRX00020", 'TRX"00020', 1)
    path = write_csv_lines(tmp_path / "tengah.csv", lines)

    [result] = load(warehouse, path)

    assert (result.status, result.rows_read) == ("loaded", _python_records(path)) == ("loaded", 200)
    assert (result.rows_loaded, result.rows_quarantined) == (200, 0)


def test_a_row_cut_off_inside_a_quoted_field_on_the_last_line_is_quarantined(warehouse, tmp_path):
    lines = _lines("penyaluran", range(1, 11))
    lines.append(record(PENYALURAN_HEADER, row_for("penyaluran", 11)).split(",DESA")[0][:40] + ',"terpotong di')
    path = write_csv_lines(tmp_path / "potong.csv", lines, final_newline=False)

    [result] = load(warehouse, path)

    assert (result.status, result.rows_read, result.rows_quarantined) == ("loaded", 11, 1), result.message
    assert fetch(warehouse, "SELECT line, reasons FROM quarantine") == [(12, ["missing_required"])]


def test_every_file_loaded_is_accounted_for_by_an_independent_count(warehouse, tmp_path):
    """Per load: rows stored (current or superseded) + rows quarantined =
    the records a second reader counts in the file, for CSV, XLSX and
    Parquet; the ledger's figures come from the warehouse, not from each
    other."""
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_path = write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [
        row_for("penyaluran", n, **({"tahap": "9"} if n % 7 == 0 else {})) for n in range(1, 60)])
    xlsx_path = tmp_path / "b.xlsx"
    write_xlsx(xlsx_path, KELUARGA_HEADER, [row_for("keluarga", n, **({"desil": "12"} if n % 5 == 0 else {}))
                                            for n in range(1, 40)] + [None, None])
    rows = [row_for("penyaluran", n, lembaga_penyalur="POS", **({"nominal": "x"} if n % 4 == 0 else {}))
            for n in range(100, 130)]
    parquet_path = tmp_path / "c.parquet"
    pq.write_table(pa.table({h: [r[h] for r in rows] for h in PENYALURAN_HEADER}), parquet_path)

    results = load(warehouse, csv_path, xlsx_path, parquet_path)

    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).active
    second_reader = {
        "a.csv": _python_records(csv_path),
        "b.xlsx": sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if any(v not in (None, "") for v in row)),
        "c.parquet": pq.ParquetFile(parquet_path).metadata.num_rows,
    }
    assert second_reader == {"a.csv": 59, "b.xlsx": 39, "c.parquet": 30}
    for result in results:
        name = Path(result.file).name
        load_id, read, loaded, quarantined = fetch(
            warehouse, "SELECT load_id, rows_read, rows_loaded, rows_quarantined FROM load_ledger WHERE file_name = $f",
            {"f": name})[0]
        stored = scalar(warehouse, "SELECT (SELECT count(*) FROM fact_allocation WHERE load_id = $i) "
                                   "+ (SELECT count(*) FROM fact_family WHERE load_id = $i)", {"i": load_id})
        in_quarantine = scalar(warehouse, "SELECT count(*) FROM quarantine WHERE load_id = $i", {"i": load_id})
        assert (read, loaded, quarantined) == (second_reader[name], stored, in_quarantine), name
        assert stored + in_quarantine == second_reader[name], name
    # tahap 9 on n = 7, 14, …, 56 (8 rows); desil 12 on n = 5, …, 35 (7); nominal x on n = 100, …, 128 (8).
    assert [r.rows_quarantined for r in results] == [8, 7, 8]


# -- 2. raw identifiers in quarantine and free text ---------------------------------------


def test_a_misaligned_row_never_puts_a_raw_id_in_the_quarantine(warehouse, tmp_path, cli):
    # Defect: one field too many or too few shifts the NIK into another
    # column; the raw 16-digit number reached quarantine.row_values, the
    # quarantine export and the Kualitas Data page.
    good = [record(PENYALURAN_HEADER, row_for("penyaluran", n)) for n in range(1, 6)]
    too_few = record(PENYALURAN_HEADER, row_for("penyaluran", 6)).replace("TRX00006,", "", 1)  # ids shift left
    too_many = "EXTRA," + record(PENYALURAN_HEADER, row_for("penyaluran", 7))  # ids shift right
    typed = record(PENYALURAN_HEADER, row_for("penyaluran", 8, tahap="5", id_transaksi=f"ref {nik(8)} / {kk(8)}"))
    path = write_csv_lines(tmp_path / "geser.csv", [",".join(PENYALURAN_HEADER), *good, too_few, too_many, typed])

    [result] = load(warehouse, path)
    assert (result.rows_loaded, result.rows_quarantined) == (5, 3)

    values = [v for (v,) in fetch(warehouse, "SELECT row_values FROM quarantine ORDER BY line")]
    for text in values:
        assert not SIXTEEN.search(text), text
    assert "3510********0006" in values[0] and "3510********0007" in values[1]
    export = cli("export", "quarantine", "--db", warehouse)
    assert export.returncode == 0, export.stderr
    assert not SIXTEEN.search(export.stdout) and "3510********" in export.stdout


def test_ids_typed_into_free_text_are_masked_in_the_facts(warehouse, tmp_path):
    path = write_csv(tmp_path / "alasan.csv", KELUARGA_HEADER, [
        row_for("keluarga", 1, status_kelayakan="tidak_layak", alasan=f"NIK {nik(1)} ganda dengan KK 3510 0100 0000 0001"),
        row_for("keluarga", 2, status_kelayakan="tidak_layak", alasan="Pindah ke 35.10.01.2001 pada 2026-02-03"),
    ])

    load(warehouse, path)

    reasons = [r for (r,) in fetch(warehouse, "SELECT reason FROM fact_family ORDER BY reason")]
    assert reasons == ["NIK 3510********0001 ganda dengan KK 3510 **** **** 0001",
                       "Pindah ke 35.10.01.2001 pada 2026-02-03"]  # codes and dates are not ids


def test_mask_keeps_four_and_four_digits_in_python_and_sql():
    assert keys.mask("3510012345673934") == "3510********3934"
    assert keys.mask("35100123") == "********"
    assert keys.mask_text("x 3.51001234567393E+15 y") == "x 3.510*******7393E+15 y"  # 15 digits: 4 + 7 hidden + 4
    assert keys.mask_text("600000 and 35.10.01.2001") == "600000 and 35.10.01.2001"
    con = duckdb.connect()
    keys.register_mask_function(con)
    for value in ("3510012345673934", "35100123", "abc"):
        assert con.execute(f"SELECT {keys.MASK_SQL.format(col='$v')}", {"v": value}).fetchone()[0] == keys.mask(value)
    assert con.execute("SELECT bansos_mask_text($v)", {"v": "a 3510012345673934"}).fetchone()[0] == "a 3510********3934"


def test_a_file_name_with_an_id_in_it_is_masked_in_the_ledger_and_the_output(warehouse, tmp_path, cli):
    path = write_csv(tmp_path / f"kk_{kk(5)}.csv", PENYALURAN_HEADER, [row_for("penyaluran", 5)])

    run = cli("ingest", "--db", warehouse, "--json", path)

    assert run.returncode == 0, run.stderr
    assert not SIXTEEN.search(run.stdout)
    assert fetch(warehouse, "SELECT file_name FROM load_ledger") == [("kk_3510********0005.csv",)]


# -- 3. raw identifiers in temporary files ------------------------------------------------------


def _private_folders(root: Path) -> list[Path]:
    return sorted(root.glob("bansos-load-*"))


def test_spill_files_and_transcoded_text_live_in_a_private_folder_that_is_removed(warehouse, tmp_path, monkeypatch):
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(root))
    seen: list[tuple[Path, int, list[str]]] = []
    real_read = warehouse_module.LoadScratch.close

    def watching_close(self):
        files = sorted(p.name for p in self.path.rglob("*") if p.is_file())
        seen.append((self.path, stat.S_IMODE(self.path.stat().st_mode), files))
        real_read(self)

    monkeypatch.setattr(warehouse_module.LoadScratch, "close", watching_close)
    cp1252 = tmp_path / "cp1252.csv"
    cp1252.write_bytes("\n".join(_lines("keluarga", [1, 2], alasan="Pindah ke Sumenep – luar kota")).encode("cp1252"))

    [result] = load(warehouse, cp1252)

    assert result.status == "loaded" and "cp1252" in " ".join(result.warnings)
    [(folder, mode, _)] = seen
    assert folder.parent == root and mode == 0o700
    assert _private_folders(root) == []  # removed at the end
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("transcoded-*.csv"))


def test_a_killed_loads_private_folder_is_removed_by_the_next_load(warehouse, tmp_path, monkeypatch, cli):
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(root))
    big = tmp_path / "besar.csv"
    write_csv_lines(big, _lines("penyaluran", range(1, 200_001)))
    proc = subprocess.Popen([sys.executable, "-m", "bansos", "ingest", "--db", str(warehouse), str(big)],
                            cwd=REPO_ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while not _private_folders(root):
            assert proc.poll() is None and time.monotonic() < deadline, "no private folder appeared"
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    [left] = _private_folders(root)
    assert stat.S_IMODE(left.stat().st_mode) == 0o700

    run = cli("ingest", "--db", warehouse, write_csv(tmp_path / "kecil.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))

    assert run.returncode == 0, run.stderr
    assert _private_folders(root) == []


def test_a_running_loads_private_folder_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(tmp_path))
    running = warehouse_module.LoadScratch()
    dead = tmp_path / "bansos-load-999999-x"
    dead.mkdir(mode=0o700)
    try:
        assert warehouse_module.LoadScratch.remove_dead() == [dead]
        assert running.path.exists()
    finally:
        running.close()


# -- 4. weak keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["a", "0123456789abcdef0123456789abcde"], ids=["one-letter", "31-bytes"])
def test_a_short_key_in_the_environment_is_refused(warehouse, tmp_path, cli, monkeypatch, key):
    monkeypatch.setenv("BANSOS_KEY", key)
    before = sha256(warehouse)

    run = cli("ingest", "--db", warehouse, "--json", write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))

    assert run.returncode == 1
    [result] = [json.loads(line) for line in run.stdout.splitlines()]
    assert "at least 32" in result["message"] and "BANSOS_KEY" in result["message"]
    assert sha256(warehouse) == before


def test_an_empty_key_file_is_refused_not_used(warehouse, tmp_path, monkeypatch):
    key_file = tmp_path / "empty-key"
    key_file.write_text("\n")
    monkeypatch.setenv("BANSOS_KEY_FILE", str(key_file))

    with pytest.raises(IngestError, match="at least 32"):
        load(warehouse, write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))


def test_a_new_key_file_is_written_whole_and_private_even_when_two_loads_race(tmp_path, monkeypatch):
    key_file = tmp_path / "conf" / "key"
    monkeypatch.setenv("BANSOS_KEY_FILE", str(key_file))
    monkeypatch.delenv("BANSOS_KEY", raising=False)
    script = "from bansos import keys; print(keys.load_key())"
    procs = [subprocess.Popen([sys.executable, "-c", script], cwd=REPO_ROOT, env=dict(os.environ),
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    printed = {p.communicate(timeout=60)[0].strip() for p in procs}

    assert len(printed) == 1 and len(printed.pop()) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["key"]  # no temporary file left


# -- 5. resource exhaustion -----------------------------------------------------------------------

_SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def _raw_xlsx(path: Path, sheet_xml_parts) -> Path:
    """A minimal workbook whose sheet XML is written piece by piece (so a
    test can make one that unpacks to far more than it weighs)."""
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for part in sheet_xml_parts:
                member.write(part.encode())
    return path


def _header_row() -> str:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(PENYALURAN_HEADER))
    return f'<row r="1">{cells}</row>'


def test_an_xlsx_cell_at_xfd1048576_is_refused_before_it_is_read(warehouse, tmp_path, cli):
    # Defect: a 15 KB workbook with one cell at XFD1048576 aborted the
    # process (exit 134, "memory allocation of 549755813888 bytes failed").
    path = _raw_xlsx(tmp_path / "jauh.xlsx", [_SHEET_HEAD, _header_row(),
                     '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'])

    run = cli("ingest", "--db", warehouse, "--json", path)

    assert run.returncode == 1, run.stderr
    result = json.loads(run.stdout)
    assert result["status"] == "rejected" and "XFD1048576" in result["message"] and "BANSOS_XLSX_MAX_CELLS" in result["message"]


def test_an_xlsx_that_unpacks_to_far_more_than_it_weighs_is_refused(warehouse, tmp_path, monkeypatch):
    # Defect: 14 MB of zip with 3 GB of sheet XML exhausted memory. Here:
    # 40 MB of XML in a file of well under 1 MB, against a 20 MB limit.
    monkeypatch.setenv("BANSOS_XLSX_MAX_BYTES", str(20 * 1024 * 1024))
    filler = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "a" * (1024 * 1024) + "</t></is></c></row>"
    path = _raw_xlsx(tmp_path / "bom.xlsx", [_SHEET_HEAD, _header_row(), *([filler] * 40), "</sheetData></worksheet>"])
    assert path.stat().st_size < 1024 * 1024

    [result] = load(warehouse, path)

    assert result.status == "rejected" and "unpacks to more than 20 MB" in result.message


def test_garbage_under_a_valid_header_is_rejected_whole_and_nothing_is_kept(warehouse, tmp_path, cli):
    # Defect: 200 MB of garbage lines under a valid header took 12 GB of
    # memory, exited 0 and added 390 MB of quarantine.
    garbage = [f"{n:08x}; {'#' * (n % 37)} ~~ not a row" for n in range(20_000)]
    path = write_csv_lines(tmp_path / "sampah.csv", [",".join(PENYALURAN_HEADER), *garbage])

    run = cli("ingest", "--db", warehouse, "--json", path)

    assert run.returncode == 1
    result = json.loads(run.stdout)
    assert result["status"] == "rejected" and "BANSOS_MAX_QUARANTINE_SHARE" in result["message"]
    assert "20,000" in result["message"]
    assert counts(warehouse) == {"load_ledger": 0, "fact_allocation": 0, "fact_family": 0, "quarantine": 0}


def test_a_file_whose_rows_mostly_break_rules_is_rejected_with_counts_and_masked_examples(warehouse, tmp_path):
    rows = [row_for("penyaluran", n, **({"no_kk": f"x{n}", "nik": nik(n)[:12]} if n % 10 < 6 else {})) for n in range(200)]
    path = write_csv(tmp_path / "salah.csv", PENYALURAN_HEADER, rows)

    [result] = load(warehouse, path)

    assert result.status == "rejected"
    assert "120 of its 200 rows (60%)" in result.message and "no_kk_invalid 120" in result.message
    assert "line 2:" in result.message and not SIXTEEN.search(result.message)
    assert counts(warehouse)["quarantine"] == 0


def test_a_file_with_some_bad_rows_still_loads_them_into_quarantine(warehouse, tmp_path):
    rows = [row_for("penyaluran", n, **({"tahap": "7"} if n % 10 < 4 else {})) for n in range(200)]

    [result] = load(warehouse, write_csv(tmp_path / "sebagian.csv", PENYALURAN_HEADER, rows))

    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 120, 80)


# -- 6. a stale write-ahead log ----------------------------------------------------------------------

CRASHING_WRITER = textwrap.dedent(
    """
    import os, signal, sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("SET checkpoint_threshold = '1TB'")
    con.execute("INSERT INTO meta VALUES ('written_by_a_crashed_writer', 'yes')")
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_a_stale_wal_is_replayed_into_the_new_warehouse_not_left_to_break_readers(warehouse, tmp_path, cli):
    # Defect: after a crashed read-write open left warehouse.duckdb.wal, the
    # next load exited 0 and every reader then failed with "WAL checkpoint
    # iteration does not match"; the log's data was lost.
    load(warehouse, write_csv(tmp_path / "awal.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))
    crashed = subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(warehouse)])
    assert crashed.returncode == -signal.SIGKILL
    wal = Path(str(warehouse) + ".wal")
    assert wal.exists()

    run = cli("ingest", "--db", warehouse, write_csv(tmp_path / "baru.csv", PENYALURAN_HEADER, [row_for("penyaluran", 2)]))

    assert run.returncode == 0, run.stderr
    assert not wal.exists()
    assert scalar(warehouse, "SELECT count(*) FROM current_allocation") == 2  # a reader opens it
    assert scalar(warehouse, "SELECT value FROM meta WHERE key = 'written_by_a_crashed_writer'") == "yes"


# -- 7. disk full -------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB tmpfs (needs root to mount; skipped with the reason otherwise)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the disk-full tests run as root (as in CI)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> None:
    free = shutil.disk_usage(folder).free
    with open(folder / "filler", "wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))


def test_no_room_for_the_copy_is_one_clear_line_and_nothing_left_behind(warehouse, small_disk, tmp_path, cli):
    db = small_disk / "warehouse.duckdb"
    shutil.copyfile(warehouse, db)
    _fill(small_disk, leave=4 * 1024 * 1024)
    before = sha256(db)

    run = cli("ingest", "--db", db, write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))

    assert run.returncode == 1
    message = (run.stdout + run.stderr).strip()
    assert "Traceback" not in message and str(small_disk) in message and "free" in message, message
    assert sha256(db) == before
    assert not list(small_disk.glob("*.loading-*"))


def test_disk_full_while_copying_removes_the_partial_copy(warehouse, small_disk, tmp_path, monkeypatch):
    db = small_disk / "warehouse.duckdb"
    shutil.copyfile(warehouse, db)
    _fill(small_disk, leave=4 * 1024 * 1024)
    before = sha256(db)
    monkeypatch.setattr(warehouse_module, "_free", lambda folder: 10**12)  # the check is fooled; the copy is not

    with pytest.raises(IngestError, match="No space left") as refused:
        load(db, write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))

    assert str(small_disk) in str(refused.value)
    assert sha256(db) == before
    assert not list(small_disk.glob("*.loading-*"))


def test_disk_full_during_the_load_is_one_clear_line_and_the_old_warehouse_stays(warehouse, small_disk, tmp_path, monkeypatch):
    db = small_disk / "warehouse.duckdb"
    shutil.copyfile(warehouse, db)
    monkeypatch.setattr(warehouse_module, "SPACE_MARGIN", 0)
    _fill(small_disk, leave=db.stat().st_size + 3 * 1024 * 1024)  # room for the copy, not for the load
    before = sha256(db)
    big = write_csv_lines(tmp_path / "besar.csv", _lines("penyaluran", range(1, 150_001)))

    with pytest.raises(IngestError, match="No space left") as refused:
        load(db, big)

    assert "Traceback" not in str(refused.value) and str(small_disk) in str(refused.value)
    assert sha256(db) == before
    assert not list(small_disk.glob("*.loading-*")) and not list(small_disk.glob("*.wal"))


# -- 8. a damaged warehouse ----------------------------------------------------------------------------


def _data_block(db: Path, table: str, column: str) -> int:
    """The file offset of a storage block holding `table.column` (DuckDB's
    file: three 4 KB headers, then 256 KB blocks)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        block, size = con.execute(
            f"SELECT max(block_id), (SELECT block_size FROM pragma_database_size()) FROM pragma_storage_info('{table}') "
            "WHERE column_name = $c AND block_id >= 0", {"c": column}).fetchone()
    finally:
        con.close()
    return 3 * 4096 + block * size


def _damage(db: Path, how: str) -> None:
    size = db.stat().st_size
    if how == "truncated":
        os.truncate(db, size // 2)
    elif how == "header":
        with open(db, "r+b") as handle:
            handle.write(os.urandom(4096))
    elif how == "fact-block":
        offset = _data_block(db, "fact_allocation", "family_key")
        with open(db, "r+b") as handle:
            handle.seek(offset + 1024)
            handle.write(os.urandom(4096))
    elif how == "tail":
        with open(db, "r+b") as handle:
            handle.seek(size * 6 // 10)
            handle.write(os.urandom(size - size * 6 // 10))


@pytest.fixture
def loaded(warehouse, tmp_path):
    """A warehouse with enough allocation rows that the middle of the file is fact data."""
    load(warehouse, write_csv_lines(tmp_path / "isi.csv", _lines("penyaluran", range(1, 60_001))))
    return warehouse


@pytest.mark.parametrize("how", ["truncated", "header", "fact-block"])
def test_every_command_says_plainly_that_the_warehouse_is_damaged(loaded, tmp_path, cli, how):
    # Defect: tracebacks (with server paths) from every command; random bytes
    # in a data block were carried silently into the next copy. A command
    # that reads the damaged part says so; loads and rebuilds read every
    # current fact row (the marts are built from them).
    _damage(loaded, how)
    before = sha256(loaded)
    new_file = write_csv(tmp_path / "baru.csv", PENYALURAN_HEADER, [row_for("penyaluran", 70_000)])

    runs = {
        "ingest": cli("ingest", "--db", loaded, new_file),
        "rebuild": cli("rebuild", "--db", loaded),
    }
    if how != "fact-block":  # the export reads the marts, not the damaged fact block
        runs["export"] = cli("export", "region-indicators", "--db", loaded)

    for name, run in runs.items():
        output = run.stdout + run.stderr
        assert run.returncode == 1, (name, output)
        assert "Traceback" not in output, (name, output)
        assert "damaged" in output and "restore" in output, (name, output)
    assert sha256(loaded) == before  # nothing of it was carried into a new copy
    assert not list(loaded.parent.glob("*.loading-*"))


def test_the_app_says_plainly_that_the_warehouse_is_damaged(loaded):
    from tests.app_fixtures import app_test

    _damage(loaded, "header")
    at = app_test(loaded)

    assert not at.exception
    shown = " ".join(e.value for e in at.error) + " ".join(w.value for w in at.warning)
    assert "damaged" in shown.lower() or "rusak" in shown.lower(), shown
    assert str(loaded.parent) not in " ".join(m.value for m in at.markdown)


def test_a_copy_that_does_not_read_back_as_written_is_never_swapped_in(warehouse, tmp_path, monkeypatch):
    load(warehouse, write_csv(tmp_path / "awal.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))
    before = sha256(warehouse)
    real_verify = warehouse_module._verify_written

    def damage_then_verify(copy, checks):
        _damage(copy, "tail")  # what a failing disk or controller does to a written file
        real_verify(copy, checks)

    monkeypatch.setattr(warehouse_module, "_verify_written", damage_then_verify)
    with pytest.raises(IngestError, match="read back"):
        load(warehouse, write_csv_lines(tmp_path / "baru.csv", _lines("penyaluran", range(2, 40_000))))

    assert sha256(warehouse) == before
    assert not list(warehouse.parent.glob("*.loading-*"))


# -- 9. smaller ones -----------------------------------------------------------------------------------


def test_a_symlinked_warehouse_stays_a_symlink_and_its_target_is_updated(warehouse, tmp_path, cli, monkeypatch):
    link = tmp_path / "link.duckdb"
    link.symlink_to(warehouse)
    monkeypatch.setenv("BANSOS_DB", str(link))

    run = cli("ingest", write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))

    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and link.resolve() == warehouse.resolve()
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation") == 1


def test_a_second_load_waits_and_says_whose_load_it_waits_for(warehouse, tmp_path, cli):
    with warehouse_module.load_lock(warehouse_module.live_path(warehouse), "a load", user="operator.metro"):
        busy = cli("ingest", "--db", warehouse, "--no-wait", "--json",
                   write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)]))
        waiting = subprocess.Popen(
            [sys.executable, "-m", "bansos", "ingest", "--db", str(warehouse), str(tmp_path / "a.csv")],
            cwd=REPO_ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said = waiting.stderr.readline()
        assert waiting.poll() is None  # still waiting while the lock is held
    out, _ = waiting.communicate(timeout=120)

    assert busy.returncode == 3
    assert json.loads(busy.stdout)["status"] == "busy" and "operator.metro" in json.loads(busy.stdout)["message"]
    assert "waiting" in said and "operator.metro" in said
    assert waiting.returncode == 0 and "loaded 1 of 1" in out


# -- 10. the allocation key: double allocations stay visible -----------------------------------------


def _pay(n, **overrides):
    return row_for("penyaluran", n, **overrides)


METRO = "18.72.01.1001"


def test_two_institutions_paying_one_family_are_two_rows_and_both_amounts(warehouse, tmp_path):
    # Family 1: allocated PKH 2026 T1 by BRI and by POS, both paid — a double
    # payment. One recipient, 1,200,000 allocated and disbursed.
    bri = write_csv(tmp_path / "bri.csv", PENYALURAN_HEADER, [_pay(1, lembaga_penyalur="BRI")])
    pos = write_csv(tmp_path / "pos.csv", PENYALURAN_HEADER, [_pay(1, lembaga_penyalur="POS", id_transaksi="POS1")])

    load(warehouse, bri)
    load(warehouse, pos)

    assert current(warehouse, "fact_allocation") == 2
    assert fetch(warehouse, "SELECT sum(recipients), sum(allocated_amount), sum(disbursed_amount), sum(paid_families), "
                            "sum(allocation_rows) FROM mart_allocation") == [(1, 1_200_000, 1_200_000, 1, 2)]
    # The kab/kota's row: the two institutions' rows summed, the family once.
    assert fetch(warehouse, "SELECT region_code, program, year, tranche, recipients, allocated_amount, disbursed_amount, "
                            "paid_families, allocation_rows FROM mart_allocation_region") == [
        ("35.10", "PKH", 2026, 1, 1, 1_200_000, 1_200_000, 1, 2)]


def test_a_reroute_is_neither_an_allocation_nor_a_double_one(warehouse, tmp_path):
    # Family 2: BRI failed (gagal), paid again through PT Pos (tersalur).
    # Allocated 600,000 (the BRI row does not count), disbursed 600,000, one
    # recipient, paid; the failure stays visible as a rerouted payment.
    bri = write_csv(tmp_path / "bri.csv", PENYALURAN_HEADER, [_pay(2, lembaga_penyalur="BRI", status_salur="gagal", tanggal_salur="")])
    pos = write_csv(tmp_path / "pos.csv", PENYALURAN_HEADER, [_pay(2, lembaga_penyalur="POS", tanggal_salur="2026-02-20")])

    load(warehouse, bri, pos)

    assert fetch(warehouse, "SELECT sum(recipients), sum(allocated_amount), sum(disbursed_amount), sum(paid_families), "
                            "sum(failed_families), sum(rerouted_payments), sum(allocation_rows) FROM mart_allocation") == [
        (1, 600_000, 600_000, 1, 0, 1, 1)]
    assert fetch(warehouse, "SELECT recipients, allocated_amount, disbursed_amount, paid_families, failed_families, "
                            "rerouted_payments, allocation_rows FROM mart_allocation_region") == [(1, 600_000, 600_000, 1, 0, 1, 1)]


def test_the_previous_schema_gets_the_kab_kota_allocation_mart_by_migrate(warehouse, tmp_path, cli):
    """Schema 5 had no mart_allocation_region: loads are refused until
    `migrate`, which makes it (two kecamatan of one kab/kota, two
    institutions: one row, the sums of the three mart_allocation rows)."""
    rows = [_pay(1, lembaga_penyalur="BRI"), _pay(1, lembaga_penyalur="POS", id_transaksi="POS1"),
            _pay(2, kode_wilayah="35.10.02.2001", id_transaksi="K2")]
    load(warehouse, write_csv(tmp_path / "awal.csv", PENYALURAN_HEADER, rows))
    assert fetch(warehouse, "SELECT count(*) FROM mart_allocation") == [(3,)]
    make_schema_5(warehouse)
    refused = cli("ingest", "--db", warehouse, "--json", write_csv(tmp_path / "baru.csv", PENYALURAN_HEADER, [_pay(3)]))
    assert refused.returncode == 1 and "python -m bansos migrate" in json.loads(refused.stdout)["message"]
    migrated = cli("migrate", "--if-older", "--db", warehouse)
    assert migrated.returncode == 0 and "it was at 5" in migrated.stdout, migrated.stdout + migrated.stderr
    # Families 1 (twice, one recipient) and 2: 2 recipients, 1,800,000 allocated in 3 allocation rows.
    assert fetch(warehouse, "SELECT region_code, recipients, allocated_amount, allocation_rows FROM mart_allocation_region") == [
        ("35.10", 2, 1_800_000, 3)]
    # Once current, --if-older leaves the file as it is (a deploy script runs it after every update).
    before = sha256(warehouse)
    again = cli("migrate", "--if-older", "--db", warehouse)
    assert again.returncode == 0 and "nothing to migrate" in again.stdout, again.stdout + again.stderr
    assert sha256(warehouse) == before


def test_a_family_allocated_in_two_kab_kota_is_a_recipient_in_each(warehouse, tmp_path):
    # Family 3 allocated PKH 2026 T1 by Banyuwangi (35.10) and Kota Metro
    # (18.72): a recipient in each (R_35.10 = R_18.72 = 1), 1,200,000 in all.
    rows = [_pay(3), _pay(3, kode_wilayah=METRO, id_transaksi="M3")]
    load(warehouse, write_csv(tmp_path / "dua.csv", PENYALURAN_HEADER, rows))

    assert fetch(warehouse, "SELECT region_code, sum(recipients), sum(allocated_amount) FROM mart_allocation "
                            "GROUP BY 1 ORDER BY 1") == [("18.72", 1, 600_000), ("35.10", 1, 600_000)]
    assert fetch(warehouse, "SELECT region_code, recipients, allocated_amount FROM mart_allocation_region ORDER BY 1") == [
        ("18.72", 1, 600_000), ("35.10", 1, 600_000)]
    assert fetch(warehouse, "SELECT region_code, recipients FROM mart_targeting WHERE program = 'PKH' AND basis = 'desil' "
                            "AND year = 2026 AND tranche = 1 ORDER BY 1") == [("18.72", 1), ("35.10", 1)]


def test_the_same_key_twice_in_one_file_is_a_duplicate_but_another_institution_is_not(warehouse, tmp_path):
    rows = [_pay(4, lembaga_penyalur="BRI"), _pay(4, lembaga_penyalur="POS"), _pay(4, lembaga_penyalur=""),
            _pay(4, lembaga_penyalur="", status_salur="gagal"), _pay(4, lembaga_penyalur="BRI", nominal="1")]

    [result] = load(warehouse, write_csv(tmp_path / "satu.csv", PENYALURAN_HEADER, rows))

    assert (result.rows_loaded, result.rows_quarantined) == (3, 2)
    assert fetch(warehouse, "SELECT line, reasons FROM quarantine ORDER BY line") == [
        (5, ["duplicate_in_file"]), (6, ["duplicate_in_file"])]


def test_a_later_bank_extract_updates_its_own_row_and_leaves_the_other_institutions(warehouse, tmp_path):
    march = write_csv(tmp_path / "maret.csv", PENYALURAN_HEADER, [
        _pay(5, lembaga_penyalur="BRI", status_salur="proses", tanggal_salur=""),
        _pay(5, lembaga_penyalur="POS", status_salur="proses", tanggal_salur="")])
    april = write_csv(tmp_path / "april.csv", PENYALURAN_HEADER, [_pay(5, lembaga_penyalur="BRI")])
    load(warehouse, march, as_of="2026-03-31")

    load(warehouse, april, as_of="2026-04-30")

    assert fetch(warehouse, "SELECT institution, status FROM current_allocation ORDER BY 1") == [
        ("BRI", "tersalur"), ("POS", "proses")]
    # The March BRI row is kept, marked as superseded by the April load.
    assert fetch(warehouse, "SELECT institution, status, superseded_by FROM fact_allocation "
                            "WHERE superseded_by IS NOT NULL") == [("BRI", "proses", 2)]


def _make_schema_1(db: Path) -> None:
    """Turn a warehouse into what the previous version made (schema 1)."""
    con = duckdb.connect(str(db))
    try:
        con.execute("DROP VIEW current_family")
        con.execute("DROP VIEW current_allocation")
        for table in ("fact_family", "fact_allocation"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN superseded_by")
        con.execute("ALTER TABLE load_ledger DROP COLUMN loaded_by")
        for column in ("unloaded_at", "unloaded_by", "quarantine_purged"):
            con.execute(f"ALTER TABLE load_ledger DROP COLUMN {column}")
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")
    finally:
        con.close()


def test_an_earlier_warehouse_is_refused_with_a_message_until_migrated(warehouse, tmp_path, cli):
    load(warehouse, write_csv(tmp_path / "awal.csv", PENYALURAN_HEADER, [_pay(1)]))
    _make_schema_1(warehouse)
    new_file = write_csv(tmp_path / "baru.csv", PENYALURAN_HEADER, [_pay(1, lembaga_penyalur="POS")])

    refused = cli("ingest", "--db", warehouse, "--json", new_file)
    migrated = cli("migrate", "--db", warehouse)
    loaded = cli("ingest", "--db", warehouse, "--json", new_file)

    assert refused.returncode == 1 and "python -m bansos migrate" in json.loads(refused.stdout)["message"]
    assert migrated.returncode == 0, migrated.stderr
    assert "cannot be brought back" in migrated.stdout
    assert loaded.returncode == 0, loaded.stdout
    assert fetch(warehouse, "SELECT institution FROM current_allocation ORDER BY 1") == [("BRI",), ("POS",)]
