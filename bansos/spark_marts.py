"""The marts on Apache Spark: the same mart SQL, transpiled by SQLGlot
(docs/national-scale.md).

`python -m bansos rebuild --engine spark` runs queries/marts/*.sql on Spark
instead of DuckDB and puts the marts in the warehouse. There is no second
implementation: each statement of each mart file is parsed as DuckDB SQL
and written out as Spark SQL by SQLGlot. Plain Spark has no catalog for
`CREATE OR REPLACE TABLE`, so each `CREATE … AS SELECT` becomes a temporary
view of its SELECT; when the statement made a table, the view's rows are
computed once and kept (a local checkpoint), as DuckDB keeps a table.

The facts reach Spark in the lake format (bansos/lake.py): written from the
warehouse into the load's private temporary folder (mode 0700, removed
after), or an exported lake (`--lake DIR`) that a cluster's executors can
read. The reference tables go from the warehouse to Spark directly (they
are small). The marts come back to the driver (they are aggregates) and are
written into the warehouse by the same copy-and-swap every load uses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import duckdb

from bansos import lake, marts, settings
from bansos.reference import REFERENCE_TABLES
from bansos.warehouse import temp_root

DEFAULT_MASTER = "local[*]"
JAVA_VERSIONS = (17, 21)  # what Spark 4 runs on
FACT_VIEWS = {t.view: t for t in lake.FACT_TABLES}
TEMP_PREFIX = "bansos-spark-"

# Every function the mart SQL may call, as SQLGlot writes it for Spark. A
# function not listed here has not been checked on Spark: the portability
# test fails until it is (tests/test_spark_marts.py checks each one exists
# in Spark's function registry).
SPARK_FUNCTIONS = frozenset({
    "BOOL_OR", "COALESCE", "COUNT", "LPAD", "MAKE_DATE", "MAX", "MIN", "ROW_NUMBER", "SUM",
})


class SparkUnavailable(Exception):
    """Spark cannot run here (no Java, wrong Java, no pyspark); the message says what to install."""


class NotPortable(Exception):
    """A mart statement that SQLGlot cannot carry to Spark unchanged in meaning."""


# -- the SQL -----------------------------------------------------------------------


@dataclass(frozen=True)
class SparkStatement:
    file: str
    name: str  # the table or view it makes
    materialise: bool  # a table (computed once, checkpointed) rather than a view
    sql: str  # the SELECT, in Spark SQL
    parameters: tuple[str, ...]  # named parameters it uses (bound, never pasted)


def _sqlglot():
    try:
        import sqlglot
        from sqlglot import exp
        from sqlglot.errors import ErrorLevel
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise SparkUnavailable(
            "The Spark engine needs SQLGlot and pyspark: pip install -r requirements-spark.txt"
        ) from error
    return sqlglot, exp, ErrorLevel


def translate(statement: str, file: str = "") -> SparkStatement:
    """One mart statement (DuckDB SQL) as the Spark SELECT that makes the
    same table or view. Raises NotPortable for anything else."""
    sqlglot, exp, ErrorLevel = _sqlglot()
    where = f"{file}: " if file else ""
    try:
        tree = sqlglot.parse_one(statement, read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise NotPortable(f"{where}SQLGlot cannot parse this statement: {error}") from error
    kind = tree.args.get("kind") if isinstance(tree, exp.Create) else None
    if kind not in ("TABLE", "VIEW") or not isinstance(tree.expression, exp.Query):
        what = f"CREATE {kind}" if kind else type(tree).__name__
        raise NotPortable(f"{where}{what} is not portable: a mart file may only CREATE a TABLE or VIEW AS SELECT "
                          f"({statement[:80]!r})")
    for join in tree.find_all(exp.Join):
        on = join.args.get("on")
        if on is not None and on.find(exp.Subquery, exp.Exists):
            raise NotPortable(f"{where}a subquery in a JOIN condition does not run on Spark: use a grouped join or a window")
    body = tree.expression
    try:
        sql = body.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
    except sqlglot.errors.UnsupportedError as error:
        raise NotPortable(f"{where}SQLGlot cannot write this for Spark: {error}") from error
    called = set()
    for node in sqlglot.parse_one(sql, read="spark").find_all(exp.Func):
        if isinstance(node, exp.If) and isinstance(node.parent, exp.Case):
            continue  # a WHEN branch, not a call
        found = _CALL.match(node.sql(dialect="spark"))
        if found and found.group(1) not in _SYNTAX:
            called.add(found.group(1))
    unknown = sorted(called - SPARK_FUNCTIONS)
    if unknown:
        raise NotPortable(f"{where}function(s) {', '.join(unknown)} not checked on Spark (see SPARK_FUNCTIONS)")
    parameters = tuple(sorted({p.name for p in body.find_all(exp.Placeholder) if p.name}))
    return SparkStatement(file, tree.this.name, kind == "TABLE", sql, parameters)


# A node printed as a call `NAME(`; CAST and EXISTS are syntax, not functions.
_CALL = re.compile(r"^([A-Z_][A-Z0-9_]*)\(")
_SYNTAX = frozenset({"CAST", "TRY_CAST", "EXISTS"})


def spark_statements() -> list[SparkStatement]:
    """Every statement of queries/marts/*.sql, in the order they run."""
    return [translate(statement, path.name) for path in marts.mart_files() for statement in marts._statements(path.read_text())]


def inputs(statements: list[SparkStatement] | None = None) -> set[str]:
    """The tables the mart SQL reads that it does not make itself."""
    sqlglot, exp, _ = _sqlglot()
    statements = statements if statements is not None else spark_statements()
    made: set[str] = set()
    read: set[str] = set()
    for statement in statements:
        tree = sqlglot.parse_one(statement.sql, read="spark")
        ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
        read |= {t.name for t in tree.find_all(exp.Table) if t.name not in made and t.name not in ctes and t.name}
        made.add(statement.name)
    return read


# -- Java and the session ------------------------------------------------------------


def java_problem() -> str | None:
    """None when a Java that Spark 4 runs on is here; else what to install."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home and (Path(home) / "bin" / "java").exists() else shutil.which("java")
    install = ("Install Java 17 (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; `make test` does this) "
               "or set JAVA_HOME to a Java 17 or 21.")
    if not java:
        return f"The Spark engine needs Java, and none was found (no JAVA_HOME, no `java` on PATH). {install}"
    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"The Spark engine needs Java; {java} could not be run ({error}). {install}"
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    major = int(found.group(1)) if found else 0
    if found and major == 1 and found.group(2):  # "1.8.0" is Java 8
        major = int(found.group(2))
    if major not in JAVA_VERSIONS:
        return f"The Spark engine needs Java 17 or 21; {java} is Java {major or 'of an unknown version'}. {install}"
    return None


@dataclass
class SparkEngine:
    """A Spark session for the marts, with the JVM's output and every
    temporary file in a private folder (mode 0700) removed at the end.
    Use as a context manager."""

    master: str = DEFAULT_MASTER
    folder: Path | None = None
    # pyspark's session and py4j's gateway: imported lazily (the engine is optional), so typed loosely.
    session: Any = None
    _gateway: Any = field(default=None, repr=False)
    _log: IO[bytes] | None = field(default=None, repr=False)

    def __enter__(self) -> SparkEngine:
        problem = java_problem()
        if problem:
            raise SparkUnavailable(problem)
        # pyspark 4.3 warns that it does not fully support pandas 3; the marts
        # go to and from Spark as Arrow tables, never through pandas.
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        try:
            from pyspark import SparkConf, SparkContext
            from pyspark.java_gateway import launch_gateway
            from pyspark.sql import SparkSession
        except ImportError as error:
            raise SparkUnavailable("The Spark engine needs pyspark 4: pip install -r requirements-spark.txt") from error
        _sqlglot()
        root = temp_root()
        root.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=root))  # mode 0700
        java_tmp = self.folder / "java-tmp"
        java_tmp.mkdir()
        conf = (
            SparkConf()
            .setMaster(self.master)
            .setAppName("bansos-marts")
            .set("spark.ui.enabled", "false")  # no web server on a port
            .set("spark.sql.warehouse.dir", str(self.folder / "warehouse"))
            .set("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={java_tmp} -XX:-UsePerfData")
            .set("spark.sql.session.timeZone", "UTC")
            .set("spark.sql.ansi.enabled", "true")
        )
        if self.master.startswith("local"):
            # Shuffle and spill files stay in the private folder (a cluster's
            # executors use their own local folders); few, large partitions
            # suit one machine (a cluster keeps its own setting).
            conf.set("spark.local.dir", str(self.folder / "local"))
            conf.set("spark.sql.shuffle.partitions", str(max(4, 2 * _local_cores(self.master))))
        # The JVM writes its banner and log lines to a file, not over this command's output.
        self._log = open(self.folder / "spark.log", "ab")
        try:
            if SparkContext._gateway is None:
                self._gateway = launch_gateway(conf, {"stdout": self._log, "stderr": self._log})
                SparkContext._gateway = self._gateway
                SparkContext._jvm = self._gateway.jvm
            context = SparkContext(conf=conf)
            context.setLogLevel("ERROR")
            self.session = SparkSession(context)
        except Exception as error:
            # Described while the JVM still runs: a Java error's text is fetched from it.
            message = f"Spark did not start: {_first_line(error)}. {self.log_tail()}".strip()
            self.__exit__(None, None, None)
            raise SparkUnavailable(message) from error
        return self

    def log_tail(self, lines: int = 5) -> str:
        """The last lines of Spark's log that say something (Java stack
        frames left out), for a message when Spark fails."""
        path = self.folder / "spark.log" if self.folder else None
        if not path or not path.exists():
            return ""
        said = [line for line in path.read_text(errors="replace").splitlines()
                if line.strip() and not re.match(r"\s+(at |\.\.\. \d+ more)", line)][-lines:]
        return "Spark's log ends with:\n" + "\n".join(said) if said else ""

    def __exit__(self, *exc) -> None:
        from pyspark import SparkContext

        if self.session is not None:
            self.session.stop()
            self.session = None
        if self._gateway is not None:
            # The JVM ends when its standard input closes (pyspark's own
            # convention); waited for, so its files can be removed.
            process = getattr(self._gateway, "proc", None)
            try:
                self._gateway.shutdown()
            except Exception:
                pass
            if process is not None:
                process.stdin.close()
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            SparkContext._gateway = None
            SparkContext._jvm = None
            self._gateway = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def spark_failure(error: BaseException, engine: SparkEngine) -> str | None:
    """A plain message for an error of a Spark rebuild (with the end of
    Spark's log), or None when the error is not Spark's or the lake's."""
    if isinstance(error, (lake.LakeError, NotPortable)):
        return str(error)
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    if isinstance(error, (Py4JError, PySparkException)):
        tail = engine.log_tail()
        return _first_line(error) + (f"\n{tail}" if tail else "")
    return None


def _local_cores(master: str) -> int:
    found = re.match(r"local\[(\d+)", master)
    return int(found.group(1)) if found else (os.cpu_count() or 2)


def _first_line(error: BaseException) -> str:
    """One line saying what went wrong; for a Java error, the Java
    exception itself ("SparkException: Could not parse Master URL …"), not
    py4j's "An error occurred while calling …"."""
    try:
        java = getattr(error, "java_exception", None)
        text = (java.toString() if java is not None else str(error)).strip()
    except Exception:  # the JVM is gone: its text cannot be fetched
        text = ""
    return text.splitlines()[0] if text else type(error).__name__


# -- running the marts ------------------------------------------------------------------


def run_marts(spark, facts_folder: Path, reference: dict, params: dict, timings: dict | None = None) -> dict:
    """Run every mart statement on `spark` over the lake in `facts_folder`
    (its fact tables) and `reference` (name → pyarrow.Table). Returns
    mart name → pyarrow.Table. `timings`, when given, receives seconds per
    statement (and `collect` for bringing the marts to the driver)."""
    statements = spark_statements()
    needed = inputs(statements)
    unknown = needed - set(FACT_VIEWS) - set(REFERENCE_TABLES)
    if unknown:
        raise NotPortable(f"the mart SQL reads {sorted(unknown)}, which are neither facts nor reference tables")
    document = lake.read_schema(facts_folder, verify=False)
    for view, table in FACT_VIEWS.items():
        spec = document["tables"][table.name]
        frame = spark.read.schema(lake.spark_ddl(spec["columns"])).option("basePath", str(facts_folder / table.name)) \
            .parquet(str(facts_folder / table.name))
        frame.select(*table.fact_columns()).createOrReplaceTempView(view)
    for name in needed & set(REFERENCE_TABLES):
        spark.createDataFrame(reference[name]).createOrReplaceTempView(name)
    results = {}
    try:
        for statement in statements:
            started = time.perf_counter()
            args = {name: params[name] for name in statement.parameters}
            frame = spark.sql(statement.sql, args=args or None)
            if statement.materialise:
                # Computed once, here, and cut from its lineage: later plans
                # read it as a leaf. (`persist()` was not enough: Spark's cache
                # did not recognise plans holding a WITH clause, so every
                # later statement recomputed the whole chain, 100× slower.)
                frame = frame.localCheckpoint(eager=True)
            frame.createOrReplaceTempView(statement.name)
            if statement.name.startswith("mart_"):
                results[statement.name] = frame
            if timings is not None:
                timings[f"{statement.file} {statement.name}"] = time.perf_counter() - started
        started = time.perf_counter()
        collected = {name: frame.toArrow() for name, frame in results.items()}
        if timings is not None:
            timings["collect"] = time.perf_counter() - started
        return collected
    finally:
        # Dropped views release the checkpointed data for Spark's cleaner.
        for statement in statements:
            spark.catalog.dropTempView(statement.name)


def rebuild(con: duckdb.DuckDBPyConnection, schema: str, engine: SparkEngine, scratch: Path,
            lake_folder: Path | None = None) -> dict:
    """Build the marts of the warehouse attached as `schema` on Spark and
    write them into it, replacing what is there. Inside a write session:
    `scratch` is the session's private folder. With `lake_folder`, the facts
    are read from that exported lake, which must hold exactly the
    warehouse's current facts. Returns mart name → rows."""
    params = {"timely_days": settings.get_int("timely_days")}
    if lake_folder is None:
        lake_folder = Path(scratch) / "lake"
        lake.write(con, schema, lake_folder)
    else:
        document = lake.read_schema(lake_folder)
        _check_lake_matches(con, schema, document, lake_folder)
    reference = {name: con.sql(f"SELECT * FROM {schema}.{name}").to_arrow_table()
                 for name in inputs() & set(REFERENCE_TABLES)}
    results = run_marts(engine.session, Path(lake_folder), reference, params)
    _write_back(con, schema, results)
    con.execute(f"INSERT OR REPLACE INTO {schema}.meta VALUES ('marts_engine', $engine)",
                {"engine": f"spark ({engine.master})"})
    return {name: table.num_rows for name, table in results.items()}


def rebuild_warehouse(db: Path, engine: SparkEngine, lake_folder: Path | None = None) -> dict:
    """`python -m bansos rebuild --engine spark`: reload the reference
    tables and build the marts on Spark, through the write session (load
    lock, copy, verify, atomic swap) like every load. Returns mart → rows."""
    from bansos.reference import load_reference
    from bansos.warehouse import WAREHOUSE, write_session

    with write_session(db, what="a rebuild on Spark") as session:
        load_reference(session.con, schema=WAREHOUSE)
        rows = rebuild(session.con, WAREHOUSE, engine, session.scratch, lake_folder)
        for table in marts.built_tables(session.con, WAREHOUSE):
            session.expect(f"SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM {WAREHOUSE}.{table}")
    return rows


def _check_lake_matches(con, schema: str, document: dict, folder: Path) -> None:
    here = lake.facts_version(con, schema)
    fingerprint = con.execute(f"SELECT value FROM {schema}.meta WHERE key = 'key_fingerprint'").fetchall()
    if document["facts_version"] != here or document["key"]["fingerprint"] != (fingerprint[0][0] if fingerprint else None):
        raise lake.LakeError(
            f"the lake {folder} does not hold this warehouse's current facts (lake: {document['facts_version']}; "
            f"warehouse: {here}); export it again with `python -m bansos export lake`"
        )


def _write_back(con: duckdb.DuckDBPyConnection, schema: str, results: dict) -> None:
    """Replace the warehouse's marts with Spark's. The column types are
    DuckDB's own: the mart SQL is first run on DuckDB over no rows (temporary
    views named like the fact views hide the real ones), which makes every
    mart, empty, exactly as a DuckDB rebuild types it; Spark's rows are then
    inserted by column name."""
    for view in FACT_VIEWS:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {schema}.main.{view} LIMIT 0")
    try:
        marts.rebuild(con, schema)
    finally:
        for view in FACT_VIEWS:
            con.execute(f"DROP VIEW IF EXISTS temp.main.{view}")
    for name in marts.mart_names():
        table = results[name]
        expected = [row[0] for row in con.execute(f"DESCRIBE {schema}.{name}").fetchall()]
        if table.column_names != expected:
            raise NotPortable(f"{name}: Spark made columns {table.column_names}, DuckDB {expected}")
        # A pseudonym travels through the lake as lower-case hex text (lake.HEX_KEY_SQL);
        # the warehouse keeps it as the 128-bit number, so it is read back from hex.
        types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                                 "WHERE database_name = ? AND table_name = ?", [schema, name]).fetchall())
        columns = ", ".join(
            f"('0x' || {column})::UHUGEINT AS {column}" if types.get(column) == "UHUGEINT"
            and str(table.schema.field(column).type) == "string" else column
            for column in expected)
        con.register("spark_mart", table)
        try:
            con.execute(f"DELETE FROM {schema}.{name}")
            con.execute(f"INSERT INTO {schema}.{name} BY NAME SELECT {columns} FROM spark_mart")
        finally:
            con.unregister("spark_mart")
