"""The compiled shapes: what amakg.validation.compile makes of a shapes graph and
amakg.validation.run executes (shapes, their constraints, SPARQL constraints), and the
interface a constraint sees of the run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from ..errors import AmakgError
from ..store import from_ox
from .report import ValidationResult, shorten

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class UnsupportedShape(AmakgError):
    """The shapes use a construct the fast validator does not compile (use the reference
    validator, amakg.validation.reference)."""


class Run(Protocol):
    """One run of the compiled shapes over a dataset, as constraints use it
    (amakg.validation.run.Validation)."""

    def query(
        self,
        text: str,
        prefixes: dict[str, str] | None = None,
        substitutions: dict[ox.Variable, Term] | None = None,
    ) -> ox.QuerySolutions: ...

    def var(self, stem: str = "v") -> str:
        """A fresh SPARQL variable."""
        ...

    def instance_pattern(self, node: str, classes: Iterable[URIRef]) -> str:
        """A pattern: node rdf:type one of the classes or their subclasses in the data."""
        ...

    def objects(self, node: Term, predicate: URIRef) -> list[Term]: ...

    def conforms(self, node: Term, shape: Shape) -> bool:
        """Whether pyshacl finds no result for `node` as a focus node of `shape`."""
        ...


@dataclass(frozen=True)
class Pass:
    """A SPARQL condition under which a value certainly passes; `exact` when failing it means
    failing the constraint (no Python check needed)."""

    sparql: str
    exact: bool

    @staticmethod
    def never() -> Pass:
        return Pass("false", exact=False)


class Constraint:
    """One constraint component with one value of its parameter (pyshacl reports each)."""

    name = "constraint"

    def passes(self, v: Run, node: str) -> Pass:
        """The SPARQL condition on a value node (value-level constraints)."""
        return Pass.never()

    def value_ok(self, v: Run, value: Term) -> bool:
        """pyshacl's test on one value node (value-level constraints)."""
        raise NotImplementedError

    def holds(self, v: Run, focus: Term, values: list[Term]) -> bool:
        """pyshacl's test on a focus node and its value nodes (nested shapes)."""
        return all(self.value_ok(v, value) for value in values)

    def shape_passes(self, v: Run, node: str, shape: Shape) -> Pass:
        """The SPARQL condition for `node` (a focus node of `shape`) to pass this constraint."""
        if shape.path_sparql is None:
            return self.passes(v, node)
        value = v.var()
        inner = self.passes(v, value)
        text = f"NOT EXISTS {{ {node} {shape.path_sparql} {value} FILTER(!({inner.sparql})) }}"
        return Pass(text, inner.exact)


@dataclass(eq=False)
class SparqlConstraint:
    """A SPARQL-based constraint (sh:sparql) of a node shape."""

    node: Node
    select: str
    prefixes: dict[str, str]
    messages: tuple[Literal | Node, ...]
    variables: tuple[str, ...]  # the query's projection, in order


@dataclass(eq=False)
class Shape:
    """One shape as compiled: its constraints, property shapes and SPARQL constraints."""

    node: Node
    path: Node | None  # the sh:path node (property shapes), None for node shapes
    path_sparql: str | None
    path_text: str | None  # as the report prints it (report.path_text)
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

    def result(
        self,
        focus: Term,
        value: Term | None,
        message: str | None = None,
        path: Term | None = None,
    ) -> ValidationResult:
        """A result of this shape, as the reference path reads it from pyshacl's report."""
        return ValidationResult(
            severity=self.severity,
            focus=shorten(from_ox(focus)),
            path=self.path_text if path is None else shorten(from_ox(path)),
            value=None if value is None else shorten(from_ox(value)),
            message=self.message if message is None else message,
            shape=self.label,
        )


@dataclass(eq=False)
class CompiledShapes:
    roots: list[Shape]  # the shapes with a target, by IRI
    shapes_checked: int
