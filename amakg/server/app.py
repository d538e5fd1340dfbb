"""The Starlette application: routes, middleware, error answers, and the worker pool's life."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import AmakgError
from . import linked_data, pages, protocol
from .config import ServerConfig
from .hosts import HostAllowList
from .snapshot import Snapshot, take_snapshot
from .state import STATIC, ClientError, ServerState, error_response, make_templates, server_state
from .workers import WorkerPool

LOG = logging.getLogger("amakg.server")
EXPOSED_HEADERS = ["Amakg-Truncated", "Amakg-Row-Limit", "Amakg-Note"]
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        b"base-uri 'none'; form-action 'self'",
    ),
]


def create_app(config: ServerConfig, snapshot: Snapshot | None = None) -> Starlette:
    """The ASGI app. The snapshot (the graph served) is taken at startup unless given."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        served = snapshot or take_snapshot(config.dist, config.data)
        pool = WorkerPool(
            served.trig,
            config.workers,
            config.timeout,
            config.worker_memory_mb,
            reserved=config.reserved_workers,
            wait_limit=config.wait_limit,
            nice=config.adhoc_nice,
        )
        app.state.amakg = ServerState(config, served, pool, make_templates())
        try:
            await pool.start()
            yield
        finally:
            await pool.stop()
            if snapshot is None:  # taken here, so discarded here
                served.discard()

    routes = [
        Route("/", pages.index, name="index"),
        Route("/sparql", protocol.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/.well-known/void", protocol.void, name="void"),
        Route("/queries", pages.query_list, name="queries"),
        Route("/queries/{name}", pages.run_canned, name="canned"),
        Route("/id/{path:path}", linked_data.entity, name="entity"),
        Route("/health", health, name="health"),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    middleware = [
        Middleware(HostAllowList, names=config.host_names),
        Middleware(SecurityHeaders),
        Middleware(LastResort),
    ]
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=EXPOSED_HEADERS,
            )
        )
    handlers = {ClientError: client_error, HTTPException: http_error, AmakgError: amakg_error}
    return Starlette(
        routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers=handlers
    )


async def health(request: Request) -> Response:
    state = server_state(request)
    workers = state.pool.status()
    ok = bool(workers["workers"])
    status = "ok" if ok else "starting a query worker" if workers["starting"] else "no query worker"
    return JSONResponse(
        {
            "status": status,
            "version": __version__,
            "graphs": state.snapshot.graph_counts,
            "limits": {"timeout_seconds": state.config.timeout, "max_rows": state.config.max_rows},
            "workers": workers,
            "network_isolated": state.pool.network_isolated,
            "connections": connections(request),
        },
        status_code=200 if ok else 503,
    )


def connections(request: Request) -> dict[str, int] | None:
    """The connection guard's counts (see amakg.server.connections), when uvicorn runs it."""
    guard = getattr(request.app.state, "connections", None)
    return guard.status() if guard is not None else None


async def client_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ClientError)
    return error_response(request, exc.status, exc.message)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {
        404: f"nothing at {request.url.path}; see / for the query page",
        405: f"{request.method} is not allowed here",
    }.get(exc.status_code, str(exc.detail))
    response = error_response(request, exc.status_code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def amakg_error(request: Request, exc: Exception) -> Response:
    """An error amakg reports to users (bad parameter, refused query): the request's fault."""
    return error_response(request, 400, str(exc))


def server_error(request: Request, exc: Exception) -> Response:
    """The last resort, for bugs only: every bad input has a 4xx of its own."""
    LOG.exception("error answering %s %s", request.method, request.url.path)
    message = f"internal error ({type(exc).__name__}); see the server log"
    return error_response(request, 500, message)


class LastResort:
    """Answers 500 for an exception no handler took, once logged (rate-limited, see logs.py),
    instead of letting it reach uvicorn, which would log it again and drop the connection; and
    503 for a request still running when the server stops."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:  # the client went away (or was cut off): no one to answer
            return
        except asyncio.CancelledError:  # only uvicorn cancels: its graceful shutdown timed out
            if not started:
                message = "the server is shutting down: try again shortly"
                await error_response(Request(scope), 503, message)(scope, receive, send)
            return  # the task ends here, as its cancellation asked
        except Exception as exc:
            response = server_error(Request(scope), exc)
            if not started:  # else the answer is cut short: the client sees a broken response
                await response(scope, receive, send)


class SecurityHeaders:
    """Adds nosniff, no-referrer and a same-origin-only Content-Security-Policy to answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)
