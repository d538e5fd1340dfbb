"""Files -> RDF graphs. Refuses remote fetches; reports file:line:column on bad input.

Parsing goes through pyoxigraph (fast, precise error positions); its terms are converted to
rdflib terms so that pyshacl and owlrl can work on the result. Literals keep their lexical form
(rdflib's normalization is turned off) and ill-typed ones are rejected, not normalized.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import OWL, XSD, Graph, URIRef

from .errors import InputError, NetworkRefused
from .terms import from_ox

rdflib.NORMALIZE_LITERALS = False

_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

# Lexical forms of the datatypes the project uses (XML Schema 1.1, simplified where safe).
_OWL_IMPORTS = str(OWL.imports)
_LEXICAL: dict[str, re.Pattern[str]] = {
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.nonNegativeInteger): re.compile(r"\+?\d+"),
    str(XSD.decimal): re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
    str(XSD.double): re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF|NaN)|-INF"),
    str(XSD.boolean): re.compile(r"true|false|1|0"),
    str(XSD.gYear): re.compile(r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?"),
    str(XSD.date): re.compile(
        r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?"
    ),
    str(XSD.dateTime): re.compile(
        r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-4]):[0-5]\d:[0-5]\d(\.\d+)?"
        r"(Z|[+-]\d{2}:\d{2})?"
    ),
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its suffix (a trailing .gz is looked through)."""
    suffix = path.suffixes[-2] if path.suffix == ".gz" and len(path.suffixes) > 1 else path.suffix
    try:
        return _FORMATS[suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(
            f"unknown RDF file type {suffix!r}", path=str(path), hint=f"use one of {known} (.gz ok)"
        ) from None


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from exc
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError(f"not a valid gzip file: {exc}", path=str(path)) from exc
    return data


def parse_quads(path: Path, data: bytes | None = None) -> Iterator[ox.Quad]:
    """Parse a file with pyoxigraph; syntax errors become InputError with line and column."""
    fmt = rdf_format(path)
    if data is None:
        data = read_bytes(path)
    if fmt == ox.RdfFormat.JSON_LD:
        _refuse_remote_contexts(path, data)
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_xml_entities(path, data)
    try:
        yield from ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        line, column = _position(exc)
        raise InputError(
            f"{fmt.name} syntax error: {_reason(exc)}",
            path=str(path),
            line=line,
            column=column,
            hint="fix the file at that position; nothing was loaded from it",
        ) from None
    except RecursionError:
        raise InputError("nesting too deep to parse", path=str(path)) from None


def read_quads(path: Path | str) -> list[ox.Quad]:
    """Every quad of one RDF file, parsed and checked (syntax, ill-typed literals, owl:imports)."""
    path = Path(path)
    data = read_bytes(path)
    quads = list(parse_quads(path, data))
    check_terms(path, data, quads)
    return quads


def parse_file(path: Path | str, into: Graph | None = None) -> Graph:
    """Parse one RDF file (all its quads, graph names dropped) into an rdflib Graph."""
    graph = into if into is not None else Graph()
    quads = read_quads(path)  # checked before rdflib sees (and logs about) an ill-typed literal
    for q in quads:
        graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return graph


def load_files(paths: Iterable[Path | str], into: Graph | None = None) -> Graph:
    """Parse several files into one graph."""
    graph = into if into is not None else Graph()
    for path in paths:
        parse_file(path, into=graph)
    return graph


def check_terms(path: Path, data: bytes, quads: list[ox.Quad]) -> None:
    """Reject ill-typed literals and owl:imports (which would fetch a remote ontology)."""
    for quad in quads:
        o = quad.object
        if isinstance(quad.predicate, ox.NamedNode) and quad.predicate.value == _OWL_IMPORTS:
            raise NetworkRefused(
                f"{path}: owl:imports {o} is refused: amakg never fetches remote "
                "ontologies. Download the ontology and pass it as a file instead."
            )
        if isinstance(o, ox.Literal) and o.datatype.value in _LEXICAL:
            datatype = URIRef(o.datatype.value)
            if not _well_typed(o.value, datatype):
                line, column = _locate(data.decode("utf-8", "replace"), o.value)
                raise InputError(
                    f'ill-typed literal "{o.value}"^^{_short(datatype)}: not a valid '
                    f"{_short(datatype)} value",
                    path=str(path),
                    line=line,
                    column=column,
                    hint="write a valid value (years are xsd:integer, e.g. 2022; "
                    "dates xsd:date, e.g. 2022-11-20)",
                )


def _short(iri: URIRef) -> str:
    return "xsd:" + str(iri).removeprefix(str(XSD))


def _well_typed(lexical: str, datatype: URIRef) -> bool:
    if not _LEXICAL[str(datatype)].fullmatch(lexical):
        return False
    if datatype in (XSD.date, XSD.dateTime):  # the pattern lets 2022-02-30 through
        try:
            date.fromisoformat(lexical.lstrip("-")[:10])
        except ValueError:
            return False
    return True


def _locate(text: str, lexical: str) -> tuple[int | None, int | None]:
    """Where a typed literal stands: its quoted form followed by ^^ (any quote style)."""
    found = re.search(r"""(["']{1,3})""" + re.escape(lexical) + r"\1\s*\^\^", text)
    if found is None:
        return None, None
    index = found.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    match = re.search(r"line (\d+) column (\d+)", str(exc))
    if match:
        return int(match.group(1)), int(match.group(2))
    return exc.lineno, exc.offset


def _reason(exc: SyntaxError) -> str:
    message = exc.msg if isinstance(exc.msg, str) else str(exc)
    return re.sub(r"^Parser error at line \d+ column \d+: ", "", message)


def _refuse_remote_contexts(path: Path, data: bytes) -> None:
    try:
        document = json.loads(data)
        contexts = list(_contexts(document))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON syntax error: {exc.msg}", path=str(path), line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:  # pyoxigraph itself crashes on JSON nested a few thousand deep
        raise InputError(
            "JSON nested too deeply to parse safely",
            path=str(path),
            hint="flatten the document (JSON-LD needs no deep nesting)",
        ) from None
    for context in contexts:
        if isinstance(context, str):
            raise NetworkRefused(
                f"{path}: JSON-LD @context {context!r} is refused: amakg never fetches contexts. "
                "Inline the context object (ontology/context.jsonld holds amakg's)."
            )


def _contexts(node: object) -> Iterator[object]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                yield from value if isinstance(value, list) else [value]
                yield from _contexts(value)
            else:
                yield from _contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _contexts(item)


def _refuse_xml_entities(path: Path, data: bytes) -> None:
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise InputError(
            "RDF/XML with a DOCTYPE or entity declarations is refused (entity expansion attacks)",
            path=str(path),
            hint="remove the DOCTYPE; amakg reads plain RDF/XML only",
        )
