"""The query layer: every SQL file is documented, bound, scoped, runs on an
empty and on a small warehouse, and its callers pass exactly its parameters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from bansos import queries
from bansos.queries import QueryError, QueryRunner, load_query, query_names
from tests.app_fixtures import app_key_file, demo_db, empty_db  # noqa: F401

REPO = Path(__file__).resolve().parent.parent

# Values for every caller parameter used by any query.
SAMPLE = {
    "as_of": None, "basis": "desil", "program": "PKH", "year": 2026, "tranche": 1, "province": None,
    "regions": None, "region": "35.10", "year1": 2025, "tranche1": 1, "year2": 2026, "tranche2": 1,
    "pilots": None, "load_id": None, "reason": None, "limit": 50, "who": None, "signal": None,
}


def sample_params(name: str) -> dict:
    return {p: SAMPLE[p] for p in load_query(name).caller_parameters}


def test_there_are_queries():
    assert len(query_names()) >= 20


@pytest.mark.parametrize("name", query_names())
def test_header_documents_purpose_parameters_grain_columns(name):
    header = load_query(name).header
    for part in ("Parameters:", "Grain:", "Columns:"):
        assert part in header, f"{name}.sql header lacks {part}"
    # every caller parameter is named in the header
    for parameter in load_query(name).caller_parameters:
        assert f"${parameter}" in header, f"{name}.sql header does not document ${parameter}"


@pytest.mark.parametrize("name", query_names())
def test_regional_queries_apply_the_scope(name):
    query = load_query(name)
    if query.regional:
        assert "scope" in query.parameters, f"{name}.sql is regional but ignores $scope"


@pytest.mark.parametrize("name", query_names())
def test_no_string_interpolation_placeholders(name):
    text = load_query(name).sql
    assert not re.search(r"\{[a-z_]+\}|%\(|%s", text), f"{name}.sql looks string-formatted; bind $parameters"


@pytest.mark.parametrize("name", query_names())
def test_runs_on_empty_warehouse(name, empty_db):
    runner = QueryRunner(empty_db, cache=False)
    try:
        frame = runner.run(name, **sample_params(name))
    finally:
        runner.close()
    assert frame is not None


@pytest.mark.parametrize("name", query_names())
def test_runs_on_demo_warehouse(name, demo_db):
    runner = QueryRunner(demo_db, cache=False)
    try:
        frame = runner.run(name, **sample_params(name))
    finally:
        runner.close()
    documented = load_query(name).header
    for column in frame.columns:
        base = re.sub(r"_(1|2)$", "", column)
        assert column in documented or base in documented or column.startswith("prev_") or "*" in documented, (
            f"{name}.sql returns undocumented column {column}"
        )


def test_wrong_parameters_are_refused(demo_db):
    runner = QueryRunner(demo_db, cache=False)
    with pytest.raises(QueryError, match="missing"):
        runner.run("region_indicators", basis="desil")
    with pytest.raises(QueryError, match="unexpected"):
        runner.run("programs", colour="red")
    with pytest.raises(QueryError):
        runner.run("../etc/passwd")
    runner.close()


def test_scope_narrows_every_regional_query(demo_db):
    everything = QueryRunner(demo_db, cache=False)
    scoped = QueryRunner(demo_db, scope=("35.10",), cache=False)
    try:
        all_regions = set(everything.run("region_indicators", **sample_params("region_indicators")).region_code)
        one = set(scoped.run("region_indicators", **sample_params("region_indicators")).region_code)
        assert len(all_regions) > 1 and one == {"35.10"}
        assert set(scoped.run("options_regions").region_code) == {"35.10"}
        assert set(scoped.run("freshness").region_code) == {"35.10"}
    finally:
        everything.close()
        scoped.close()


def test_a_place_name_with_an_apostrophe_is_just_a_value(demo_db):
    runner = QueryRunner(demo_db, cache=False)
    params = sample_params("region_indicators") | {"regions": ["Jum'at' OR 1=1 --"]}
    assert runner.run("region_indicators", **params).empty
    runner.close()


@pytest.mark.parametrize("which", ["demo", "empty"])
def test_warehouse_meta_counts_the_current_fact_rows(which, demo_db, empty_db):
    """warehouse_meta counts the current rows from the marts (cheap on every
    page); they must be the counts of the facts themselves (after loads that
    supersede rows too: tests/test_marts_incremental.py)."""
    db = demo_db if which == "demo" else empty_db
    meta = QueryRunner(db, cache=False).run("warehouse_meta").iloc[0]
    con = duckdb.connect(str(db), read_only=True)
    try:
        families, allocations = con.execute(
            "SELECT (SELECT count(*) FROM current_family), (SELECT count(*) FROM current_allocation)").fetchone()
    finally:
        con.close()
    assert (int(meta.families_rows), int(meta.allocation_rows)) == (families, allocations)
    assert (families > 0) == (which == "demo")


# -- several queries at once (run_many) -------------------------------------------------------

BATCH = ["region_indicators", "totals_by_period", "options_regions", "programs", "funnel"]


def test_run_many_gives_each_query_its_own_frame_in_order(demo_db):
    runner = QueryRunner(demo_db, cache=False)
    scoped = QueryRunner(demo_db, scope=("35.10",), cache=False)
    try:
        calls = [(name, sample_params(name)) for name in BATCH]
        for one_by_one, at_once in zip([runner.run(n, **p) for n, p in calls], runner.run_many(calls)):
            assert at_once.equals(one_by_one) and not at_once.empty
        # The runner's scope holds for every query of a batch.
        regions, options = scoped.run_many([calls[0], calls[2]])
        assert set(regions.region_code) == {"35.10"} and set(options.region_code) == {"35.10"}
    finally:
        runner.close()
        scoped.close()


def test_run_many_checks_every_query_before_any_runs_and_records_them_in_order(demo_db):
    runner = QueryRunner(demo_db, cache=False, allow=frozenset({"programs", "options_regions"}))
    runner.recorder, runner.batches = [], []
    try:
        with pytest.raises(queries.QueryRefused, match="region_indicators"):
            runner.run_many([("programs", {}), ("region_indicators", sample_params("region_indicators"))])
        with pytest.raises(QueryError, match="unexpected"):
            runner.run_many([("programs", {}), ("options_regions", {"colour": "red"})])
        assert runner.recorder == [] and runner.batches == []
        runner.run_many([("options_regions", {}), ("programs", {})])
        assert runner.recorder == [("options_regions", {}), ("programs", {})]
        assert runner.batches == [[("options_regions", {}), ("programs", {})]]
    finally:
        runner.close()


def test_run_together_keeps_each_runner_to_its_own_scope_and_record(demo_db):
    """A page's queries under its right and one under another right (another
    scope) in one batch: each frame within its own runner's regions, each
    runner recording only its own part, every query checked before any runs."""
    page = QueryRunner(demo_db, cache=False)
    narrow = QueryRunner(demo_db, scope=("35.10",), cache=False, allow=frozenset({"options_regions"}))
    for runner in (page, narrow):
        runner.recorder, runner.batches = [], []
    try:
        with pytest.raises(queries.QueryRefused, match="programs"):
            queries.run_together([(page, "options_regions", {}), (narrow, "programs", {})])
        assert page.recorder == [] and narrow.recorder == []
        everyone, programs, mine = queries.run_together(
            [(page, "options_regions", {}), (page, "programs", {}), (narrow, "options_regions", {})])
        assert set(mine.region_code) == {"35.10"} and len(set(everyone.region_code)) > 1 and not programs.empty
        assert page.batches == [[("options_regions", {}), ("programs", {})]]
        assert narrow.batches == [[("options_regions", {})]] and narrow.recorder == [("options_regions", {})]
    finally:
        page.close()
        narrow.close()


def test_a_failing_query_in_a_batch_is_raised_once_the_others_have_ended(demo_db):
    runner = QueryRunner(demo_db)
    bad = sample_params("region_indicators") | {"year": "not a year"}
    try:
        with pytest.raises(QueryError, match="region_indicators"):
            runner.run_many([("region_indicators", bad), ("programs", {}), ("options_regions", {})])
        # The two good ones ran to the end: their frames are in the cache.
        assert {key[1] for key in runner._cache} == {"programs", "options_regions"}
    finally:
        runner.close()


def test_run_many_takes_back_what_no_helper_has_started(demo_db):
    """With every helper busy (other sessions' queries), the caller runs its
    batch itself rather than wait for one."""
    import threading

    release = threading.Event()
    busy = [queries._HELPERS.submit(release.wait, 60) for _ in range(queries._HELPERS._max_workers)]
    runner = QueryRunner(demo_db, cache=False)
    try:
        frames = runner.run_many([(name, sample_params(name)) for name in BATCH])
        assert [len(f) > 0 for f in frames] == [True] * len(BATCH)
        assert not any(b.done() for b in busy)  # all of it ran while every helper was still taken
    finally:
        release.set()
        runner.close()


def test_cache_follows_the_data_version(demo_db, tmp_path):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, copy)
    runner = QueryRunner(copy)
    first = runner.run("warehouse_meta")
    assert runner.run("warehouse_meta").equals(first)
    assert len(runner._cache) == 1
    # A load swaps in a new file: the version changes and the cache is dropped.
    replacement = tmp_path / "replacement.duckdb"
    shutil.copyfile(demo_db, replacement)
    replacement.replace(copy)
    runner.run("warehouse_meta")
    assert runner._version == runner.version()
    assert len(runner._cache) == 1
    runner.close()


def test_every_reader_sees_the_swapped_in_file(demo_db, tmp_path):
    """DuckDB hands a second connection to a path the instance it already has
    open for that path. The app keeps a runner per scope; after a load swapped
    in a new file, the first runner to reopen was given the old file while the
    others still held it, and cached the old numbers under the new version."""
    import shutil

    import duckdb

    from bansos import audit, stored

    copy = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, copy)
    everyone, one_region = QueryRunner(copy), QueryRunner(copy, scope=("35.10",))
    before = int(everyone.run("warehouse_meta").loads[0])
    assert int(one_region.run("warehouse_meta").loads[0]) == before
    held = duckdb.connect(str(copy), read_only=True)  # any other reader of the old file in this process
    # A load's swap: a new file (one ledger row fewer, as after an unload) renamed over the live one.
    replacement = tmp_path / "next.duckdb"
    shutil.copyfile(demo_db, replacement)
    con = duckdb.connect(str(replacement))
    con.execute("DELETE FROM load_ledger WHERE load_id = (SELECT max(load_id) FROM load_ledger)")
    con.execute("DELETE FROM meta WHERE key = $k", {"k": audit.META_KEY})
    con.execute("INSERT INTO meta VALUES ($k, $v)", {"k": audit.META_KEY, "v": audit.AuditHead(7, "ab" * 32).to_text()})
    stored.refresh(con)  # as a write session does last
    con.close()
    replacement.replace(copy)
    assert int(everyone.run("warehouse_meta").loads[0]) == before - 1  # reopened while one_region holds the old file
    assert int(one_region.run("warehouse_meta").loads[0]) == before - 1
    # Other readers in the same process too: the audit check reads the new file's anchor.
    assert audit.warehouse_anchor(copy) == audit.AuditHead(7, "ab" * 32)
    with duckdb.connect(str(copy), read_only=True) as plain:  # why: a plain connect is handed the old file
        assert plain.execute("SELECT count(*) FROM load_ledger").fetchone()[0] == before
    held.close()
    everyone.close()
    one_region.close()


def test_scopes_share_one_instance_and_a_query_in_flight_outlives_a_swap(demo_db, tmp_path):
    """Every scope's runner reads through one DuckDB instance per file version
    (one buffer pool, not one per scope); a load's swap retires it only once
    no cursor of it is in use (closing a connection closes its cursors)."""
    import gc
    import shutil

    from bansos.queries import READERS

    copy = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, copy)
    before = READERS.count()
    everyone, one_region = QueryRunner(copy), QueryRunner(copy, scope=("35.10",))
    everyone.run("warehouse_meta")
    one_region.run("warehouse_meta")
    assert READERS.count() == before + 1
    old = READERS._current[copy.absolute()]
    with READERS.cursor(copy.absolute(), old.version, -1) as in_flight:  # a page's query about to run
        replacement = tmp_path / "next.duckdb"
        shutil.copyfile(demo_db, replacement)
        replacement.replace(copy)
        assert everyone.run("warehouse_meta").loads[0] > 0  # opens the new file, retires the old one
        assert READERS._current[copy.absolute()] is not old and old.retired
        assert in_flight.execute("SELECT count(*) FROM load_ledger").fetchone()[0] > 0  # still answers
    with pytest.raises(duckdb.ConnectionException):
        old.con.execute("SELECT 1")  # closed once its last cursor came back
    one_region.close()
    assert READERS.count() == before + 1  # `everyone` still reads it
    everyone.close()
    assert READERS.count() == before
    dropped = QueryRunner(copy)
    dropped.run("warehouse_meta")
    assert READERS.count() == before + 1
    del dropped
    gc.collect()
    assert READERS.count() == before  # a runner dropped without close() lets go too


def test_a_runner_collected_while_its_thread_holds_the_readers_lock_does_not_hang_it(demo_db, tmp_path):
    """A dropped runner's finalizer runs wherever the garbage collector
    starts: here inside the readers' lock, as it can inside a page's
    `cursor` call. Releasing there took the lock again, and the thread (in
    the app: a page's query) waited on itself for ever."""
    import gc
    import shutil
    import threading

    from bansos.queries import READERS

    copy = tmp_path / "live.duckdb"
    shutil.copyfile(demo_db, copy)
    before = READERS.count()
    gc.disable()  # only the collection below may free the runner
    try:
        dropped = QueryRunner(copy)
        dropped.run("warehouse_meta")
        dropped.itself = dropped  # a cycle: freed by the cycle collector, not when the name goes
        del dropped
        assert READERS.count() == before + 1
        finished = threading.Event()

        def collect_inside_the_lock():
            with READERS._lock:
                gc.collect()
            finished.set()

        threading.Thread(target=collect_inside_the_lock, daemon=True).start()
        if not finished.wait(20):
            READERS._lock.release()  # unstick the thread so the suite goes on, then fail
            pytest.fail("the runner's finalizer waited for the lock its own thread held")
    finally:
        gc.enable()
    assert READERS.count() == before  # let go of at the next call


# -- callers pass exactly the parameters their query takes -------------------------


def _params_of(value: ast.expr) -> set[str] | None:
    """The parameter names a `(name, params)` call for q_many/run_many gives:
    `f.params("a", ...)`, `dict(a=...)` or `{"a": ...}`; None when not
    statically known."""
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "params"
            and all(isinstance(a, ast.Constant) for a in value.args)):
        return {a.value for a in value.args}
    if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "dict" and not value.args:
        names = {k.arg for k in value.keywords}
        return None if None in names else names  # type: ignore[return-value]
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) for k in value.keys):
        return {k.value for k in value.keys}  # type: ignore[union-attr]
    return None


