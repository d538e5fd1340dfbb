"""The SPARQL 1.1 Protocol at /sparql (query operation only), its Service Description, and VoID.

GET ?query=, POST form (query=), POST application/sparql-query; default-graph-uri and
named-graph-uri name graphs of this dataset only (anything else is refused, never fetched).
Updates get 403: the graph is read-only. Without a query, /sparql describes itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import formats
from ..api import DATASET, fill_template, serialize_graph
from .jobs import QuerySpec
from .negotiation import (
    ASK_OFFERS,
    GRAPH_OFFERS,
    HTML_OFFER,
    OFFERS_BY_KIND,
    SELECT_OFFERS,
    UnknownFormat,
    choose,
    describe_offers,
)
from .state import ClientError, run, server_state

Params = list[tuple[str, str]]
FORMATS = URIRef("http://www.w3.org/ns/formats/")
RESULT_FORMATS = formats.w3c_names(frozenset({"select", "ask", "graph"}))
READ_ONLY = (
    "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP …) "
    "is refused. Change the data files and run `amakg build`."
)


async def sparql(request: Request) -> Response:
    params = await request_params(request)
    if values(params, "update"):
        raise ClientError(403, READ_ONLY)
    queries = values(params, "query")
    if not queries:
        return service_description(request, params)
    if len(queries) > 1:
        raise ClientError(400, "give one query parameter, not several")
    if not queries[0].strip():
        raise ClientError(400, "the query is empty")
    state = server_state(request)
    formats = result_formats(request, params)
    defaults, named = dataset(params, state.snapshot.graphs)
    spec = QuerySpec(
        queries[0],
        default_graphs=defaults,
        named_graphs=named,
        max_rows=state.config.max_rows,
        formats={kind: fmt for kind, (_, fmt) in formats.items()},
    )
    answer = (await run(request, [spec]))[0]
    media = formats[answer.kind][0]
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers.update(truncation_headers(state.config.max_rows, answer.kind))
    return Response(answer.payload, media_type=content_type(media), headers=headers)


def truncation_headers(limit: int, kind: str) -> dict[str, str]:
    what = "triples" if kind == "graph" else "rows"
    return {
        "Amakg-Truncated": "true",
        "Amakg-Row-Limit": str(limit),
        "Amakg-Note": f"the result was cut at {limit} {what}, the server's limit; add LIMIT/OFFSET",
    }


def content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def result_formats(request: Request, params: Params) -> dict[str, tuple[str, str]]:
    """The offer (media type, format) for each result kind that has one; 406 when none has."""
    accept = request.headers.get("accept")
    fmt = next(iter(values(params, "format")), None)
    chosen = {}
    for kind, offers in OFFERS_BY_KIND.items():
        try:
            offer = choose(accept, offers, fmt)
        except UnknownFormat:
            offer = None
        if offer is not None:
            chosen[kind] = offer
    if not chosen:
        raise ClientError(406, not_acceptable(accept, fmt))
    return chosen


def not_acceptable(accept: str | None, fmt: str | None) -> str:
    asked = f"format={fmt}" if fmt else f"Accept: {accept}"
    return (
        f"nothing this endpoint gives suits {asked}. SELECT results come as "
        f"{describe_offers(SELECT_OFFERS)}; ASK as {describe_offers(ASK_OFFERS)}; "
        f"CONSTRUCT/DESCRIBE as {describe_offers(GRAPH_OFFERS)}"
    )


Graphs = tuple[str, ...] | None


def dataset(params: Params, graphs: tuple[str, ...]) -> tuple[Graphs, Graphs]:
    """default-graph-uri / named-graph-uri as graphs of this dataset (None, None: not given)."""
    defaults, named = values(params, "default-graph-uri"), values(params, "named-graph-uri")
    for iri in (*defaults, *named):
        if iri not in graphs:
            raise ClientError(
                400,
                f"<{iri}> is not a graph of this dataset, and amakg never fetches graphs from "
                f"elsewhere. Its graphs are: {', '.join(f'<{g}>' for g in graphs)}",
            )
    if not defaults and not named:
        return None, None
    return tuple(defaults), tuple(named)


async def request_params(request: Request) -> Params:
    """The protocol's parameters from the URL and, for a POST, the body."""
    params: Params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update":
        raise ClientError(403, READ_ONLY)
    if media not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise ClientError(
            415,
            "send the query as application/sparql-query, as a form "
            "(application/x-www-form-urlencoded, field query), or with GET ?query=",
        )
    body = await read_body(request, server_state(request).config.max_query_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ClientError(400, "the request body is not UTF-8 text") from None
    if media == "application/sparql-query":
        return [*params, ("query", text)]
    return [*params, *parse_qsl(text, keep_blank_values=True)]


async def read_body(request: Request, limit: int) -> bytes:
    too_large = ClientError(413, f"the request body is larger than {limit} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def values(params: Params, name: str) -> list[str]:
    return [v for k, v in params if k == name]


# -------------------------------------------------------------------- descriptions


def service_description(request: Request, params: Params) -> Response:
    """The SPARQL Service Description (Turtle by default); a browser is sent to the query page."""
    fmt = next(iter(values(params, "format")), None)
    offer = _rdf_offer(request, fmt, with_html=True)
    if offer == HTML_OFFER:
        return RedirectResponse("/", status_code=303)
    state = server_state(request)
    try:
        graph = describe_service(
            str(request.url_for("sparql")),
            state.snapshot.graph_counts,
            state.config.timeout,
            state.config.max_rows,
        )
    except ValueError:  # the endpoint URL is no IRI (the Host check lets none through)
        raise ClientError(400, "the request URL is not an IRI to describe") from None
    return rdf_response(graph, offer)


async def void(request: Request) -> Response:
    offer = _rdf_offer(request, request.query_params.get("format"))
    return rdf_response(server_state(request).snapshot.void, offer)


def _rdf_offer(request: Request, fmt: str | None, with_html: bool = False) -> tuple[str, str]:
    offers = (*GRAPH_OFFERS, HTML_OFFER) if with_html else GRAPH_OFFERS
    try:
        offer = choose(request.headers.get("accept"), offers, fmt)
    except UnknownFormat as exc:
        raise ClientError(400, str(exc)) from None
    if offer is None:
        raise ClientError(406, f"this description is offered as {describe_offers(GRAPH_OFFERS)}")
    return offer


def rdf_response(graph: Graph, offer: tuple[str, str]) -> Response:
    return Response(
        serialize_graph(graph, offer[1]),
        media_type=content_type(offer[0]),
        headers={"Vary": "Accept"},
    )


def describe_service(endpoint: str, counts: dict[str, int], timeout: float, max_rows: int) -> Graph:
    """sd:Service for this endpoint: language, result formats, the dataset and its graphs.

    The Turtle templates queries/templates/service.ttl and service-graph.ttl (once per named
    graph) filled with RDF terms: `endpoint` is bound as one IRI (ValueError if it is not an
    absolute IRI), never pasted into text.
    """
    fields = {"timeout": f"{timeout:g}", "max_rows": str(max_rows)}
    results = [URIRef(f"{FORMATS}{name}") for name in RESULT_FORMATS]
    values: dict[str, Node | Sequence[Node]] = {
        "endpoint": URIRef(endpoint),
        "dataset": DATASET,
        "resultFormat": results,
    }
    g = fill_template("service", values, fields)
    for iri, triples in sorted(counts.items()):
        g += fill_template(
            "service-graph",
            {
                "dataset": DATASET,
                "graph": URIRef(iri),
                "triples": Literal(triples, datatype=XSD.integer),
            },
        )
    return g
