"""A fast SHACL validator: the shapes compiled to SPARQL and run on pyoxigraph.

pyshacl (validate.validate) stays the reference. This module gives the same report, result for
result, for shapes that use what it compiles, without converting the data to rdflib:

- validate_store(store, graphs=..., shapes=...): validates the union of the store's named graphs
  (or of `graphs`; the data must include the ontology, as validate()'s input does) and returns
  the ValidationReport that validate() returns for the same triples;
- compile_shapes(shapes): the compiled form of a shapes graph (cached per graph), which raises
  UnsupportedShape on anything it does not compile.

How a shape is checked. Each shape with a target (a root) and each property shape of a root is
compiled, constraint by constraint, into one SELECT query that finds the offending rows of all
focus nodes at once: the focus nodes are the root's targets (sh:targetClass through the
rdfs:subClassOf closure of the data, sh:targetSubjectsOf, sh:targetObjectsOf, sh:targetNode);
the value nodes follow sh:path (IRI, sh:inversePath, sh:alternativePath, sequences).

- sh:minCount 1 -> FILTER NOT EXISTS {path}; other minCount / sh:maxCount -> GROUP BY the focus
  node, HAVING COUNT(DISTINCT value); sh:uniqueLang -> GROUP BY focus and LCASE(LANG(value));
- value constraints (sh:class, sh:datatype, sh:nodeKind, sh:in, sh:pattern, sh:min/maxInclusive,
  sh:min/maxExclusive, sh:min/maxLength, sh:node, sh:or) -> the value nodes for which a SPARQL
  "passes" condition is not true. Where that condition is exactly pyshacl's (class, nodeKind,
  lengths, in with IRIs, minCount inside sh:or...), each row is a result. Where pyshacl's Python
  semantics cannot be written in SPARQL (rdflib's ill-typed literals and its literal ordering
  for datatype and ranges, Python's re for sh:pattern), the condition only lets through values
  that certainly pass (a well-formed xsd:integer within the bounds, a pattern in a subset of
  regex syntax both engines read the same way), and the few remaining values are decided in
  Python by a copy of pyshacl's own test: the report is pyshacl's, the cost is SPARQL's.
- sh:node and sh:or: the nested shapes become a SPARQL condition on the value (EXISTS / NOT
  EXISTS for their property shapes); values it does not clear are checked in Python against the
  nested shape. As in pyshacl, one result per value node, with the outer shape's message.
- sh:lessThanOrEquals -> the (value, other value) pairs that are not two ordered integers,
  each decided in Python as pyshacl does;
- sh:sparql (SPARQL-based constraints): the query runs once for all focus nodes, as
  `{ focus nodes } LATERAL { the query }`, which pyoxigraph evaluates with $this bound for each
  focus node (pyshacl pre-binds it and runs the query once per focus node). Results, message
  substitution ({?var}, {$this}) and duplicate removal follow pyshacl.

Other choices for speed at 1M triples: sh:class at the top level is an anti-join (MINUS the
instances) rather than FILTER NOT EXISTS; rdf:type/rdfs:subClassOf* is expanded once per class
into VALUES (rules/shacl/subclasses.rq); focus nodes are not made distinct in a sub-select
(every query keeps distinct rows or counts distinct values instead); and when all the store's
named graphs are validated (and its default graph is empty) they are read as pyoxigraph's union
default graph, ~3x faster than a list of graphs.

Results are built as validate._results builds them from pyshacl's report (severity, focus node,
path, value, the first message, source shape), so both reports compare equal.

Refused, with UnsupportedShape naming the construct (never silently checked less):
- any other constraint component (sh:closed, sh:equals, sh:disjoint, sh:lessThan, sh:hasValue,
  sh:and, sh:not, sh:xone, sh:qualifiedValueShape, sh:languageIn, SHACL-AF, custom components)
  and any other path (zeroOrMore, oneOrMore, zeroOrOne, inverse of a complex path);
- sh:property on a property shape, sh:deactivated, implicit class targets (a shape that is
  also a class), several sh:severity values, a non-Violation severity on a shape that is only
  checked through sh:node / sh:or (pyshacl's conformance then depends on allowed severities);
- a core constraint that can give a top-level result on a shape without sh:message (pyshacl
  would generate a message text, which is not reproduced);
- SPARQL constraints on property shapes, or whose query does not project $this, uses MINUS,
  VALUES, SERVICE, GRAPH, FROM, PREFIX/BASE, LIMIT/OFFSET, a sub-SELECT that mentions $this
  without projecting it, $PATH / $currentShape / $shapesGraph, ?failure, or an aggregate that
  depends on duplicate rows (COUNT without DISTINCT, SUM, AVG, SAMPLE, GROUP_CONCAT: the union
  of named graphs is a bag in pyoxigraph where rdflib's graph is a set).

Differences from pyshacl: none on ontology/shapes.ttl for the same triples. To know:
- The triples are the store's: pyoxigraph keeps a valid number or boolean in canonical form
  ("+2021"^^xsd:integer as 2021, "007" as 7, "1"^^xsd:boolean as true), so no shape sees the
  written form. pyshacl on the store's content gives the same report; pyshacl on rdflib's
  reading of the file may not (amash:Year's sh:pattern rejects "+2021" there).
- SPARQL constraints run on pyoxigraph's SPARQL engine instead of rdflib's. They agree on
  well-typed values of the expected datatype; they do not on comparisons across datatypes
  (rdflib orders "2021"^^xsd:gYear before 1974 by datatype IRI, pyoxigraph does not compare
  them) or on ill-typed literals (which amakg.load rejects): the constraints of shapes.ttl
  compare years only when both are xsd:integer.
- Blank nodes in a report (focus nodes, values, shapes) keep the store's labels, where pyshacl
  prints those of its copy.

tests/test_fastshacl.py proves the equality on every fixture, on the real data and on synthetic
graphs with broken copies, and the refusals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import ClassVar

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH
from rdflib.term import Identifier, Node

from .. import resources
from ..errors import AmakgError
from ..store import from_ox, to_ox
from .reference import (
    _SEVERITIES,
    ValidationReport,
    ValidationResult,
    _default_shapes,
    _path_text,
    _sort_key,
    count_shapes,
    shorten,
)

SHACL_FOLDER = "shacl"
_XSD_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"
_INTEGER_LEXICAL = "^[+-]?[0-9]+$"  # rdflib reads these as int, never as ill-typed
_RDF_TYPE = f"<{RDF.type}>"

# Shape predicates that do not constrain anything (read by pyshacl for reports or rules only).
_INERT = {
    RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.message, SH.severity, SH.path,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
}  # fmt: skip
_NUMERIC = {XSD.integer, XSD.decimal}
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class UnsupportedShape(AmakgError):
    """The shapes use a construct the fast validator does not compile (use validate.validate)."""


# ------------------------------------------------------------------ the compiled shapes


@dataclass(eq=False)
class Shape:
    """One shape as compiled: its constraints, property shapes and SPARQL constraints."""

    node: Node
    path: Node | None  # the sh:path node (property shapes), None for node shapes
    path_sparql: str | None
    path_text: str | None  # as validate._path_text prints it
    severity: str
    messages: tuple[Literal | Node, ...]
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    target_classes: tuple[URIRef, ...] = ()
    target_nodes: tuple[Node, ...] = ()
    subjects_of: tuple[URIRef, ...] = ()
    objects_of: tuple[URIRef, ...] = ()

    @property
    def is_root(self) -> bool:
        return bool(self.target_classes or self.target_nodes or self.subjects_of or self.objects_of)

    @property
    def label(self) -> str:
        return shorten(self.node)

    @property
    def message(self) -> str:
        return min((str(m) for m in self.messages), default="")


@dataclass(frozen=True)
class Pass:
    """A SPARQL condition under which a value certainly passes; `exact` when failing it means
    failing the constraint (no Python check needed)."""

    sparql: str
    exact: bool

    @staticmethod
    def never() -> Pass:
        return Pass("false", exact=False)


class Validation:
    """One run of the compiled shapes over a dataset: queries, class closures, Python checks."""

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
        self._conforms: dict[tuple[object, int], bool] = {}
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
        return f"{node} {_RDF_TYPE} {t} . VALUES {t} {{ {' '.join(_n3(c) for c in members)} }}"

    # ---------------------------------------------------------------- Python-side checks

    def values(self, node: Term, shape: Shape) -> list[Term]:
        if shape.path_sparql is None:
            return [node]
        text = f"SELECT DISTINCT ?x ?v WHERE {{ ?x {shape.path_sparql} ?v }}"
        return [row["v"] for row in self.query(text, substitutions={_X: node})]

    def objects(self, node: Term, predicate: URIRef) -> list[Term]:
        text = f"SELECT DISTINCT ?x ?v WHERE {{ ?x {_n3(predicate)} ?v }}"
        return [row["v"] for row in self.query(text, substitutions={_X: node})]

    def conforms(self, node: Term, shape: Shape) -> bool:
        """Whether pyshacl finds no result for `node` as a focus node of `shape` (sh:node)."""
        key = (node, id(shape))
        if key not in self._conforms:
            values = self.values(node, shape)
            ok = all(c.holds(self, node, values) for c in shape.constraints) and all(
                self.conforms(node, p) for p in shape.properties
            )
            self._conforms[key] = ok
        return self._conforms[key]


def _empty_default_graph(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None


@cache
def _support(name: str) -> str:
    return (resources.rules_dir() / SHACL_FOLDER / f"{name}.rq").read_text(encoding="utf-8")


_CLASS = ox.Variable("class")
_X = ox.Variable("x")


# ------------------------------------------------------------------ constraints


class Constraint:
    """One constraint component with one value of its parameter (pyshacl reports each)."""

    name = "constraint"

    def passes(self, v: Validation, node: str) -> Pass:
        """The SPARQL condition on a value node (value-level constraints)."""
        return Pass.never()

    def value_ok(self, v: Validation, value: Term) -> bool:
        """pyshacl's test on one value node (value-level constraints)."""
        raise NotImplementedError

    def holds(self, v: Validation, focus: Term, values: list[Term]) -> bool:
        """pyshacl's test on a focus node and its value nodes (nested shapes)."""
        return all(self.value_ok(v, value) for value in values)

    def shape_passes(self, v: Validation, node: str, shape: Shape) -> Pass:
        """The SPARQL condition for `node` (a focus node of `shape`) to pass this constraint."""
        if shape.path_sparql is None:
            return self.passes(v, node)
        value = v.var()
        inner = self.passes(v, value)
        text = f"NOT EXISTS {{ {node} {shape.path_sparql} {value} FILTER(!({inner.sparql})) }}"
        return Pass(text, inner.exact)


