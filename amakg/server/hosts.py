"""The Host allow-list: answer only requests that name this server.

A page on another site can make a browser talk to a local server through DNS rebinding (its own
name resolving to 127.0.0.1); the browser then sends that name in Host. Refusing unknown names
closes that door, and keeps foreign names out of the links the server writes (the Service
Description, /queries) since those are built from Host.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def host_name(header: str) -> str:
    """The name part of a Host header value (lower case, without port; IPv6 kept in brackets)."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class HostAllowList:
    """400 for a request whose Host is not one of `names` (lower case, without port).

    A request without Host (HTTP/1.0) is answered: it cannot come from a rebinding browser.
    """

    def __init__(self, app: ASGIApp, names: frozenset[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            header = dict(scope["headers"]).get(b"host")
            if header is not None:
                name = host_name(header.decode("latin-1"))
                if name not in self.names:
                    response = PlainTextResponse(self.refusal(name), status_code=400)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def refusal(self, name: str) -> str:
        allowed = ", ".join(sorted(self.names))
        return (
            f"this server does not answer to the host name {name!r} (Host header); it answers "
            f"to {allowed}. To serve under another name, start it with --allow-host NAME.\n"
        )
