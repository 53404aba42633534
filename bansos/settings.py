"""Settings: every tunable in one place, each read from an environment variable
with a documented default. README's "Settings" table lists them all, and a
test fails when one is missing there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
QUERIES_DIR = REPO_ROOT / "queries"
DEMO_DB = DATA_DIR / "demo.duckdb"
REAL_DB = DATA_DIR / "warehouse.duckdb"


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    description: str


SETTINGS = {
    "db": Setting("BANSOS_DB", str(REAL_DB), "Warehouse file used by ingest, rebuild, export and the app."),
    "key": Setting("BANSOS_KEY", "", "Pseudonymisation key (secret text). When unset, the key file is used."),
    "key_file": Setting(
        "BANSOS_KEY_FILE",
        str(Path("~/.config/bansos/key").expanduser()),
        "Key file, created on first use with mode 0600. Keep it away from the warehouse and out of git.",
    ),
    "memory_limit": Setting("BANSOS_MEMORY_LIMIT", "8GB", "DuckDB memory_limit for ingestion and rebuild (raw rows are staged in memory)."),
    "temp_dir": Setting(
        "BANSOS_TEMP_DIR", "",
        "Where loads make their private temporary folder (mode 0700; spill files and transcoded CSV hold raw ids). "
        "Empty: the system's temporary folder. Keep it outside data/.",
    ),
    "max_quarantine_share": Setting(
        "BANSOS_MAX_QUARANTINE_SHARE", "0.5",
        "A file of 100 rows or more with a larger share of rows breaking a rule is rejected whole (nothing kept).",
    ),
    "xlsx_max_bytes": Setting(
        "BANSOS_XLSX_MAX_BYTES", str(1024 * 1024 * 1024),
        "Largest size an XLSX workbook may unpack to (counted while unpacking); larger ones are rejected.",
    ),
    "xlsx_max_cells": Setting(
        "BANSOS_XLSX_MAX_CELLS", "50000000",
        "Largest sheet area (rows x columns from A1 to the furthest cell used) that is read; larger ones are rejected.",
    ),
    "retention_days": Setting(
        "BANSOS_RETENTION_DAYS", "90",
        "`python -m bansos purge` deletes quarantined row samples and rejected-file records older than this.",
    ),
    "upload_max_mb": Setting(
        "BANSOS_UPLOAD_MAX_MB", "500",
        "Largest file (MB) the Unggah Data page accepts. Streamlit holds an upload in the app server's memory until it "
        "is written to the load's private folder, so this bounds the app's memory; larger extracts go through "
        "`python -m bansos ingest`. Keep Streamlit's server.maxUploadSize (.streamlit/config.toml) equal to it.",
    ),
    "app_memory_limit": Setting("BANSOS_APP_MEMORY_LIMIT", "1GB", "DuckDB memory_limit of the app's read-only connection."),
    "threads": Setting("BANSOS_THREADS", "2", "DuckDB threads."),
    "timely_days": Setting("BANSOS_TIMELY_DAYS", "30", "A payment is timely when made within this many days of the tranche start."),
    "target_2026": Setting("BANSOS_TARGET_2026", "0.10", "Error target for 2026 (exclusion and inclusion error below it)."),
    "target_next": Setting("BANSOS_TARGET_NEXT", "0.05", "The following, stricter error target."),
    "min_families": Setting("BANSOS_MIN_FAMILIES", "30", "A rate on fewer families than this is flagged and left out of rankings."),
    "export_max_rows": Setting("BANSOS_EXPORT_MAX_ROWS", "1000000", "Largest export; a larger one is refused, never cut."),
    "access": Setting(
        "BANSOS_ACCESS",
        str(DATA_DIR / "access.toml"),
        "Access file: who may see which regions with which role (used when a login provider is configured).",
    ),
    "audit_key": Setting("BANSOS_AUDIT_KEY", "", "Audit-log key (secret text) for the log's keyed hash chain. When unset, the audit key file is used."),
    "audit_key_file": Setting(
        "BANSOS_AUDIT_KEY_FILE",
        str(Path("~/.config/bansos/audit-key").expanduser()),
        "Audit-log key file, created on first use with mode 0600; refused when it sits in the warehouse's folder.",
    ),
    "suppress_k": Setting("BANSOS_SUPPRESS_K", "10", "Public view: counts from 1 to k-1 are shown as '< k'; rates and amounts on fewer than k are hidden."),
    "geo_dir": Setting(
        "BANSOS_GEO_DIR",
        str(DATA_DIR / "geo"),
        "Folder with kabkota.geojson (and kecamatan.geojson) for choropleth maps; without it maps show points.",
    ),
    "log_format": Setting("BANSOS_LOG_FORMAT", "text", "Log lines on stderr: text, or json (one object per line, for a log collector)."),
    "log_level": Setting("BANSOS_LOG_LEVEL", "INFO", "Least severe log level written: DEBUG, INFO, WARNING or ERROR."),
}


def get(name: str) -> str:
    setting = SETTINGS[name]
    return os.environ.get(setting.env) or setting.default


def get_int(name: str) -> int:
    return int(get(name))


def get_float(name: str) -> float:
    return float(get(name))


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    return Path(explicit) if explicit else Path(get("db"))
