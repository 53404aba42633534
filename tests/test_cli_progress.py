"""The command line says where a load is (bansos/progress.py) and explains
itself (--help with examples and exit codes)."""

from __future__ import annotations

import io
import itertools
import re

from bansos.progress import Progress
from tests.ingest_files import PENYALURAN_HEADER, kk, row_for, write_csv


def test_a_load_reports_each_file_and_stage_on_stderr_and_keeps_stdout_for_results(warehouse, tmp_path, cli):
    first = write_csv(tmp_path / "bri_2026_t1.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)])
    # A file named after a KK number: the progress lines mask it like every other output.
    second = write_csv(tmp_path / f"retur_{kk(77)}.csv", PENYALURAN_HEADER, [row_for("penyaluran", 2)])

    run = cli("ingest", "--db", warehouse, "--json", first, second)

    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert lines[:4] == ["ingest: [1/2] bri_2026_t1.csv: reading", "ingest: [1/2] bri_2026_t1.csv: checking rows",
                         "ingest: [1/2] bri_2026_t1.csv: loading", "ingest: [1/2] bri_2026_t1.csv: done"]
    assert any(line.startswith("ingest: [2/2] retur_") and line.endswith(": done") for line in lines)
    assert lines[-2:] == ["ingest: updating the marts", "ingest: verifying and saving"]
    assert kk(77) not in run.stderr + run.stdout
    # stdout is still one JSON object per file
    assert len(run.stdout.strip().splitlines()) == 2


def test_quiet_leaves_stderr_to_errors(warehouse, tmp_path, cli):
    data = write_csv(tmp_path / "a.csv", PENYALURAN_HEADER, [row_for("penyaluran", 1)])
    run = cli("ingest", "--db", warehouse, "--quiet", data)
    assert run.returncode == 0 and run.stderr == "" and "loaded 1 of 1" in run.stdout


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_one_line_is_redrawn_with_a_bar_over_the_files():
    screen = Terminal()
    progress = Progress(2, screen)
    for number, name in enumerate(["a.csv", "b.csv"]):
        for stage in ("reading", "checking", "loading", "done"):
            progress(number, name, stage)
    progress(-1, "", "marts")
    progress(-1, "", "saving")
    progress.close()  # after saving: nothing more to end
    text = screen.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    frames = text.rstrip("\n").split("\r")[1:]
    assert frames[0].startswith("ingest " + "░" * 24 + " [1/2] a.csv: reading")
    assert frames[3].startswith("ingest " + "█" * 12 + "░" * 12 + " [1/2] a.csv: done")
    assert frames[-1].startswith("ingest " + "█" * 24 + " verifying and saving")
    # a shorter line wipes what a longer one left
    assert all(len(frame) >= len(before.rstrip()) for before, frame in itertools.pairwise(frames))


def test_every_command_help_has_examples_and_the_exit_codes(cli):
    top = cli("--help")
    commands = re.search(r"\{([a-z,]+)\}", top.stdout).group(1).split(",")
    assert "ingest" in commands and "brief" in commands
    for command in commands:
        shown = cli(command, "--help")
        assert shown.returncode == 0, shown.stderr
        assert "examples:\n  python -m bansos " + command in shown.stdout, command
        assert "exit codes: 0 success; 1 refused" in shown.stdout and "3 busy" in shown.stdout, command
