"""`make bench` leaves every figure the README quotes in benchmarks/out/bench.json:
bench.py writes it, then routine_load.py and spark_marts.py add their
summaries under their own section (benchmarks/bench.py `record_in_bench`).
The benchmarks themselves are not run here (they take minutes to hours);
their summaries are built from run results shaped as the scripts make them."""

from __future__ import annotations

import json

import pytest

from benchmarks import bench, routine_load, spark_marts
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401


def test_a_section_is_added_beside_the_figures_already_there(tmp_path):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({"scale": 1.0, "pages": {"ringkasan": {"p95_ms": 51.0}}}))
    bench.record_in_bench(path, "routine_load", {"summary": {"seconds_at_largest": {"a.csv": 9.9}}})
    bench.record_in_bench(path, "spark_marts", {"marts_equal": True})
    data = json.loads(path.read_text())
    assert data == {"scale": 1.0, "pages": {"ringkasan": {"p95_ms": 51.0}},
                    "routine_load": {"summary": {"seconds_at_largest": {"a.csv": 9.9}}},
                    "spark_marts": {"marts_equal": True}}
    # A second run replaces its own section only.
    bench.record_in_bench(path, "routine_load", {"summary": {}})
    assert json.loads(path.read_text())["routine_load"] == {"summary": {}}
    assert json.loads(path.read_text())["spark_marts"] == {"marts_equal": True}
    assert [p.name for p in tmp_path.iterdir()] == ["bench.json"]  # nothing left half-written


def test_a_section_alone_makes_the_file(tmp_path):
    path = tmp_path / "out" / "bench.json"
    bench.record_in_bench(path, "spark_marts", {"marts_equal": False})
    assert json.loads(path.read_text()) == {"spark_marts": {"marts_equal": False}}


def _load(name: str, seconds: float, marts: float, mode: str, copy: float = 0.0, cloned: bool = True) -> dict:
    return {"file": name, "status": "loaded", "rows_read": 10, "rows_loaded": 10, "seconds": seconds,
            "grows_with_warehouse_s": 1.0, "file_work_s": 1.0,
            "phases_s": {"marts": marts, "validate": 0.5, "copy live file": copy}, "copy_cloned": cloned,
            "peak_rss_mb": 100.0, "marts_mode": mode}


def test_routine_loads_keep_each_load_and_the_verdict():
    # The whole-register load differs by scale: reported apart, outside the verdict.
    whole = _load("w.csv", 60.0, 30.0, "incremental: 1 kab/kota at 2026-03-31 only") | {"rows_read": 3_171_445}
    month = _load("m.csv", 28.5, 6.3, "difference: the next snapshot of 1 kab/kota") | {"rows_read": 3_155_430}
    scales = [{"scale": 0.1, "warehouse_mb": 105, "built": {}, "loads": [_load("k.csv", 8.0, 3.0, "difference: 2 families", 0.001)],
               "whole_register": None},
              {"scale": 4.0, "warehouse_mb": 3522, "built": {}, "loads": [_load("k.csv", 32.0, 23.5, "incremental: 1 kab/kota", 6.2, cloned=False)],
               "whole_register": whole, "real_month": month}]
    detail = {"started_at": "2026-12-06T10:49:00+00:00", "targets": routine_load.TARGETS, "load_average_start": [1, 1, 1],
              "load_average_end": [2, 2, 2], "scales": scales, "summary": routine_load.summarise(scales)}
    figures = routine_load.bench_figures(detail)
    assert figures["scales"] == {
        "0.1": {"warehouse_mb": 105, "kab_kota": None, "region_scale": None,
                "loads": {"k.csv": {"seconds": 8.0, "marts_s": 3.0, "copy_s": 0.001, "copy_cloned": True,
                                    "marts_mode": "difference: 2 families"}},
                "whole_register": None, "real_month": None},
        "4": {"warehouse_mb": 3522, "kab_kota": None, "region_scale": None,
              "loads": {"k.csv": {"seconds": 32.0, "marts_s": 23.5, "copy_s": 6.2, "copy_cloned": False,
                                  "marts_mode": "incremental: 1 kab/kota"}},
              "whole_register": {"file": "w.csv", "rows_read": 3_171_445, "seconds": 60.0, "marts_s": 30.0,
                                 "marts_mode": "incremental: 1 kab/kota at 2026-03-31 only"},
              "real_month": {"file": "m.csv", "rows_read": 3_155_430, "seconds": 28.5, "marts_s": 6.3,
                             "marts_mode": "difference: the next snapshot of 1 kab/kota"}},
    }
    # 32 s > 15 s and 32 / 8 = 4× > 3×: not met.
    assert figures["summary"]["ratio_largest_to_smallest"] == {"k.csv": 4.0}
    assert figures["summary"]["meets"] == {"k.csv": False}
    assert figures["load_average"] == [[1, 1, 1], [2, 2, 2]]


