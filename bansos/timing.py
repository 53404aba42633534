"""Opt-in timing of page runs, for the benchmark (benchmarks/README.md).

With `BANSOS_TIMING_LOG=/path/to/runs.jsonl` set, every timed run appends one
JSON line: `{"t": <epoch s>, "scope": ..., "page": <url path>, "session":
<session id>, "ms": <duration>, "status": "ok" | <exception name>}`. Unset
(the default), nothing is timed and nothing is written: the app pays one
`os.environ` lookup per run.

dashboard.py times its page body with two changed lines:

    from bansos import timing, ui        # was: from bansos import ui
    timing.run(navigation)               # was: navigation.run()

The benchmark (benchmarks/bench.py) times whole script runs, shared filters
included, from outside the app with `record()` (scope "script").
"""

from __future__ import annotations

import json
import os
import threading
import time

ENV = "BANSOS_TIMING_LOG"
_lock = threading.Lock()


def log_path() -> str | None:
    return os.environ.get(ENV) or None


def record(**fields) -> None:
    """Append one run to the log (no-op when the log is not configured)."""
    path = log_path()
    if not path:
        return
    line = json.dumps({"t": round(time.time(), 3), **fields}, default=str) + "\n"
    with _lock:
        # One write of one line in append mode: lines from several threads or
        # processes do not interleave.
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)


def _session_id() -> str | None:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
    except Exception:  # outside Streamlit (tests, bare mode)
        return None
    return ctx.session_id if ctx is not None else None


def run(navigation) -> None:
    """`navigation.run()`, timed when BANSOS_TIMING_LOG is set."""
    if not log_path():
        navigation.run()
        return
    started = time.perf_counter()
    status = "ok"
    try:
        navigation.run()
    except BaseException as error:  # st.rerun() and st.stop() end a run by raising
        status = type(error).__name__
        raise
    finally:
        elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
        record(scope="page", page=getattr(navigation, "url_path", None), session=_session_id(), ms=elapsed_ms, status=status)
