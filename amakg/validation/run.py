"""Running the compiled shapes on a pyoxigraph store: one SELECT per constraint finds the
offending rows of all focus nodes at once; values its SPARQL condition does not decide are
checked in Python (amakg.validation.components); the results make the report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph as ox
from rdflib import RDF, URIRef
from rdflib.graph import Graph

from .. import resources, sparqlfiles
from ..store import to_ox
from .compile import compile_shapes
from .components import (
    ClassConstraint,
    CountConstraint,
    LessThanOrEqualsConstraint,
    UniqueLangConstraint,
)
from .plan import Constraint, Shape, Term, UnsupportedShape
from .report import ValidationReport, ValidationResult, make_report
from .sparql_constraints import check_sparql
from .values import n3

SHACL_FOLDER = "shacl"
_RDF_TYPE = f"<{RDF.type}>"
_CLASS = ox.Variable("class")
_X = ox.Variable("x")


def validate_store(
    store: ox.Store,
    *,
    graphs: Sequence[ox.NamedNode] | None = None,
    shapes: Graph | None = None,
) -> ValidationReport:
    """Validate the union of `graphs` (default: every named graph of the store) against the
    shapes (default: ontology/shapes.ttl): the report the reference validator
    (amakg.validation.reference.validate) gives on those triples."""
    compiled = compile_shapes(shapes)
    run = Validation(store, graphs)
    results: list[ValidationResult] = []
    for root in compiled.roots:
        focus = focus_pattern(run, root)
        if root.path is None:
            results += _check_node(run, root, focus)
        else:  # a property shape with its own targets
            results += _check_property(run, root, focus)
        for prop in root.properties:
            results += _check_property(run, prop, focus)
        for constraint in root.sparql:
            results += check_sparql(run, root, constraint, focus)
    return make_report(results, compiled.shapes_checked)


class Validation:
    """One run of the compiled shapes over a dataset: queries, class closures, Python checks
    (the plan.Run that constraints see)."""

    def __init__(
        self, store: ox.Store, graphs: Sequence[ox.NamedNode | ox.BlankNode] | None
    ) -> None:
        self.store = store
        named = list(store.named_graphs())
        chosen = named if graphs is None else list(graphs)
        # The union of every named graph is read ~3x faster as pyoxigraph's union default graph
        # than as a list of graphs; that union also holds the default graph, so it must be empty.
        self.union = set(chosen) == set(named) and _empty_default_graph(store)
        self.graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [*chosen]
        self._closures: dict[URIRef, tuple[URIRef, ...]] = {}
        # keyed by the Shape itself (hashed by identity, kept alive by the compiled shapes)
        self._conforms: dict[tuple[Term, Shape], bool] = {}
        self._fresh = 0

    def query(
        self,
        text: str,
        prefixes: dict[str, str] | None = None,
        substitutions: dict[ox.Variable, Term] | None = None,
    ) -> ox.QuerySolutions:
        try:
            if self.union:
                result = self.store.query(
                    text,
                    use_default_graph_as_union=True,
                    prefixes=prefixes,
                    substitutions=substitutions,
                )
            else:
                result = self.store.query(
                    text, default_graph=self.graphs, prefixes=prefixes, substitutions=substitutions
                )
        except SyntaxError as exc:
            raise UnsupportedShape(f"compiled query does not parse: {exc}\n{text}") from exc
        assert isinstance(result, ox.QuerySolutions)
        return result

    def var(self, stem: str = "v") -> str:
        self._fresh += 1
        return f"?_{stem}{self._fresh}"

    def closure(self, cls: URIRef) -> tuple[URIRef, ...]:
        """cls and its rdfs:subClassOf descendants in the data."""
        if cls not in self._closures:
            found = {cls}
            for row in self.query(_support("subclasses"), substitutions={_CLASS: to_ox(cls)}):
                sub = row["sub"]
                if isinstance(sub, ox.NamedNode):
                    found.add(URIRef(sub.value))
            self._closures[cls] = tuple(sorted(found))
        return self._closures[cls]

    def instance_pattern(self, node: str, classes: Iterable[URIRef]) -> str:
        """node rdf:type one of the classes or their subclasses (rdf:type/rdfs:subClassOf*)."""
        members = sorted({c for cls in classes for c in self.closure(cls)})
        t = self.var("t")
        return f"{node} {_RDF_TYPE} {t} . VALUES {t} {{ {' '.join(n3(c) for c in members)} }}"

    def values(self, node: Term, shape: Shape) -> list[Term]:
        if shape.path_sparql is None:
            return [node]
        text = f"SELECT DISTINCT ?x ?v WHERE {{ ?x {shape.path_sparql} ?v }}"
        return [row["v"] for row in self.query(text, substitutions={_X: node})]

    def objects(self, node: Term, predicate: URIRef) -> list[Term]:
        text = f"SELECT DISTINCT ?x ?v WHERE {{ ?x {n3(predicate)} ?v }}"
        return [row["v"] for row in self.query(text, substitutions={_X: node})]

    def conforms(self, node: Term, shape: Shape) -> bool:
        """Whether pyshacl finds no result for `node` as a focus node of `shape` (sh:node)."""
        key = (node, shape)
        if key not in self._conforms:
            values = self.values(node, shape)
            ok = all(c.holds(self, node, values) for c in shape.constraints) and all(
                self.conforms(node, p) for p in shape.properties
            )
            self._conforms[key] = ok
        return self._conforms[key]


def _empty_default_graph(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None


def _support(name: str) -> str:
    return sparqlfiles.read(SHACL_FOLDER, name, root=resources.rules_dir())


def focus_pattern(run: Validation, root: Shape) -> str:
    """A group pattern binding ?this to the focus nodes of a root shape. A node can come out
    more than once (several types or targets, a triple in several graphs): every query using it
    keeps distinct rows or counts distinct values (a DISTINCT sub-select here would cost ~30%
    at 1M triples: pyoxigraph joins through it less well)."""
    parts = []
    if root.target_classes:
        parts.append(run.instance_pattern("?this", root.target_classes))
    # one row per node, not one per triple (a node is the subject or object of many)
    parts += [f"SELECT DISTINCT ?this WHERE {{ ?this {n3(p)} [] }}" for p in root.subjects_of]
    parts += [f"SELECT DISTINCT ?this WHERE {{ [] {n3(p)} ?this }}" for p in root.objects_of]
    if root.target_nodes:
        parts.append(f"VALUES ?this {{ {' '.join(n3(n) for n in root.target_nodes)} }}")
    return "{ " + " UNION ".join(f"{{ {p} }}" for p in parts) + " }"


def _check_node(run: Validation, root: Shape, focus: str) -> Iterator[ValidationResult]:
    """Constraints on the root's own focus nodes (the value node is the focus node)."""
    for c in root.constraints:
        if isinstance(c, ClassConstraint):  # an anti-join: faster than FILTER NOT EXISTS
            exact = True
            text = (
                f"SELECT DISTINCT ?this WHERE {{ {focus} MINUS {{ {c.instances(run, '?this')} }} }}"
            )
        else:
            test = c.passes(run, "?this")
            exact = test.exact
            text = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!({test.sparql})) }}"
        for row in run.query(text):
            this = row["this"]
            if exact or not c.value_ok(run, this):
                yield root.result(this, this)