def test_a_warehouse_of_more_kab_kota_is_told_apart_from_one_of_larger_ones():
    """--region-scale: the national shape (more kab/kota of a pilot's size)
    has its own label and says how many kab/kota it holds, and the verdict
    is over it when it is the largest."""
    assert routine_load.bench.data_label(4.0, 1.0) == "4-regions-1"
    assert routine_load.bench.data_label(4.0, None) == "4" and routine_load.bench.data_label(1.0, 1.0) == "1"
    scales = [{"scale": 0.1, "region_scale": None, "label": "0.1", "kab_kota": 34, "warehouse_mb": 105, "built": {},
               "loads": [_load("k.csv", 5.0, 2.0, "difference: 2 families")], "whole_register": None},
              {"scale": 4.0, "region_scale": 1.0, "label": "4-regions-1", "kab_kota": 146, "warehouse_mb": 3600,
               "built": {}, "loads": [_load("k.csv", 12.0, 4.0, "difference: 9 families")], "whole_register": None}]
    detail = {"started_at": "2026-12-07T18:00:00+00:00", "targets": routine_load.TARGETS, "load_average_start": [1, 1, 1],
              "load_average_end": [1, 1, 1], "scales": scales, "summary": routine_load.summarise(scales)}
    figures = routine_load.bench_figures(detail)
    assert list(figures["scales"]) == ["0.1", "4-regions-1"]
    assert figures["scales"]["4-regions-1"]["kab_kota"] == 146 and figures["scales"]["4-regions-1"]["region_scale"] == 1.0
    # 12 s ≤ 15 s and 12 / 5 = 2.4× ≤ 3×: met.
    assert figures["summary"]["largest_region_scale"] == 1.0 and figures["summary"]["meets"] == {"k.csv": True}


def test_spark_keeps_both_engines_best_times_and_the_equality():
    result = {
        "warehouse": "w.duckdb", "master": "local[2]", "cpus": 2, "scale": 1.0, "load_average_before": [1, 1, 1],
        "fact_rows": {"family": 10, "allocation": 8}, "duckdb_marts_s": {"best": 17.7, "runs": [17.7, 19.0], "threads": 2},
        "lake_write_s": 25.5, "lake_bytes": 722, "spark_start_s": 5.0,
        "spark_marts_s": {"best": 581.0, "runs": [581.0], "statements_of_best": {"t_fam": 128.0}},
        "spark_rebuild_command_s": 397.0, "marts_equal": True,
        "per_million_fact_rows_s": {"duckdb": 0.94, "spark": 31.0}, "load_average_after": [2, 2, 2],
    }
    figures = spark_marts.bench_figures(result)
    assert figures["duckdb_marts_s"] == 17.7 and figures["spark_marts_s"] == 581.0
    assert figures["marts_equal"] is True and figures["scale"] == 1.0
    assert "statements_of_best" not in json.dumps(figures)  # per statement: spark-marts.json only


def test_the_whole_register_month_is_the_cached_january_snapshot_and_the_new_families(tmp_path):
    header = "no_kk,kode_wilayah,tanggal_data"
    extracts, files = tmp_path / "extracts", tmp_path / "files"
    extracts.mkdir(), files.mkdir()
    (extracts / "registrasi_3510_20260131.csv").write_text(f"{header}\n1,35.10,2026-01-31\n2,35.10,2026-01-31\n")
    january = files / "registrasi_3510_20260131.csv"
    january.write_text(f"{header}\n3,35.10,2026-01-31\n")
    out = routine_load.whole_register([files / "salur_BRI.parquet", january], extracts, tmp_path / "whole")
    assert out.name == "registrasi_3510_20260331.csv"
    assert out.read_text() == f"{header}\n1,35.10,2026-03-31\n2,35.10,2026-03-31\n3,35.10,2026-03-31\n"
    # A row of another date would be re-dated wrongly: refused.
    january.write_text(f"{header}\n3,35.10,2026-01-30\n")
    with pytest.raises(SystemExit, match="expected every row dated 2026-01-31"):
        routine_load.whole_register([january], extracts, tmp_path / "whole")


