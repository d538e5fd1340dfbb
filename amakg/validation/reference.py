"""Validate data against ontology/shapes.ttl with pyshacl (the reference the fast path,
amakg.validation.fast, is proven equal to) and return a typed report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Graph
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import SH

from amakg.errors import InputError, line_column

from .report import (
    SEVERITIES,
    ValidationReport,
    ValidationResult,
    count_shapes,
    format_report,
    make_report,
    path_text,
    shorten,
)
from .shapes import default_shapes

__all__ = [
    "ValidationReport",
    "ValidationResult",
    "count_shapes",
    "format_report",
    "refuse_rdf_star",
    "shorten",
    "validate",
]


def validate(data: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Check `data` (which must already include the ontology triples) against the shapes.

    A Dataset is validated as the union of its graphs, so that facts, provenance and the
    ontology's rdfs:subClassOf are seen together.
    """
    shapes_graph = shapes if shapes is not None else default_shapes()
    _, results_graph, _ = pyshacl.validate(
        _union(data), shacl_graph=shapes_graph, inference="none", allow_warnings=True
    )
    return make_report(list(_results(results_graph)), count_shapes(shapes_graph))


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
            severity=SEVERITIES.get(severity, str(severity)),
            focus=shorten(report.value(node, SH.focusNode)),
            path=None if path is None else path_text(report, path),
            value=None if value is None else shorten(value),
            message=messages[0] if messages else "",
            shape=shorten(shape),
        )
