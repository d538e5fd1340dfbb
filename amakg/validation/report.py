"""The validation report both paths return (the reference on pyshacl, the fast one on
pyoxigraph), the text people read, and how terms and paths are written in it."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from amakg.vocab import curie

SEVERITIES: dict[Node | None, str] = {
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


def make_report(results: list[ValidationResult], shapes_checked: int) -> ValidationReport:
    """The report of these results, in the one order both paths give."""
    ordered = sorted(results, key=sort_key)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in ordered),
        results=ordered,
        shapes_checked=shapes_checked,
    )


def sort_key(result: ValidationResult) -> tuple[int, str, str, str, str, str]:
    # path and message only break ties (two results of one shape on one focus node and value,
    # e.g. SPARQL rows with different {?var} values), so that the order is always the same
    rank = {"Violation": 0, "Warning": 1, "Info": 2}.get(result.severity, 3)
    return rank, result.focus, result.shape, result.value or "", result.path or "", result.message


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
    counts = {s: sum(r.severity == s for r in report.results) for s in SEVERITIES.values()}
    verdict = "conforms" if report.conforms else "does not conform"
    summary = (
        f"{verdict}: {counts['Violation']} violation(s), {counts['Warning']} warning(s), "
        f"{counts['Info']} info(s); {report.shapes_checked} shapes checked"
    )
    return "\n\n".join([*blocks, summary])


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


def path_text(graph: Graph, path: Node) -> str:
    """SHACL property path in SPARQL notation (p, ^p, (a|b), a/b)."""
    if not isinstance(path, BNode):
        return shorten(path)
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    if graph.value(path, RDF.first) is not None:
        return "/".join(path_text(graph, p) for p in Collection(graph, path))
    return shorten(path)
