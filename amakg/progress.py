"""Stage timings: shown on a terminal (stderr), silent when piped; always recorded (wall
seconds in `timings`, CPU seconds of this process in `cpu`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.enabled:
            print(f"  {name} …", end="", file=self.stream, flush=True)
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.timings[name] = elapsed
            self.cpu[name] = time.process_time() - cpu
            if self.enabled:
                print(f" {elapsed:.2f} s", file=self.stream, flush=True)
