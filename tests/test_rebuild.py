"""`python -m bansos rebuild` reloads the editable reference tables and
rebuilds the marts: a changed programme threshold changes the indicators."""

from __future__ import annotations

import shutil
from pathlib import Path

from bansos import settings
from bansos.cli import main
from bansos.ingest import LoadRequest, ingest
from bansos.queries import QueryRunner

REPO = Path(__file__).resolve().parent.parent

KELUARGA = """no_kk,kode_wilayah,desil,tanggal_data
1872010000000001,18.72.01.1001,1,2026-01-31
1872010000000002,18.72.01.1001,2,2026-01-31
1872010000000003,18.72.01.1001,3,2026-01-31
"""
PENYALURAN = """no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur
1872010000000002,PKH,2026,1,18.72.01.1001,750000,tersalur
"""


def pkh_row(db: Path):
    runner = QueryRunner(db, cache=False)
    frame = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026, tranche=1, province=None, regions=None)
    runner.close()
    return frame.iloc[0]


def test_rebuild_applies_an_edited_programme_table(tmp_path, monkeypatch):
    monkeypatch.setenv("BANSOS_KEY_FILE", str(tmp_path / "keys" / "key"))
    (tmp_path / "k.csv").write_text(KELUARGA)
    (tmp_path / "p.csv").write_text(PENYALURAN)
    db = tmp_path / "w.duckdb"
    assert all(r.status == "loaded" for r in ingest(db, [LoadRequest(tmp_path / "k.csv"), LoadRequest(tmp_path / "p.csv")]))
    before = pkh_row(db)
    # PKH ≤ desil 1: one eligible family (…01), not the recipient (…02, desil 2).
    assert (before.eligible_families, before.eligible_covered, before.inclusion_error) == (1, 0, 1.0)

    reference = tmp_path / "reference"
    shutil.copytree(REPO / "data" / "reference", reference)
    programs = reference / "programs.csv"
    programs.write_text(programs.read_text().replace("PKH,,Program Keluarga Harapan,Family Hope Programme (conditional cash),1,", "PKH,,Program Keluarga Harapan,Family Hope Programme (conditional cash),2,"))
    monkeypatch.setattr(settings, "REFERENCE_DIR", reference)
    assert main(["rebuild", "--db", str(db)]) == 0

    after = pkh_row(db)
    # PKH ≤ desil 2 now: …01 and …02 eligible, …02 allocated → coverage 1/2, inclusion 0.
    assert (after.eligible_families, after.eligible_covered, after.inclusion_error) == (2, 1, 0.0)


def test_rebuild_without_a_warehouse_says_so(tmp_path, capsys):
    assert main(["rebuild", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "No warehouse" in capsys.readouterr().err
