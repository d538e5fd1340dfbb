"""A fast OWL 2 RL path: the rules the ontology needs, as SPARQL CONSTRUCT files run on pyoxigraph.

owlrl (reference.owl_rl_closure) stays the reference. This module gives the same inferences
from rules/owl-rl/*.rq, run round after round to a fixpoint over an in-memory pyoxigraph store
(the rules, the round limit and the fixpoint loops are amakg.reasoning.rules, shared with the
reference path; this module never imports owlrl):

- fast_closure(graph): same contract as reference.owl_rl_closure (only the new triples, noise
  removed as reference.clean() removes it), so `reference.infer(graph, closure=fast_closure)`
  works;
- fast_infer(graph): same contract as reference.infer (rules/*.rq, then the OWL RL closure, then
  the rules again, to a fixpoint), done inside one store instead of rdflib graphs;
- infer_in_store(store): the same, on a pyoxigraph store that already holds the named graphs;
  the inferences go into the inferred graph of that store (nothing is converted to rdflib).

Rules implemented (W3C OWL 2 RL names; one file each): cax-sco, cax-eqc1/2, prp-dom, prp-rng,
prp-spo1, prp-spo2 (two-step chains, read with rdf:first/rdf:rest), prp-eqp1/2, prp-inv1/2,
prp-symp, prp-trp, cls-int1/2, cls-hv1/2, and the schema rules scm-cls, scm-sco, scm-eqc1/2,
scm-op (with scm-dp and rdf:Property folded in, as owlrl does), scm-spo, scm-eqp1/2,
scm-dom1/2, scm-rng1/2, scm-hv, scm-int. ontology/amakg.ttl uses subClassOf, domain/range,
subPropertyOf, inverseOf, two two-step property chains and one equivalentClass to an
intersection with a hasValue restriction (ama:Win); nothing else.

Decisions, and the one difference from owlrl:
- Schema-level triples are kept. owlrl derives triples about the ontology's own terms (the
  transitive rdfs:subClassOf / subPropertyOf, inherited domains and ranges, reflexive
  subClassOf / equivalentClass / subPropertyOf / equivalentProperty, C rdfs:subClassOf
  owl:Thing); the scm-* rules derive exactly the same ones, with owlrl's own quirks (no
  reflexive triple from a subClassOf cycle, scm-eqc2 applied to reflexive subClassOf), so the
  inferred graph is the same on both paths and ad-hoc queries over the union see the same
  schema. They cost nothing at scale: they read the ontology only.
- Not derived, because reference.clean() drops them from owlrl's output anyway: triples with a
  literal subject (owlrl's datatype typing, prp-rng on literals), reflexive owl:sameAs (eq-ref),
  triples about RDF/RDFS/OWL/XSD terms (cls-thing, prp-ap, dt-type1, owl:Nothing rdfs:subClassOf
  C), and owl:Thing typing and typing with anonymous class expressions (blank nodes): those are
  kept during the fixpoint, where cls-int1 needs them, and removed at the end as clean() does.
  rules/owl-rl/support/noise.rq mirrors clean(); the equivalence tests fail if they drift.
- Not implemented: owlrl's datatype checks (dt-not-type and the disjointness of datatypes).
  Ill-typed literals are rejected before reasoning by load.py and by the shapes (sh:datatype),
  so on data that reaches the reasoner they never fire.
- Constructs the rules do not cover (owl:sameAs, keys, cardinalities, some/allValuesFrom,
  unions, complements, enumerations, disjointness, longer chains...) are refused with a
  ReasoningError naming them (rules/owl-rl/support/unsupported.rq): the fast path never
  silently infers less than owlrl. Use the reference reasoner for such a graph.

tests/test_equivalence.py proves on the real data that both paths give the same inferred graph
and the same rows for every canned query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from .. import resources, sparqlfiles
from ..errors import ReasoningError
from ..store import from_ox, to_ox
from ..vocab import INFERRED
from .rules import Rule, load_rules, saturate, to_fixpoint

OWL_RL_FOLDER = "owl-rl"
_INPUT = ox.NamedNode("urn:x-amakg:fastrl:input")
_MAX_OWL_ROUNDS = 100  # naive evaluation: each round follows one more step of every chain


def owl_rl_dir() -> Path:
    return resources.rules_dir() / OWL_RL_FOLDER


# The order of one round: the schema (closed first, see closure_in_store), then properties
# (inverses before the chains that read them, and again after, for the inverse of a chain), then
# the types they give, then the classes. Any order reaches the same fixpoint; this one reaches
# it in one round plus the round that finds nothing new (at 1M triples: two rounds instead of
# four, ~18 s each).
RULE_ORDER = (
    "scm-cls", "scm-op", "scm-sco", "scm-spo", "scm-eqc1", "scm-eqc2", "scm-eqp1", "scm-eqp2",
    "scm-int", "scm-hv", "scm-dom1", "scm-dom2", "scm-rng1", "scm-rng2",
    "prp-eqp1", "prp-eqp2", "prp-inv1", "prp-inv2", "prp-spo2", "prp-inv1", "prp-inv2",
    "prp-symp", "prp-trp", "prp-spo1", "prp-dom", "prp-rng",
    "cls-hv2", "cls-int1", "cax-eqc1", "cax-eqc2", "cls-int2", "cls-hv1", "cax-sco",
)  # fmt: skip


@cache
def owl_rl_rules(folder: Path | None = None) -> tuple[Rule, ...]:
    """The OWL 2 RL rules of rules/owl-rl/, in RULE_ORDER (a rule not listed runs last)."""
    rules = {rule.name: rule for rule in load_rules(folder or owl_rl_dir())}
    ordered = [rules[name] for name in RULE_ORDER if name in rules]
    return tuple(ordered + [rule for name, rule in rules.items() if name not in RULE_ORDER])


@cache
def _support(name: str) -> str:
    return sparqlfiles.read(f"{OWL_RL_FOLDER}/support", name, root=resources.rules_dir())


# ---------------------------------------------------------------- entry points


def fast_closure(graph: Graph) -> Graph:
    """The OWL 2 RL closure of `graph` (the new triples only, noise removed), like owlrl's."""
    store = ox.Store()
    store.extend(_quads(graph, _INPUT))
    target = ox.NamedNode(str(INFERRED))
    closure_in_store(store, target)
    return _graph(store, target)


