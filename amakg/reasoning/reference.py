"""The reference reasoner: owlrl's OWL 2 RL closure plus the SPARQL CONSTRUCT rules of rules/,
on rdflib graphs, to a fixpoint -> the inferred graph.

The input graphs are never touched: reasoning works on a copy and returns only the new
triples, cleaned of owlrl's noise (reflexive owl:sameAs, literal subjects, axiomatic triples
about the RDF/RDFS/OWL/XSD vocabularies, owl:Thing / rdfs:Resource typing). The rules and the
fixpoint loops are amakg.reasoning.rules, shared with the fast path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal
from rdflib.term import Node

from ..errors import ReasoningError
from ..store import Store
from ..vocab import INFERRED
from .rules import Rule, load_rules, saturate, to_fixpoint

Triple = tuple[Node, Node, Node]

_BUILTIN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD, ERRNS))
_NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def apply_rules(graph: Graph, rules: Sequence[Rule]) -> Graph:
    """Apply the rules to a fixpoint over `graph`; return only the triples they add."""
    store = Store()
    store.add_graph(INFERRED, graph)
    added = Graph()

    def round_() -> bool:
        new: list[Triple] = []
        for rule in rules:
            result = store.query(rule.sparql, graphs=[INFERRED])
            assert result.graph is not None
            new.extend(t for t in result.graph if t not in graph and t not in added)
        for triple in new:
            added.add(triple)
        store.add_graph(INFERRED, new)
        return bool(new)

    to_fixpoint(round_)
    return added


def owl_rl_closure(graph: Graph) -> Graph:
    """owlrl's OWL 2 RL closure of `graph`; returns the new triples, noise removed."""
    closure = Graph()
    for triple in graph:
        closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    errors = [str(o) for s, p, o in closure if str(p).startswith(str(ERRNS))]
    if errors:
        raise ReasoningError(
            "the OWL 2 RL reasoner found inconsistencies:\n  " + "\n  ".join(sorted(set(errors)))
        )
    return clean(t for t in closure if t not in graph)


def clean(triples: object) -> Graph:
    """Drop owlrl's noise."""
    kept = Graph()
    for s, p, o in triples:  # type: ignore[attr-defined]
        if isinstance(s, Literal):
            continue
        if p == OWL.sameAs and s == o:
            continue
        if p == RDF.type and (o in _NOISE_TYPES or isinstance(o, BNode)):
            continue  # owl:Thing typing, and anonymous class expressions (ama:Win's definition)
        if str(s).startswith(_BUILTIN):
            continue
        kept.add((s, p, o))
    return kept


def infer(
    graph: Graph,
    rules: Sequence[Rule] | None = None,
    closure: Callable[[Graph], Graph] = owl_rl_closure,
) -> Graph:
    """Everything the ontology and the rules entail from `graph` that `graph` lacks.

    The algorithm is amakg.reasoning.rules.saturate: the rules to a fixpoint, then the OWL RL
    closure, then the rules again, until the rules add nothing.
    """
    rules = load_rules() if rules is None else rules
    inferred = Graph()

    def working() -> Graph:
        return graph + inferred if len(inferred) else graph  # a copy: `graph` is never touched

    def add_rules() -> int:
        nonlocal inferred
        new = apply_rules(working(), rules)
        inferred += new
        return len(new)

    def add_closure() -> None:
        nonlocal inferred
        inferred += closure(working())

    saturate(add_rules, add_closure)
    return inferred
