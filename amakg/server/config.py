"""What an `amakg serve` instance is allowed to do: address, limits, hosts, CORS origins."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AmakgError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")  # always allowed in the Host header
_HOST_NAME = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)$")


class ServerError(AmakgError):
    """The server cannot start: a bad setting, an address in use, a graph that will not load."""


@dataclass(frozen=True)
class ServerConfig:
    """Limits and switches of one server; every default is the safe one.

    timeout      seconds a query may run before its worker process is killed (answer: 503)
    max_rows     rows (or triples) a result may hold; more are cut and flagged
    workers      query worker processes for ad-hoc queries (/sparql), each with its own copy of
                 the graph, at a lower CPU priority (adhoc_nice)
    reserved_workers  extra workers that only canned queries and Linked Data pages use (they
                 may use idle ad-hoc workers too), so that heavy /sparql clients cannot starve
                 them
    queue_timeout  seconds a request may wait for a free worker before a 503 with Retry-After
                 (None: the query timeout)
    cors_origins origins allowed to read answers from a browser (none: CORS off)
    allowed_hosts  names accepted in the Host header besides the bound address, localhost,
                 127.0.0.1 and [::1] (any port); other hosts get 400 (DNS rebinding)
    header_timeout seconds a connection may take to send a complete request head
    idle_timeout seconds a kept-alive connection may stay silent between requests
    max_connections  open connections at most; past it the oldest one still waiting for its
                 request head is closed, or the new one gets a 503
    log_lines_per_second  log records per logger and second; the rest are counted and reported
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
    reserved_workers: int = 1
    queue_timeout: float | None = None
    adhoc_nice: int = 10
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    header_timeout: float = 10.0
    idle_timeout: float = 5.0
    max_connections: int = 1024
    max_header_bytes: int = 65_536
    log_lines_per_second: int = 20
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
        if self.reserved_workers < 0:
            raise ServerError(f"reserved_workers cannot be negative, got {self.reserved_workers}")
        for name in ("header_timeout", "idle_timeout"):
            if getattr(self, name) <= 0:
                raise ServerError(f"{name} must be a positive number of seconds")
        if self.queue_timeout is not None and self.queue_timeout <= 0:
            raise ServerError("queue_timeout must be a positive number of seconds")
        if self.max_connections < 1:
            raise ServerError(f"max_connections must be at least 1, got {self.max_connections}")
        for origin in self.cors_origins:
            if origin == "*" or not origin.startswith(("http://", "https://")):
                raise ServerError(
                    f"--cors-origin takes an origin such as https://example.org, got {origin!r} "
                    "(a wildcard is not accepted: list the origins)"
                )
        for host in self.allowed_hosts:
            if not _HOST_NAME.match(host):
                raise ServerError(
                    f"--allow-host takes a host name such as amakg.example.org (no scheme, port "
                    f"or wildcard; IPv6 in brackets), got {host!r}"
                )

    @property
    def wait_limit(self) -> float:
        """Seconds a request may wait for a free worker."""
        return self.timeout if self.queue_timeout is None else self.queue_timeout

    @property
    def host_names(self) -> frozenset[str]:
        """Host header names (lower case, without port) this server answers to."""
        bound = f"[{self.host}]" if ":" in self.host else self.host
        return frozenset(name.lower() for name in (bound, *LOCAL_NAMES, *self.allowed_hosts))
