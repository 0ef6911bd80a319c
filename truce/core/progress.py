"""A dependency-free progress bar for CLI steps that take more than a moment."""

from __future__ import annotations

import sys
import time


class Progress:
    """Prints ``label [#####.....] 42/100 3.1s`` on one line; quiet when not a terminal."""

    def __init__(self, label: str, total: int, *, stream=None, width: int = 30):
        self.label, self.total, self.width = label, max(total, 1), width
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def advance(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        now = time.monotonic()
        if self.tty and (now - self._last_draw > 0.1 or self.done == self.total):
            self._draw(now)
            self._last_draw = now

    def _draw(self, now: float) -> None:
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = now - self.started
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {elapsed:.1f}s")
        self.stream.flush()

    def close(self) -> None:
        elapsed = time.monotonic() - self.started
        if self.tty:
            self._draw(time.monotonic())
            self.stream.write("\n")
        else:
            self.stream.write(f"{self.label}: {self.done}/{self.total} in {elapsed:.1f}s\n")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
