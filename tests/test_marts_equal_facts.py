"""Marts equal the facts: the SQL marts (what pages read) against an
independent pandas computation straight from the fact tables, on the
synthetic demo warehouse, for every programme, tranche, snapshot and basis."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from bansos.queries import QueryRunner
from benchmarks.pandas_pages import load_facts, region_indicators
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401

COUNTS = ["eligible_families", "eligible_covered", "recipients", "eligible_recipients", "not_in_register",
          "allocated_amount", "disbursed_amount", "paid_families", "timely_families"]
RATES = ["coverage", "exclusion_error", "inclusion_error", "disbursement_rate"]


@pytest.fixture(scope="module")
def facts(demo_db):
    return load_facts(demo_db)


def combinations(db):
    con = duckdb.connect(str(db), read_only=True)
    periods = con.execute("SELECT DISTINCT program, year, tranche FROM current_allocation ORDER BY ALL").fetchall()
    snapshots = [r[0] for r in con.execute("SELECT DISTINCT snapshot_date FROM current_family ORDER BY 1").fetchall()]
    con.close()
    return periods, snapshots


def test_region_indicators_equal_a_computation_from_the_facts(demo_db, facts):
    runner = QueryRunner(demo_db, cache=False)
    periods, snapshots = combinations(demo_db)
    assert len(periods) >= 5 and len(snapshots) >= 2
    compared = 0
    for basis in ("desil", "layak"):
        for as_of in snapshots:
            for program, year, tranche in periods:
                expected = region_indicators(facts, program, year, tranche, basis, as_of).set_index("region_code")
                got = runner.run(
                    "region_indicators", as_of=str(as_of)[:10], basis=basis, program=program, year=year, tranche=tranche,
                    province=None, regions=None,
                ).set_index("region_code")
                assert sorted(got.index) == sorted(expected.index)
                for column in COUNTS:
                    left = pd.to_numeric(got[column], errors="coerce").astype(float)
                    right = expected.loc[got.index, column].astype(float)
                    assert np.array_equal(left.isna(), right.isna()), (basis, as_of, program, year, tranche, column)
                    assert np.allclose(left.fillna(-1), right.fillna(-1)), (basis, as_of, program, year, tranche, column)
                for column in RATES:
                    left = pd.to_numeric(got[column], errors="coerce").astype(float)
                    right = expected.loc[got.index, column].astype(float)
                    assert np.array_equal(left.isna(), right.isna()), (basis, as_of, program, year, tranche, column)
                    assert np.allclose(left.fillna(-1), right.fillna(-1), atol=1e-12), (basis, as_of, program, year, tranche, column)
                compared += len(got)
    runner.close()
    assert compared > 300


def test_allocation_mart_adds_up_to_the_facts(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    mart = con.execute(
        "SELECT program, year, tranche, sum(recipients), sum(allocated_amount), sum(disbursed_amount), sum(paid_families) "
        "FROM mart_allocation GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    # Written independently of the marts: a reroute (a failed or returned row
    # of a family paid or pending through another row) is no allocation;
    # families count once per kab/kota; amounts add up row by row.
    facts = con.execute(
        """
        WITH rows AS (
            SELECT a.*, a.status IN ('gagal', 'retur') AND EXISTS (
                SELECT 1 FROM fact_allocation o
                WHERE o.superseded_by IS NULL AND o.family_key = a.family_key AND o.program = a.program
                  AND o.year = a.year AND o.tranche = a.tranche AND o.status IN ('tersalur', 'proses')
            ) AS reroute
            FROM fact_allocation a WHERE a.superseded_by IS NULL
        )
        SELECT program, year, tranche,
               count(DISTINCT (family_key, region_code)) FILTER (WHERE NOT reroute),
               sum(amount) FILTER (WHERE NOT reroute),
               sum(amount) FILTER (WHERE status = 'tersalur'),
               count(DISTINCT (family_key, region_code)) FILTER (WHERE status = 'tersalur')
        FROM rows GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    con.close()
    assert mart == facts


def test_marts_are_small(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    facts = con.execute("SELECT count(*) FROM fact_allocation").fetchone()[0]
    mart = con.execute("SELECT count(*) FROM mart_targeting").fetchone()[0]
    con.close()
    assert mart < facts / 10
