"""`amakg serve`: a read-only SPARQL 1.1 endpoint, a query page and Linked Data pages.

URLs (all served by this process; no page loads anything from elsewhere):

    /                   the query page: editor, canned queries as examples, table, chart
    /sparql             SPARQL 1.1 Protocol (GET ?query=, POST form or application/sparql-query);
                        without a query: the Service Description (Turtle, or per Accept)
    /queries            the canned queries (HTML, or JSON on Accept / ?format=json)
    /queries/NAME       run one: ?param=value…; HTML table, JSON, XML, CSV or TSV
    /id/PATH            the entity https://w3id.org/amakg/id/PATH (HTML, Turtle, JSON-LD, …)
    /.well-known/void   the VoID description of the dataset
    /health             JSON: worker pool, limits, graphs

Queries run in worker processes; one still running at --timeout is killed (503), results are
cut at --max-rows (header Amakg-Truncated: true). SERVICE, FROM and updates are refused.
Requires the `server` extra (starlette, uvicorn, jinja2).
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .config import DEFAULT_HOST, DEFAULT_PORT, ServerConfig, ServerError

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .snapshot import Snapshot

__all__ = ["ServerConfig", "ServerError", "create_app", "serve"]


def create_app(config: ServerConfig, snapshot: Snapshot | None = None) -> Starlette:
    """The Starlette app (see amakg.server.app; imported lazily, like Starlette itself)."""
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
    dist: Path | None = None,
    data: Path | None = None,
    worker_memory_mb: int = 4096,
    log_level: str = "info",
) -> None:
    """Serve the built graph on http://HOST:PORT until interrupted (Ctrl+C)."""
    import uvicorn

    from .app import create_app as _create_app
    from .snapshot import take_snapshot

    config = ServerConfig(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cors_origins=tuple(cors_origins),
        dist=dist,
        data=data,
        worker_memory_mb=worker_memory_mb,
    )
    sock = listening_socket(host, port)
    try:
        snapshot = take_snapshot(dist, data)
    except BaseException:
        sock.close()
        raise
    print(
        f"amakg: serving {sum(snapshot.graph_counts.values())} triples on http://{host}:{port}/ "
        f"(SPARQL endpoint /sparql; entity pages /id/…)",
        flush=True,
    )
    app = _create_app(config, snapshot)
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, timeout_graceful_shutdown=5))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled: a normal stop
        pass
    finally:
        snapshot.discard()


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
