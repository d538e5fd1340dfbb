"""Files -> RDF graphs. Refuses remote fetches; reports file:line:column on bad input.

Parsing goes through pyoxigraph (fast, precise error positions); its terms are converted to
rdflib terms so that pyshacl and owlrl can work on the result. Literals keep their lexical form
(rdflib's normalization is turned off) and ill-typed ones are rejected, not normalized.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import OWL, XSD, Graph, URIRef

from .errors import InputError, NetworkRefused, line_column
from .inputs import PARSER_BUFFER, current_limits, megabytes, read_bytes
from .store import from_ox

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


# ---------------------------------------------------------------- bounded reading


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
    except MemoryError:  # the parser's buffer: a token of more than PARSER_BUFFER bytes
        limit = min(current_limits().max_literal_bytes, PARSER_BUFFER)
        raise _token_too_large(path, data, fmt, limit) from None


def read_quads(path: Path | str) -> list[ox.Quad]:
    """Every quad of one RDF file, parsed and checked (syntax, ill-typed literals, literal
    sizes, owl:imports)."""
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
    max_literal = current_limits().max_literal_bytes
    for quad in quads:
        o = quad.object
        if isinstance(o, ox.Literal) and _longer(o.value, max_literal):
            raise _token_too_large(path, data, rdf_format(path), max_literal, literal_only=True)
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


def _longer(text: str, limit: int) -> bool:
    """True when `text` takes more than `limit` bytes in UTF-8 (encoded only when it might)."""
    return len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit


def _token_too_large(
    path: Path, data: bytes, fmt: ox.RdfFormat, limit: int, *, literal_only: bool = False
) -> InputError:
    """The error for a literal (or, from the parser's buffer, an IRI) over `limit` bytes,
    positioned where the lexer below finds it."""
    found = _long_token(data, limit, fmt, literal_only=literal_only)
    if found is None:
        offset, size, kind = None, None, "literal"
    else:
        offset, size, kind = found
    line, column = line_column(data, offset) if offset is not None else (None, None)
    what = megabytes(size) if size is not None else "too large for the parser"
    return InputError(
        f"{kind} too large: {what}, over the {megabytes(limit)} limit",
        path=str(path),
        line=line,
        column=column,
        hint=f"raise the limit with --max-literal-mb (at most {megabytes(PARSER_BUFFER)}, "
        "the parser's buffer) if the value is meant to be this long",
    )


_TURTLE_OPENERS = re.compile(rb"[\"'<#]")
_JSON_OPENERS = re.compile(rb'"')


def _long_token(
    data: bytes, limit: int, fmt: ox.RdfFormat, *, literal_only: bool = False
) -> tuple[int, int, str] | None:
    """(offset, size, kind) of the first literal or IRI written with more than `limit` bytes.

    A small lexer (comments, IRIs, the four quote styles and their escapes; for RDF/XML, tags
    and the text between them), run only on the error path to say where the culprit stands.
    Each token's end is found with bytes.find, so a 50 MB literal is crossed in milliseconds."""
    if fmt == ox.RdfFormat.RDF_XML:
        return _long_xml_text(data, limit)
    openers = _JSON_OPENERS if fmt == ox.RdfFormat.JSON_LD else _TURTLE_OPENERS
    pos = 0
    while found := openers.search(data, pos):
        start = found.start()
        char = data[start : start + 1]
        if char == b"#":
            end = data.find(b"\n", start)
            pos = len(data) if end < 0 else end + 1
            continue
        if data[start : start + 2] == b"<<":  # an RDF-star triple term: look inside it
            pos = start + 2
            continue
        if char == b"<":
            quote, kind = b">", "IRI"
        else:
            long_quote = data[start : start + 3] in (b'"""', b"'''")
            quote, kind = (data[start : start + 3] if long_quote else char), "literal"
        opened = 1 if char == b"<" else len(quote)
        end = _closing(data, start + opened, quote)
        size = end - start - opened
        if size > limit and (kind == "literal" or not literal_only):
            return start, size, kind
        pos = end + len(quote)
    return None


def _closing(data: bytes, start: int, quote: bytes) -> int:
    """Offset of the unescaped `quote` that closes a token whose content starts at `start`
    (the end of the data when it never closes)."""
    while (end := data.find(quote, start)) >= 0:
        first = end
        while first > start and data[first - 1] == 0x5C:  # count the backslashes before it
            first -= 1
        if (end - first) % 2 == 0:
            return end
        start = end + 1
    return len(data)


def _long_xml_text(data: bytes, limit: int) -> tuple[int, int, str] | None:
    """RDF/XML: the first tag (with its attributes) or text between tags over `limit`."""
    pos = 0
    while pos < len(data):
        lt = data.find(b"<", pos)
        lt = len(data) if lt < 0 else lt
        if lt - pos > limit:
            return pos, lt - pos, "literal"
        gt = data.find(b">", lt)
        gt = len(data) if gt < 0 else gt
        if gt - lt > limit:
            return lt, gt - lt, "literal"
        pos = gt + 1
    return None


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
    """Where a typed literal stands: its quoted form followed by ^^ (any quote style), with
    each character written as itself or as a \\u / \\U escape; else (JSON-LD) the first
    quoted occurrence of the value."""
    body = _escaped_pattern(lexical)
    found = re.search(r"""(["']{1,3})""" + body + r"\1\s*\^\^", text) or re.search(
        r"""(["'])""" + body + r"\1", text
    )
    if found is None:
        return None, None
    return line_column(text, found.start())


def _escaped_pattern(lexical: str) -> str:
    """A regular expression for `lexical` as a Turtle or JSON string may write it: every
    character as itself or as a \\u or \\U escape (plain text only for long values)."""
    if len(lexical) > 200:
        return re.escape(lexical)
    parts = []
    for char in lexical:
        code = ord(char)
        escapes = [re.escape(char), f"\\\\u(?i:{code:04x})"]
        if code > 0xFFFF:  # JSON writes it as a surrogate pair; Turtle as \\U
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            escapes.append(f"\\\\u(?i:{high:04x})\\\\u(?i:{low:04x})")
        escapes.append(f"\\\\U(?i:{code:08x})")
        parts.append("(?:" + "|".join(escapes) + ")")
    return "".join(parts)


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