class ClassConstraint(Constraint):
    name = "sh:class"

    def __init__(self, cls: Node) -> None:
        if not isinstance(cls, URIRef):
            raise UnsupportedShape(f"sh:class {cls!r} is not an IRI")
        self.cls = cls

    def passes(self, v: Validation, node: str) -> Pass:
        return Pass(f"(!isLiteral({node}) && EXISTS {{ {self.instances(v, node)} }})", True)

    def instances(self, v: Validation, node: str) -> str:
        """node is a SHACL instance of the class (a literal never is: it is no subject)."""
        return v.instance_pattern(node, [self.cls])

    def value_ok(self, v: Validation, value: Term) -> bool:
        if isinstance(value, ox.Literal):
            return False
        text = f"SELECT ?x WHERE {{ FILTER EXISTS {{ {v.instance_pattern('?x', [self.cls])} }} }}"
        return any(True for _ in v.query(text, substitutions={_X: value}))


class DatatypeConstraint(Constraint):
    name = "sh:datatype"

    def __init__(self, datatype: Node) -> None:
        if not isinstance(datatype, URIRef):
            raise UnsupportedShape(f"sh:datatype {datatype!r} is not an IRI")
        self.datatype = datatype

    def passes(self, v: Validation, node: str) -> Pass:
        if self.datatype == XSD.integer:
            return Pass(_integer(node), False)
        if self.datatype == XSD.string:
            return Pass(f"(isLiteral({node}) && datatype({node}) = {_n3(XSD.string)})", False)
        if self.datatype == XSD.date:  # days 29-31 and other forms go to Python
            lexical = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
            return Pass(
                f"(isLiteral({node}) && datatype({node}) = {_n3(XSD.date)} && "
                f'REGEX(STR({node}), "{lexical}"))',
                False,
            )
        return Pass.never()

    def value_ok(self, v: Validation, value: Term) -> bool:
        return _datatype_ok(from_ox(value), self.datatype)


