"""Validate data against ontology/shapes.ttl with pyshacl and return a typed report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import SH
from rdflib.term import Node

from amakg import resources
from amakg.errors import InputError, line_column
from amakg.vocab import curie

_SEVERITIES: dict[Node | None, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}


@dataclass(frozen=True)
class ValidationResult:
    """One failed check: which node, which property and value, and what to do."""

    severity: str  # 'Violation' | 'Warning' | 'Info'
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool  # True when no result is a Violation (warnings and infos allowed)
    results: list[ValidationResult]
    shapes_checked: int

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]


@cache
def _default_shapes() -> Graph:
    return Graph().parse(resources.shapes_file(), format="turtle")


def validate(data: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Check `data` (which must already include the ontology triples) against the shapes.

    A Dataset is validated as the union of its graphs, so that facts, provenance and the
    ontology's rdfs:subClassOf are seen together.
    """
    shapes_graph = shapes if shapes is not None else _default_shapes()
    _, results_graph, _ = pyshacl.validate(
        _union(data), shacl_graph=shapes_graph, inference="none", allow_warnings=True
    )
    results = sorted(_results(results_graph), key=_sort_key)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        shapes_checked=count_shapes(shapes_graph),
    )


def refuse_rdf_star(quads: Iterable[ox.Quad], path: Path) -> None:
    """The reference path hands the data to pyshacl as an rdflib graph, which cannot hold an
    RDF-star triple term: refuse such data (from `path`) with where it is, before rdflib fails
    on it. The fast path (amakg.validation.fast on pyoxigraph) reads RDF-star."""
    for quad in quads:
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            line, column = _first_triple_term(path)
            raise InputError(
                "RDF-star (a quoted triple << … >>) is not supported by the reference "
                "validator; use the default fast path (drop --reference)",
                path=str(path),
                line=line,
                column=column,
            )


def _first_triple_term(path: Path) -> tuple[int | None, int | None]:
    """Line and column of the first '<<' of a file (best effort: None when not found)."""
    from amakg.load import read_bytes

    data = read_bytes(path)
    offset = data.find(b"<<")
    if offset < 0:
        return None, None
    return line_column(data, offset)


def count_shapes(shapes: Graph) -> int:
    """Node shapes and property shapes declared in a shapes graph."""
    declared = set(shapes.subjects(RDF.type, SH.NodeShape))
    declared |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    declared |= set(shapes.objects(None, SH.property))
    return len(declared)


def format_report(report: ValidationReport) -> str:
    """Readable text: one block per result, then a summary line."""
    blocks = []
    for r in report.results:
        lines = [f"{r.severity}: {r.focus}"]
        if r.path is not None:
            lines.append(f"  path:    {r.path}")
        if r.value is not None:
            lines.append(f"  value:   {r.value}")
        lines.append(f"  message: {r.message}")
        lines.append(f"  shape:   {r.shape}")
        blocks.append("\n".join(lines))
    counts = {s: sum(r.severity == s for r in report.results) for s in _SEVERITIES.values()}
    verdict = "conforms" if report.conforms else "does not conform"
    summary = (
        f"{verdict}: {counts['Violation']} violation(s), {counts['Warning']} warning(s), "
        f"{counts['Info']} info(s); {report.shapes_checked} shapes checked"
    )
    return "\n\n".join([*blocks, summary])


def _union(data: Graph) -> Graph:
    if not isinstance(data, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph
        return data
    union = Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _results(report: Graph) -> Iterator[ValidationResult]:
    # Top-level results only: those of shapes reached through sh:node hang below as sh:detail.
    for node in report.objects(None, SH.result):
        severity = report.value(node, SH.resultSeverity)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        shape = report.value(node, SH.sourceShape)
        yield ValidationResult(
            severity=_SEVERITIES.get(severity, str(severity)),
            focus=shorten(report.value(node, SH.focusNode)),
            path=None if path is None else _path_text(report, path),
            value=None if value is None else shorten(value),
            message=messages[0] if messages else "",
            shape=shorten(shape),
        )


def shorten(term: Node | None) -> str:
    """A term as people write it: prefixed name, "literal"^^xsd:type or <iri>."""
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, Literal):
        text = '"' + str(term).replace('"', '\\"') + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^{shorten(term.datatype)}" if term.datatype else text
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _path_text(graph: Graph, path: Node) -> str:
    """SHACL property path in SPARQL notation (p, ^p, (a|b), a/b)."""
    if not isinstance(path, BNode):
        return shorten(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    return shorten(path)


def _sort_key(result: ValidationResult) -> tuple[int, str, str, str, str, str]:
    # path and message only break ties (two results of one shape on one focus node and value,
    # e.g. SPARQL rows with different {?var} values), so that the order is always the same
    rank = {"Violation": 0, "Warning": 1, "Info": 2}.get(result.severity, 3)
    return rank, result.focus, result.shape, result.value or "", result.path or "", result.message
