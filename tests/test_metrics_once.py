"""Each indicator is defined once: the rates every query returns are the
indicator records' numerator / denominator (bansos/indicators.py).

The queries take a rate's SQL from its record (`{{rate:<id>}}`, expanded by
bansos/queries.py). These tests check the result, not the mechanism: for
every query and a spread of parameters on the demo warehouse, every column
named after a rate indicator (`coverage`, or `coverage_1` / `coverage_2`
beside `eligible_covered_1` ...) equals the record's numerator / denominator
computed here in pandas from the columns the same row returns (NULL where the
denominator is 0 or unknown). Columns are found from the records, so a new
query or a new rate is covered without touching this file. A column whose
name contains a rate's id in any other form fails unless it is a known
derived form (previous tranche, change, rank, small-number flag); the
previous tranche's value and the change are checked against the rate too.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from bansos import indicators, queries
from bansos.queries import QueryRunner, load_query, query_names
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401
from tests.test_pandas_baseline import parameter_sets, world  # noqa: F401

RATES = {record.id: record for record in indicators.INDICATORS if record.is_rate}
COLUMN = re.compile(r"[a-z_][a-z0-9_]*")


def _rate_named(column: str) -> str | None:
    """The rate id a column name contains as a whole part, if any (the longest)."""
    found = [rid for rid in RATES if re.search(rf"(^|_){rid}(_|$)", column)]
    return max(found, key=len) if found else None


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    return pd.to_numeric(values.astype(object).where(values.notna(), np.nan), errors="coerce").astype(float)


def _parts(frame: pd.DataFrame, record: indicators.Indicator, suffix: str,
           renames: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """The record's numerator and denominator computed over this frame's columns."""
    expressions = (record.numerator, record.denominator)
    source = {name: renames.get(name, name).split(".")[-1] + suffix
              for expression in expressions for name in COLUMN.findall(expression)}
    missing = sorted({c for c in source.values() if c not in frame.columns})
    if missing:
        raise AssertionError(f"returns {record.id}{suffix} without {missing} (its numerator and denominator)")
    env = pd.DataFrame({name: _numbers(frame, column) for name, column in source.items()}, index=frame.index)
    numerator, denominator = (env.eval(e) if " " in e else env[e] for e in expressions)
    return numerator, denominator


def _expected(frame: pd.DataFrame, record: indicators.Indicator, suffix: str, renames: dict[str, str]) -> pd.Series:
    """The record's numerator / denominator over this frame's columns."""
    numerator, denominator = _parts(frame, record, suffix, renames)
    return (numerator / denominator).where(denominator.notna() & (denominator != 0))


def _differ(got: pd.Series, expected: pd.Series) -> bool:
    got, expected = got.reset_index(drop=True), expected.reset_index(drop=True)
    if not np.array_equal(got.isna().to_numpy(), expected.isna().to_numpy()):
        return True
    return not np.allclose(got.dropna().to_numpy(), expected.dropna().to_numpy(), rtol=0, atol=1e-9)


def mismatches(name: str, frame: pd.DataFrame) -> tuple[list[str], set[str]]:
    """What in this query result disagrees with the records, and which rate
    ids it checked on at least one non-NULL value."""
    renames = {rid: dict(pairs) for rid, pairs in load_query(name).metrics}
    problems, checked = [], set()
    for column in frame.columns:
        rid = _rate_named(column)
        if rid is None:
            continue
        record, got = RATES[rid], _numbers(frame, column)
        if column in (rid, f"{rid}_1", f"{rid}_2"):
            suffix = column[len(rid):]
            try:
                expected = _expected(frame, record, suffix, renames.get(rid, {}))
            except AssertionError as error:
                problems.append(f"{name}: {error}")
                continue
            if _differ(got, expected):
                problems.append(f"{name}: {column} is not ({record.numerator}) / ({record.denominator})")
            elif got.notna().any():
                checked.add(rid)
        elif column == f"prev_{rid}":
            if _differ(got, _numbers(frame, rid).shift(1)):
                problems.append(f"{name}: {column} is not the previous row's {rid}")
        elif column == f"{rid}_change":
            before, after = (f"prev_{rid}", rid) if f"prev_{rid}" in frame else (f"{rid}_1", f"{rid}_2")
            if _differ(got, _numbers(frame, after) - _numbers(frame, before)):
                problems.append(f"{name}: {column} is not {after} − {before}")
        elif column not in (f"rank_{rid}", f"{rid}_small", f"prev_{rid}_small"):
            problems.append(f"{name}: {column} is named after the rate {rid} but is no form of it a record defines")
    return problems, checked


@pytest.fixture(scope="module")
def runner(demo_db):
    runner = QueryRunner(demo_db, cache=False)
    yield runner
    runner.close()


def test_every_rate_a_query_returns_is_its_records_numerator_over_denominator(runner, world):
    problems, checked, returning = [], set(), set()
    for name in query_names():
        for params in parameter_sets(name, world):
            frame = runner.run(name, **params)
            found, rates = mismatches(name, frame)
            problems += found
            checked |= rates
            if rates:
                returning.add(name)
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))
    # Every rate record is met by some query with real values (a rate no query
    # returns, or one always NULL on the demo, would be checked by nothing).
    assert checked == set(RATES), f"never checked on a value: {sorted(set(RATES) - checked)}"
    # The queries known to return rates are among those checked (guards the
    # column matching itself).
    assert {"region_indicators", "totals_by_period", "period_change", "comparison_trend", "kecamatan_indicators",
            "disbursement_by_tranche", "funnel", "pendaftaran_channels"} <= returning


def test_the_did_inputs_are_the_records_numerators_and_denominators(runner, world):
    """comparison_did returns each metric's inputs in long form (pilot_num_1,
    comp_den_2 ...): they are the record's numerator and denominator over the
    group's sums for that tranche, as comparison_trend returns them."""
    renames = {rid: dict(pairs) for rid, pairs in load_query("comparison_did").metrics}
    trend_params = load_query("comparison_trend").caller_parameters
    compared = 0
    for params in parameter_sets("comparison_did", world):
        did = runner.run("comparison_did", **params)
        trend = runner.run("comparison_trend", **{k: params[k] for k in trend_params})
        periods = {"1": (params["year1"], params["tranche1"]), "2": (params["year2"], params["tranche2"])}
        for row in did.itertuples():
            for grp, who in (("pilot", "pilot"), ("comparison", "comp")):
                for period, (year, tranche) in periods.items():
                    if period == "2" and periods["2"] == periods["1"]:
                        continue  # the same tranche twice counts as the first
                    sums = trend[(trend.pilot_code == row.pilot_code) & (trend.grp == grp)
                                 & (trend.year == year) & (trend.tranche == tranche)]
                    got = (getattr(row, f"{who}_num_{period}"), getattr(row, f"{who}_den_{period}"))
                    if sums.empty:
                        assert all(pd.isna(v) for v in got), (params, row.pilot_code, row.metric, grp, period)
                        continue
                    numerator, denominator = _parts(sums, RATES[row.metric], "", renames.get(row.metric, {}))
                    expected = pd.Series([numerator.iloc[0], denominator.iloc[0]], dtype=float)
                    assert not _differ(pd.Series(got, dtype=float), expected), (params, row.pilot_code, row.metric, grp, period)
                    compared += 1
    assert compared > 20


