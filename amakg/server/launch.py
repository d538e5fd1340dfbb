"""How uvicorn runs an amakg app: the guarded HTTP protocol, timeouts, a bounded log, and no
trust in proxy headers. Shared by `amakg serve` and BackgroundServer."""

from __future__ import annotations

import math

import uvicorn
from starlette.applications import Starlette

from .config import ServerConfig
from .connections import ConnectionGuard, protocol_for, raise_descriptor_limit
from .logs import log_config


def uvicorn_server(
    app: Starlette, config: ServerConfig, log_level: str = "info", own_logging: bool = True
) -> tuple[uvicorn.Server, ConnectionGuard]:
    """A uvicorn server for `app` and the guard that counts its connections.

    own_logging: configure the process's logging (a server process); False in a process that
    has its own (tests, notebooks), where only uvicorn's loggers are set up, rate-limited too.
    """
    guard = ConnectionGuard(raise_descriptor_limit(config.max_connections), config.header_timeout)
    logging_config = log_config(config.log_lines_per_second)
    if not own_logging:
        del logging_config["root"]
    settings = uvicorn.Config(
        app,
        http=protocol_for(guard),
        log_level=log_level,
        log_config=logging_config,
        lifespan="on",
        proxy_headers=False,  # X-Forwarded-* is anyone's to send: never trusted
        server_header=False,
        timeout_keep_alive=max(1, math.ceil(config.idle_timeout)),
        timeout_graceful_shutdown=5,
        h11_max_incomplete_event_size=config.max_header_bytes,
    )
    return uvicorn.Server(settings), guard
