"""Query results as text: an aligned table for people; SPARQL 1.1 result formats and RDF
syntaxes for programs."""

from __future__ import annotations

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from . import formats
from .errors import ParameterError
from .export import serialize_graph
from .store import QueryResult
from .vocab import curie

RESULT_FORMATS = formats.names("select")
GRAPH_FORMATS = formats.names("graph", for_people=False)


def short(term: Node | None) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def table(result: QueryResult) -> str:
    """An aligned text table (or the boolean, or Turtle for a graph)."""
    if result.kind == "ask":
        return "yes" if result.boolean else "no"
    if result.kind == "graph":
        assert result.graph is not None
        return serialize_graph(result.graph, "turtle").decode()
    cells = [[short(row.get(v)) for v in result.vars] for row in result.rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(result.vars)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.vars, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    footer = f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    footer += ", truncated at the row limit)" if result.truncated else ")"
    return "\n".join([*lines, footer])


def serialize(result: QueryResult, fmt: str) -> bytes:
    """SELECT/ASK: json, xml, csv, tsv (SPARQL 1.1); CONSTRUCT/DESCRIBE: turtle, json-ld, nt,
    rdf-xml; any: table (amakg.formats)."""
    if fmt == "table":
        return (table(result) + "\n").encode()
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise ParameterError(
                "a CONSTRUCT/DESCRIBE result can be written as "
                f"{', '.join(GRAPH_FORMATS)}, not {fmt!r}"
            )
        assert result.graph is not None
        return serialize_graph(result.graph, fmt)
    if fmt not in RESULT_FORMATS:
        raise ParameterError(
            f"a SELECT/ASK result can be written as {', '.join(RESULT_FORMATS)}, not {fmt!r}"
        )
    if fmt == "tsv":
        return _tsv(result)
    return _rdflib_result(result).serialize(format=fmt) or b""


def _rdflib_result(result: QueryResult) -> Result:
    if result.kind == "ask":
        answer = Result("ASK")
        answer.askAnswer = bool(result.boolean)
        return answer
    answer = Result("SELECT")
    answer.vars = [Variable(v) for v in result.vars]
    answer.bindings = [
        {Variable(k): v for k, v in row.items() if v is not None} for row in result.rows
    ]
    return answer


def _tsv(result: QueryResult) -> bytes:
    """SPARQL 1.1 TSV: a header of ?vars, then terms in their Turtle/N-Triples form."""
    if result.kind == "ask":
        return b"?_askResult\n" + (b"true\n" if result.boolean else b"false\n")
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(row.get(v)) for v in result.vars))
    return ("\n".join(lines) + "\n").encode()


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        lexical = str(term)
        for raw, escaped in (
            ("\\", "\\\\"),
            ('"', '\\"'),
            ("\n", "\\n"),
            ("\r", "\\r"),
            ("\t", "\\t"),
        ):
            lexical = lexical.replace(raw, escaped)
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype is not None:
            return f'"{lexical}"^^<{term.datatype}>'
        return f'"{lexical}"'
    return term.n3()