def test_an_altered_formula_is_caught(runner, world, monkeypatch):
    """Write the exclusion error by hand with the wrong denominator in one
    query: the check above reports it."""
    original = load_query("region_indicators")
    generated = RATES["exclusion_error"].rate_sql()
    assert generated in original.sql
    altered = dataclasses.replace(original, sql=original.sql.replace(
        generated, "(eligible_families - eligible_covered) / NULLIF(recipients, 0)"))
    monkeypatch.setattr(queries, "load_query", lambda name: altered if name == "region_indicators" else load_query(name))
    params = parameter_sets("region_indicators", world)[0]
    problems, checked = mismatches("region_indicators", runner.run("region_indicators", **params))
    assert problems == ["region_indicators: exclusion_error is not (eligible_families - eligible_covered) / (eligible_families)"]
    assert "coverage" in checked and "exclusion_error" not in checked


def test_a_rate_column_no_record_defines_is_caught():
    frame = pd.DataFrame({"eligible_covered": [1], "eligible_families": [2], "coverage": [0.5], "coverage_ratio": [0.5]})
    problems, checked = mismatches("region_indicators", frame)
    assert problems == ["region_indicators: coverage_ratio is named after the rate coverage but is no form of it a record defines"]
    assert checked == {"coverage"}


def test_a_rate_without_its_numerator_and_denominator_is_caught():
    problems, _ = mismatches("region_indicators", pd.DataFrame({"coverage": [0.5]}))
    assert problems == ["region_indicators: returns coverage without ['eligible_covered', 'eligible_families'] (its numerator and denominator)"]


