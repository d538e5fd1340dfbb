"""The fast OWL 2 RL path (amakg.reasoning.fast) infers exactly what the reference path (owlrl)
infers.

On the real data: the same inferred graph as build() (rules + owlrl), whether the fast closure is
passed to reference.infer, fast.fast_infer is used, or the store path (infer_in_store); and the
same rows for every canned query that runs locally. On a synthetic graph from bench/generate.py
(streaks, memberships, renamed categories at volume): the same OWL RL closure and the same
inferred graph. On a graph using the OWL constructs the rules support beyond today's ontology:
the same closure. And the refusal of what the rules do not cover.
"""

from __future__ import annotations

import runpy
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from amakg import iris, queries
from amakg.api import KnowledgeGraph
from amakg.build import Built
from amakg.dataset import load_graphs, read_manifest
from amakg.errors import ReasoningError
from amakg.load import load_files
from amakg.reasoning.fast import fast_closure, fast_infer, infer_in_store
from amakg.reasoning.reference import infer, owl_rl_closure
from amakg.store import Store
from amakg.vocab import AMA, INFERRED, WDT

FIXTURES = Path(__file__).parent / "fixtures" / "fastrl"
BENCH = Path(__file__).resolve().parents[1] / "bench"
Triple = tuple[Node, Node, Node]


def diff(expected: Graph, actual: Graph) -> str:
    """A readable difference of two graphs: the first triples only one side has."""
    missing = sorted(set(expected) - set(actual))[:10]
    extra = sorted(set(actual) - set(expected))[:10]
    return (
        f"only in owlrl's ({len(set(expected) - set(actual))}): {missing}\n"
        f"only in the fast path's ({len(set(actual) - set(expected))}): {extra}"
    )


@pytest.fixture(scope="module")
def asserted(built: Built) -> dict[URIRef, Graph]:
    """The named graphs of the real build except the inferred one (the reasoners' input)."""
    return {name: built.store.graph(name) for name in built.store.graph_names() if name != INFERRED}


@pytest.fixture(scope="module")
def data(asserted: dict[URIRef, Graph]) -> Graph:
    graph = Graph()
    for named in asserted.values():
        graph += named
    return graph


@pytest.fixture(scope="module")
def reference(data: Graph) -> Graph:
    """The reference inferences: the rules and owlrl's closure (chosen explicitly, so that the
    comparison stays a comparison whichever reasoner build() uses by default).

    owlrl on the real data takes ~50 s: this fixture is the only place it runs; every comparison
    on the real data reads it."""
    return infer(data, closure=owl_rl_closure)


def _store(asserted: dict[URIRef, Graph]) -> Store:
    store = Store()
    for name, graph in asserted.items():
        store.add_graph(name, graph)
    return store


@pytest.fixture(scope="module")
def reference_kg(asserted: dict[URIRef, Graph], reference: Graph) -> KnowledgeGraph:
    store = _store(asserted)
    store.add_graph(INFERRED, reference)
    return KnowledgeGraph(store, store.graph_names())


@pytest.fixture(scope="module")
def fast_store(asserted: dict[URIRef, Graph]) -> Store:
    """The real graph with its inferences made by fast.infer_in_store instead of owlrl."""
    store = _store(asserted)
    infer_in_store(store.oxigraph)
    return store


# ---------------------------------------------------------------- the real data


def test_inferred_graph_equals_reference_on_real_data(data: Graph, reference: Graph) -> None:
    """fast_infer, and reference.infer with fast_closure, give the owlrl path's inferences."""
    assert len(reference) > 500
    fast = fast_infer(data)
    assert set(fast) == set(reference), diff(reference, fast)
    with_fast_closure = infer(data, closure=fast_closure)
    assert set(with_fast_closure) == set(reference), diff(reference, with_fast_closure)


def test_store_path_equals_reference_on_real_data(fast_store: Store, reference: Graph) -> None:
    fast = fast_store.graph(INFERRED)
    assert set(fast) == set(reference), diff(reference, fast)


def test_build_default_reasoner_equals_reference(built: Built, reference: Graph) -> None:
    inferred = built.store.graph(INFERRED)
    assert set(inferred) == set(reference), diff(reference, inferred)


