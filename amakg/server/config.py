"""What an `amakg serve` instance is allowed to do: address, limits, CORS origins."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AmakgError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServerError(AmakgError):
    """The server cannot start: a bad setting, an address in use, a graph that will not load."""


@dataclass(frozen=True)
class ServerConfig:
    """Limits and switches of one server; every default is the safe one.

    timeout      seconds a query may run before its worker process is killed (answer: 503)
    max_rows     rows (or triples) a result may hold; more are cut and flagged
    workers      query worker processes, each with its own copy of the graph
    cors_origins origins allowed to read answers from a browser (none: CORS off)
    dist         folder of the built graph (default: dist/ of the checkout); built in memory
                 when stale
    data         a TriG file to serve as it is, instead of dist/ (no freshness check)
    worker_memory_mb  address-space cap of a worker; a query past it stops with a 503 (0: none)
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    dist: Path | None = None
    data: Path | None = None
    worker_memory_mb: int = 4096
    max_query_bytes: int = 1_000_000
    html_rows: int = 1_000

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ServerError(f"--timeout must be a positive number of seconds, got {self.timeout}")
        if self.max_rows < 1:
            raise ServerError(f"--max-rows must be at least 1, got {self.max_rows}")
        if self.workers < 1:
            raise ServerError(f"--workers must be at least 1, got {self.workers}")
        for origin in self.cors_origins:
            if origin == "*" or not origin.startswith(("http://", "https://")):
                raise ServerError(
                    f"--cors-origin takes an origin such as https://example.org, got {origin!r} "
                    "(a wildcard is not accepted: list the origins)"
                )