def test_queries_take_rates_from_the_records():
    """The expanded SQL carries each record's generated expression; the query
    files themselves write no rate formula by hand."""
    for name in query_names():
        query = load_query(name)
        raw = (queries.QUERY_DIR / f"{name}.sql").read_text()
        for rid, renames in query.metrics:
            record, columns = RATES[rid], dict(renames)
            parts = (record.rate_sql(columns),) if f"rate:{rid}" in raw else (
                indicators.rename_columns(record.numerator, columns), indicators.rename_columns(record.denominator, columns))
            assert all(part in query.sql for part in parts), (name, rid)
        assert "{{" not in queries._strip_comments(query.sql), name
    assert dict(load_query("totals_by_period").metrics)["inclusion_error"] == (("recipients", "recipients_assessed"),)


def test_the_snapshot_choice_is_defined_once():
    """Every query that picks a snapshot does it through the one fragment."""
    fragment = (queries.FRAGMENT_DIR / "chosen_snapshot.sql").read_text()
    rule = queries._strip_comments(fragment).strip()
    picking = [name for name in query_names() if "max(as_of)" in load_query(name).sql]
    assert len(picking) >= 14
    for name in picking:
        raw = queries._strip_comments((queries.QUERY_DIR / f"{name}.sql").read_text())
        assert "max(as_of)" not in raw and "{{chosen_snapshot}}" in raw, name
        assert rule in load_query(name).sql, name


def test_a_placeholder_that_is_not_a_rate_or_fragment_is_refused():
    with pytest.raises(queries.QueryError, match="not a rate indicator"):
        queries._expand("SELECT {{rate:recipients}} AS x", "x.sql")
    with pytest.raises(queries.QueryError, match="no fragment"):
        queries._expand("SELECT 1 FROM ({{no_such_fragment}})", "x.sql")
    with pytest.raises(queries.QueryError, match="rename"):
        queries._expand("SELECT {{rate:coverage(eligible_families)}}", "x.sql")
    sql, metrics = queries._expand("SELECT {{rate:inclusion_error(recipients=recipients_assessed)}} AS i", "x.sql")
    assert sql == "SELECT (recipients_assessed - eligible_recipients) / NULLIF(recipients_assessed, 0) AS i"
    assert metrics == [("inclusion_error", (("recipients", "recipients_assessed"),))]


def test_the_methodology_shows_the_sql_the_queries_run():
    """The record's `sql` is what the queries run, for every rate."""
    for record in RATES.values():
        assert record.sql == record.rate_sql()
    assert RATES["exclusion_error"].sql == "(eligible_families - eligible_covered) / NULLIF(eligible_families, 0)"
    assert RATES["coverage"].sql == "eligible_covered / NULLIF(eligible_families, 0)"
