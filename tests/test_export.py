"""Exports: exact CSV bytes (golden file), XLSX and Parquet read back, the
provenance sidecar, limits, and the command line's exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from bansos import export
from bansos.ingest import LoadRequest, ingest
from bansos.queries import QueryRunner

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"

# Two regions, one tranche: small enough to check every byte by eye.
KELUARGA = """no_kk,kode_wilayah,desil,tanggal_data
1872010000000001,18.72.01.1001,1,2026-01-31
1872010000000002,18.72.01.1001,1,2026-01-31
1872010000000003,18.72.01.1001,3,2026-01-31
3510010000000001,35.10.01.2001,1,2026-01-31
"""
PENYALURAN = """no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur
1872010000000001,PKH,2026,1,18.72.01.1001,750000,tersalur,BRI,2026-01-20
1872010000000003,PKH,2026,1,18.72.01.1001,750000,gagal,BRI,
3510010000000009,BPNT,2026,1,35.10.01.2001,600000,tersalur,POS,2026-02-20
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    os.environ["BANSOS_KEY_FILE"] = str(folder / "keys" / "key")
    (folder / "k.csv").write_text(KELUARGA)
    (folder / "p.csv").write_text(PENYALURAN)
    path = folder / "w.duckdb"
    results = ingest(path, [LoadRequest(folder / "k.csv"), LoadRequest(folder / "p.csv", as_of="2026-03-01")])
    assert all(r.status == "loaded" and r.rows_quarantined == 0 for r in results), [r.message for r in results]
    return path


def cli(*args, db: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "bansos", "export", *args, "--db", str(db)], capture_output=True, cwd=REPO, env=env)


def test_csv_bytes_match_the_golden_file(db):
    result = cli("region-indicators", db=db)
    assert result.returncode == 0, result.stderr
    # Hand-checked (see tests/golden/README.md): Kota Metro PKH: E = 2 (desil 1), covered 1,
    # recipients 2, eligible 1 → coverage 0.5, inclusion 0.5; 1.500.000 allocated, 750.000 paid.
    assert result.stdout == (GOLDEN / "region-indicators.csv").read_bytes()


def test_csv_shape(db):
    text = cli("region-indicators", db=db).stdout.decode("utf-8")
    assert text.startswith("\ufeffregion_code,region_name,province_code")
    lines = text.splitlines()
    # 2 regions × 2 programme-tranches (PKH 2026-1, SEMBAKO 2026-1)
    assert len(lines) == 1 + 4
    banyuwangi_pkh = next(line for line in lines if line.startswith("35.10,") and ",PKH," in line)
    # No PKH recipient in Banyuwangi: 0 recipients, empty inclusion error (",,"), not 0.
    fields = banyuwangi_pkh.split(",")
    header = lines[0].lstrip("\ufeff").split(",")
    row = dict(zip(header, fields))
    assert row["recipients"] == "0" and row["inclusion_error"] == "" and row["is_pilot"] == "true"
    assert row["program"] == "PKH"
    sembako = [line for line in lines if ",SEMBAKO," in line]
    assert sembako, "BPNT must be exported as the canonical SEMBAKO"


def test_filters_narrow_the_rows(db):
    text = cli("region-indicators", "--province", "18", "--program", "pkh", db=db).stdout.decode("utf-8")
    lines = text.splitlines()[1:]
    assert len(lines) == 1 and lines[0].startswith("18.72,Kota Metro,18,")


