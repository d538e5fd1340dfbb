"""pyshacl's value semantics, for the values SPARQL cannot decide the same way.

rdflib reads some literals as ill-typed (no Python value), orders literals its own way and
pyshacl matches sh:pattern with Python's re. The fast path writes a SPARQL condition that only
lets through values that certainly pass (`integer_test`, a `portable_regex` pattern), and
decides the rest with the copies of pyshacl's tests here. Also how a shapes term is written
into a compiled query (`n3`, `sparql_string`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import ClassVar

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.term import Identifier, Node

from ..errors import AmakgError
from ..store import to_ox
from .plan import Term, UnsupportedShape

XSD_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"
INTEGER_LEXICAL = "^[+-]?[0-9]+$"  # rdflib reads these as int, never as ill-typed
NUMERIC = {XSD.integer, XSD.decimal}

# ------------------------------------------------------------------ terms in SPARQL


def n3(term: Node) -> str:
    """An IRI or literal of the shapes as SPARQL text."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return str(to_ox(term))
    raise UnsupportedShape(f"cannot write {term!r} in a query")


def sparql_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def integer_test(node: str) -> str:
    """node is an xsd:integer literal that rdflib reads as an int (not ill-typed)."""
    return (
        f"(isLiteral({node}) && datatype({node}) = {XSD_INTEGER} && "
        f'REGEX(STR({node}), "{INTEGER_LEXICAL}"))'
    )


def whole(term: Node) -> bool:
    """A literal holding a non-negative integer (not a boolean, not ill-typed)."""
    if not isinstance(term, Literal) or getattr(term, "ill_typed", False):
        return False
    value = term.value
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# ------------------------------------------------------------------ pyshacl's tests


def string_value(term: Identifier) -> str:
    # pyshacl's StringBasedConstraintBase.value_node_to_string
    if (
        isinstance(term, Literal)
        and term.value is not None
        and term.datatype in (None, RDF.langString, XSD.string)
    ):
        return str(term.value)
    return str(term)


def datatype_ok(term: Identifier, datatype: URIRef) -> bool:
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


def compare_literal(a: Literal, b: Literal) -> int:
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


def _comparable(term: Identifier) -> tuple[object, bool]:
    """A term as pyshacl compares it for sh:lessThanOrEquals, and whether it is a string."""
    if isinstance(term, URIRef):
        return str(term), True
    if isinstance(term, Literal) and isinstance(term.value, str):
        return term.value, True
    return term, False


def less_or_equal(value: Identifier, other: Identifier) -> bool:
    # pyshacl's LessThanOrEqualsConstraintComponent._compare_ltoe, for one pair
    if isinstance(value, BNode) or isinstance(other, BNode):
        raise AmakgError("sh:lessThanOrEquals cannot compare a blank node (pyshacl refuses it)")
    a, a_string = _comparable(value)
    b, b_string = _comparable(other)
    if a_string != b_string:
        return False
    return bool(a <= b)  # type: ignore[operator]


def duplicate_languages(values: list[Term]) -> bool:
    seen: set[str] = set()
    for value in values:
        if isinstance(value, ox.Literal) and value.language:
            lang = value.language.lower()
            if lang in seen:
                return True
            seen.add(lang)
    return False


# ------------------------------------------------------------------ regular expressions


def sparql_regex(pattern: str) -> bool:
    """Whether pyoxigraph compiles the pattern: an invalid one makes REGEX an error, which a
    FILTER reads as false (the value would pass unseen)."""
    text = f"SELECT ?m WHERE {{ BIND(REGEX('', {sparql_string(pattern)}) AS ?m) }}"
    try:
        return any(row["m"] is not None for row in ox.Store().query(text))  # type: ignore[union-attr]
    except SyntaxError:
        return False


def portable_regex(pattern: str) -> bool:
    """Whether a pattern only uses syntax that Python's re and pyoxigraph's regex engine read
    the same way (ASCII literals and classes, groups, alternation, quantifiers, ^ and $), so
    that a match in SPARQL is a match for pyshacl (Python's $ also matches before a final
    newline: values that fail in SPARQL are checked again in Python)."""
    return _RegexScan(pattern).portable()


_PORTABLE_CHAR = re.compile(r"[A-Za-z0-9 _,;:/#@%&=<>!~'\"-]")
_BRACES = re.compile(r"\{(\d+)(,(\d*))?\}")


def _plain_escape(pattern: str, i: int) -> bool:
    """The backslash at i escapes an ASCII punctuation character (no class such as \\d)."""
    return i + 1 < len(pattern) and not pattern[i + 1].isalnum() and pattern[i + 1].isascii()


class _RegexScan:
    """One pass over a pattern; each step reads one token and says whether it is portable."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.i = 0
        self.atom = False  # the last token can take a quantifier
        self.depth = 0  # open groups

    def portable(self) -> bool:
        while self.i < len(self.pattern):
            step = self._STEPS.get(self.pattern[self.i], _RegexScan._literal)
            if not step(self):
                return False
        return self.depth == 0

    def _advance(self, width: int, atom: bool) -> bool:
        self.i += width
        self.atom = atom
        return True

    def _escape(self) -> bool:
        return _plain_escape(self.pattern, self.i) and self._advance(2, True)

    def _char_class(self) -> bool:
        p, n = self.pattern, len(self.pattern)
        j = self.i + 1
        if j < n and p[j] == "^":
            j += 1
        start = j
        while j < n and p[j] != "]":
            width = self._class_member(j, start)
            if not width:
                return False
            j += width
        if j >= n or j == start:
            return False
        return self._advance(j + 1 - self.i, True)

    def _class_member(self, j: int, start: int) -> int:
        """The width of the class member at j, 0 when it is not portable."""
        p = self.pattern
        ch = p[j]
        if ch == "\\":
            return 2 if _plain_escape(p, j) else 0
        if ch.isascii() and ch.isalnum():
            return 1
        if ch == "-" and start < j and j + 1 < len(p) and p[j + 1] != "]":
            return 1
        return 0

    def _braces(self) -> bool:
        m = _BRACES.match(self.pattern, self.i)
        if m is None or not self.atom:
            return False
        return self._advance(m.end() - self.i, False)

    def _quantifier(self) -> bool:
        return self.atom and self._advance(1, False)

    def _open(self) -> bool:
        p, i = self.pattern, self.i
        non_capturing = p.startswith("(?:", i)
        if p.startswith("(?", i) and not non_capturing:
            return False
        self.depth += 1
        return self._advance(3 if non_capturing else 1, False)

    def _close(self) -> bool:
        if self.depth == 0:
            return False
        self.depth -= 1
        return self._advance(1, True)

    def _alternation(self) -> bool:
        return self._advance(1, False)

    def _start_anchor(self) -> bool:
        return self.i == 0 and self._advance(1, self.atom)

    def _end_anchor(self) -> bool:
        return self.i == len(self.pattern) - 1 and self._advance(1, self.atom)

    def _literal(self) -> bool:
        ch = self.pattern[self.i]
        return bool(ch == "." or _PORTABLE_CHAR.fullmatch(ch)) and self._advance(1, True)

    _STEPS: ClassVar[dict[str, Callable[[_RegexScan], bool]]] = {
        "\\": _escape,
        "[": _char_class,
        "{": _braces,
        "*": _quantifier,
        "+": _quantifier,
        "?": _quantifier,
        "(": _open,
        ")": _close,
        "|": _alternation,
        "^": _start_anchor,
        "$": _end_anchor,
    }