class NodeKindConstraint(Constraint):
    name = "sh:nodeKind"
    _KINDS: ClassVar[dict[Node, tuple[str, tuple[type, ...]]]] = {
        SH.IRI: ("isIRI({0})", (URIRef,)),
        SH.Literal: ("isLiteral({0})", (Literal,)),
        SH.BlankNode: ("isBlank({0})", (BNode,)),
        SH.BlankNodeOrIRI: ("(isBlank({0}) || isIRI({0}))", (BNode, URIRef)),
        SH.BlankNodeOrLiteral: ("(isBlank({0}) || isLiteral({0}))", (BNode, Literal)),
        SH.IRIOrLiteral: ("(isIRI({0}) || isLiteral({0}))", (URIRef, Literal)),
    }

    def __init__(self, kind: Node) -> None:
        if kind not in self._KINDS:
            raise UnsupportedShape(f"sh:nodeKind {kind!r} is not a SHACL node kind")
        self.kind = kind

    def passes(self, v: Validation, node: str) -> Pass:
        return Pass(self._KINDS[self.kind][0].format(node), True)

    def value_ok(self, v: Validation, value: Term) -> bool:
        return isinstance(from_ox(value), self._KINDS[self.kind][1])


class InConstraint(Constraint):
    name = "sh:in"

    def __init__(self, members: list[Node]) -> None:
        self.members = set(members)
        self.iris = sorted(m for m in members if isinstance(m, URIRef))

    def passes(self, v: Validation, node: str) -> Pass:
        tests = " || ".join(f"sameTerm({node}, {_n3(m)})" for m in self.iris) or "false"
        return Pass(f"({tests})", exact=len(self.iris) == len(self.members))

    def value_ok(self, v: Validation, value: Term) -> bool:
        return from_ox(value) in self.members


class PatternConstraint(Constraint):
    name = "sh:pattern"

    def __init__(self, pattern: Node, flags: Node | None) -> None:
        if not isinstance(pattern, Literal):
            raise UnsupportedShape(f"sh:pattern {pattern!r} is not a literal")
        self.pattern = str(pattern.value) if pattern.value is not None else str(pattern)
        re_flags = 0
        if flags is not None:
            text = str(flags.value if isinstance(flags, Literal) else flags).lower()
            re_flags |= re.I if "i" in text else 0
            re_flags |= re.M if "m" in text else 0
        try:
            self.regex = re.compile(self.pattern, re_flags)  # as pyshacl compiles it
        except re.error as exc:
            raise UnsupportedShape(f"sh:pattern {self.pattern!r} is not a regex: {exc}") from exc
        self.safe = flags is None and _portable_regex(self.pattern) and _sparql_regex(self.pattern)

    def passes(self, v: Validation, node: str) -> Pass:
        if not self.safe:
            return Pass.never()
        return Pass(f"(!isBlank({node}) && REGEX(STR({node}), {_string(self.pattern)}))", False)

    def value_ok(self, v: Validation, value: Term) -> bool:
        term = from_ox(value)
        if isinstance(term, BNode):
            return False
        text = _string_value(term)
        return bool(self.regex.match(text) or self.regex.search(text))


class LengthConstraint(Constraint):
    def __init__(self, name: str, bound: Node) -> None:
        self.name = name
        if not _whole(bound):
            raise UnsupportedShape(f"{name} {bound!r} is not a non-negative integer")
        assert isinstance(bound, Literal)
        self.bound = int(bound.value)

    def passes(self, v: Validation, node: str) -> Pass:
        if self.name == "sh:minLength":
            if self.bound == 0:
                return Pass("true", True)
            return Pass(f"(!isBlank({node}) && STRLEN(STR({node})) >= {self.bound})", True)
        return Pass(f"(!isBlank({node}) && STRLEN(STR({node})) <= {self.bound})", True)

    def value_ok(self, v: Validation, value: Term) -> bool:
        term = from_ox(value)
        if self.name == "sh:minLength" and self.bound == 0:
            return True
        if isinstance(term, BNode):
            return False
        length = len(_string_value(term))
        return length >= self.bound if self.name == "sh:minLength" else length <= self.bound


class RangeConstraint(Constraint):
    _OPS: ClassVar[dict[str, tuple[str, Callable[[int], bool]]]] = {
        "sh:minInclusive": (">=", lambda c: c >= 0),
        "sh:maxInclusive": ("<=", lambda c: c <= 0),
        "sh:minExclusive": (">", lambda c: c > 0),
        "sh:maxExclusive": ("<", lambda c: c < 0),
    }

    def __init__(self, name: str, bound: Node) -> None:
        self.name = name
        if not isinstance(bound, Literal):
            raise UnsupportedShape(f"{name} {bound!r} is not a literal")
        self.bound: Literal = bound

    def passes(self, v: Validation, node: str) -> Pass:
        bound = self.bound
        if bound.datatype not in _NUMERIC or getattr(bound, "ill_typed", False):
            return Pass.never()
        op = self._OPS[self.name][0]
        return Pass(f"({_integer(node)} && {node} {op} {_n3(bound)})", False)

    def value_ok(self, v: Validation, value: Term) -> bool:
        # pyshacl's value_range_constraints: rdflib's literal order, strings apart
        term = from_ox(value)
        if not isinstance(term, Literal):
            return False
        if isinstance(self.bound.value, str) != isinstance(term.value, str):
            return False
        try:
            return bool(self._OPS[self.name][1](_compare_literal(term, self.bound)))
        except (TypeError, NotImplementedError):
            return False


class NodeConstraint(Constraint):
    name = "sh:node"

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def passes(self, v: Validation, node: str) -> Pass:
        return _conforms(v, node, self.shape)

    def value_ok(self, v: Validation, value: Term) -> bool:
        return v.conforms(value, self.shape)


class OrConstraint(Constraint):
    name = "sh:or"

    def __init__(self, shapes: list[Shape]) -> None:
        self.shapes = shapes

    def passes(self, v: Validation, node: str) -> Pass:
        members = [_conforms(v, node, s) for s in self.shapes]
        text = "(" + " || ".join(m.sparql for m in members) + ")"
        return Pass(text, all(m.exact for m in members))

    def value_ok(self, v: Validation, value: Term) -> bool:
        return any(v.conforms(value, s) for s in self.shapes)