def test_sidecar_provenance(db, tmp_path):
    out = tmp_path / "ri.csv"
    result = cli("region-indicators", "--format", "csv", "--out", str(out), "--basis", "desil", db=db)
    assert result.returncode == 0, result.stderr
    meta = json.loads(Path(str(out) + ".meta.json").read_text())
    assert meta["table"] == "region-indicators" and meta["rows"] == 4
    assert meta["basis"] == "desil" and meta["snapshot_used"] == "2026-01-31"
    assert meta["thresholds"]["PKH"] == 1 and meta["thresholds"]["SEMBAKO"] == 2
    assert meta["data_version"]["loads"] == 2 and meta["data_version"]["is_demo"] is False
    # both times carry their zone (the app shows them in WIB; a bare time read as 7 hours off)
    last, exported = (datetime.fromisoformat(meta["data_version"]["last_load_at"]), datetime.fromisoformat(meta["exported_at"]))
    assert last.utcoffset() == exported.utcoffset() == timedelta(0) and last <= exported
    names = [c["name"] for c in meta["columns"]]
    for required in ("region_code", "region_name", "province_code", "is_pilot", "pilot_status", "program", "year", "tranche",
                     "eligible_families", "recipients", "eligible_recipients", "not_in_register", "coverage",
                     "exclusion_error", "inclusion_error", "allocated_amount", "disbursed_amount", "disbursement_rate"):
        assert required in names
    assert all(c["definition"] for c in meta["columns"])


def test_xlsx_reads_back_typed(db, tmp_path):
    out = tmp_path / "ri.xlsx"
    assert cli("region-indicators", "--format", "xlsx", "--out", str(out), db=db).returncode == 0
    book = load_workbook(out)
    data = book.worksheets[0]
    assert data.freeze_panes == "A2"
    header = [c.value for c in data[1]]
    assert header[:3] == ["Kode wilayah", "Nama wilayah", "Kode provinsi"]
    rows = {(r[0], r[6]): r for r in data.iter_rows(min_row=2, values_only=True)}
    metro = rows[("18.72", "PKH")]
    assert isinstance(metro[0], str) and metro[0] == "18.72"  # a code stays text, never 18.72 the number
    column = {name: i for i, name in enumerate(header)}
    assert metro[column["Penerima (KPM)"]] == 2 and isinstance(metro[column["Cakupan"]], float)
    assert metro[column["Cakupan"]] == pytest.approx(0.5)
    assert metro[column["Nilai dialokasikan (Rp)"]] == 1_500_000
    about = book.worksheets[1]
    cells = [c for row in about.iter_rows(values_only=True) for c in row if c]
    assert "coverage" in cells and "region-indicators" in cells


def test_parquet_reads_back_with_metadata(db, tmp_path):
    out = tmp_path / "ri.parquet"
    assert cli("region-indicators", "--format", "parquet", "--out", str(out), db=db).returncode == 0
    table = pq.read_table(out)
    assert str(table.schema.field("region_code").type) == "string"
    assert str(table.schema.field("recipients").type) == "int64"
    frame = table.to_pandas()
    assert set(frame.region_code) == {"18.72", "35.10"}
    provenance = json.loads(table.schema.metadata[export.PARQUET_META_KEY])
    assert provenance["table"] == "region-indicators"
    assert Path(str(out) + ".meta.json").exists()


def test_families_export_has_pseudonyms_only(db, tmp_path):
    result = cli("families", db=db)
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "1872010000000001" not in text and "3510010000000001" not in text
    keys = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert len(keys) == 4 and all(len(k) >= 30 and all(ch in "0123456789abcdef" for ch in k) for k in keys)


def test_refusals_and_usage_errors(db):
    unknown = cli("nope", db=db)
    assert unknown.returncode == 1 and b"unknown table" in unknown.stderr
    needs_out = cli("region-indicators", "--format", "xlsx", db=db)
    assert needs_out.returncode == 2 and b"--out is required" in needs_out.stderr
    bad_tranche = cli("region-indicators", "--tranche", "7", db=db)
    assert bad_tranche.returncode == 2
    too_many = cli("region-indicators", db=db, env_extra={"BANSOS_EXPORT_MAX_ROWS": "3"})
    assert too_many.returncode == 1 and b"more than the export limit" in too_many.stderr and too_many.stdout == b""


def test_app_and_cli_share_one_code_path(db):
    runner = QueryRunner(db, cache=False)
    collected = export.collect("region-indicators", export.ExportFilters(), runner)
    app_bytes = export.render(collected, "csv")
    runner.close()
    assert app_bytes == cli("region-indicators", db=db).stdout
    assert export.TABLE_RIGHTS["families"] == "family_export"  # in the app for analysts only, within their regions
