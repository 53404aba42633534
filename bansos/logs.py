"""The project's log: standard `logging` under the "bansos" logger, on
stderr, as text or as one JSON object per line (BANSOS_LOG_FORMAT=json) for
a log collector. Level: BANSOS_LOG_LEVEL.

Every message passes keys.mask_text on its way out, so a NIK or KK number
that reaches a log message (a file name, a database error quoting a value)
is masked like everywhere else. Streamlit's own logger is left as Streamlit
configures it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from bansos import settings
from bansos.keys import mask_text

LOGGER = "bansos"
_HANDLER = "bansos-stderr"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_text(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure() -> logging.Logger:
    """Set up the "bansos" logger once per process (again only when the
    settings changed). Raises ValueError naming the setting when a value is
    not understood."""
    fmt = settings.get("log_format").strip().lower()
    level = settings.get("log_level").strip().upper()
    if fmt not in ("text", "json"):
        raise ValueError(f"BANSOS_LOG_FORMAT must be text or json, not {fmt!r}")
    if level not in LEVELS:
        raise ValueError(f"BANSOS_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {level!r}")
    logger = logging.getLogger(LOGGER)
    wanted = (fmt, level)
    for handler in logger.handlers:
        if handler.get_name() == _HANDLER:
            if getattr(handler, "bansos_settings", None) == wanted:
                return logger
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.bansos_settings = wanted  # type: ignore[attr-defined]  # what this handler was made for
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False  # one line per message, not a second one from the root logger
    return logger
