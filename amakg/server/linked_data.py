"""Linked Data: every entity IRI https://w3id.org/amakg/id/<path> is served at /id/<path>.

A browser gets an HTML page (label, types, facts, nominations, provenance quotes, external
links); a program gets Turtle, JSON-LD, N-Triples or RDF/XML on Accept (or ?format=). Both come
from the asserted graphs (not the inferred one) through the queries in queries/server/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Identifier, Node
from starlette.requests import Request
from starlette.responses import Response

from .. import api
from ..api import QueryResult
from ..vocab import AMA, AMAR, PROV, SCHEMA
from .jobs import QuerySpec
from .negotiation import GRAPH_OFFERS, HTML_OFFER, UnknownFormat, choose, describe_offers
from .protocol import content_type
from .state import ClientError, run, server_state

PAGE_QUERIES = ("facts", "nominations", "provenance", "links", "references")
OFFERS = (GRAPH_OFFERS[0], HTML_OFFER, *GRAPH_OFFERS[1:])  # Turtle for */*; HTML when asked
SHOWN_APART = {
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    PROV.wasDerivedFrom,
    SKOS.exactMatch,
    SCHEMA.sameAs,
    AMA.description,
}
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f\s<>"{}|\\^`]')  # control characters included
Row = dict[str, Identifier | None]
DATASETS = {"wikidata.org": "Wikidata", "musicbrainz.org": "MusicBrainz", "dbpedia.org": "DBpedia"}


def entity_query(name: str) -> str:
    return api.read_query("server", f"entity-{name}")


def entity_iri(path: str) -> URIRef:
    refusal = ClientError(400, f"/id/{path} does not name an entity: a path of an IRI is expected")
    if not path or _NOT_IN_IRI.search(path):
        raise refusal
    try:
        ox.NamedNode(str(AMAR) + path)  # what the query engine will be given, e.g. no lone "%"
    except ValueError:
        raise refusal from None
    return URIRef(str(AMAR) + path)


async def entity(request: Request) -> Response:
    iri = entity_iri(request.path_params["path"])
    try:
        offer = choose(request.headers.get("accept"), OFFERS, request.query_params.get("format"))
    except UnknownFormat as exc:
        raise ClientError(400, str(exc)) from None
    if offer is None:
        raise ClientError(406, f"an entity is offered as {describe_offers(OFFERS)}")
    if offer == HTML_OFFER:
        return await entity_page(request, iri)
    state = server_state(request)
    spec = QuerySpec(
        entity_query("describe"),
        {"entity": iri},
        default_graphs=state.snapshot.asserted_graphs,
        max_rows=state.config.max_rows,
        formats={"graph": offer[1]},
    )
    answer = (await run(request, [spec], reserved=True))[0]
    if answer.size == 0:
        raise ClientError(404, f"no entity <{iri}> in this dataset")
    return Response(
        answer.payload,
        media_type=content_type(offer[0]),
        headers={"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"'},
    )


async def entity_page(request: Request, iri: URIRef) -> Response:
    state = server_state(request)
    specs = [
        QuerySpec(
            entity_query(name),
            {"entity": iri},
            default_graphs=state.snapshot.asserted_graphs,
            max_rows=state.config.html_rows,
        )
        for name in PAGE_QUERIES
    ]
    answers = await run(request, specs, reserved=True)
    results = {name: a.result for name, a in zip(PAGE_QUERIES, answers, strict=True) if a.result}
    page = EntityPage.build(iri, results)
    if page.empty:
        raise ClientError(404, f"no entity <{iri}> in this dataset")
    truncated = any(a.truncated for a in answers)
    return state.templates.TemplateResponse(
        request,
        "entity.html",
        {"page": page, "truncated": truncated, "limit": state.config.html_rows},
        headers={"Vary": "Accept"},
    )


@dataclass
class Passage:
    iri: Node
    quote: str
    source: Node | None
    source_title: str
    where: str
    facts: list[tuple[Node, str]] = field(default_factory=list)


@dataclass
class EntityPage:
    """What the HTML page shows, gathered from the rows of the page queries."""

    iri: URIRef
    label: str
    types: list[tuple[Node, str]]
    aliases: list[str]
    descriptions: list[str]
    facts: list[Row]
    nominations: list[Row]
    passages: list[Passage]
    links: list[tuple[Node, str]]
    references: list[Row]

    @property
    def empty(self) -> bool:
        return not (
            self.types
            or self.facts
            or self.nominations
            or self.references
            or self.label != str(self.iri)
        )

    @classmethod
    def build(cls, iri: URIRef, results: dict[str, QueryResult]) -> EntityPage:
        facts = results["facts"].rows
        by_property: dict[Node, list[Row]] = {}
        for row in facts:
            by_property.setdefault(row["property"], []).append(row)  # type: ignore[arg-type]

        def values(prop: URIRef) -> list[str]:
            return [str(r["value"]) for r in by_property.get(prop, [])]

        labels = values(RDFS.label) or values(SKOS.prefLabel) or [str(iri)]
        return cls(
            iri=iri,
            label=labels[0],
            types=[(r["value"], str(r["valueLabel"] or "")) for r in by_property.get(RDF.type, [])],  # type: ignore[misc]
            aliases=values(SKOS.altLabel),
            descriptions=values(AMA.description),
            facts=[r for r in facts if r["property"] not in SHOWN_APART],
            nominations=results["nominations"].rows,
            passages=_passages(results["provenance"].rows),
            links=[(r["external"], _dataset(str(r["external"]))) for r in results["links"].rows],  # type: ignore[misc]
            references=results["references"].rows,
        )


def _passages(rows: list[Row]) -> list[Passage]:
    passages: dict[Node, Passage] = {}
    for row in rows:
        key = row["passage"]
        assert key is not None
        if key not in passages:
            number, line = row.get("sentenceNumber"), row.get("row")
            where = f"sentence {number}" if number is not None else ""
            where = f"row {line}" if line is not None else where
            passages[key] = Passage(
                key,
                str(row["quote"]),
                row.get("source"),
                str(row.get("sourceTitle") or row.get("source") or ""),
                where,
            )
        fact = (row["fact"], str(row.get("factName") or row["fact"]))
        if fact not in passages[key].facts:
            passages[key].facts.append(fact)  # type: ignore[arg-type]
    return list(passages.values())


def _dataset(iri: str) -> str:
    host = re.sub(r"^[a-z]+://(www\.)?", "", iri).split("/")[0]
    return DATASETS.get(host, host)