class CountConstraint(Constraint):
    def __init__(self, name: str, bound: Node) -> None:
        self.name = name
        if not (_whole(bound) and isinstance(bound, Literal) and bound.datatype == XSD.integer):
            raise UnsupportedShape(f"{name} {bound!r} is not a non-negative xsd:integer")
        self.bound = int(bound.value)

    def holds(self, v: Validation, focus: Term, values: list[Term]) -> bool:
        if self.name == "sh:minCount":
            return len(values) >= self.bound
        return len(values) <= self.bound

    def shape_passes(self, v: Validation, node: str, shape: Shape) -> Pass:
        path = shape.path_sparql
        a, b = v.var(), v.var()
        if self.name == "sh:minCount":
            if self.bound == 0:
                return Pass("true", True)
            if self.bound == 1:
                return Pass(f"EXISTS {{ {node} {path} {a} }}", True)
            return Pass.never()
        if self.bound == 0:
            return Pass(f"NOT EXISTS {{ {node} {path} {a} }}", True)
        if self.bound == 1:
            pair = f"{node} {path} {a} . {node} {path} {b} FILTER(!sameTerm({a}, {b}))"
            return Pass(f"NOT EXISTS {{ {pair} }}", True)
        return Pass.never()


class UniqueLangConstraint(Constraint):
    name = "sh:uniqueLang"

    def __init__(self, flag: Node) -> None:
        if not isinstance(flag, Literal) or not isinstance(flag.value, bool):
            raise UnsupportedShape(f"sh:uniqueLang {flag!r} is not a boolean")
        self.on = flag.value

    def holds(self, v: Validation, focus: Term, values: list[Term]) -> bool:
        return not self.on or not _duplicate_languages(values)

    def shape_passes(self, v: Validation, node: str, shape: Shape) -> Pass:
        if not self.on:
            return Pass("true", True)
        a, b = v.var(), v.var()
        same = (
            f"isLiteral({a}) && LANG({a}) != '' && LCASE(LANG({a})) = LCASE(LANG({b})) "
            f"&& !sameTerm({a}, {b})"
        )
        path = shape.path_sparql
        return Pass(f"NOT EXISTS {{ {node} {path} {a} . {node} {path} {b} FILTER({same}) }}", True)


class LessThanOrEqualsConstraint(Constraint):
    name = "sh:lessThanOrEquals"

    def __init__(self, other: Node) -> None:
        if not isinstance(other, URIRef):
            raise UnsupportedShape(f"sh:lessThanOrEquals {other!r} is not an IRI")
        self.other = other

    def pair_passes(self, value: str, other: str) -> str:
        return f"({_integer(value)} && {_integer(other)} && {value} <= {other})"

    def pair_ok(self, value: Term, other: Term) -> bool:
        return _less_or_equal(from_ox(value), from_ox(other))

    def holds(self, v: Validation, focus: Term, values: list[Term]) -> bool:
        others = v.objects(focus, self.other)
        return all(self.pair_ok(a, b) for a in values for b in others)

    def shape_passes(self, v: Validation, node: str, shape: Shape) -> Pass:
        a, b = v.var(), v.var()
        pairs = f"{node} {shape.path_sparql} {a} . {node} {_n3(self.other)} {b}"
        return Pass(f"NOT EXISTS {{ {pairs} FILTER(!{self.pair_passes(a, b)}) }}", False)


def _conforms(v: Validation, node: str, shape: Shape) -> Pass:
    """SPARQL condition for `node` to conform to a nested shape (no result at all)."""
    parts = [c.shape_passes(v, node, shape) for c in shape.constraints]
    parts += [_conforms(v, node, p) for p in shape.properties]
    if not parts:
        return Pass("true", True)
    return Pass("(" + " && ".join(p.sparql for p in parts) + ")", all(p.exact for p in parts))


# ------------------------------------------------------------------ SPARQL constraints


@dataclass(eq=False)
class SparqlConstraint:
    node: Node
    select: str
    prefixes: dict[str, str]
    messages: tuple[Literal | Node, ...]
    variables: tuple[str, ...]  # the query's projection, in order


