"""OWL 2 RL closure (owlrl) plus SPARQL CONSTRUCT rules, to a fixpoint -> the inferred graph.

The input graphs are never touched: reasoning works on a copy and returns only the new
triples, cleaned of owlrl's noise (reflexive owl:sameAs, literal subjects, axiomatic triples
about the RDF/RDFS/OWL/XSD vocabularies, owl:Thing / rdfs:Resource typing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal
from rdflib.term import Node

from .. import resources
from ..errors import ReasoningError
from ..store import Store
from ..vocab import INFERRED

Triple = tuple[Node, Node, Node]

_BUILTIN = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD, ERRNS))
_NOISE_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
_MAX_ROUNDS = 10


@dataclass(frozen=True)
class Rule:
    """A SPARQL CONSTRUCT rule read from rules/*.rq."""

    name: str
    description: str
    sparql: str


def load_rules(folder: Path | None = None) -> list[Rule]:
    folder = folder or resources.rules_dir()
    rules = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        description = " ".join(
            line.lstrip("# ").strip()
            for line in re.findall(r"^#\s*(?:description:)?(.*)$", text, re.M)[1:]
        )
        rules.append(Rule(path.stem, description.strip(), text))
    return rules


def apply_rules(graph: Graph, rules: list[Rule]) -> Graph:
    """Apply the rules to a fixpoint over `graph`; return only the triples they add."""
    store = Store()
    store.add_graph(INFERRED, graph)
    added = Graph()
    for _ in range(_MAX_ROUNDS):
        new: list[Triple] = []
        for rule in rules:
            result = store.query(rule.sparql, graphs=[INFERRED])
            assert result.graph is not None
            new.extend(t for t in result.graph if t not in graph and t not in added)
        if not new:
            return added
        for triple in new:
            added.add(triple)
        store.add_graph(INFERRED, new)
    raise ReasoningError(f"rules did not reach a fixpoint in {_MAX_ROUNDS} rounds")


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
    rules: list[Rule] | None = None,
    closure: Callable[[Graph], Graph] = owl_rl_closure,
) -> Graph:
    """Everything the ontology and the rules entail from `graph` that `graph` lacks.

    Rules run first (they read asserted terms), then the OWL RL closure, then the rules again,
    looping until neither adds anything.
    """
    rules = load_rules() if rules is None else rules
    inferred = apply_rules(graph, rules)
    for _ in range(_MAX_ROUNDS):
        working = graph + inferred
        new_owl = closure(working)
        inferred += new_owl
        new_rules = apply_rules(working + new_owl, rules)
        if not new_rules:
            return inferred
        inferred += new_rules
    raise ReasoningError(f"reasoning did not reach a fixpoint in {_MAX_ROUNDS} rounds")
