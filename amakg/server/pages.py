"""The query page (/) and the canned queries over HTTP (/queries, /queries/NAME).

/queries lists the canned queries (HTML, or JSON on Accept / ?format=json); /queries/NAME runs
one with its parameters from the URL (?artist=BTS), as an HTML table, SPARQL results JSON,
XML, CSV or TSV. The reserved parameter `format` picks the format.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import api, resources
from ..api import CannedQuery, check_query
from ..errors import NetworkRefused, ParameterError
from ..vocab import PREFIXES
from .jobs import GRAPH_FORMS, QuerySpec
from .negotiation import HTML_OFFER, OFFERS_BY_KIND, UnknownFormat, choose, describe_offers
from .protocol import content_type, truncation_headers
from .state import ClientError, run, server_state

LIST_OFFERS = (("application/json", "json"), HTML_OFFER)  # JSON for */*, HTML when asked


def examples() -> list[CannedQuery]:
    """Ready examples of the query page (queries/server/examples/*.rq), beside the canned ones."""
    return list(api.catalogue(resources.queries_dir() / "server" / "examples").values())


def describe(query: CannedQuery, request: Request, canned: bool = True) -> dict[str, object]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "default": p.default,
                "required": p.required,
                "help": p.help,
            }
            for p in query.parameters
        ],
        "url": str(request.url_for("canned", name=query.name)) if canned else None,
        "sparql": query.sparql,
    }


async def index(request: Request) -> Response:
    state = server_state(request)
    ready = examples()
    return state.templates.TemplateResponse(
        request,
        "index.html",
        {
            "canned": list(api.catalogue().values()),
            "examples": ready,
            "default_query": ready[0].sparql if ready else "",
            "prefixes": PREFIXES,
            "config": state.config,
            "snapshot": state.snapshot,
        },
    )


async def query_list(request: Request) -> Response:
    offer = _choose(request, LIST_OFFERS)
    canned = list(api.catalogue().values())
    if offer == HTML_OFFER:
        return server_state(request).templates.TemplateResponse(
            request, "queries.html", {"canned": canned}, headers={"Vary": "Accept"}
        )
    return JSONResponse(
        {
            "queries": [describe(q, request) for q in canned],
            "examples": [describe(q, request, canned=False) for q in examples()],
        },
        headers={"Vary": "Accept"},
    )


@cache
def _kind(name: str) -> str:
    form = check_query(api.canned(name).sparql).form
    return "graph" if form in GRAPH_FORMS else form


async def run_canned(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in api.catalogue():
        available = ", ".join(api.catalogue())
        raise ClientError(404, f"no canned query {name!r}; available: {available}")
    canned = api.canned(name)
    try:
        kind = _kind(name)
    except NetworkRefused as exc:
        raise ClientError(403, federated_refusal(name, exc)) from None
    given = {k: v for k, v in request.query_params.items() if k != "format"}
    try:
        bindings = canned.bindings(given)
    except ParameterError as exc:
        raise ClientError(400, str(exc)) from None
    except ValueError as exc:  # defence in depth: an ill-typed value is never a 500
        raise ClientError(400, f"a parameter value cannot be used: {exc}") from None
    offer = _choose(request, (*OFFERS_BY_KIND[kind], HTML_OFFER))
    state = server_state(request)
    if offer == HTML_OFFER:
        spec = QuerySpec(canned.sparql, bindings, max_rows=state.config.html_rows)
        answer = (await run(request, [spec], reserved=True))[0]
        return state.templates.TemplateResponse(
            request,
            "canned.html",
            {
                "query": canned,
                "given": given,
                "query_string": urlencode(given),
                "result": answer.result,
                "truncated": answer.truncated,
                "limit": state.config.html_rows,
            },
            headers={"Vary": "Accept"},
        )
    spec = QuerySpec(
        canned.sparql, bindings, max_rows=state.config.max_rows, formats={kind: offer[1]}
    )
    answer = (await run(request, [spec], reserved=True))[0]
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers.update(truncation_headers(state.config.max_rows, answer.kind))
    return Response(answer.payload, media_type=content_type(offer[0]), headers=headers)


def federated_refusal(name: str, exc: NetworkRefused) -> str:
    return (
        f"the canned query {name!r} calls a remote SPARQL endpoint, which must be allowed to "
        f"run it, and this server allows none (it makes no outbound requests). {exc} Run it "
        f"from the command line instead: amakg query {name} --allow-endpoint ENDPOINT"
    )


def _choose(request: Request, offers: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """The offer for this request (the first one for */*); 400 for an unknown ?format=."""
    try:
        offer = choose(request.headers.get("accept"), offers, request.query_params.get("format"))
    except UnknownFormat as exc:
        raise ClientError(400, str(exc)) from None
    if offer is None:
        raise ClientError(406, f"offered as {describe_offers(offers)}")
    return offer
