"""Marts: small aggregate tables the pages read (DESIGN §4).

Rebuilt from the facts by every load and by `python -m bansos rebuild`, by
running queries/marts/*.sql in name order. Plain SQL, so that the same
statements can later run on another engine.
"""

from __future__ import annotations

import duckdb

from bansos import settings

MARTS_DIR = settings.QUERIES_DIR / "marts"
MART_TABLES = (
    "mart_snapshot",
    "mart_targeting",
    "mart_targeting_kecamatan",
    "mart_decile",
    "mart_allocation",
    "mart_funnel",
    "mart_funnel_recipients",
    "mart_register_decile",
)


def _statements(sql: str) -> list[str]:
    # Mart files keep `--` and `;` out of string literals, so dropping
    # comment text and splitting on `;` is safe.
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [s.strip() for s in code.split(";") if s.strip()]


def rebuild(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    params = {"timely_days": settings.get_int("timely_days")}
    con.execute(f"USE {schema}")
    try:
        for path in sorted(MARTS_DIR.glob("*.sql")):
            for statement in _statements(path.read_text()):
                used = {k: v for k, v in params.items() if f"${k}" in statement}
                con.execute(statement, used)
        for table in ("t_as_of", "t_slice", "t_reg", "t_fam", "t_periods", "t_bases", "t_eligible",
                      "t_covered", "t_recipient", "t_recipient_area", "t_area", "t_reg_detail"):
            con.execute(f"DROP TABLE IF EXISTS temp.main.{table}")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('marts_built_at', CAST(now() AS VARCHAR))")
    finally:
        con.execute("USE memory")