def _calls(path: Path):
    """(query name, keyword names or None when not statically known) for each
    q()/safe_query()/run() call with a literal query name, and each
    `("name", params)` pair as q_many()/safe_many()/run_many() take them
    (or `("name", params, "right")`, a call under another right)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if (isinstance(node, ast.Tuple) and len(node.elts) in (2, 3) and isinstance(node.elts[0], ast.Constant)
                and isinstance(node.elts[0].value, str)
                and (len(node.elts) == 2 or isinstance(node.elts[2], ast.Constant))):
            yield node.elts[0].value, _params_of(node.elts[1]), node.lineno
            continue
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in ("q", "safe_query", "run") or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            continue
        keywords: set[str] | None = set()
        for keyword in node.keywords:
            if keyword.arg in ("right", "show") and name in ("q", "safe_query"):
                continue  # the page helper's own: the right whose scope it uses, where its message goes
            if keyword.arg is not None:
                keywords.add(keyword.arg)
                continue
            value = keyword.value
            if (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "params"
                and all(isinstance(a, ast.Constant) for a in value.args)
            ):
                keywords |= {a.value for a in value.args}
            else:
                keywords = None
                break
        yield node.args[0].value, keywords, node.lineno


CALLER_FILES = sorted([*(REPO / "app_pages").rglob("*.py"), *(REPO / "bansos").rglob("*.py"), REPO / "dashboard.py"])


def test_callers_pass_the_parameters_of_their_query():
    checked = 0
    names = set(query_names())
    for path in CALLER_FILES:
        for query, keywords, line in _calls(path):
            if query not in names:
                continue
            checked += 1
            if keywords is None:
                continue
            expected = set(load_query(query).caller_parameters)
            assert keywords == expected, f"{path.name}:{line} calls {query} with {sorted(keywords)}, query takes {sorted(expected)}"
    assert checked >= 5


def test_every_query_file_is_used_somewhere():
    text = "\n".join(p.read_text() for p in CALLER_FILES)
    unused = [n for n in query_names() if f'"{n}"' not in text]
    assert not unused, f"query files nobody runs: {unused}"


def test_runner_parameters_are_not_caller_parameters():
    assert set(queries.RUNNER_PARAMS) == {"scope", "min_families", "timely_days", "target_2026", "target_next"}
