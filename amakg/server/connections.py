"""Connections, bounded: a deadline for each request head, and a cap on open connections.

uvicorn closes a kept-alive connection that stays silent (timeout_keep_alive), but not one that
sends its request head a byte at a time, nor a new one that sends nothing; thousands of those
once exhausted the server's file descriptors. Here every connection must complete a request
head within `header_timeout` of opening or of its previous answer, and a request body within
`header_timeout` of its head (else: 408 and closed), and
past `max_connections` the connection that has waited longest for its request head is closed
to make room (a slow client loses its place, a new one is served); when every connection has a
request under way the new one gets a 503 at once.
"""

from __future__ import annotations

import asyncio
import resource
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

FD_HEADROOM = 64  # descriptors kept for worker pipes, files, the listening socket
LINGER = 1.0  # seconds a refused connection is read (and ignored) before it is closed


class ConnectionGuard:
    """The connections of one server that await a request head, oldest first."""

    def __init__(self, max_connections: int, header_timeout: float) -> None:
        self.max_connections = max_connections
        self.header_timeout = header_timeout
        self.open: set[GuardedProtocol] = set()
        self.waiting: dict[GuardedProtocol, None] = {}  # insertion order: longest waiting first
        self.evicted = 0
        self.refused = 0
        self.timed_out = 0

    def admit(self, new: GuardedProtocol) -> bool:
        """Count a new connection; False when it must be refused (all others are busy)."""
        self.open.add(new)
        if len(self.open) <= self.max_connections:
            return True
        oldest = next(iter(self.waiting), None)
        if oldest is None:
            self.refused += 1
            return False
        self.evicted += 1
        oldest.drop()
        return True

    def status(self) -> dict[str, int]:
        return {
            "open": len(self.open),
            "awaiting_request": len(self.waiting),
            "limit": self.max_connections,
            "closed_at_limit": self.evicted,
            "refused_at_limit": self.refused,
            "header_timeouts": self.timed_out,
        }


def raw_response(status: str, message: str) -> bytes:
    body = message.encode() + b"\n"
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n"
    )
    if status.startswith("503"):
        head += "retry-after: 1\r\n"
    return head.encode() + b"\r\n" + body


TOO_MANY = raw_response("503 Service Unavailable", "too many open connections: try again shortly")
TOO_SLOW = raw_response("408 Request Timeout", "the request head took too long to arrive")
TOO_SLOW_BODY = raw_response("408 Request Timeout", "the request body took too long to arrive")


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and the connection cap."""

    guard: ClassVar[ConnectionGuard]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._refused = False
        super().connection_made(transport)
        if not self.guard.admit(self):
            self._refuse()
            return
        self._await_head()

    def _refuse(self) -> None:
        """Answer 503 and close, reading (and dropping) what the client sends meanwhile: a
        socket closed with unread data resets, and the client might never see the answer."""
        self._refused = True
        self.guard.open.discard(self)
        self.transport.write(TOO_MANY)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER, self.transport.close)

    def data_received(self, data: bytes) -> None:
        if not self._refused:
            super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._clear_deadline()
        self.guard.open.discard(self)
        super().connection_lost(exc)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request head was read: its answer is under way
            self._clear_deadline()
            if self.cycle.more_body:  # its body must arrive within the same deadline
                self._deadline = self.loop.call_later(
                    self.guard.header_timeout, self._body_too_slow, self.cycle
                )

    def on_response_complete(self) -> None:
        self._await_head()  # before: a pipelined request read by the call below cancels it
        super().on_response_complete()
        if self.transport.is_closing():
            self._clear_deadline()

    def _await_head(self) -> None:
        self._clear_deadline()
        self._deadline = self.loop.call_later(self.guard.header_timeout, self._too_slow)
        self.guard.waiting[self] = None

    def _clear_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self.guard.waiting.pop(self, None)

    def _too_slow(self) -> None:
        self.guard.timed_out += 1
        self.drop(TOO_SLOW if self.conn.trailing_data[0] else b"")

    def _body_too_slow(self, cycle: object) -> None:
        if cycle is not self.cycle or not self.cycle.more_body:
            return
        self.guard.timed_out += 1
        self.drop(b"" if self.cycle.response_started else TOO_SLOW_BODY)

    def drop(self, answer: bytes = b"") -> None:
        """Close this connection now, after a last answer if one is given."""
        self._clear_deadline()
        self.guard.open.discard(self)  # closing: its descriptor goes in this loop iteration
        if not self.transport.is_closing():
            if answer:
                self.transport.write(answer)
            self.transport.close()


def protocol_for(guard: ConnectionGuard) -> type[GuardedProtocol]:
    """The protocol class uvicorn instantiates per connection, bound to one server's guard."""
    attributes: dict[str, Any] = {"guard": guard}
    return type("AmakgHttpProtocol", (GuardedProtocol,), attributes)


def raise_descriptor_limit(wanted: int) -> int:
    """Raise the soft limit of open files towards `wanted` + headroom (up to the hard limit);
    return how many connections fit under it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted + FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < target:
        new = target if hard == resource.RLIM_INFINITY else min(target, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - FD_HEADROOM))
