"""SHACL shapes: every check fails on its own fixture with its message; good data conforms.

Each tests/fixtures/invalid/<case>.ttl breaks exactly one check; <case>.expected holds
`message: <substring of the sh:message>`, `focus: <prefixed focus node>` and optionally
`severity: Warning` (default Violation).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH

from amakg import resources
from amakg.validation.reference import validate
from amakg.validation.report import ValidationReport, format_report

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
MINIMAL = FIXTURES / "valid" / "minimal.ttl"
AMAR = "https://w3id.org/amakg/id/"
PLACEHOLDER = re.compile(r"\{[?$]\w+\}")


@cache
def _ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


@cache
def _shapes() -> Graph:
    return Graph().parse(resources.shapes_file(), format="turtle")


def _load(*paths: Path) -> Graph:
    graph = Graph()
    graph += _ontology()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _expectation(case: Path) -> dict[str, str]:
    lines = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


@cache
def _templates() -> dict[str, re.Pattern[str]]:
    """Each sh:message, as a pattern in which {?var} placeholders match their values."""
    templates = {str(m) for m in _shapes().objects(None, SH.message)}
    return {
        t: re.compile(".+?".join(re.escape(part) for part in PLACEHOLDER.split(t)))
        for t in templates
    }


@cache
def _report(case: Path) -> ValidationReport:
    return validate(_load(case))


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_fails_with_its_message(case: Path) -> None:
    expected = _expectation(case)
    severity = expected.get("severity", "Violation")
    report = _report(case)
    text = format_report(report)
    matching = [r for r in report.results if expected["message"] in r.message]
    assert matching, text
    assert {(r.focus, r.severity) for r in matching} == {(expected["focus"], severity)}, text
    assert len(matching) == len(report.results), f"the fixture breaks other checks too:\n{text}"
    assert report.conforms is (severity != "Violation")


def test_there_are_fixtures_and_each_has_an_expectation() -> None:
    assert len(INVALID) >= 80
    for case in INVALID:
        assert set(_expectation(case)) >= {"message", "focus"}, case.name


def test_every_check_has_a_failing_fixture() -> None:
    """Each sh:message of shapes.ttl is produced by at least one fixture, and only by its own."""
    untested = set(_templates())
    for case in INVALID:
        for result in _report(case).results:
            owners = [t for t, pattern in _templates().items() if pattern.fullmatch(result.message)]
            assert len(owners) == 1, f"{case.name}: {result.message!r}"
            untested.discard(owners[0])
    assert sorted(untested) == []


def test_every_reported_check_has_a_message() -> None:
    shapes = _shapes()
    property_shapes = set(shapes.objects(None, SH.property))
    sparql = set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    node_checks = {
        s for s in shapes.subjects(SH["or"], None) if (s, RDF.type, SH.NodeShape) in shapes
    }
    unexplained = [
        s for s in property_shapes | sparql | node_checks if not shapes.value(s, SH.message)
    ]
    assert unexplained == []
    assert property_shapes and sparql and node_checks  # each kind is there to be checked


def test_minimal_graph_conforms() -> None:
    report = validate(_load(MINIMAL))
    assert report.conforms, format_report(report)
    assert report.results == []
    assert report.shapes_checked > 80


def test_subclasses_come_from_the_ontology_in_the_data() -> None:
    # Without the ontology a Group is no ama:Artist, so the nominee check fails.
    data = Graph().parse(MINIMAL, format="turtle")
    report = validate(data)
    assert not report.conforms
    assert any("is not an artist" in r.message for r in report.violations)


def test_a_dataset_is_validated_as_the_union_of_its_graphs() -> None:
    dataset = Dataset()
    dataset.graph(URIRef("https://w3id.org/amakg/graph/ontology")).parse(
        resources.ontology_file(), format="turtle"
    )
    dataset.graph(URIRef("https://w3id.org/amakg/graph/asserted")).parse(MINIMAL, format="turtle")
    assert validate(dataset).conforms
    dataset.graph(URIRef("https://w3id.org/amakg/graph/asserted")).remove(
        (URIRef(AMAR + "ceremony/2022"), URIRef("https://w3id.org/amakg/ontology#year"), None)
    )
    report = validate(dataset)
    assert [(r.focus, r.path) for r in report.violations] == [("amar:ceremony/2022", "ama:year")]


def test_report_text_names_focus_path_value_and_message() -> None:
    report = validate(_load(FIXTURES / "invalid" / "ceremony-year-gyear.ttl"))
    assert format_report(report).splitlines()[:5] == [
        "Violation: amar:ceremony/2021",
        "  path:    ama:year",
        '  value:   "2021"^^xsd:gYear',
        "  message: The ama:year of a ceremony must be a plain four-digit xsd:integer between"
        ' 1973 and 2027, written 2022 (not "2022"^^xsd:gYear, not a string).',
        "  shape:   amash:Ceremony-year-value",
    ]
    assert format_report(report).endswith(
        "does not conform: 1 violation(s), 0 warning(s), "
        f"0 info(s); {report.shapes_checked} shapes checked"
    )


def test_sparql_messages_carry_the_years() -> None:
    report = validate(_load(FIXTURES / "invalid" / "nomination-category-introduced-later.ttl"))
    (result,) = report.results
    assert "ceremony of 2021, but this category was introduced in 2022" in result.message
    assert (result.focus, result.value) == ("amar:category/k-pop", "amar:nomination/2021-k-pop-bts")


def test_ties_are_warnings_and_name_the_category() -> None:
    report = validate(_load(FIXTURES / "invalid" / "two-winners-warning.ttl"))
    assert report.conforms and report.violations == []
    (warning,) = report.results
    assert (warning.severity, warning.focus, warning.value) == (
        "Warning",
        "amar:ceremony/2022",
        "amar:category/pop-duo",
    )
    assert warning.message.startswith("2 entries won the same category")


def test_year_bound_is_not_behind_the_calendar() -> None:
    # shapes.ttl bounds years by a literal (next year when written); raise it once a year.
    bound = _shapes().value(URIRef("https://w3id.org/amakg/shapes#Year"), SH.maxInclusive)
    assert isinstance(bound, Literal) and int(bound) >= date.today().year


def _article_graph() -> Graph:
    data = resources.data_dir()
    return _load(data / "article.ttl", *sorted((data / "provenance").glob("*.ttl")))


def test_article_data_conforms() -> None:
    report: ValidationReport = validate(_article_graph())
    assert report.conforms, format_report(report)
    assert report.violations == []


def test_article_data_is_checked_not_skipped() -> None:
    # The shapes reach the real data: breaking one real nomination is reported on it.
    graph = _article_graph()
    ama = "https://w3id.org/amakg/ontology#"
    nomination = next(graph.subjects(RDF.type, URIRef(ama + "Nomination")))
    graph.remove((nomination, URIRef(ama + "outcome"), None))
    report = validate(graph)
    assert [r.message.split(" (")[0] for r in report.violations] == [
        "A nomination needs exactly one ama:outcome"
    ]