def test_the_real_month_is_the_whole_register_with_a_few_families_changed(tmp_path):
    """1 row in REAL_MONTH_DESIL_EVERY at another desil (row 3 of each
    hundred), 1 in REAL_MONTH_DROP_EVERY left out (the last of each two
    hundred), every row re-dated; quoted text stays as it was."""
    header = "no_kk,desil,alasan,tanggal_data"
    rows = [f'{n},{n % 10 + 1},"a, b",2026-03-31' for n in range(400)]
    whole = tmp_path / "registrasi_3510_20260331.csv"
    whole.write_text("\n".join([header, *rows]) + "\n")
    out = routine_load.real_month(whole, tmp_path)
    assert out.name == "registrasi_3510_20260430.csv"
    lines = out.read_text().splitlines()
    assert lines[0] == header and len(lines) == 1 + 398  # rows 199 and 399 left out
    kept = {int(line.split(",")[0]): line for line in lines[1:]}
    assert 199 not in kept and 399 not in kept
    changed = [n for n, line in kept.items() if line != rows[n].replace("2026-03-31", "2026-04-30")]
    assert changed == [3, 103, 203, 303]
    assert kept[3] == '3,5,"a, b",2026-04-30'  # desil 4 → 5
    assert all(line.endswith(",2026-04-30") for line in kept.values())


def test_the_replay_runs_a_page_s_queries_in_the_steps_the_page_runs_them(demo_db):
    """`schedule` groups what a page ran at once (run_many) into one step and
    leaves the rest alone, each distinct query once; `replay` times steps."""
    meta, regions, programs = ("warehouse_meta", {}), ("options_regions", {}), ("programs", {})
    funnel = ("funnel", {"as_of": None, "program": "PKH", "year": 2026, "tranche": 1, "province": None, "regions": None})
    # The page asked: a batch of three, programs again (a cache hit in the app), the funnel alone.
    recorded = [regions, programs, meta, programs, funnel]
    steps = bench.schedule(recorded, [[regions, programs, meta]])
    assert steps == [[regions, programs, meta], [funnel]]
    assert bench.schedule(recorded, []) == [[regions], [programs], [meta], [funnel]]
    # A query the page ran alone before the batch is not run again in it.
    assert bench.schedule([meta, *recorded], [[regions, programs, meta]]) == [[meta], [regions, programs], [funnel]]
    # The same call alone and later in a batch: each where the page made it.
    assert bench.schedule([funnel, regions, programs, funnel], [[programs, funnel]]) == [[funnel], [regions], [programs]]
    timed = bench.replay(demo_db, {"page": {"queries": recorded, "batches": [[regions, programs, meta]]}}, runs=3)["page"]
    assert [q["name"] for q in timed["queries"]] == ["options_regions + programs + warehouse_meta", "funnel"]
    assert [m["name"] for m in timed["queries"][0]["batch"]] == ["options_regions", "programs", "warehouse_meta"]
    assert timed["queries"][1]["params"] == funnel[1] and "batch" not in timed["queries"][1]
    assert timed["runs"] == 3 and timed["p50_ms"] > 0
    # Later views of a scope find the warehouse-wide batch in the runner's
    # cache: only the funnel's step counts there.
    assert 0 < timed["p50_later_ms"] < timed["p50_ms"]
    assert (timed["p50_later_ms"], timed["p95_later_ms"]) == (timed["queries"][1]["p50_ms"], timed["queries"][1]["p95_ms"])
    alone = bench.replay(demo_db, {"page": {"queries": [funnel], "batches": []}}, runs=3)["page"]
    assert alone["p50_later_ms"] == alone["p50_ms"]


