"""The benchmark's pandas baseline answers the same questions as the SQL
queries: for every query with a pandas implementation
(benchmarks/pandas_pages.py), the same parameters give the same columns and
the same numbers on the synthetic demo warehouse (counts exactly, rates to
1e-9). Without this the benchmark's SQL-vs-pandas ratio would compare
different work. No timings here: the benchmark measures, tests only check.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from bansos.queries import QueryRunner, load_query, query_names
from benchmarks.pandas_pages import PandasPages, load_page_data
from tests.app_fixtures import app_key_file, demo_db, empty_db  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
# Command-line-only queries: no page runs them, so the benchmark needs no baseline.
NOT_ON_PAGES = {"families"}
# Empty on the demo warehouse by design (every region is current there); the
# empty warehouse below gives them rows.
MAY_BE_EMPTY = {"quarantine_rows", "rejections"}  # the demo rejects no file whole


@pytest.fixture(scope="module")
def data(demo_db):
    return load_page_data(demo_db)


@pytest.fixture(scope="module")
def runner(demo_db):
    runner = QueryRunner(demo_db, cache=False)
    yield runner
    runner.close()


@pytest.fixture(scope="module")
def world(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        periods = con.execute("SELECT DISTINCT program, year, tranche FROM fact_allocation ORDER BY ALL").fetchall()
        snapshots = [str(r[0])[:10] for r in con.execute("SELECT DISTINCT snapshot_date FROM fact_family ORDER BY 1").fetchall()]
        pilots = [r[0] for r in con.execute(
            "SELECT region_code FROM ref_pilot WHERE region_code IN (SELECT region_code FROM fact_family) ORDER BY 1").fetchall()]
        others = [r[0] for r in con.execute(
            "SELECT DISTINCT region_code FROM fact_family WHERE region_code NOT IN (SELECT region_code FROM ref_pilot) ORDER BY 1"
        ).fetchall()]
        load_ids = [r[0] for r in con.execute("SELECT load_id FROM load_ledger WHERE rows_quarantined > 0 ORDER BY 1").fetchall()]
    finally:
        con.close()
    return {"periods": periods, "snapshots": snapshots, "pilots": pilots, "others": others, "load_ids": load_ids}


def parameter_sets(name: str, world: dict) -> list[dict]:
    """A spread of parameter values for one query: defaults, every snapshot,
    both bases, every programme and tranche, province, one and several regions."""
    wanted = load_query(name).caller_parameters
    periods, pilots, others = world["periods"], world["pilots"], world["others"]
    programs = sorted({p for p, _, _ in periods})
    views = [
        {"province": None, "regions": None},
        {"province": None, "regions": pilots},
        {"province": None, "regions": [pilots[0]]},
        {"province": pilots[0].split(".")[0], "regions": None},
        {"province": None, "regions": [pilots[1], others[0], "99.99"]},
    ]
    sets = []
    for index, (program, year, tranche) in enumerate(periods):
        basis = ("desil", "layak")[index % 2]
        as_of = (None, *world["snapshots"])[index % (len(world["snapshots"]) + 1)]
        view = views[index % len(views)]
        same_program = [(y, t) for p, y, t in periods if p == program]
        (year1, tranche1), (year2, tranche2) = same_program[0], same_program[-1]
        sets.append({
            "as_of": as_of, "basis": basis, "program": program, "year": year, "tranche": tranche, **view,
            "region": (view["regions"] or pilots)[0], "year1": year1, "tranche1": tranche1, "year2": year2,
            "tranche2": tranche2, "pilots": (None, [pilots[index % len(pilots)]], pilots[:3])[index % 3], "pilot": pilots[index % len(pilots)],
            "load_id": None, "reason": None, "limit": 50, "who": None,
            "signal": (None, "double_allocation", "paid_not_registered", "paid_off_window")[index % 4],
        })
    # all programmes / all tranches at once (region_indicators allows NULL)
    sets.append({**sets[0], "program": None, "year": None, "tranche": None, "basis": "layak"})
    sets.append({**sets[-1], "program": programs[-1], "year": None, "tranche": None, "as_of": world["snapshots"][0]})
    # a snapshot date that is not loaded, a region that has no register
    sets.append({**sets[0], "as_of": "2020-01-01"})
    sets.append({**sets[0], "region": others[-1], "pilot": others[-1], "pilots": [others[-1]]})
    if world["load_ids"]:
        sets.append({**sets[0], "load_id": world["load_ids"][0], "reason": None, "limit": 7})
        sets.append({**sets[0], "load_id": None, "reason": "no_kk_invalid", "limit": 1000})
    unique, seen = [], set()
    for params in sets:
        chosen = {k: params[k] for k in sorted(wanted)}
        key = repr(chosen)
        if key not in seen:
            seen.add(key)
            unique.append(chosen)
    return unique


def _normal(column: pd.Series, as_dates: bool) -> pd.Series:
    if as_dates:
        values = pd.to_datetime(column, errors="coerce")
        return values.dt.strftime("%Y-%m-%d %H:%M:%S").where(values.notna(), None).astype(object)
    return column.map(lambda v: None if v is None or (not isinstance(v, (list, np.ndarray)) and pd.isna(v))
                      else (",".join(map(str, v)) if isinstance(v, (list, np.ndarray)) else str(v)))


def _is_numeric(column: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        return True
    values = column.dropna()
    return len(values) > 0 and values.map(lambda v: isinstance(v, (bool, int, float, np.number, np.bool_))).all()


def assert_same(name: str, params: dict, got: pd.DataFrame, expected: pd.DataFrame) -> None:
    where = f"{name}({params})"
    assert list(expected.columns) == list(got.columns), f"{where}: columns differ"
    assert len(expected) == len(got), f"{where}: {len(got)} rows from SQL, {len(expected)} from pandas"
    if got.empty:
        return
    kinds = {}
    left, right = pd.DataFrame(index=range(len(got))), pd.DataFrame(index=range(len(got)))
    for column in got.columns:
        g, e = got[column].reset_index(drop=True), expected[column].reset_index(drop=True)
        dates = pd.api.types.is_datetime64_any_dtype(g) or pd.api.types.is_datetime64_any_dtype(e)
        if not dates and _is_numeric(g) and (e.isna().all() or _is_numeric(e)):
            left[column] = pd.to_numeric(g.astype(object).where(g.notna(), np.nan), errors="coerce").astype(float)
            right[column] = pd.to_numeric(e.astype(object).where(e.notna(), np.nan), errors="coerce").astype(float)
            values = left[column].dropna()
            kinds[column] = "count" if np.all(values == np.round(values)) else "rate"
        else:
            left[column], right[column] = _normal(g, dates), _normal(e, dates)
            kinds[column] = "text"
    # Compare as sets of rows: order ties are not part of the contract.
    keys = [c for c in got.columns if kinds[c] != "rate"] or list(got.columns)
    left = left.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    right = right.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    for column, kind in kinds.items():
        lft, r = left[column], right[column]
        if kind == "text":
            assert lft.tolist() == r.tolist(), f"{where}: column {column} differs"
            continue
        assert np.array_equal(lft.isna().to_numpy(), r.isna().to_numpy()), f"{where}: NULLs of {column} differ"
        lft, r = lft.dropna().to_numpy(), r.dropna().to_numpy()
        if kind == "count":
            assert np.array_equal(lft, r), f"{where}: counts in {column} differ"
        else:
            assert np.allclose(lft, r, rtol=0, atol=1e-9), f"{where}: rates in {column} differ"


@pytest.mark.parametrize("name", PandasPages.implemented())
def test_pandas_gives_the_same_answer_as_sql(name, data, runner, world):
    compared = 0
    for params in parameter_sets(name, world):
        got = runner.run(name, **params)
        expected = PandasPages(data).run(name, **params)
        assert_same(name, params, got, expected)
        compared += len(got)
    assert compared > 0 or name in MAY_BE_EMPTY, f"{name}: every comparison was empty"


@pytest.mark.parametrize("name", PandasPages.implemented())
def test_pandas_gives_the_same_answer_on_an_empty_warehouse(name, empty_db, world):
    """Nothing loaded yet: the NULL and empty-set rules must agree too."""
    runner = QueryRunner(empty_db, cache=False)
    data = load_page_data(empty_db)
    try:
        for params in parameter_sets(name, world)[:3]:
            assert_same(name, params, runner.run(name, **params), PandasPages(data).run(name, **params))
    finally:
        runner.close()


def _queries_named_in(path: Path) -> set[str]:
    text = path.read_text()
    return set(re.findall(r"""\b(?:q|safe_query|run)\(\s*["']([a-z0-9_]+)["']""", text))


def test_every_query_a_page_runs_has_a_pandas_twin():
    used = set()
    page_dirs = [folder for folder in (REPO / "app_pages", REPO / "pages") if folder.is_dir()]
    ui_files = sorted((REPO / "bansos" / "ui").glob("*.py"))  # the Streamlit glue (a package since the pages were thinned)
    assert ui_files
    for path in [*(p for folder in page_dirs for p in sorted(folder.glob("*.py"))), *ui_files, REPO / "dashboard.py"]:
        used |= _queries_named_in(path)
    used &= set(query_names())
    missing = sorted(used - set(PandasPages.implemented()) - NOT_ON_PAGES)
    assert not missing, f"pages run queries without a pandas baseline: {missing}"
