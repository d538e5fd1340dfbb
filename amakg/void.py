"""A VoID / DCAT description of the built dataset: counts, classes, linksets, licence, sources.

The constant part is a Turtle template (queries/templates/void.ttl); the counts come from the
CONSTRUCT queries of queries/void/, run over the store with their values bound as RDF terms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from . import __version__, sparqlfiles
from .store import Store
from .templates import fill_template
from .vocab import GRAPH_BASE, INFERRED, LINKS

DATASET = URIRef("https://w3id.org/amakg/dataset")


def describe(store: Store, asserted: list[URIRef]) -> Graph:
    """VoID for the dataset: one void:subset per named graph, class partitions, linksets."""
    g = fill_template("void", {"dataset": DATASET, "version": Literal(__version__)})
    bound = {"dataset": DATASET}
    for name in ("statistics", "classes", "class-totals", "sources"):
        g += _construct(store, name, bound, asserted)
    for graph in [*asserted, INFERRED]:
        at = {**bound, "graph": graph, "base": Literal(GRAPH_BASE)}
        g += _construct(store, "subset", at, [graph])
    g += _construct(store, "linksets", bound, [LINKS])
    return g


def _construct(
    store: Store, name: str, bindings: Mapping[str, Node], graphs: Sequence[URIRef]
) -> Graph:
    """The triples of queries/void/NAME.rq over the union of `graphs`, `bindings` bound."""
    answer = store.query(sparqlfiles.read("void", name), bindings=bindings, graphs=graphs)
    assert answer.graph is not None, f"queries/void/{name}.rq is not a CONSTRUCT query"
    return answer.graph
