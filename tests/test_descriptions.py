"""The dataset's VoID and the server's Service Description: Turtle templates filled with RDF
terms (queries/templates/) and the count queries of queries/void/.

The VoID of the real data is compared with a saved golden shape (tests/fixtures/descriptions/
void-shape.ttl: today's graph with its counts and version blanked, so a change of data that
keeps the structure does not break it; regenerate it with `python tests/test_descriptions.py`
when the structure changes on purpose) and its key counts with the store's own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, Graph, Literal, URIRef, namespace
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.term import Node

from amakg import formats
from amakg.build import Built
from amakg.server import ServerConfig
from amakg.server.background import BackgroundServer
from amakg.server.protocol import describe_service
from amakg.server.snapshot import Snapshot
from amakg.templates import fill_template
from amakg.vocab import AMA, INFERRED, LINKS, SD, VOID
from amakg.void import DATASET, describe

SHAPE = Path(__file__).parent / "fixtures" / "descriptions" / "void-shape.ttl"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
INJECTION = "> . <http://x/x> <http://x/y> <http://x/z"
HOSTILE_ENDPOINTS = (
    f"http://127.0.0.1:8080/sparql{INJECTION}",
    'http://127.0.0.1/sparql" ; <http://x/y> "z',
    "http://127.0.0.1/sparql\n<http://x/x> <http://x/y> <http://x/z> .",
    "http://127.0.0.1/spa rql",
    "127.0.0.1/sparql",
    "",
)


def shape(graph: Graph) -> Graph:
    """`graph` with every count ("N") and the version ("VERSION") blanked."""
    blanked = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == namespace.XSD.integer:
            o = Literal("N")
        elif p == namespace.DCTERMS.hasVersion:
            o = Literal("VERSION")
        blanked.add((s, p, o))
    return blanked


@pytest.fixture(scope="module")
def void(built: Built) -> Graph:
    return describe(built.store, built.asserted_graphs)


def count(graph: Graph, subject: Node, prop: URIRef) -> int:
    (value,) = graph.objects(subject, prop)
    return int(str(value))


# ------------------------------------------------------------------ VoID


def test_void_has_the_saved_shape(void: Graph) -> None:
    expected = Graph().parse(SHAPE, format="turtle")
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(shape(void)))
    assert not missing and not extra, (sorted(missing), sorted(extra))


def test_void_triples_equal_the_asserted_triple_count(built: Built, void: Graph) -> None:
    assert count(void, DATASET, VOID.triples) == len(built.store.union(built.asserted_graphs))


def test_void_has_a_subset_per_named_graph_with_its_count(built: Built, void: Graph) -> None:
    sizes = built.store.counts()
    subsets = set(void.objects(DATASET, VOID.subset))
    for graph in [*built.asserted_graphs, INFERRED]:
        assert graph in subsets, graph
        assert (graph, RDF.type, VOID.Dataset) in void
        assert count(void, graph, VOID.triples) == sizes.get(graph, 0), graph


def test_void_has_a_class_partition_per_class(built: Built, void: Graph) -> None:
    union = built.store.union(built.asserted_graphs)
    classes = set(union.objects(None, RDF.type))
    partitions = {
        void.value(p, VOID["class"]): p for p in void.objects(DATASET, VOID.classPartition)
    }
    assert set(partitions) == classes
    assert count(void, DATASET, VOID.classes) == len(classes)
    nominations = set(union.subjects(RDF.type, AMA.Nomination))
    assert nominations
    assert count(void, partitions[AMA.Nomination], VOID.entities) == len(nominations)


def test_void_counts_the_links_to_each_target(built: Built, void: Graph) -> None:
    links = built.store.graph(LINKS)
    linksets = list(void.subjects(RDF.type, VOID.Linkset))
    assert linksets
    for linkset in linksets:
        assert (DATASET, VOID.subset, linkset) in void
        assert (linkset, VOID.subjectsTarget, DATASET) in void
    wikidata = DATASET + "/linkset/wikidata"
    assert (URIRef(wikidata), VOID.objectsTarget, URIRef("https://www.wikidata.org/")) in void
    assert sum(count(void, ls, VOID.triples) for ls in linksets) == len(
        set(links.subject_objects(URIRef("http://www.w3.org/2004/02/skos/core#exactMatch")))
    )


def test_a_template_value_stays_one_term() -> None:
    hostile = Literal('1" ; <http://x/y> "z" .\n<http://x/x> <http://x/y> <http://x/z> . #')
    normal = fill_template("void", {"dataset": DATASET, "version": Literal("1")})
    filled = fill_template("void", {"dataset": DATASET, "version": hostile})
    assert len(filled) == len(normal)
    assert list(filled.objects(DATASET, namespace.DCTERMS.hasVersion)) == [hostile]
    again = Graph().parse(data=filled.serialize(format="turtle"), format="turtle")
    assert to_isomorphic(again) == to_isomorphic(filled)


def test_a_template_refuses_what_is_no_iri_and_a_missing_value() -> None:
    with pytest.raises(ValueError, match="absolute IRI"):
        fill_template("void", {"dataset": URIRef(HOSTILE_ENDPOINTS[0]), "version": Literal("1")})
    with pytest.raises(ValueError, match="subject"):
        fill_template("void", {"dataset": Literal("x"), "version": Literal("1")})
    with pytest.raises(ValueError, match="tpl:version"):
        fill_template("void", {"dataset": DATASET})


# ------------------------------------------------------------------ Service Description


def test_the_service_lists_every_result_format_and_its_endpoint() -> None:
    endpoint = "https://amakg.example/sparql"
    sd = describe_service(endpoint, {"https://w3id.org/amakg/graph/asserted": 3}, 2.5, 7)
    (service,) = sd.subjects(RDF.type, SD.Service)
    assert list(sd.objects(service, SD.endpoint)) == [URIRef(endpoint)]
    expected = {
        URIRef(W3C_FORMATS + f.w3c)
        for f in formats.REGISTRY
        if f.w3c and f.kinds & {"select", "ask", "graph"}
    }
    assert expected and set(sd.objects(service, SD.resultFormat)) == expected
    (named,) = sd.objects(DATASET, SD.namedGraph)
    assert sd.value(named, SD.name) == URIRef("https://w3id.org/amakg/graph/asserted")
    assert sd.value(sd.value(named, SD.graph), VOID.triples) == Literal(3)
    assert "2.5 s" in str(sd.value(service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))


@pytest.mark.parametrize("endpoint", HOSTILE_ENDPOINTS)
def test_a_hostile_endpoint_is_refused(endpoint: str) -> None:
    with pytest.raises(ValueError, match="absolute IRI"):
        describe_service(endpoint, {}, 1, 1)


def test_an_unusual_endpoint_stays_one_iri() -> None:
    endpoint = "http://127.0.0.1:8080/sparql?x=%3E%20.%20%3Chttp://x/x%3E#y"
    sd = describe_service(endpoint, {}, 1, 1)
    for fmt in ("turtle", "nt", "xml", "json-ld"):
        again = Graph().parse(data=sd.serialize(format=fmt), format=fmt)
        assert set(again.objects(None, SD.endpoint)) == {URIRef(endpoint)}
        assert to_isomorphic(again) == to_isomorphic(sd)


@pytest.fixture(scope="module")
def server(snapshot: Snapshot) -> Iterator[BackgroundServer]:
    with BackgroundServer(ServerConfig(allowed_hosts=("amakg.example",)), snapshot) as running:
        yield running


def test_the_served_description_names_the_host_asked_for(
    server: BackgroundServer, snapshot: Snapshot
) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        own = client.get("/sparql")
        other = client.get("/sparql", headers={"Host": "amakg.example"})
    for response, endpoint in (
        (own, server.url + "/sparql"),
        (other, "http://amakg.example/sparql"),
    ):
        assert response.status_code == 200
        sd = Graph().parse(data=response.text, format="turtle")
        assert set(sd.objects(None, SD.endpoint)) == {URIRef(endpoint)}
        names = {str(sd.value(n, SD.name)) for n in sd.objects(DATASET, SD.namedGraph)}
        assert names == set(snapshot.graphs)


@pytest.mark.parametrize(
    "host", [f"127.0.0.1{INJECTION}", f"amakg.example{INJECTION}", "amakg.example/x> <y"]
)
def test_a_hostile_host_header_injects_nothing(server: BackgroundServer, host: str) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        response = client.get("/sparql", headers={"Host": host})
    assert response.status_code == 400
    assert not response.headers["content-type"].startswith(("text/turtle", "application/"))
    assert "sd:endpoint" not in response.text


if __name__ == "__main__":  # regenerate the golden shape from today's build
    from amakg.build import build

    today = build()
    SHAPE.parent.mkdir(parents=True, exist_ok=True)
    blank = shape(describe(today.store, today.asserted_graphs))
    blank.serialize(SHAPE, format="turtle")
    print(f"wrote {SHAPE} ({len(blank)} triples)", file=sys.stderr)
