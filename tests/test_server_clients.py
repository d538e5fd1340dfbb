"""Real SPARQL clients against a running server: SPARQLWrapper and rdflib's SPARQLStore get the
same answers as the in-process API (kg.sparql) for the same queries."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.error import HTTPError
from xml.dom.minidom import Document, Element, Text

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from rdflib.term import Node
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from amakg import resources
from amakg.api import KnowledgeGraph
from amakg.server import ServerConfig
from amakg.server.background import BackgroundServer
from amakg.server.snapshot import snapshot_of

EXAMPLES = sorted((resources.queries_dir() / "server" / "examples").glob("*.rq"))
DESCRIBE_QUERY = resources.queries_dir() / "server" / "entity-describe.rq"
BTS = "https://w3id.org/amakg/id/artist/bts"

T = TypeVar("T")


@pytest.fixture(scope="module")
def endpoint(kg: KnowledgeGraph) -> Iterator[str]:
    snapshot = snapshot_of(kg)
    with BackgroundServer(ServerConfig(workers=2), snapshot) as server:
        yield server.url + "/sparql"
    snapshot.discard()


def plain(term: Node | None) -> tuple[str, str] | None:
    """A term reduced to what every result format keeps: its kind and text."""
    if term is None:
        return None
    return ("iri" if isinstance(term, URIRef) else "literal", str(term))


def converted(client: SPARQLWrapper, kind: type[T]) -> T:
    """The client's converted answer, checked to be what its return format promises."""
    answer = client.queryAndConvert()
    assert isinstance(answer, kind), type(answer)
    return answer


def text_of(element: Element) -> str:
    child = element.firstChild
    assert isinstance(child, Text), child
    return child.data


def expected_rows(kg: KnowledgeGraph, query: str) -> list[list[tuple[str, str] | None]]:
    result = kg.sparql(query)
    return [[plain(row.get(v)) for v in result.vars] for row in result.rows]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_sparqlwrapper_json_get_and_post(endpoint: str, kg: KnowledgeGraph, path: Path) -> None:
    query = path.read_text(encoding="utf-8")
    expected = expected_rows(kg, query)
    assert expected
    for method in ("GET", POST):
        client = SPARQLWrapper(endpoint)
        client.setQuery(query)
        client.setMethod(method)
        client.setReturnFormat(JSON)
        answer: dict[str, Any] = converted(client, dict)
        names = answer["head"]["vars"]
        rows = [
            [
                None
                if b.get(v) is None
                else ("iri" if b[v]["type"] == "uri" else "literal", b[v]["value"])
                for v in names
            ]
            for b in answer["results"]["bindings"]
        ]
        assert rows == expected


def test_sparqlwrapper_xml_and_csv(endpoint: str, kg: KnowledgeGraph) -> None:
    query = EXAMPLES[0].read_text(encoding="utf-8")
    expected = expected_rows(kg, query)
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(XML)
    document = converted(client, Document)
    literals = [text_of(node) for node in document.getElementsByTagName("literal")]
    assert literals == [cell[1] for row in expected for cell in row if cell is not None]
    client.setReturnFormat(CSV)
    table = list(csv.reader(io.StringIO(converted(client, bytes).decode("utf-8"))))
    assert table[1:] == [[cell[1] if cell else "" for cell in row] for row in expected]


def test_sparqlwrapper_construct_as_turtle_and_rdfxml(endpoint: str, kg: KnowledgeGraph) -> None:
    query = f"CONSTRUCT {{ <{BTS}> ?p ?o }} WHERE {{ <{BTS}> ?p ?o }}"
    expected = kg.sparql(query).graph
    assert expected is not None and len(expected) > 10
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(TURTLE)
    turtle = Graph().parse(data=converted(client, bytes).decode("utf-8"), format="turtle")
    assert to_isomorphic(turtle) == to_isomorphic(expected)
    client.setReturnFormat(XML)  # the client's default for CONSTRUCT: RDF/XML, parsed for us
    assert to_isomorphic(converted(client, Graph)) == to_isomorphic(expected)


def test_sparqlwrapper_ask(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(f"ASK {{ <{BTS}> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert converted(client, dict)["boolean"] is True


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_rdflib_sparqlstore_select(endpoint: str, kg: KnowledgeGraph, path: Path) -> None:
    query = path.read_text(encoding="utf-8")
    remote = Graph(store=SPARQLStore(endpoint))
    result = remote.query(query)
    rows = [[plain(row[v]) for v in result.vars] for row in result]  # type: ignore[index,union-attr]
    assert rows == expected_rows(kg, query)


def test_rdflib_sparqlstore_construct_and_ask(endpoint: str, kg: KnowledgeGraph) -> None:
    remote = Graph(store=SPARQLStore(endpoint))
    query = f"CONSTRUCT {{ <{BTS}> ?p ?o }} WHERE {{ <{BTS}> ?p ?o }}"
    graph = remote.query(query).graph
    expected = kg.sparql(query).graph
    assert graph is not None and expected is not None
    assert to_isomorphic(graph) == to_isomorphic(expected)
    assert remote.query(f"ASK {{ <{BTS}> ?p {Literal('BTS').n3()} }}").askAnswer is True


def test_rdflib_update_store_is_refused(endpoint: str) -> None:
    store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
    with pytest.raises(HTTPError) as refused:
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert refused.value.code == 403
    assert "read-only" in refused.value.read().decode("utf-8")
    assert not Graph(store=SPARQLStore(endpoint)).query("ASK { <urn:a> ?p ?o }").askAnswer
