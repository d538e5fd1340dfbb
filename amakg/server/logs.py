"""The server's log, bounded: at most N records a second per logger reach the output; the rest
are counted and reported in a line of their own ("suppressed N lines").

A flood of bad connections (slow headers, invalid requests, descriptors exhausted) once wrote
megabytes of tracebacks a second; now it writes a few lines and a count.
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass
from typing import Any, TextIO

from uvicorn.config import LOGGING_CONFIG

WINDOW = 1.0  # seconds


@dataclass
class _Window:
    start: float
    count: int = 0
    suppressed: int = 0


class RateLimit(logging.Filter):
    """Lets `per_second` records a second per logger through; counts the others.

    `report(logger name, count)` is called for each logger whose suppressed records have not
    been reported yet, once its window is over and another record passes (or on flush()).
    """

    def __init__(self, per_second: int, report: Any) -> None:
        super().__init__()
        self.per_second = per_second
        self.report = report
        self._windows: dict[str, _Window] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        self._report_ended(now)
        window = self._windows.setdefault(record.name, _Window(now))
        window.count += 1
        if window.count <= self.per_second:
            return True
        window.suppressed += 1
        return False

    def _report_ended(self, now: float) -> None:
        for name, window in list(self._windows.items()):
            if now - window.start >= WINDOW:
                del self._windows[name]
                if window.suppressed:
                    self.report(name, window.suppressed)

    def flush(self) -> None:
        self._report_ended(float("inf"))


class RateLimitedStreamHandler(logging.StreamHandler):
    """A StreamHandler behind a RateLimit; writes the "suppressed" lines itself."""

    def __init__(self, stream: TextIO | None = None, per_second: int = 20) -> None:
        super().__init__(stream)
        self.limit = RateLimit(per_second, self._suppressed)
        self.addFilter(self.limit)

    def _suppressed(self, name: str, count: int) -> None:
        line = (
            f"WARNING:  {count} log lines from {name} suppressed "
            f"(more than {self.limit.per_second} a second)\n"
        )
        self.acquire()
        try:
            self.stream.write(line)
            self.flush()
        finally:
            self.release()

    def close(self) -> None:
        self.limit.flush()
        super().close()


def log_config(per_second: int) -> dict[str, Any]:
    """uvicorn's logging configuration, every handler rate-limited; records of other loggers
    (asyncio, amakg) go to stderr through the same limit instead of Python's last resort."""
    config = copy.deepcopy(LOGGING_CONFIG)
    for handler in config["handlers"].values():
        handler["class"] = f"{__name__}.RateLimitedStreamHandler"
        handler["per_second"] = per_second
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