def test_a_warehouse_of_more_kab_kota_has_a_cache_of_its_own(tmp_path, monkeypatch):
    """The national shape's extracts and warehouse never share a folder with
    the usual data of the same scale; at or below region_scale the data is
    the usual one, and so is its folder. The key is shared (same pseudonyms)."""
    monkeypatch.setattr(bench, "CACHE_ROOT", tmp_path)
    wide, usual = bench.cache_paths(4.0, region_scale=1.0), bench.cache_paths(4.0)
    assert wide["cache"] == tmp_path / "scale-4-regions-1" and usual["cache"] == tmp_path / "scale-4"
    assert bench.cache_paths(0.1, region_scale=1.0)["cache"] == tmp_path / "scale-0.1"
    assert wide["key"] == usual["key"] == tmp_path / "key"
    # What bench.json says of the data comes from the extracts' manifest.
    (wide["extracts"]).mkdir()
    (wide["extracts"] / "MANIFEST.json").write_text(json.dumps({"regions": [{}] * 146, "region_scale": 1.0}))
    assert bench.data_shape(wide["extracts"]) == {"kab_kota": 146, "region_scale": 1.0}
    assert bench.data_shape(usual["extracts"]) == {"kab_kota": None, "region_scale": None}



def test_the_ingestion_ceiling_stores_every_row_with_its_ids_hashed(tmp_path):
    """bench.py's yardstick for the ingestion figure (`_ceiling_worker`):
    every row of every file stored, the identifier columns as the project's
    keyed hash whatever the header's spelling, never as given."""
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    key = "ab" * 32
    (tmp_path / "key").write_text(key + "\n")
    register = tmp_path / "registrasi.csv"
    register.write_text("NO_KK,NIK_KEPALA,KODE_WILAYAH,DESIL,JUMLAH_ANGGOTA,TANGGAL_DATA\n"
                        "3510010101000001,3510011111000001,35.10.01.2001,3,4,2026-01-31\n"
                        "3510010101000002,,35.10.01.2001,5,2,2026-01-31\n"
                        "3510010101000003,3510011111000003,35.10.01.2001,1,1,2026-01-31\n")
    payments = tmp_path / "salur.parquet"
    pq.write_table(pa.table({"nomor_kk": ["3510010101000001", "3510010101000002"],
                             "nik_penerima": ["3510011111000001", "3510011111000002"],
                             "NIK": ["3510011111000001", "3510011111000002"],  # a second spelling: hashed too
                             "kode_wilayah": ["35.10.01.2001"] * 2, "program": ["PKH"] * 2}), payments)
    db = tmp_path / "ceiling.duckdb"
    out = bench._ceiling_worker({"db": str(db), "key_file": str(tmp_path / "key"), "keep": True,
                                 "files": [(str(register), "keluarga", None), (str(payments), "penyaluran", None)]})
    assert out["rows"] == 5 and out["seconds"] > 0 and out["cpu_s"] >= 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        family = con.execute('SELECT "NO_KK", "NIK_KEPALA", "KODE_WILAYAH" FROM file_0 ORDER BY "DESIL"').fetchall()
        expected = con.execute("SELECT ('0x' || left(sha256($k || ':' || '3510010101000003'), 32))::UHUGEINT",
                               {"k": key}).fetchone()[0]
        assert family[0][0] == expected and family[0][2] == "35.10.01.2001"  # desil 1: the third row
        assert family[2][1] is None and family[1][1] is not None  # desil 5: the blank id stays blank
        stored = con.execute("SELECT * FROM file_1").fetchall() + con.execute("SELECT * FROM file_0").fetchall()
        assert not any("3510010101" in str(value) or "3510011111" in str(value) for row in stored for value in row)
        assert [t for (t,) in con.execute("SELECT typeof(nomor_kk) FROM file_1 LIMIT 1").fetchall()] == ["UHUGEINT"]
    finally:
        con.close()
    # Without "keep" (as bench.py runs it) nothing is left behind.
    bench._ceiling_worker({"db": str(db), "key_file": str(tmp_path / "key"), "files": [(str(register), "keluarga", None)]})
    assert not db.exists()
    # A header it cannot place (a title row above it): refused, not stored as given, nothing left behind.
    titled = tmp_path / "titled.csv"
    titled.write_text("Data registrasi Banyuwangi\n" + register.read_text())
    with pytest.raises(ValueError, match="no family-card column"):
        bench._ceiling_worker({"db": str(db), "key_file": str(tmp_path / "key"), "files": [(str(titled), "keluarga", None)]})
    assert not db.exists()