_SPARQL_REFUSED = [
    (re.compile(r"(?<![\w:?$])MINUS\b", re.I), "MINUS"),
    (re.compile(r"(?<![\w:?$])VALUES\b", re.I), "VALUES"),
    (re.compile(r"(?<![\w:?$])SERVICE\b", re.I), "SERVICE"),
    (re.compile(r"(?<![\w:?$])GRAPH\b", re.I), "GRAPH"),
    (re.compile(r"(?<![\w:?$])FROM\b", re.I), "FROM"),
    (re.compile(r"(?<![\w:?$])(PREFIX|BASE)\b", re.I), "PREFIX/BASE in the query text"),
    (re.compile(r"(?<![\w:?$])(LIMIT|OFFSET)\b", re.I), "LIMIT/OFFSET"),
    (re.compile(r"[?$](PATH|currentShape|shapesGraph)\b"), "$PATH/$currentShape/$shapesGraph"),
    (re.compile(r"[?$]failure\b"), "?failure"),
    (re.compile(r"\b(SUM|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I), "SUM/AVG/SAMPLE/GROUP_CONCAT"),
    (re.compile(r"\bCOUNT\s*\((?!\s*DISTINCT\b)", re.I), "COUNT without DISTINCT"),
    (re.compile(r"\bAS\s+[?$]this\b", re.I), "AS $this"),
]
_THIS = re.compile(r"[?$]this\b")


def _check_select(text: str, where: str) -> None:
    stripped = _strip_strings_and_comments(text)
    for pattern, what in _SPARQL_REFUSED:
        if pattern.search(stripped):
            raise UnsupportedShape(f"{where}: the SPARQL constraint uses {what}")
    # every SELECT that mentions $this must project it (pyshacl binds it everywhere)
    for match in re.finditer(r"\bSELECT\b", stripped, re.I):
        body = _select_body(stripped, match.start())
        head_match = re.match(r"SELECT(.*?)(\bWHERE\b|\{)", body, re.I | re.S)
        head = head_match.group(1) if head_match else body
        if re.fullmatch(r"\s*((DISTINCT|REDUCED)\s+)?\*\s*", head, re.I):
            raise UnsupportedShape(f"{where}: the SPARQL constraint uses SELECT *")
        if _THIS.search(body) and not _THIS.search(head):
            raise UnsupportedShape(f"{where}: a SELECT mentions $this but does not project it")


def _strip_strings_and_comments(text: str) -> str:
    """The query text with string literals blanked and comments removed (for the checks)."""
    out = re.sub(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'', '""', text)
    out = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', out)
    return re.sub(r"#[^\n]*", "", re.sub(r"<[^<>\s]*>", "<>", out))


def _select_body(text: str, start: int) -> str:
    """From a SELECT keyword to the end of its group (the rest of the text for the outer one)."""
    depth = 0
    for i in range(start - 1, -1, -1):  # find the brace that opens this sub-select's group
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                break
            depth -= 1
    else:
        return text[start:]
    depth = 0
    for j in range(start, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            if depth == 0:
                return text[start:j]
            depth -= 1
    return text[start:]


# ------------------------------------------------------------------ compiling a shapes graph


@dataclass(eq=False)
class CompiledShapes:
    roots: list[Shape]
    shapes_checked: int


_SUPPORTED = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH["in"], SH.pattern,
    SH.flags, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength,
    SH.maxLength, SH.lessThanOrEquals, SH.uniqueLang, SH["or"], SH.node, SH.property, SH.sparql,
}  # fmt: skip
_SINGLE = {SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH["in"], SH.minLength,
           SH.maxLength, SH.uniqueLang, SH.flags}  # fmt: skip


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.shapes: dict[Node, Shape] = {}
        self.nested: set[Node] = set()  # shapes reached through sh:node / sh:or
        self.visiting: list[Node] = []

    def compile(self) -> CompiledShapes:
        g = self.g
        if any(g.subjects(RDF.type, SH.ConstraintComponent)):
            raise UnsupportedShape("custom constraint components (sh:ConstraintComponent)")
        for p in (SH.target, SH.rule, SH.expression, SH.js, SH.entailment):
            if any(g.subject_objects(p)):
                raise UnsupportedShape(f"{_sh(p)} (SHACL Advanced Features)")
        candidates: set[Node] = set()
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            candidates |= set(g.subjects(p, None))
        candidates |= set(g.subjects(RDF.type, SH.NodeShape))
        candidates |= set(g.subjects(RDF.type, SH.PropertyShape))
        candidates |= set(g.subjects(SH.property, None)) | set(g.subjects(SH.node, None))
        candidates |= set(g.objects(None, SH.property)) | set(g.objects(None, SH.node))
        for shape in sorted(candidates, key=str):
            self.shape(shape)
        for node in self.nested:
            self._check_nested(self.shapes[node])
        roots = [s for s in self.shapes.values() if s.is_root]
        for root in roots:
            self._check_messages(root)
        roots.sort(key=lambda s: str(s.node))
        return CompiledShapes(roots, count_shapes(g))

    def shape(self, node: Node) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        if node in self.visiting:
            raise UnsupportedShape(f"recursive shapes through {shorten(node)}")
        self.visiting.append(node)
        try:
            shape = self._build(node)
        finally:
            self.visiting.pop()
        self.shapes[node] = shape
        return shape

    def _build(self, node: Node) -> Shape:
        g = self.g
        where = shorten(node)
        predicates = set(g.predicates(node, None))
        for p in sorted(predicates, key=str):
            if p in _INERT or p in _SUPPORTED:
                continue
            if p == SH.deactivated:
                raise UnsupportedShape(f"{where}: sh:deactivated")
            if str(p).startswith(str(SH)):
                raise UnsupportedShape(f"{where}: {_sh(p)} is not compiled by the fast path")
        for p in _SINGLE:
            if len(set(g.objects(node, p))) > 1:
                raise UnsupportedShape(f"{where}: several values of {_sh(p)}")
        types = set(g.objects(node, RDF.type))
        if types & {RDFS.Class, OWL.Class} or any(
            (t, RDFS.subClassOf, RDFS.Class) in g for t in types
        ):
            raise UnsupportedShape(f"{where}: a shape that is also a class (implicit class target)")
        severities = set(g.objects(node, SH.severity))
        if len(severities) > 1:
            raise UnsupportedShape(f"{where}: several sh:severity values")
        severity = next(iter(severities), SH.Violation)
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1:
            raise UnsupportedShape(f"{where}: several sh:path values")
        path = paths[0] if paths else None
        shape = Shape(
            node=node,
            path=path,
            path_sparql=None if path is None else self.path(path, where),
            path_text=None if path is None else _path_text(g, path),
            severity=_SEVERITIES.get(severity, str(severity)),
            messages=tuple(sorted(g.objects(node, SH.message), key=str)),
            target_classes=self._iris(node, SH.targetClass),
            target_nodes=tuple(sorted(g.objects(node, SH.targetNode), key=str)),
            subjects_of=self._iris(node, SH.targetSubjectsOf),
            objects_of=self._iris(node, SH.targetObjectsOf),
        )
        for t in shape.target_nodes:
            if isinstance(t, BNode):
                raise UnsupportedShape(f"{where}: sh:targetNode is a blank node")
        shape.constraints = self.constraints(node, shape)
        for child in sorted(g.objects(node, SH.property), key=str):
            if path is not None:
                raise UnsupportedShape(f"{where}: sh:property on a property shape")
            prop = self.shape(child)
            if prop.path is None:
                raise UnsupportedShape(f"{shorten(child)}: sh:property value without sh:path")
            shape.properties.append(prop)
        for sparql in sorted(g.objects(node, SH.sparql), key=str):
            if path is not None:
                raise UnsupportedShape(f"{where}: sh:sparql on a property shape")
            shape.sparql.append(self.sparql(sparql, where))
        return shape

    def _iris(self, node: Node, predicate: URIRef) -> tuple[URIRef, ...]:
        values = sorted(self.g.objects(node, predicate), key=str)
        for value in values:
            if not isinstance(value, URIRef):
                raise UnsupportedShape(f"{shorten(node)}: {_sh(predicate)} {value!r}")
        return tuple(v for v in values if isinstance(v, URIRef))

    def constraints(self, node: Node, shape: Shape) -> list[Constraint]:
        g = self.g
        where = shorten(node)
        out: list[Constraint] = []

        def values(p: URIRef) -> list[Node]:
            return sorted(g.objects(node, p), key=str)

        out += [ClassConstraint(c) for c in values(SH["class"])]
        out += [DatatypeConstraint(d) for d in values(SH.datatype)]
        out += [NodeKindConstraint(k) for k in values(SH.nodeKind)]
        for name, p in (("sh:minCount", SH.minCount), ("sh:maxCount", SH.maxCount)):
            for bound in values(p):
                if shape.path is None:
                    raise UnsupportedShape(f"{where}: {name} on a node shape")
                out.append(CountConstraint(name, bound))
        for lst in values(SH["in"]):
            out.append(InConstraint(list(Collection(g, lst))))
        flags = next(iter(values(SH.flags)), None)
        out += [PatternConstraint(p, flags) for p in values(SH.pattern)]
        for name, p in (
            ("sh:minInclusive", SH.minInclusive),
            ("sh:maxInclusive", SH.maxInclusive),
            ("sh:minExclusive", SH.minExclusive),
            ("sh:maxExclusive", SH.maxExclusive),
        ):
            out += [RangeConstraint(name, b) for b in values(p)]
        for name, p in (("sh:minLength", SH.minLength), ("sh:maxLength", SH.maxLength)):
            out += [LengthConstraint(name, b) for b in values(p)]
        for other in values(SH.lessThanOrEquals):
            if shape.path is None:
                raise UnsupportedShape(f"{where}: sh:lessThanOrEquals on a node shape")
            out.append(LessThanOrEqualsConstraint(other))
        for flag in values(SH.uniqueLang):
            if shape.path is None:
                raise UnsupportedShape(f"{where}: sh:uniqueLang on a node shape")
            out.append(UniqueLangConstraint(flag))
        for target in values(SH.node):
            nested = self.shape(target)
            if nested.path is not None:
                raise UnsupportedShape(f"{where}: sh:node {shorten(target)} is a property shape")
            self.nested.add(target)
            out.append(NodeConstraint(nested))
        for lst in values(SH["or"]):
            members = list(Collection(g, lst))
            if not members:
                raise UnsupportedShape(f"{where}: empty sh:or list")
            shapes = []
            for m in members:
                self.nested.add(m)
                shapes.append(self.shape(m))
            out.append(OrConstraint(shapes))
        return out

    def path(self, path: Node, where: str) -> str:
        g = self.g
        if isinstance(path, URIRef):
            return _n3(path)
        if not isinstance(path, BNode):
            raise UnsupportedShape(f"{where}: sh:path {path!r}")
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, URIRef):
                raise UnsupportedShape(f"{where}: sh:inversePath of a complex path")
            return "^" + _n3(inverse)
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            members = list(Collection(g, alternatives))
            if len(members) < 2:
                raise UnsupportedShape(f"{where}: sh:alternativePath with fewer than two paths")
            return "(" + "|".join(self.path(m, where) for m in members) + ")"
        if g.value(path, RDF.first) is not None:
            members = list(Collection(g, path))
            if len(members) < 2:
                raise UnsupportedShape(f"{where}: a sequence path with fewer than two paths")
            return "(" + "/".join(self.path(m, where) for m in members) + ")"
        kinds = {_sh(p) for p in g.predicates(path, None)}
        raise UnsupportedShape(f"{where}: path {', '.join(sorted(kinds)) or path!r}")

    def sparql(self, node: Node, where: str) -> SparqlConstraint:
        g = self.g
        where = f"{where} sh:sparql {shorten(node)}"
        for p in set(g.predicates(node, None)):
            if p not in (RDF.type, SH.select, SH.message, SH.prefixes, RDFS.label, RDFS.comment):
                raise UnsupportedShape(f"{where}: {_sh(p)} is not compiled by the fast path")
        selects = list(g.objects(node, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise UnsupportedShape(f"{where}: needs exactly one sh:select string")
        text = str(selects[0])
        _check_select(text, where)
        prefixes = self.prefixes(node)
        try:
            solutions = ox.Store().query(
                text, prefixes=prefixes, substitutions={ox.Variable("this"): ox.NamedNode("x:")}
            )
        except (SyntaxError, RuntimeError) as exc:
            raise UnsupportedShape(f"{where}: the query does not run on pyoxigraph: {exc}") from exc
        assert isinstance(solutions, ox.QuerySolutions)
        variables = tuple(v.value for v in solutions.variables)
        if "this" not in variables:
            raise UnsupportedShape(f"{where}: the query does not project $this")
        return SparqlConstraint(
            node=node,
            select=text,
            prefixes=prefixes,
            messages=tuple(sorted(g.objects(node, SH.message), key=str)),
            variables=variables,
        )

    def prefixes(self, node: Node) -> dict[str, str]:
        """sh:prefixes as pyshacl's SPARQLQueryHelper.collect_prefixes reads them."""
        g = self.g
        prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
        ontologies = set(g.subjects(RDF.type, OWL.Ontology))
        named = set(g.objects(g.identifier, SH.declare)) if g.identifier else set()
        global_declares = named | {d for o in ontologies for d in g.objects(o, SH.declare)}
        for value in g.objects(node, SH.prefixes):
            own = set(g.objects(value, SH.declare))
            declares = own | named if own and value in ontologies else global_declares | own
            for declare in declares:
                prefix = list(g.objects(declare, SH.prefix))
                namespace = list(g.objects(declare, SH.namespace))
                if len(prefix) != 1 or len(namespace) != 1:
                    raise UnsupportedShape(f"{shorten(declare)}: sh:declare needs one prefix")
                ns = namespace[0]
                prefixes[str(prefix[0])] = str(ns.value if isinstance(ns, Literal) else ns)
        return prefixes

    def _check_nested(self, shape: Shape) -> None:
        """A shape checked through sh:node / sh:or: conformance only."""
        if shape.sparql:
            raise UnsupportedShape(f"{shape.label}: sh:sparql in a shape used by sh:node/sh:or")
        for s in [shape, *shape.properties]:
            if s.severity != "Violation":
                raise UnsupportedShape(
                    f"{s.label}: sh:severity {s.severity} on a shape used by sh:node/sh:or"
                )

    def _check_messages(self, root: Shape) -> None:
        for s in [root, *root.properties]:
            if s.constraints and not s.messages:
                raise UnsupportedShape(
                    f"{s.label} has no sh:message: pyshacl would make up a message for its "
                    f"results ({', '.join(sorted({c.name for c in s.constraints}))}), which the "
                    "fast path does not reproduce; give the shape a sh:message"
                )


_CACHE: dict[int, tuple[Graph, int, CompiledShapes]] = {}


def compile_shapes(shapes: Graph | None = None) -> CompiledShapes:
    """The compiled shapes (ontology/shapes.ttl by default), cached per shapes graph."""
    graph = shapes if shapes is not None else _default_shapes()
    cached = _CACHE.get(id(graph))
    if cached is not None and cached[0] is graph and cached[1] == len(graph):
        return cached[2]
    compiled = _Compiler(graph).compile()
    _CACHE[id(graph)] = (graph, len(graph), compiled)
    return compiled


# ------------------------------------------------------------------ running


def validate_store(
    store: ox.Store,
    *,
    graphs: Sequence[ox.NamedNode] | None = None,
    shapes: Graph | None = None,
) -> ValidationReport:
    """Validate the union of `graphs` (default: every named graph of the store) against the
    shapes (default: ontology/shapes.ttl): the report validate.validate gives on those triples."""
    compiled = compile_shapes(shapes)
    run = Validation(store, graphs)
    results: list[ValidationResult] = []
    for root in compiled.roots:
        focus = _focus(run, root)
        if root.path is None:
            results += _check_node(run, root, focus)
        else:  # a property shape with its own targets
            results += _check_property(run, root, focus)
        for prop in root.properties:
            results += _check_property(run, prop, focus)
        for constraint in root.sparql:
            results += _check_sparql(run, root, constraint, focus)
    results.sort(key=_sort_key)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        shapes_checked=compiled.shapes_checked,
    )


def _focus(run: Validation, root: Shape) -> str:
    """A group pattern binding ?this to the focus nodes of a root shape. A node can come out
    more than once (several types or targets, a triple in several graphs): every query using it
    keeps distinct rows or counts distinct values (a DISTINCT sub-select here would cost ~30%
    at 1M triples: pyoxigraph joins through it less well)."""
    parts = []
    if root.target_classes:
        parts.append(run.instance_pattern("?this", root.target_classes))
    # one row per node, not one per triple (a node is the subject or object of many)
    parts += [f"SELECT DISTINCT ?this WHERE {{ ?this {_n3(p)} [] }}" for p in root.subjects_of]
    parts += [f"SELECT DISTINCT ?this WHERE {{ [] {_n3(p)} ?this }}" for p in root.objects_of]
    if root.target_nodes:
        parts.append(f"VALUES ?this {{ {' '.join(_n3(n) for n in root.target_nodes)} }}")
    return "{ " + " UNION ".join(f"{{ {p} }}" for p in parts) + " }"


def _result(
    shape: Shape, focus: Term, value: Term | None, message: str | None = None
) -> ValidationResult:
    return ValidationResult(
        severity=shape.severity,
        focus=shorten(from_ox(focus)),
        path=shape.path_text,
        value=None if value is None else shorten(from_ox(value)),
        message=shape.message if message is None else message,
        shape=shape.label,
    )


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
                yield _result(root, this, this)


def _check_property(run: Validation, prop: Shape, focus: str) -> Iterator[ValidationResult]:
    """Constraints of a property shape on the value nodes of the focus nodes."""
    path = prop.path_sparql
    for c in prop.constraints:
        if isinstance(c, CountConstraint):
            yield from _check_count(run, prop, c, focus)
        elif isinstance(c, UniqueLangConstraint):
            if c.on:
                lang = "LCASE(LANG(?value))"
                text = (
                    f"SELECT ?this ?lang WHERE {{ {focus} ?this {path} ?value "
                    f"FILTER(isLiteral(?value) && LANG(?value) != '') BIND({lang} AS ?lang) }} "
                    "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)"
                )
                for row in run.query(text):
                    yield _result(prop, row["this"], None)
        elif isinstance(c, LessThanOrEqualsConstraint):
            pair = c.pair_passes("?value", "?other")
            text = (
                f"SELECT DISTINCT ?this ?value ?other WHERE {{ {focus} ?this {path} ?value . "
                f"?this {_n3(c.other)} ?other FILTER(!{pair}) }}"
            )
            for row in run.query(text):
                if not c.pair_ok(row["value"], row["other"]):
                    yield _result(prop, row["this"], row["value"])
        else:
            values = f"{focus} ?this {path} ?value"
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
                    yield _result(prop, row["this"], value)


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
        yield _result(prop, row["this"], None)


def _check_sparql(
    run: Validation, root: Shape, constraint: SparqlConstraint, focus: str
) -> Iterator[ValidationResult]:
    # pyshacl: the focus node is pre-bound as $this; here LATERAL binds it for each focus node
    focus = f"{{ SELECT DISTINCT ?this WHERE {focus} }}"  # the query runs once per focus node
    text = f"SELECT * WHERE {{ {focus} LATERAL {{ {constraint.select} }} }}"
    extra = [m for m in constraint.messages if m not in root.messages]
    seen: set[tuple[object, ...]] = set()
    for row in run.query(text, prefixes=constraint.prefixes):
        bound = {name: row[name] for name in constraint.variables if row[name] is not None}
        key = tuple(sorted((k, str(v)) for k, v in bound.items()))
        if key in seen:
            continue
        seen.add(key)
        this = bound.pop("this")
        path = bound.pop("path", None)
        value = bound.pop("value", None)
        if value is None:
            value = this  # a node shape reports its focus node as the value
        substitutions: dict[str, Identifier] = {k: from_ox(v) for k, v in bound.items()}
        substitutions["this"] = from_ox(this)
        if path is not None:
            substitutions["path"] = from_ox(path)
        substitutions["value"] = from_ox(value)
        messages = [_substitute(m, substitutions) for m in [*extra, *root.messages]]
        result = _result(root, this, value, min(messages, default=""))
        if path is not None:
            result = ValidationResult(
                result.severity, result.focus, shorten(from_ox(path)), result.value,
                result.message, result.shape,
            )  # fmt: skip
        yield result


def _substitute(message: Literal | Node, values: dict[str, Identifier]) -> str:
    # as pyshacl's _format_sparql_based_result_message (re.sub, values in this order)
    text = str(message.value) if isinstance(message, Literal) else str(message)
    for var, val in values.items():
        text = re.sub("{" + f"[?$]{var}" + "}", str(val), text)
    return text


# ------------------------------------------------------------------ helpers


def _sh(term: Node) -> str:
    """A SHACL term as sh:name (vocab.curie does not know the sh: prefix)."""
    text = str(term)
    return "sh:" + text[len(str(SH)) :] if text.startswith(str(SH)) else shorten(term)


def _n3(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return str(to_ox(term))
    raise UnsupportedShape(f"cannot write {term!r} in a query")


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def _integer(node: str) -> str:
    """node is an xsd:integer literal that rdflib reads as an int (not ill-typed)."""
    return (
        f"(isLiteral({node}) && datatype({node}) = {_XSD_INTEGER} && "
        f'REGEX(STR({node}), "{_INTEGER_LEXICAL}"))'
    )


_PORTABLE_CHAR = re.compile(r"[A-Za-z0-9 _,;:/#@%&=<>!~'\"-]")


def _portable_regex(pattern: str) -> bool:
    """Whether a pattern only uses syntax that Python's re and pyoxigraph's regex engine read
    the same way (ASCII literals and classes, groups, alternation, quantifiers, ^ and $), so
    that a match in SPARQL is a match for pyshacl (Python's $ also matches before a final
    newline: values that fail in SPARQL are checked again in Python)."""
    i, n = 0, len(pattern)
    atom = False
    depth = 0
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n or pattern[i + 1].isalnum() or not pattern[i + 1].isascii():
                return False
            i, atom = i + 2, True
        elif ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            start = j
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\":
                    if j + 1 >= n or pattern[j + 1].isalnum() or not pattern[j + 1].isascii():
                        return False
                    j += 2
                elif (pattern[j].isascii() and pattern[j].isalnum()) or (
                    pattern[j] == "-" and start < j and j + 1 < n and pattern[j + 1] != "]"
                ):
                    j += 1
                else:
                    return False
            if j >= n or j == start:
                return False
            i, atom = j + 1, True
        elif ch == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
            if not m or not atom:
                return False
            i, atom = i + m.end(), False
        elif ch in "*+?":
            if not atom:
                return False
            i, atom = i + 1, False
        elif ch == "(":
            if pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
                return False
            depth += 1
            i, atom = i + (3 if pattern.startswith("(?:", i) else 1), False
        elif ch == ")":
            if depth == 0:
                return False
            depth -= 1
            i, atom = i + 1, True
        elif ch == "|":
            i, atom = i + 1, False
        elif ch == "^":
            if i != 0:
                return False
            i += 1
        elif ch == "$":
            if i != n - 1:
                return False
            i += 1
        elif ch == "." or _PORTABLE_CHAR.fullmatch(ch):
            i, atom = i + 1, True
        else:
            return False
    return depth == 0


def _whole(term: Node) -> bool:
    """A literal holding a non-negative integer (not a boolean, not ill-typed)."""
    if not isinstance(term, Literal) or getattr(term, "ill_typed", False):
        return False
    value = term.value
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _sparql_regex(pattern: str) -> bool:
    """Whether pyoxigraph compiles the pattern: an invalid one makes REGEX an error, which a
    FILTER reads as false (the value would pass unseen)."""
    text = f"SELECT ?m WHERE {{ BIND(REGEX('', {_string(pattern)}) AS ?m) }}"
    try:
        return any(row["m"] is not None for row in ox.Store().query(text))  # type: ignore[union-attr]
    except SyntaxError:
        return False


def _string_value(term: Identifier) -> str:
    # pyshacl's StringBasedConstraintBase.value_node_to_string
    if (
        isinstance(term, Literal)
        and term.value is not None
        and term.datatype in (None, RDF.langString, XSD.string)
    ):
        return str(term.value)
    return str(term)


def _datatype_ok(term: Identifier, datatype: URIRef) -> bool:
    # pyshacl's DatatypeConstraintComponent.evaluate, for one value node
    if not isinstance(term, Literal):
        return False
    if term.datatype == datatype:
        if getattr(term, "ill_typed", None) is True:
            return False
        return _actual_datatype(term, datatype)
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and term.datatype:
        return True
    if term.datatype is None and term.language is None and datatype == XSD.string:
        return _actual_datatype(term, datatype)
    if datatype == RDF.langString and term.language:
        return _actual_datatype(term, datatype)
    return False


_ACTUAL: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _actual_datatype(term: Literal, datatype: URIRef) -> bool:
    expected = _ACTUAL.get(datatype)
    return True if expected is None else isinstance(term.value, expected)


def _compare_literal(a: Literal, b: Literal) -> int:
    # pyshacl.rdfutil.compare.compare_literal
    if a.eq(b):
        return 0
    if a.value.__class__ in (datetime, time):
        if a.value == b.value:
            return 0
        if a.value > b.value:
            return 1
    elif a > b:
        return 1
    return -1


def _less_or_equal(value: Identifier, other: Identifier) -> bool:
    # pyshacl's LessThanOrEqualsConstraintComponent._compare_ltoe, for one pair
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise AmakgError("sh:lessThanOrEquals cannot compare a blank node (pyshacl refuses it)")
    a: object = value
    b: object = other
    a_string = b_string = False
    if isinstance(value, URIRef):
        a, a_string = str(value), True
    elif isinstance(value, Literal) and isinstance(value.value, str):
        a, a_string = value.value, True
    if isinstance(other, URIRef):
        b, b_string = str(other), True
    elif isinstance(other, Literal) and isinstance(other.value, str):
        b, b_string = other.value, True
    if a_string != b_string:
        return False
    return bool(a <= b)  # type: ignore[operator]


def _duplicate_languages(values: list[Term]) -> bool:
    seen: set[str] = set()
    for value in values:
        if isinstance(value, ox.Literal) and value.language:
            lang = value.language.lower()
            if lang in seen:
                return True
            seen.add(lang)
    return False
