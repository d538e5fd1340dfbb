"""A server on 127.0.0.1 and a free port, running in a thread of this process: for tests,
benchmarks and notebooks.

    with BackgroundServer(ServerConfig(timeout=5)) as server:
        httpx.get(server.url + "/health")
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from . import listening_socket
from .app import create_app
from .config import ServerConfig, ServerError
from .launch import uvicorn_server
from .snapshot import Snapshot

START_TIMEOUT = 120.0


class BackgroundServer:
    """Start on entry (once the workers are ready), stop on exit."""

    def __init__(
        self, config: ServerConfig | None = None, snapshot: Snapshot | None = None
    ) -> None:
        self.config = config or ServerConfig()
        self._socket = listening_socket(self.config.host, 0)
        self.port: int = self._socket.getsockname()[1]
        app = create_app(self.config, snapshot)
        self._server, app.state.connections = uvicorn_server(
            app, self.config, "warning", own_logging=False
        )
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="amakg-server",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ServerError("the server did not start: see the log above")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(30)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