def _check_property(run: Validation, prop: Shape, focus: str) -> Iterator[ValidationResult]:
    """Constraints of a property shape on the value nodes of the focus nodes."""
    for c in prop.constraints:
        if isinstance(c, CountConstraint):
            yield from _check_count(run, prop, c, focus)
        elif isinstance(c, UniqueLangConstraint):
            yield from _check_unique_lang(run, prop, c, focus)
        elif isinstance(c, LessThanOrEqualsConstraint):
            yield from _check_less_than_or_equals(run, prop, c, focus)
        else:
            yield from _check_values(run, prop, c, focus)


def _check_values(
    run: Validation, prop: Shape, c: Constraint, focus: str
) -> Iterator[ValidationResult]:
    """A value-level constraint on each value node of each focus node."""
    values = f"{focus} ?this {prop.path_sparql} ?value"
    if isinstance(c, ClassConstraint):  # an anti-join: faster than FILTER NOT EXISTS
        exact = True
        anti_join = f"{{ {values} }} MINUS {{ {c.instances(run, '?value')} }}"
        text = f"SELECT DISTINCT ?this ?value WHERE {{ {anti_join} }}"
    else:
        test = c.passes(run, "?value")
        exact = test.exact
        text = f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER(!({test.sparql})) }}"
    checked: dict[Term, bool] = {}  # values that did not pass in SPARQL, decided here
    for row in run.query(text):
        value = row["value"]
        if not exact and value not in checked:
            checked[value] = c.value_ok(run, value)
        if exact or not checked[value]:
            yield prop.result(row["this"], value)


def _check_unique_lang(
    run: Validation, prop: Shape, c: UniqueLangConstraint, focus: str
) -> Iterator[ValidationResult]:
    if not c.on:
        return
    text = (
        f"SELECT ?this ?lang WHERE {{ {focus} ?this {prop.path_sparql} ?value "
        "FILTER(isLiteral(?value) && LANG(?value) != '') BIND(LCASE(LANG(?value)) AS ?lang) } "
        "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)"
    )
    for row in run.query(text):
        yield prop.result(row["this"], None)


def _check_less_than_or_equals(
    run: Validation, prop: Shape, c: LessThanOrEqualsConstraint, focus: str
) -> Iterator[ValidationResult]:
    pair = c.pair_passes("?value", "?other")
    text = (
        f"SELECT DISTINCT ?this ?value ?other WHERE {{ {focus} ?this {prop.path_sparql} ?value . "
        f"?this {n3(c.other)} ?other FILTER(!{pair}) }}"
    )
    for row in run.query(text):
        if not c.pair_ok(row["value"], row["other"]):
            yield prop.result(row["this"], row["value"])


def _check_count(
    run: Validation, prop: Shape, c: CountConstraint, focus: str
) -> Iterator[ValidationResult]:
    path = prop.path_sparql
    if c.name == "sh:minCount":
        if c.bound == 0:
            return
        if c.bound == 1:
            missing = f"FILTER NOT EXISTS {{ ?this {path} ?value }}"
            text = f"SELECT DISTINCT ?this WHERE {{ {focus} {missing} }}"
        else:
            text = (
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {c.bound})"
            )
    else:
        text = (
            f"SELECT ?this WHERE {{ {focus} ?this {path} ?value }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {c.bound})"
        )
    for row in run.query(text):
        yield prop.result(row["this"], None)
