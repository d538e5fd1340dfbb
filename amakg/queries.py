"""Canned queries: discovered from queries/*.rq, described by their header, run with bound values.

Header format (comment lines at the top of the file):

    # title: Wins of an artist
    # description: Every AMA category an artist won, by year and ceremony.
    # param: artist string = "BTS" -- the artist: a name, an alias or an IRI

Types are string, integer and iri; a parameter without a default is required. Values are
bound to the variable of the same name (SPARQL substitution), never formatted into the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from . import resources, sparqlfiles
from .errors import NetworkRefused, ParameterError
from .guard import check_query

_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>string|integer|iri)"
    r"(?:\s*=\s*(?P<default>\"[^\"]*\"|\S+))?\s*(?:--\s*(?P<help>.*))?$"
)
_INTEGER = re.compile(r"[+-]?\d+")
_IRI = re.compile(r"[a-z][a-z0-9+.-]*:[^\x00-\x20\s<>\"{}|^`\\]+", re.I)  # an IRIREF's characters


MAX_INTEGER_DIGITS = 100  # far beyond any year or count; Python refuses over 4300 digits
MAX_VALUE_CHARS = 10_000  # a name, a title or an IRI is far shorter


def _check_text(name: str, value: str) -> None:
    """A value must be valid Unicode (no lone surrogate: what Python makes of non-UTF-8 bytes
    on a command line) and of a sane length."""
    if len(value) > MAX_VALUE_CHARS:
        raise ParameterError(
            f"parameter {name!r} is {len(value)} characters long; at most {MAX_VALUE_CHARS}"
        )
    for index, char in enumerate(value):
        if "\ud800" <= char <= "\udfff":
            raise ParameterError(
                f"parameter {name!r} is not valid UTF-8 text: at character {index + 1}, "
                f"{_byte(char)}; pass the value in UTF-8"
            )


def _byte(char: str) -> str:
    """How a lone surrogate came to be: Python's escape of an undecodable byte, or not."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"the byte 0x{code - 0xDC00:02x} is not UTF-8"
    return f"a lone surrogate U+{code:04X}"


def _excerpt(value: str) -> str:
    return repr(value) if len(value) <= 60 else f"{value[:40]!r}… ({len(value)} characters)"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    help: str

    @property
    def required(self) -> bool:
        return self.default is None

    def bind(self, value: str) -> Node:
        """The RDF term for a value given as text; raises ParameterError when ill-typed."""
        _check_text(self.name, value)
        if self.type == "integer":
            if len(value) > MAX_INTEGER_DIGITS or not _INTEGER.fullmatch(value.strip()):
                raise ParameterError(
                    f"parameter {self.name!r} must be an integer of at most "
                    f"{MAX_INTEGER_DIGITS} digits (e.g. 2022), got {_excerpt(value)}"
                )
            return Literal(int(value), datatype=XSD.integer)
        if self.type == "iri":
            if not _IRI.fullmatch(value):
                raise ParameterError(
                    f"parameter {self.name!r} must be an absolute IRI, got {_excerpt(value)}"
                )
            return URIRef(value)
        return Literal(value)


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    sparql: str
    path: Path = field(compare=False)

    def bindings(self, given: Mapping[str, object]) -> dict[str, Node]:
        """Check the given values against the parameters and return the bindings."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ParameterError(
                f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"it accepts: {self.usage()}"
            )
        bound: dict[str, Node] = {}
        for param in self.parameters:
            if param.name in given and given[param.name] is not None:
                bound[param.name] = param.bind(str(given[param.name]))
            elif param.default is not None:
                bound[param.name] = param.bind(param.default)
            else:
                raise ParameterError(
                    f"query {self.name!r} needs parameter {param.name!r} "
                    f"({param.type}: {param.help}); "
                    f"it accepts: {self.usage()}"
                )
        return bound

    def usage(self) -> str:
        if not self.parameters:
            return "no parameters"
        parts = []
        for p in self.parameters:
            default = "required" if p.required else f"default {p.default!r}"
            parts.append(f"{p.name} ({p.type}, {default})")
        return ", ".join(parts)


def parse_header(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for key, value in sparqlfiles.header(text):
        if key == "param":
            match = _PARAM.match(value)
            if not match:
                raise ParameterError(
                    f"{path}: bad '# param:' line {value!r}; expected "
                    "'NAME TYPE [= DEFAULT] [-- help]' with TYPE string, integer or iri"
                )
            default = match["default"]
            if default is not None and default.startswith('"'):
                default = default[1:-1]
            params.append(Parameter(match["name"], match["type"], default, match["help"] or ""))
        elif key in ("title", "description"):
            fields[key] = (fields.get(key, "") + " " + value).strip()
    return CannedQuery(
        name=path.stem,
        title=fields.get("title", path.stem),
        description=fields.get("description", ""),
        parameters=tuple(params),
        sparql=text,
        path=path,
    )


@cache
def catalogue(folder: Path | None = None) -> dict[str, CannedQuery]:
    """Every canned query, by name."""
    folder = folder or resources.queries_dir()
    return {q.name: q for q in map(parse_header, sorted(folder.glob("*.rq")))}


def local() -> dict[str, CannedQuery]:
    """The canned queries that run without the network, by name (those with SERVICE, such as
    wikidata-awards, need an endpoint the user allows)."""
    found = {}
    for name, canned in catalogue().items():
        try:
            check_query(canned.sparql)
        except NetworkRefused:
            continue
        found[name] = canned
    return found


def get(name: str) -> CannedQuery:
    queries = catalogue()
    if name not in queries:
        raise ParameterError(f"no canned query {name!r}; available: {', '.join(sorted(queries))}")
    return queries[name]
