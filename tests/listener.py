"""A recording listener on 127.0.0.1: counts every TCP connection it accepts and records every
HTTP request it reads, answering each with something plausible (SPARQL results, Turtle, a JSON-LD
context), so that a request that did leave amakg would succeed silently rather than fail loudly.

Tests point every way a query or a file could make amakg fetch something at it and assert that
it saw zero connections.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_BODIES = {
    "/sparql": (
        "application/sparql-results+json",
        b'{"head": {"vars": ["s"]}, "results": {"bindings": '
        b'[{"s": {"type": "uri", "value": "http://example.org/leaked"}}]}}',
    ),
    ".ttl": ("text/turtle", b"<http://example.org/leaked> <http://example.org/p> 1 .\n"),
    ".jsonld": ("application/ld+json", b'{"@context": {"name": "http://schema.org/name"}}'),
}


class _Recorder(BaseHTTPRequestHandler):
    """Answers anything and records (method, path) of every request."""

    def _answer(self) -> None:
        self.server.hits.append((self.command, self.path))  # type: ignore[attr-defined]
        media, body = next(
            (v for k, v in _BODIES.items() if self.path.split("?")[0].endswith(k)),
            ("text/plain", b"ok"),
        )
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_CONNECT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, object]:
        request = super().get_request()
        self.connections += 1  # type: ignore[attr-defined]
        return request


class Listener:
    """Started on construction; `close()` stops it."""

    def __init__(self) -> None:
        self.httpd = _CountingServer(("127.0.0.1", 0), _Recorder)
        self.httpd.hits = []  # type: ignore[attr-defined]
        self.httpd.connections = 0  # type: ignore[attr-defined]
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def hits(self) -> list[tuple[str, str]]:
        """(method, path) of every request read."""
        return self.httpd.hits  # type: ignore[attr-defined]

    @property
    def connections(self) -> int:
        """Every TCP connection accepted, whether or not it sent a request."""
        return self.httpd.connections  # type: ignore[attr-defined]

    def clear(self) -> None:
        self.hits.clear()
        self.httpd.connections = 0  # type: ignore[attr-defined]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
