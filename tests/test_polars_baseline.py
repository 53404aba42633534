"""The benchmark's polars baseline answers the same questions as the SQL
queries: for every query with a polars implementation
(benchmarks/polars_pages.py), the same parameters give the same columns and
the same numbers on the synthetic demo warehouse (counts exactly, rates to
1e-9), for the parameter sets of the pandas baseline's test. The facts are
read the way the benchmark reads them: the Parquet export, loaded once.
No timings here: the benchmark measures, tests only check.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from bansos.queries import QueryRunner
from benchmarks.pandas_pages import PandasPages, export_page_parquet
from benchmarks.polars_pages import PolarsPages, allocation_flags, load_page_polars
from tests.app_fixtures import app_key_file, demo_db, empty_db  # noqa: F401
from tests.test_pandas_baseline import MAY_BE_EMPTY, NOT_ON_PAGES, _queries_named_in, assert_same, parameter_sets
from tests.test_pandas_baseline import world  # noqa: F401  (the demo's periods, snapshots and regions)

REPO = Path(__file__).resolve().parent.parent


def _load(db: Path, folder: Path):
    export_page_parquet(db, folder)
    return load_page_polars(folder)


@pytest.fixture(scope="module")
def data(demo_db, tmp_path_factory):
    return _load(demo_db, tmp_path_factory.mktemp("polars-demo"))


@pytest.fixture(scope="module")
def runner(demo_db):
    runner = QueryRunner(demo_db, cache=False)
    yield runner
    runner.close()


def _answer(pages: PolarsPages, name: str, params: dict):
    frame = pages.run(name, **params)
    assert isinstance(frame, pl.DataFrame), f"{name}: a polars answer is a polars DataFrame"
    return frame.to_pandas()


@pytest.mark.parametrize("name", PolarsPages.implemented())
def test_polars_gives_the_same_answer_as_sql(name, data, runner, world):  # noqa: F811
    compared = 0
    for params in parameter_sets(name, world):
        got = runner.run(name, **params)
        assert_same(name, params, got, _answer(PolarsPages(data), name, params))
        compared += len(got)
    assert compared > 0 or name in MAY_BE_EMPTY, f"{name}: every comparison was empty"


@pytest.mark.parametrize("name", PolarsPages.implemented())
def test_polars_gives_the_same_answer_on_an_empty_warehouse(name, empty_db, world, tmp_path):  # noqa: F811
    """Nothing loaded yet: the NULL and empty-set rules must agree too."""
    runner = QueryRunner(empty_db, cache=False)
    data = _load(empty_db, tmp_path / "parquet")
    try:
        for params in parameter_sets(name, world)[:3]:
            assert_same(name, params, runner.run(name, **params), _answer(PolarsPages(data), name, params))
    finally:
        runner.close()


def test_every_query_a_page_runs_has_a_polars_twin():
    used = set()
    for path in [*sorted((REPO / "app_pages").glob("*.py")), *sorted((REPO / "bansos" / "ui").glob("*.py")),
                 REPO / "dashboard.py"]:
        used |= _queries_named_in(path)
    assert used, "found no page queries to check"
    implemented = set(PolarsPages.implemented())
    assert not sorted(used - implemented - NOT_ON_PAGES), "pages run queries without a polars baseline"
    assert set(PandasPages.implemented()) <= implemented  # the two baselines answer the same questions


def test_the_allocation_rules_on_a_hand_made_family_set():
    """Four families, one programme and tranche (docs/indicators.md):
    - A: failed at BRI, then paid by PT Pos in the same kab/kota: the failed
      row is a reroute (neither primary nor first); the paid row counts.
    - B: paid in two kab/kota: a recipient in each (both primary); the
      earliest payment (11.02, 2 Feb) is the family's one row over all regions.
    - C: one pending row: it counts everywhere.
    - D: two pending rows in one kab/kota, no payment date: institution order
      picks BNI before BRI for both flags."""
    day = dt.date
    rows = [
        # family, region, kecamatan, status, institution, paid_date
        ("a", "11.01", "11.01.01", "gagal", "BRI", None),
        ("a", "11.01", "11.01.01", "tersalur", "POS", day(2025, 2, 5)),
        ("b", "11.01", "11.01.02", "tersalur", "BNI", day(2025, 2, 3)),
        ("b", "11.02", "11.02.01", "tersalur", "BRI", day(2025, 2, 2)),
        ("c", "11.03", None, "proses", "BSI", None),
        ("d", "11.01", "11.01.03", "proses", "BRI", None),
        ("d", "11.01", "11.01.03", "proses", "BNI", None),
    ]
    frame = pl.DataFrame(rows, schema=["family_key", "region_code", "kecamatan_code", "status", "institution", "paid_date"],
                         orient="row").with_columns(program=pl.lit("PKH"), year=pl.lit(2025), tranche=pl.lit(1),
                                                    amount=pl.lit(750_000))
    flags = allocation_flags(frame).select("is_reroute", "is_primary", "is_first").rows()
    assert flags == [
        (True, False, False), (False, True, True),   # a
        (False, True, False), (False, True, True),   # b
        (False, True, True),                         # c
        (False, False, False), (False, True, True),  # d
    ]
