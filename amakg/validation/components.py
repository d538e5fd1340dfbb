"""The SHACL core constraint components the fast path compiles, each as a SPARQL condition
(`passes`: the values that certainly pass) and pyshacl's own test (`value_ok` / `holds`) for
the values the condition does not clear (amakg.validation.values)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ..store import from_ox
from .plan import Constraint, Pass, Run, Shape, Term, UnsupportedShape
from .values import (
    NUMERIC,
    compare_literal,
    datatype_ok,
    duplicate_languages,
    integer_test,
    less_or_equal,
    n3,
    portable_regex,
    sparql_regex,
    sparql_string,
    string_value,
    whole,
)

_X = ox.Variable("x")


class ClassConstraint(Constraint):
    name = "sh:class"

    def __init__(self, cls: Node) -> None:
        if not isinstance(cls, URIRef):
            raise UnsupportedShape(f"sh:class {cls!r} is not an IRI")
        self.cls = cls

    def passes(self, v: Run, node: str) -> Pass:
        return Pass(f"(!isLiteral({node}) && EXISTS {{ {self.instances(v, node)} }})", True)

    def instances(self, v: Run, node: str) -> str:
        """node is a SHACL instance of the class (a literal never is: it is no subject)."""
        return v.instance_pattern(node, [self.cls])

    def value_ok(self, v: Run, value: Term) -> bool:
        if isinstance(value, ox.Literal):
            return False
        text = f"SELECT ?x WHERE {{ FILTER EXISTS {{ {v.instance_pattern('?x', [self.cls])} }} }}"
        return any(True for _ in v.query(text, substitutions={_X: value}))


class DatatypeConstraint(Constraint):
    name = "sh:datatype"
    _DATE_LEXICAL = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"

    def __init__(self, datatype: Node) -> None:
        if not isinstance(datatype, URIRef):
            raise UnsupportedShape(f"sh:datatype {datatype!r} is not an IRI")
        self.datatype = datatype

    def passes(self, v: Run, node: str) -> Pass:
        if self.datatype == XSD.integer:
            return Pass(integer_test(node), False)
        if self.datatype == XSD.string:
            return Pass(f"(isLiteral({node}) && datatype({node}) = {n3(XSD.string)})", False)
        if self.datatype == XSD.date:  # days 29-31 and other forms go to Python
            return Pass(
                f"(isLiteral({node}) && datatype({node}) = {n3(XSD.date)} && "
                f'REGEX(STR({node}), "{self._DATE_LEXICAL}"))',
                False,
            )
        return Pass.never()

    def value_ok(self, v: Run, value: Term) -> bool:
        return datatype_ok(from_ox(value), self.datatype)


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

    def passes(self, v: Run, node: str) -> Pass:
        return Pass(self._KINDS[self.kind][0].format(node), True)

    def value_ok(self, v: Run, value: Term) -> bool:
        return isinstance(from_ox(value), self._KINDS[self.kind][1])


class InConstraint(Constraint):
    name = "sh:in"

    def __init__(self, members: list[Node]) -> None:
        self.members = set(members)
        self.iris = sorted(m for m in members if isinstance(m, URIRef))

    def passes(self, v: Run, node: str) -> Pass:
        tests = " || ".join(f"sameTerm({node}, {n3(m)})" for m in self.iris) or "false"
        return Pass(f"({tests})", exact=len(self.iris) == len(self.members))

    def value_ok(self, v: Run, value: Term) -> bool:
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
        self.safe = flags is None and portable_regex(self.pattern) and sparql_regex(self.pattern)

    def passes(self, v: Run, node: str) -> Pass:
        if not self.safe:
            return Pass.never()
        pattern = sparql_string(self.pattern)
        return Pass(f"(!isBlank({node}) && REGEX(STR({node}), {pattern}))", False)

    def value_ok(self, v: Run, value: Term) -> bool:
        term = from_ox(value)
        if isinstance(term, BNode):
            return False
        text = string_value(term)
        return bool(self.regex.match(text) or self.regex.search(text))


class LengthConstraint(Constraint):
    def __init__(self, name: str, bound: Node) -> None:
        self.name = name
        if not whole(bound):
            raise UnsupportedShape(f"{name} {bound!r} is not a non-negative integer")
        assert isinstance(bound, Literal)
        self.bound = int(bound.value)

    def passes(self, v: Run, node: str) -> Pass:
        if self.name == "sh:minLength":
            if self.bound == 0:
                return Pass("true", True)
            return Pass(f"(!isBlank({node}) && STRLEN(STR({node})) >= {self.bound})", True)
        return Pass(f"(!isBlank({node}) && STRLEN(STR({node})) <= {self.bound})", True)

    def value_ok(self, v: Run, value: Term) -> bool:
        term = from_ox(value)
        if self.name == "sh:minLength" and self.bound == 0:
            return True
        if isinstance(term, BNode):
            return False
        length = len(string_value(term))
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

    def passes(self, v: Run, node: str) -> Pass:
        bound = self.bound
        if bound.datatype not in NUMERIC or getattr(bound, "ill_typed", False):
            return Pass.never()
        op = self._OPS[self.name][0]
        return Pass(f"({integer_test(node)} && {node} {op} {n3(bound)})", False)

    def value_ok(self, v: Run, value: Term) -> bool:
        # pyshacl's value_range_constraints: rdflib's literal order, strings apart
        term = from_ox(value)
        if not isinstance(term, Literal):
            return False
        if isinstance(self.bound.value, str) != isinstance(term.value, str):
            return False
        try:
            return bool(self._OPS[self.name][1](compare_literal(term, self.bound)))
        except (TypeError, NotImplementedError):
            return False


class NodeConstraint(Constraint):
    name = "sh:node"

    def __init__(self, shape: Shape) -> None:
        self.shape = shape

    def passes(self, v: Run, node: str) -> Pass:
        return conforms(v, node, self.shape)

    def value_ok(self, v: Run, value: Term) -> bool:
        return v.conforms(value, self.shape)


class OrConstraint(Constraint):
    name = "sh:or"

    def __init__(self, shapes: list[Shape]) -> None:
        self.shapes = shapes

    def passes(self, v: Run, node: str) -> Pass:
        members = [conforms(v, node, s) for s in self.shapes]
        text = "(" + " || ".join(m.sparql for m in members) + ")"
        return Pass(text, all(m.exact for m in members))

    def value_ok(self, v: Run, value: Term) -> bool:
        return any(v.conforms(value, s) for s in self.shapes)


class CountConstraint(Constraint):
    def __init__(self, name: str, bound: Node) -> None:
        self.name = name
        if not (whole(bound) and isinstance(bound, Literal) and bound.datatype == XSD.integer):
            raise UnsupportedShape(f"{name} {bound!r} is not a non-negative xsd:integer")
        self.bound = int(bound.value)

    def holds(self, v: Run, focus: Term, values: list[Term]) -> bool:
        if self.name == "sh:minCount":
            return len(values) >= self.bound
        return len(values) <= self.bound

    def shape_passes(self, v: Run, node: str, shape: Shape) -> Pass:
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

    def holds(self, v: Run, focus: Term, values: list[Term]) -> bool:
        return not self.on or not duplicate_languages(values)

    def shape_passes(self, v: Run, node: str, shape: Shape) -> Pass:
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
        return f"({integer_test(value)} && {integer_test(other)} && {value} <= {other})"

    def pair_ok(self, value: Term, other: Term) -> bool:
        return less_or_equal(from_ox(value), from_ox(other))

    def holds(self, v: Run, focus: Term, values: list[Term]) -> bool:
        others = v.objects(focus, self.other)
        return all(self.pair_ok(a, b) for a in values for b in others)

    def shape_passes(self, v: Run, node: str, shape: Shape) -> Pass:
        a, b = v.var(), v.var()
        pairs = f"{node} {shape.path_sparql} {a} . {node} {n3(self.other)} {b}"
        return Pass(f"NOT EXISTS {{ {pairs} FILTER(!{self.pair_passes(a, b)}) }}", False)


def conforms(v: Run, node: str, shape: Shape) -> Pass:
    """SPARQL condition for `node` to conform to a nested shape (no result at all)."""
    parts = [c.shape_passes(v, node, shape) for c in shape.constraints]
    parts += [conforms(v, node, p) for p in shape.properties]
    if not parts:
        return Pass("true", True)
    return Pass("(" + " && ".join(p.sparql for p in parts) + ")", all(p.exact for p in parts))
