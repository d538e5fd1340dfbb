"""A shapes graph compiled for the fast path (amakg.validation.plan), or UnsupportedShape
naming the construct it does not compile (never silently checked less)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH
from rdflib.term import Node

from .components import (
    ClassConstraint,
    CountConstraint,
    DatatypeConstraint,
    InConstraint,
    LengthConstraint,
    LessThanOrEqualsConstraint,
    NodeConstraint,
    NodeKindConstraint,
    OrConstraint,
    PatternConstraint,
    RangeConstraint,
    UniqueLangConstraint,
)
from .plan import CompiledShapes, Constraint, Shape, UnsupportedShape
from .report import SEVERITIES, count_shapes, path_text, shorten
from .shapes import parse_shapes, shapes_text
from .sparql_constraints import compile_sparql, sh_name
from .values import n3

# Shape predicates that do not constrain anything (read by pyshacl for reports or rules only).
_INERT = {
    RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.message, SH.severity, SH.path,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
}  # fmt: skip
_SUPPORTED = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH["in"], SH.pattern,
    SH.flags, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength,
    SH.maxLength, SH.lessThanOrEquals, SH.uniqueLang, SH["or"], SH.node, SH.property, SH.sparql,
}  # fmt: skip
_SINGLE = {SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH["in"], SH.minLength,
           SH.maxLength, SH.uniqueLang, SH.flags}  # fmt: skip
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_ADVANCED = (SH.target, SH.rule, SH.expression, SH.js, SH.entailment)
# constraints that only apply to property shapes
_PATH_ONLY = {SH.minCount, SH.maxCount, SH.lessThanOrEquals, SH.uniqueLang}
_RANGES = (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive)
_LENGTHS = (SH.minLength, SH.maxLength)

Maker = Callable[[Node], Constraint]


def compile_shapes(shapes: Graph | None = None) -> CompiledShapes:
    """The compiled shapes: ontology/shapes.ttl by default, compiled once per content of the
    file; a given graph is compiled on each call (~20 ms for shapes.ttl's 600 triples, against
    the seconds of a validation: not worth a cache that could outlive a changed graph)."""
    if shapes is not None:
        return ShapesCompiler(shapes).compile()
    return _compile_text(shapes_text())


@lru_cache(maxsize=2)
def _compile_text(text: bytes) -> CompiledShapes:
    return ShapesCompiler(parse_shapes(text)).compile()


class ShapesCompiler:
    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.shapes: dict[Node, Shape] = {}
        self.nested: set[Node] = set()  # shapes reached through sh:node / sh:or
        self.visiting: list[Node] = []

    def compile(self) -> CompiledShapes:
        g = self.g
        if any(g.subjects(RDF.type, SH.ConstraintComponent)):
            raise UnsupportedShape("custom constraint components (sh:ConstraintComponent)")
        for p in _ADVANCED:
            if any(g.subject_objects(p)):
                raise UnsupportedShape(f"{sh_name(p)} (SHACL Advanced Features)")
        for shape in sorted(self._candidates(), key=str):
            self.shape(shape)
        for node in self.nested:
            _check_nested(self.shapes[node])
        roots = [s for s in self.shapes.values() if s.is_root]
        for root in roots:
            _check_messages(root)
        roots.sort(key=lambda s: str(s.node))
        return CompiledShapes(roots, count_shapes(g))

    def _candidates(self) -> set[Node]:
        g = self.g
        candidates: set[Node] = set()
        for p in _TARGETS:
            candidates |= set(g.subjects(p, None))
        candidates |= set(g.subjects(RDF.type, SH.NodeShape))
        candidates |= set(g.subjects(RDF.type, SH.PropertyShape))
        candidates |= set(g.subjects(SH.property, None)) | set(g.subjects(SH.node, None))
        candidates |= set(g.objects(None, SH.property)) | set(g.objects(None, SH.node))
        return candidates

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
        self._check_predicates(node, where)
        severity = self._single(node, SH.severity, where)
        path = self._single(node, SH.path, where)
        shape = Shape(
            node=node,
            path=path,
            path_sparql=None if path is None else self.path(path, where),
            path_text=None if path is None else path_text(g, path),
            severity="Violation" if severity is None else SEVERITIES.get(severity, str(severity)),
            messages=tuple(sorted(g.objects(node, SH.message), key=str)),
            target_classes=self._iris(node, SH.targetClass),
            target_nodes=tuple(sorted(g.objects(node, SH.targetNode), key=str)),
            subjects_of=self._iris(node, SH.targetSubjectsOf),
            objects_of=self._iris(node, SH.targetObjectsOf),
        )
        if any(isinstance(t, BNode) for t in shape.target_nodes):
            raise UnsupportedShape(f"{where}: sh:targetNode is a blank node")
        shape.constraints = self.constraints(node, shape)
        self._add_properties(node, shape, where)
        for sparql in self._values(node, SH.sparql):
            if path is not None:
                raise UnsupportedShape(f"{where}: sh:sparql on a property shape")
            shape.sparql.append(compile_sparql(g, sparql, where))
        return shape

    def _check_predicates(self, node: Node, where: str) -> None:
        """Refuse what the shape says that is not compiled."""
        g = self.g
        for p in sorted(set(g.predicates(node, None)) - _INERT - _SUPPORTED, key=str):
            if p == SH.deactivated:
                raise UnsupportedShape(f"{where}: sh:deactivated")
            if str(p).startswith(str(SH)):
                raise UnsupportedShape(f"{where}: {sh_name(p)} is not compiled by the fast path")
        for p in _SINGLE:
            if len(set(g.objects(node, p))) > 1:
                raise UnsupportedShape(f"{where}: several values of {sh_name(p)}")
        types = set(g.objects(node, RDF.type))
        if types & {RDFS.Class, OWL.Class} or any(
            (t, RDFS.subClassOf, RDFS.Class) in g for t in types
        ):
            raise UnsupportedShape(f"{where}: a shape that is also a class (implicit class target)")

    def _single(self, node: Node, predicate: URIRef, where: str) -> Node | None:
        values = set(self.g.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShape(f"{where}: several {sh_name(predicate)} values")
        return next(iter(values), None)

    def _add_properties(self, node: Node, shape: Shape, where: str) -> None:
        for child in self._values(node, SH.property):
            if shape.path is not None:
                raise UnsupportedShape(f"{where}: sh:property on a property shape")
            prop = self.shape(child)
            if prop.path is None:
                raise UnsupportedShape(f"{shorten(child)}: sh:property value without sh:path")
            shape.properties.append(prop)

    def _values(self, node: Node, predicate: URIRef) -> list[Node]:
        return sorted(self.g.objects(node, predicate), key=str)

    def _iris(self, node: Node, predicate: URIRef) -> tuple[URIRef, ...]:
        values = self._values(node, predicate)
        for value in values:
            if not isinstance(value, URIRef):
                raise UnsupportedShape(f"{shorten(node)}: {sh_name(predicate)} {value!r}")
        return tuple(v for v in values if isinstance(v, URIRef))

    def constraints(self, node: Node, shape: Shape) -> list[Constraint]:
        """The constraints of a shape, one per value of each parameter."""
        where = shorten(node)
        flags = next(iter(self._values(node, SH.flags)), None)
        out: list[Constraint] = []
        for p, make in self._makers(flags, where):
            for value in self._values(node, p):
                if p in _PATH_ONLY and shape.path is None:
                    raise UnsupportedShape(f"{where}: {sh_name(p)} on a node shape")
                out.append(make(value))
        return out

    def _makers(self, flags: Node | None, where: str) -> list[tuple[URIRef, Maker]]:
        """Each compiled parameter and how to make its constraint from one of its values."""

        def named(
            kind: type[RangeConstraint | LengthConstraint | CountConstraint], p: URIRef
        ) -> Maker:
            return lambda value: kind(sh_name(p), value)

        return [
            (SH["class"], ClassConstraint),
            (SH.datatype, DatatypeConstraint),
            (SH.nodeKind, NodeKindConstraint),
            (SH.minCount, named(CountConstraint, SH.minCount)),
            (SH.maxCount, named(CountConstraint, SH.maxCount)),
            (SH["in"], lambda members: InConstraint(list(Collection(self.g, members)))),
            (SH.pattern, lambda pattern: PatternConstraint(pattern, flags)),
            *[(p, named(RangeConstraint, p)) for p in _RANGES],
            *[(p, named(LengthConstraint, p)) for p in _LENGTHS],
            (SH.lessThanOrEquals, LessThanOrEqualsConstraint),
            (SH.uniqueLang, UniqueLangConstraint),
            (SH.node, lambda target: self._node_constraint(target, where)),
            (SH["or"], lambda members: self._or_constraint(members, where)),
        ]

    def _node_constraint(self, target: Node, where: str) -> NodeConstraint:
        nested = self.shape(target)
        if nested.path is not None:
            raise UnsupportedShape(f"{where}: sh:node {shorten(target)} is a property shape")
        self.nested.add(target)
        return NodeConstraint(nested)

    def _or_constraint(self, members: Node, where: str) -> OrConstraint:
        nodes = list(Collection(self.g, members))
        if not nodes:
            raise UnsupportedShape(f"{where}: empty sh:or list")
        self.nested.update(nodes)
        return OrConstraint([self.shape(m) for m in nodes])

    def path(self, path: Node, where: str) -> str:
        """A SHACL path as a SPARQL property path."""
        g = self.g
        if isinstance(path, URIRef):
            return n3(path)
        if not isinstance(path, BNode):
            raise UnsupportedShape(f"{where}: sh:path {path!r}")
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, URIRef):
                raise UnsupportedShape(f"{where}: sh:inversePath of a complex path")
            return "^" + n3(inverse)
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self._path_list(alternatives, where, "sh:alternativePath")) + ")"
        if g.value(path, RDF.first) is not None:
            return "(" + "/".join(self._path_list(path, where, "a sequence path")) + ")"
        kinds = {sh_name(p) for p in g.predicates(path, None)}
        raise UnsupportedShape(f"{where}: path {', '.join(sorted(kinds)) or path!r}")

    def _path_list(self, members: Node, where: str, kind: str) -> list[str]:
        paths = list(Collection(self.g, members))
        if len(paths) < 2:
            raise UnsupportedShape(f"{where}: {kind} with fewer than two paths")
        return [self.path(m, where) for m in paths]


def _check_nested(shape: Shape) -> None:
    """A shape checked through sh:node / sh:or: conformance only."""
    if shape.sparql:
        raise UnsupportedShape(f"{shape.label}: sh:sparql in a shape used by sh:node/sh:or")
    for s in [shape, *shape.properties]:
        if s.severity != "Violation":
            raise UnsupportedShape(
                f"{s.label}: sh:severity {s.severity} on a shape used by sh:node/sh:or"
            )


def _check_messages(root: Shape) -> None:
    for s in [root, *root.properties]:
        if s.constraints and not s.messages:
            raise UnsupportedShape(
                f"{s.label} has no sh:message: pyshacl would make up a message for its "
                f"results ({', '.join(sorted({c.name for c in s.constraints}))}), which the "
                "fast path does not reproduce; give the shape a sh:message"
            )