def test_fast_path_makes_the_ontologys_inferences(fast_store: Store) -> None:
    inferred = fast_store.graph(INFERRED)
    bts, jungkook = iris.artist("BTS"), iris.artist("Jungkook")
    pop_duo = iris.category("Favorite Pop Duo or Group")
    win = iris.nomination(2022, "Favorite Pop Duo or Group", "BTS")
    assert (jungkook, AMA.memberOf, bts) in inferred  # property chain through the membership
    assert (bts, AMA.hasMember, jungkook) in inferred  # inverse of the chain
    assert (win, RDF.type, AMA.Win) in inferred  # intersection with a hasValue restriction
    assert (bts, AMA.nominatedFor, pop_duo) in inferred  # chain through the inverse of nominee
    assert (bts, WDT.P166, pop_duo) in inferred  # rules/award-received.rq, then subPropertyOf


def _local_queries() -> list[str]:
    return list(queries.local())  # not those with SERVICE: they need the network


def _rows(kg: KnowledgeGraph, name: str) -> Counter[tuple[str, ...]]:
    canned = queries.get(name)
    params: dict[str, Any] = {p.name: "BTS" for p in canned.parameters if p.required}
    result = kg.run(name, **params)
    return Counter(
        tuple("" if row.get(v) is None else row[v].n3() for v in result.vars)  # type: ignore[union-attr]
        for row in result.rows
    )


@pytest.mark.parametrize("name", _local_queries())
def test_canned_query_same_rows_on_both_paths(
    name: str, reference_kg: KnowledgeGraph, fast_store: Store
) -> None:
    fast_kg = KnowledgeGraph(fast_store, fast_store.graph_names())
    assert _rows(fast_kg, name) == _rows(reference_kg, name)


def test_canned_queries_compared_are_not_empty(reference_kg: KnowledgeGraph) -> None:
    names = _local_queries()
    assert "wikidata-awards" not in names
    assert len(_rows(reference_kg, "wins")) == 7  # BTS's seven AMA wins, 2018-2022
    assert sum(bool(_rows(reference_kg, name)) for name in names) >= len(names) - 1


# ---------------------------------------------------------------- other graphs


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """A synthetic awards graph of about 3,000 triples from bench/generate.py."""
    generate = runpy.run_path(str(BENCH / "generate.py"))["generate"]  # bench/ stays off sys.path
    folder = generate("3000", tmp_path_factory.mktemp("synthetic"))
    data = Graph()
    for graph in load_graphs(read_manifest(folder)).values():
        data += graph
    return data


def test_closure_equals_owlrl_on_synthetic_awards(synthetic: Graph) -> None:
    reference = owl_rl_closure(synthetic)
    fast = fast_closure(synthetic)
    assert len(reference) > 1000
    assert set(fast) == set(reference), diff(reference, fast)


def test_inferred_graph_equals_reference_on_synthetic_awards(synthetic: Graph) -> None:
    reference = infer(synthetic)
    fast = fast_infer(synthetic)
    assert any(p == AMA.winStreak for _, p, _ in reference)  # the rules had work to do
    assert set(fast) == set(reference), diff(reference, fast)


def test_supported_constructs_beyond_the_ontology_agree_with_owlrl() -> None:
    graph = load_files([FIXTURES / "extra-constructs.ttl"])
    reference = owl_rl_closure(graph)
    fast = fast_closure(graph)
    ex = "https://example.org/"
    assert (URIRef(ex + "x"), RDF.type, URIRef(ex + "ABC")) in fast
    assert (URIRef(ex + "g1"), URIRef(ex + "ancestor"), URIRef(ex + "g4")) in fast
    assert set(fast) == set(reference), diff(reference, fast)


@pytest.mark.parametrize(
    ("fixture", "construct"),
    [("same-as.ttl", "owl#sameAs"), ("chain-of-three.ttl", "owl#propertyChainAxiom")],
)
def test_unsupported_constructs_are_refused(fixture: str, construct: str) -> None:
    graph = load_files([FIXTURES / fixture])
    with pytest.raises(ReasoningError, match=construct):
        fast_closure(graph)
