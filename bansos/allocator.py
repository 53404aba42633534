"""The C allocator settings of the app server's process (glibc only).

The server answers many readers at once from threads, and every load brings
a new warehouse file, read through a new DuckDB instance with its own worker
threads and buffers. glibc's defaults let that memory spread over up to
8 arenas per core and, after the first large blocks are freed, raise the
size below which blocks come from those arenas instead of their own
mappings; freed blocks then stay in the process as holes that later
allocations of another size do not fill. Two arenas, and large blocks
always mapped on their own (so that freeing one gives it back to the system),
are the usual remedy for long-running threaded servers; the soak benchmark
(benchmarks/soak.py, README "Soak") measures what it does here.

Arrow (Streamlit sends every table to the browser as Arrow) has an allocator
of its own, mimalloc, with heaps per thread; Streamlit runs each page run on
a new thread. Run by run, that memory crept up (about 1 MB per data version
with every page run under AppTest, 20 versions: mimalloc 374 -> 395 MB and
still climbing, glibc 360 -> 375 MB and level after the seventh). Arrow is
therefore told to allocate from glibc too, where the settings above apply.

glibc keeps what is freed for later allocations, and gives back to the
system only the free end of a heap: what a replaced version's DuckDB
instance freed stays resident while anything allocated after it lives on
(tests/test_allocator.py: 200 MB freed, still resident until trimmed).
`trim` releases it; the query layer calls it after closing each replaced
version's instance.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

# mallopt parameters, from glibc's <malloc.h>
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 128 * 1024  # glibc's starting value; fixing it stops the dynamic raise
_TUNED = False  # whether tune() applied the settings in this process


@cache
def tune() -> bool:
    """Apply the settings once per process; True when glibc took them."""
    global _TUNED
    tuned = _mallopt(M_ARENA_MAX, ARENAS) and _mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    if tuned:
        _arrow_on_glibc()
    _TUNED = tuned
    return tuned


def trim() -> bool:
    """Give the free memory at the end of glibc's heaps, and the free pages
    inside them, back to the system (malloc_trim). Run after a replaced
    warehouse version's DuckDB instance is closed: its buffers were freed,
    but glibc keeps freed heap memory for reuse, and the next version's
    instance allocates in other sizes and places, so the process's resident
    size would keep the old version's share. True when glibc released some."""
    libc = _libc()
    if libc is None or not _TUNED:  # only where the settings above apply: the app server
        return False
    return bool(libc.malloc_trim(ctypes.c_size_t(0)))


def _arrow_on_glibc() -> None:
    """Arrow's default pool becomes the system allocator (glibc). Buffers
    already made keep the pool they came from, so switching late is safe."""
    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


@cache
def _libc() -> ctypes.CDLL | None:
    """glibc, or None (another system, or a C library without mallopt and malloc_trim, like musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 (both must exist)
    except (OSError, AttributeError):
        return None
    return libc


def _mallopt(parameter: int, value: int) -> bool:
    libc = _libc()
    return libc is not None and bool(libc.mallopt(ctypes.c_int(parameter), ctypes.c_int(value)) == 1)