def fast_infer(graph: Graph, rules: Sequence[Rule] | None = None) -> Graph:
    """What reference.infer(graph, rules) returns, computed in one pyoxigraph store."""
    store = ox.Store()
    store.extend(_quads(graph, _INPUT))
    target = ox.NamedNode(str(INFERRED))
    infer_in_store(store, target, rules)
    return _graph(store, target)


def infer_in_store(
    store: ox.Store,
    target: ox.NamedNode | None = None,
    rules: Sequence[Rule] | None = None,
    owl_rules: Sequence[Rule] | None = None,
) -> int:
    """The reasoning of reference.infer on a store: the inferences go into `target`; returns
    their count.

    The same algorithm (amakg.reasoning.rules.saturate): the rules (rules/*.rq) to a fixpoint,
    then the OWL 2 RL closure, then the rules again, until the rules add nothing. Every query
    reads the union of the store's graphs, `target` included.
    """
    target = target or ox.NamedNode(str(INFERRED))
    rules = load_rules() if rules is None else rules
    saturate(
        lambda: apply_rules_in_store(store, target, rules),
        lambda: closure_in_store(store, target, owl_rules),
    )
    return _count(store, target)


# ---------------------------------------------------------------- the two fixpoints


def closure_in_store(
    store: ox.Store, target: ox.NamedNode, owl_rules: Sequence[Rule] | None = None
) -> None:
    """Add the OWL 2 RL closure of the store's union to `target`, then drop what is not new.

    Naive evaluation: each round first closes the schema (the scm-* rules, which read the
    ontology only, until they add nothing: cheap), then runs every other rule once over the whole
    union, adding at once the triples it derives that no graph of the store holds yet (so
    `target` never repeats another graph); the loop stops when a round adds no quad. Afterwards
    `target` loses owlrl's noise (see the module docstring).
    """
    refuse_unsupported(store)
    owl_rules = owl_rl_rules() if owl_rules is None else owl_rules
    schema = [rule for rule in owl_rules if rule.name.startswith("scm-")]
    instance = [rule for rule in owl_rules if not rule.name.startswith("scm-")]

    def round_() -> bool:
        before = len(store)
        while _run_once(store, target, schema):
            pass
        _run_once(store, target, instance)
        return len(store) != before

    to_fixpoint(round_, "the OWL 2 RL rules", _MAX_OWL_ROUNDS)
    _remove(store, target, store.query(_support("noise"), default_graph=[target]))


