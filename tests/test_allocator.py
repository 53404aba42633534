"""The app server's allocator settings (bansos/allocator.py), checked in a
process of their own: they are process-wide and applied once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import pyarrow
before = pyarrow.default_memory_pool().backend_name
import bansos.ui  # applies the settings, as the app's entry does
from bansos import allocator
table = pyarrow.array(list(range(100_000)))  # allocated after the switch
print(before, pyarrow.default_memory_pool().backend_name, allocator.tune(), table.sum().as_py())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mallopt is glibc's (Linux)")
def test_importing_the_ui_puts_arrow_on_glibc_once():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    before, after, tuned, total = out.stdout.split()
    # pyarrow's own default is mimalloc or jemalloc, never "system": otherwise this test would prove nothing.
    assert before != "system"
    assert after == "system"
    assert tuned == "True"
    assert int(total) == sum(range(100_000))


def test_the_library_alone_leaves_arrow_alone():
    # Commands (ingest, rebuild, export) do not import the UI: their allocator is untouched.
    probe = "import pyarrow, bansos.ingest, bansos.queries; print(pyarrow.default_memory_pool().backend_name)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() != "system"


TRIM_PROBE = """
import os
import bansos.ui  # applies the settings, as the app's entry does
from bansos import allocator

def resident_mb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20

blocks = [bytes(1000) for _ in range(200_000)]  # 200 MB from glibc's heap (each block far below the mmap threshold)
pinned = bytes(1000)  # allocated last: the heap's top stays in use, so free() alone cannot shrink it
del blocks
before = resident_mb()
trimmed = allocator.trim()
print(before, resident_mb(), trimmed)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's (Linux)")
def test_trim_gives_freed_heap_memory_back_in_the_app_server():
    # What a replaced warehouse version leaves behind (bansos/queries.py closes
    # its instance, then trims): freed, yet resident until trimmed.
    out = subprocess.run([sys.executable, "-c", TRIM_PROBE], cwd=REPO, capture_output=True, text=True, timeout=120,
                         check=True)
    before, after, trimmed = out.stdout.split()
    assert trimmed == "True"
    assert int(before) - int(after) >= 100, out.stdout


def test_trim_does_nothing_where_the_settings_were_not_applied():
    probe = "from bansos import allocator, queries; print(allocator.trim())"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"
