"""What every request handler shares: the server's state, running jobs, and error answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.templating import Jinja2Templates

from ..api import short
from ..vocab import AMAR
from .config import ServerConfig
from .jobs import Answer, Failure, QuerySpec
from .negotiation import HTML_OFFER, OFFERS_BY_KIND, choose, describe_offers
from .snapshot import Snapshot
from .workers import WorkerPool

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
LOCAL_IDS = "/id/"  # https://w3id.org/amakg/id/<path> is served at /id/<path>


class ClientError(Exception):
    """A request the server will not answer: the status and what to do instead."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ServerState:
    config: ServerConfig
    snapshot: Snapshot
    pool: WorkerPool
    templates: Jinja2Templates


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.amakg
    return state


async def run(request: Request, specs: Sequence[QuerySpec], reserved: bool = False) -> list[Answer]:
    """Answer the specs in a worker, or raise ClientError with the worker's refusal.

    reserved: known, bounded queries (canned queries, entity pages), which may use the workers
    kept free of ad-hoc queries.
    """
    reply = await server_state(request).pool.run(specs, reserved=reserved)
    if isinstance(reply, Failure):
        message = reply.message
        if reply.status == 406 and reply.kind in OFFERS_BY_KIND:
            message += f"; it is offered as {describe_offers(OFFERS_BY_KIND[reply.kind])}"
        raise ClientError(reply.status, message)
    return reply


def wants_html(request: Request) -> bool:
    return choose(request.headers.get("accept"), [("text/plain", "text"), HTML_OFFER]) == HTML_OFFER


def error_response(request: Request, status: int, message: str) -> Response:
    """Plain text for programs; an HTML page for a browser that asks for one."""
    headers = {"Retry-After": "1"} if status == 503 else None
    if wants_html(request) and hasattr(request.app.state, "amakg"):
        return server_state(request).templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message},
            status_code=status,
            headers=headers,
        )
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["short"] = short
    templates.env.filters["local"] = local_href
    templates.env.tests["iri"] = lambda value: isinstance(value, URIRef)
    return templates


def local_href(iri: object) -> str | None:
    """Where this server serves an IRI of the data (None: not one of ours)."""
    text = str(iri)
    if text.startswith(str(AMAR)) and len(text) > len(str(AMAR)):
        return LOCAL_IDS + text[len(str(AMAR)) :]
    return None