def _run_once(store: ox.Store, target: ox.NamedNode, rules: Sequence[Rule]) -> bool:
    """Run each rule once, adding the triples it derives that no graph holds yet to `target`
    at once; True when a quad was added.

    Most derived triples are held already (at 1M triples, ~0.6M of the ~3.2M a round derives are
    new): looking each up costs less than inserting it into `target` and removing it later.
    """
    added = False
    for rule in rules:
        new = [
            ox.Quad(t.subject, t.predicate, t.object, target)
            for t in _construct(store, rule)
            if not _held(store, t)
        ]
        store.extend(new)
        added = added or bool(new)
    return added


def apply_rules_in_store(store: ox.Store, target: ox.NamedNode, rules: Sequence[Rule]) -> int:
    """reference.apply_rules on a store: every rule reads the same state, then the new triples
    go in.

    Returns how many triples were added; raises ReasoningError after too many rounds.
    """
    added = 0

    def round_() -> bool:
        nonlocal added
        results = [list(_construct(store, rule)) for rule in rules]
        new = {
            (t.subject, t.predicate, t.object)
            for triples in results
            for t in triples
            if not _held(store, t)
        }
        store.extend(ox.Quad(s, p, o, target) for s, p, o in new)
        added += len(new)
        return bool(new)

    to_fixpoint(round_)
    return added


def refuse_unsupported(store: ox.Store) -> None:
    """Raise ReasoningError when the graph uses an OWL construct the fast rules do not cover."""
    answer = store.query(_support("unsupported"), use_default_graph_as_union=True)
    rows = list(answer) if isinstance(answer, ox.QuerySolutions) else []
    if rows:
        found = sorted({f"{row['construct'].value} (e.g. on {row['example']})" for row in rows})
        raise ReasoningError(
            "the fast OWL 2 RL rules do not cover these constructs:\n  "
            + "\n  ".join(found)
            + "\nuse the reference reasoner (owlrl) for this graph"
        )


# ---------------------------------------------------------------- helpers


def _construct(store: ox.Store, rule: Rule) -> Iterable[ox.Triple]:
    try:
        return store.query(rule.sparql, use_default_graph_as_union=True)  # type: ignore[return-value]
    except SyntaxError as exc:
        raise ReasoningError(f"rule {rule.name}: invalid SPARQL: {exc}") from None


def _held(store: ox.Store, triple: ox.Triple) -> bool:
    """True when some graph of the store (the target included) holds the triple already."""
    return (
        next(store.quads_for_pattern(triple.subject, triple.predicate, triple.object), None)
        is not None
    )


def _remove(store: ox.Store, graph: ox.NamedNode, rows: object) -> None:
    doomed = [ox.Quad(r["s"], r["p"], r["o"], graph) for r in rows]  # type: ignore[attr-defined]
    for quad in doomed:
        store.remove(quad)


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))


def _quads(triples: Iterable[tuple[Node, Node, Node]], graph: ox.NamedNode) -> Iterable[ox.Quad]:
    for s, p, o in triples:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)  # type: ignore[arg-type]


def _graph(store: ox.Store, graph: ox.NamedNode) -> Graph:
    result = Graph()
    for quad in store.quads_for_pattern(None, None, None, graph):
        result.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return result
