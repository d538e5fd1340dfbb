"""`amakg serve`: a read-only SPARQL 1.1 endpoint, a query page and Linked Data pages.

URLs (all served by this process; no page loads anything from elsewhere):

    /                   the query page: editor, canned queries as examples, table, chart
    /sparql             SPARQL 1.1 Protocol (GET ?query=, POST form or application/sparql-query);
                        without a query: the Service Description (Turtle, or per Accept)
    /queries            the canned queries (HTML, or JSON on Accept / ?format=json)
    /queries/NAME       run one: ?param=value…; HTML table, JSON, XML, CSV or TSV
    /id/PATH            the entity https://w3id.org/amakg/id/PATH (HTML, Turtle, JSON-LD, …)
    /.well-known/void   the VoID description of the dataset
    /health             JSON: worker pool, limits, graphs, connections

Queries run in worker processes (without network where the platform allows); one still running
at --timeout is killed (503), results are cut at --max-rows (header Amakg-Truncated: true).
SERVICE, FROM and updates are refused. Canned queries and entity pages have a worker of their
own, so heavy /sparql clients cannot starve them. Only requests whose Host names this server are
answered; request heads must arrive within a deadline and open connections are capped.
Requires the `server` extra (starlette, uvicorn, jinja2, python-multipart).
"""

from __future__ import annotations

import importlib
import signal
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from .config import DEFAULT_HOST, DEFAULT_PORT, ServerConfig, ServerError

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .snapshot import Snapshot

__all__ = ["ServerConfig", "ServerError", "create_app", "serve"]
EXTRA = {"starlette": "starlette", "uvicorn": "uvicorn", "jinja2": "jinja2"}


def require_extra() -> None:
    """Raise ServerError naming the extra to install when a server dependency is missing."""
    missing = [package for module, package in EXTRA.items() if not _importable(module)]
    if not (_importable("python_multipart") or _importable("multipart")):
        missing.append("python-multipart")
    if missing:
        raise ServerError(
            f"amakg serve needs {', '.join(missing)}, which this installation lacks: "
            "install the server extra: pip install 'amakg[server]'"
        )


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def create_app(config: ServerConfig, snapshot: Snapshot | None = None) -> Starlette:
    """The Starlette app (see amakg.server.app; imported lazily, like Starlette itself)."""
    require_extra()
    from .app import create_app as _create_app

    return _create_app(config, snapshot)


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    workers: int = 2,
    cors_origins: Sequence[str] = (),
    allowed_hosts: Sequence[str] = (),
    dist: Path | None = None,
    data: Path | None = None,
    worker_memory_mb: int = 4096,
    log_level: str = "info",
    **limits: Any,
) -> None:
    """Serve the built graph on http://HOST:PORT until interrupted (Ctrl+C or SIGTERM).

    `limits` are further ServerConfig fields (reserved_workers, header_timeout, idle_timeout,
    max_connections, queue_timeout, …). The private copy of the graph is removed on the way out.
    """
    require_extra()
    from .app import create_app as _create_app
    from .launch import uvicorn_server
    from .snapshot import take_snapshot

    config = ServerConfig(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cors_origins=tuple(cors_origins),
        allowed_hosts=tuple(allowed_hosts),
        dist=dist,
        data=data,
        worker_memory_mb=worker_memory_mb,
        **limits,
    )
    sock = listening_socket(host, port)
    with _sigterm_ends_here():
        try:
            snapshot = take_snapshot(dist, data)
        except BaseException:
            sock.close()
            raise
        try:
            app = _create_app(config, snapshot)
            server, guard = uvicorn_server(app, config, log_level)
            app.state.connections = guard
            print(
                f"amakg: serving {sum(snapshot.graph_counts.values())} triples on "
                f"{base_url(host, sock.getsockname()[1])} (SPARQL endpoint /sparql; entity "
                "pages /id/…)",
                flush=True,
            )
            server.run(sockets=[sock])
        except (KeyboardInterrupt, _Terminated):  # uvicorn re-raises the signal it handled
            pass
        finally:
            snapshot.discard()


class _Terminated(Exception):
    """SIGTERM arrived: stop like Ctrl+C, through the cleanups."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


@contextmanager
def _sigterm_ends_here() -> Iterator[None]:
    """SIGTERM raises _Terminated in the main thread instead of ending the process at once, so
    that `finally` blocks (the snapshot's removal) run. uvicorn handles SIGTERM while it serves
    (a graceful shutdown that stops the workers) and raises it again afterwards: it lands here."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to HOST:PORT (0: a free port), not yet listening.

    Made with proto=IPPROTO_TCP so that asyncio sets TCP_NODELAY on accepted connections:
    with proto 0 it does not, and answers on kept-alive connections wait ~40 ms (Nagle).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:  # bound now, to fail before a long load; uvicorn listens once the workers are ready
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServerError(
            f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port"
        ) from None
    return sock
