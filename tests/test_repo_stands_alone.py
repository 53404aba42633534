"""The repository explains itself: no tracked file points to a document or a
folder outside it, which someone who clones the repository cannot follow.
What needs explaining is written in docs/ (docs/architecture.md lists the
pages)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join((
    re.escape("DESIGN" + ".md"),
    r"\bDESIGN" + r"\s*" + "\u00a7",      # a section reference to the design document
    re.escape(".." + "/shared"),
    re.escape("/work" + "/shared"),
)))


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60)
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_the_pattern_catches_what_it_is_for():
    for text in ("see DESIGN" + ".md §3", "(DESIGN " + "\u00a75)", "../" + "shared/geo", "/work/" + "shared/x"):
        assert OUTSIDE.search(text), text
    for text in ("design decisions", "a shared filter", "shared/geo", "\u00a7 alone"):
        assert not OUTSIDE.search(text), text


def test_no_tracked_file_points_outside_the_repository():
    files = tracked_files()
    assert "README.md" in files and "bansos/cli.py" in files  # the listing is the real one
    offenders = []
    for name in files:
        path = REPO / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{name}:{number}: {line.strip()[:100]}")
    assert offenders == [], "references to documents outside the repository (explain it in docs/ instead):\n" + \
        "\n".join(offenders)
