"""Progress of a long command on stderr: which file, which stage.

On a terminal one line is redrawn in place with a bar over the files; in a
log (stderr not a terminal) each stage is one plain line, so a scheduled
load's log says where it was when something went wrong. stdout is left to
the command's results (`--json` stays one object per line).

File names go through keys.mask_text: a file named after a KK number is not
written out whole.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bansos.keys import mask_text

# The loader's stages (bansos.ingest.ingest's `progress`), in words.
STAGES = {"waiting": "waiting", "reading": "reading", "checking": "checking rows", "loading": "loading",
          "done": "done", "marts": "updating the marts", "saving": "verifying and saving"}
BAR = 24


class Progress:
    """A callable for ingest(progress=...): (file number from 0 or -1 for
    the whole load, file name, stage)."""

    def __init__(self, files: int, stream: TextIO | None = None, command: str = "ingest"):
        self.files = files
        self.stream = stream if stream is not None else sys.stderr
        self.command = command
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = 0
        self._width = 0

    def __call__(self, number: int, name: str, stage: str) -> None:
        words = STAGES.get(stage, stage)
        if stage == "done":
            self.done += 1
        if number < 0:
            where = words
        else:
            where = f"[{number + 1}/{self.files}] {mask_text(name)}: {words}"
        if self.terminal:
            filled = round(BAR * self.done / self.files) if self.files else BAR
            line = f"{self.command} {'█' * filled}{'░' * (BAR - filled)} {where}"
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
            if stage == "saving":
                self.stream.write("\n")
                self._width = 0
        else:
            self.stream.write(f"{self.command}: {where}\n")
        self.stream.flush()

    def close(self) -> None:
        """End a redrawn line (when the load stopped before saving)."""
        if self.terminal and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0
