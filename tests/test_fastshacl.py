"""The fast SHACL path (amakg.validation.fast) gives exactly pyshacl's report (validate.validate).

Compared result for result (severity, focus node, path, value, message, source shape): on every
fixture of tests/fixtures (each broken on purpose), on the real data, on a synthetic graph from
bench/generate.py and on broken copies of it (required triples deleted, ill-typed and
wrong-typed values, second winners, SPARQL constraints triggered), on shapes written to use the
compiled components in ways ontology/shapes.ttl does not (exact Python fallbacks, nested
shapes, sh:targetNode, literal and blank focus nodes); and the refusal of what it does not
compile.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from amakg import resources
from amakg.build import Built
from amakg.dataset import load_graphs, load_store, read_manifest
from amakg.store import from_ox, to_ox
from amakg.validation.fast import UnsupportedShape, compile_shapes, validate_store
from amakg.validation.reference import validate
from amakg.validation.report import ValidationReport, ValidationResult, format_report, shorten
from amakg.vocab import AMA, AMAR, ASSERTED, INFERRED, ONTOLOGY, PROV, PROVENANCE

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted((FIXTURES / "invalid").glob("*.ttl")) + sorted((FIXTURES / "valid").glob("*.ttl"))
EXTRA = FIXTURES / "shapes-extra"  # shapes beyond shapes.ttl, and data for them
REFUSED = sorted((FIXTURES / "shapes-refused").glob("*.ttl"))  # each starts "# refused: <text>"
GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
DCT = "http://purl.org/dc/terms/"
EX = "https://example.org/"
BLANK = re.compile(r"_:\w+")

Triple = tuple[Node, Node, Node]
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
INERT = {RDF.type, RDFS.label, SH.message, SH.severity, SH.path, *TARGETS}


@cache
def _ontology() -> Graph:
    return Graph().parse(resources.ontology_file(), format="turtle")


def _store(graphs: Mapping[URIRef, Iterable[Triple]]) -> ox.Store:
    store = ox.Store()
    for name, triples in graphs.items():
        target = ox.NamedNode(str(name))
        store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), target) for s, p, o in triples)  # type: ignore[arg-type]
    return store


def _union(graphs: dict[URIRef, Graph]) -> Graph:
    union = Graph()
    for graph in graphs.values():
        union += graph
    return union


def _normalized(results: list[ValidationResult]) -> list[tuple[str, ...]]:
    """The results with blank node labels blanked (pyshacl copies them into its report)."""
    return sorted(
        tuple(BLANK.sub("_:b", field or "") for field in vars(r).values()) for r in results
    )


def assert_same(expected: ValidationReport, actual: ValidationReport) -> None:
    assert _normalized(actual.results) == _normalized(expected.results), (
        f"pyshacl:\n{format_report(expected)}\n\nfast:\n{format_report(actual)}"
    )
    if not any(BLANK.search(str(vars(r))) for r in expected.results):
        assert actual.results == expected.results  # the same order too
    assert (actual.conforms, actual.shapes_checked) == (expected.conforms, expected.shapes_checked)


# ---------------------------------------------------------------- fixtures


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_fixture_report_equals_pyshacl(case: Path) -> None:
    data = Graph().parse(case, format="turtle")
    expected = validate(_ontology() + data)  # as tests/test_shapes.py validates the fixtures
    actual = validate_store(_store({ONTOLOGY: _ontology(), ASSERTED: data}))
    assert_same(expected, actual)
    if case.parent.name == "invalid":
        assert actual.results, "the fixture breaks a check"


def test_only_the_given_graphs_are_validated() -> None:
    data = Graph().parse(FIXTURES / "invalid" / "ceremony-two-years.ttl", format="turtle")
    clean = Graph().parse(FIXTURES / "valid" / "minimal.ttl", format="turtle")
    store = _store({ONTOLOGY: _ontology(), ASSERTED: clean, INFERRED: data})
    graphs = [ox.NamedNode(str(ONTOLOGY)), ox.NamedNode(str(ASSERTED))]
    assert validate_store(store, graphs=graphs).results == []
    assert_same(validate(_ontology() + clean + data), validate_store(store))


# ---------------------------------------------------------------- real data


def test_real_data_report_equals_pyshacl(built: Built) -> None:
    names = [name for name in built.store.graph_names() if name != INFERRED]
    expected = validate(built.store.union(names))
    graphs = [ox.NamedNode(str(name)) for name in names]
    assert_same(expected, validate_store(built.store.oxigraph, graphs=graphs))
    assert expected.results, "the real data has warnings (ties): a non-empty comparison"
    assert expected.conforms


# ---------------------------------------------------------------- synthetic graphs


@pytest.fixture(scope="module")
def synthetic_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic awards graph of about 3,000 triples from bench/generate.py."""
    out = tmp_path_factory.mktemp("synthetic")
    command = [sys.executable, str(GENERATE), "--scale", "3000", "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return out / "3000"


@pytest.fixture()
def synthetic(synthetic_folder: Path) -> dict[URIRef, Graph]:
    """The synthetic graphs as rdflib graphs (a fresh copy per test, to break)."""
    return load_graphs(read_manifest(synthetic_folder))


def _read_back(store: ox.Store) -> Graph:
    """The store's triples as rdflib terms (as amakg.load gives them to pyshacl)."""
    graph = Graph()
    for q in store.quads_for_pattern(None, None, None, None):
        graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return graph


def _compare(graphs: dict[URIRef, Graph]) -> ValidationReport:
    """Both reports on the same triples: the store's (pyoxigraph keeps valid numbers in
    canonical form, see test_the_store_holds_numbers_in_canonical_form)."""
    store = _store(graphs)
    expected = validate(_read_back(store))
    assert_same(expected, validate_store(store))
    return expected


def test_synthetic_graph_loaded_into_the_store_as_the_build_does(synthetic_folder: Path) -> None:
    sources = read_manifest(synthetic_folder)
    expected = validate(_union(load_graphs(sources)))
    assert_same(expected, validate_store(load_store(sources).oxigraph))
    assert expected.conforms and expected.results == []


def _first(graph: Graph, cls: URIRef, n: int = 0) -> Node:
    return sorted(graph.subjects(RDF.type, cls), key=str)[n]


def test_synthetic_graph_with_required_triples_deleted(synthetic: dict[URIRef, Graph]) -> None:
    facts, prov = synthetic[ASSERTED], synthetic[PROVENANCE]
    for cls, predicate in [
        (AMA.Nomination, AMA.outcome),
        (AMA.Nomination, AMA.nominee),
        (AMA.Ceremony, AMA.year),
        (AMA.Ceremony, AMA.awardProgram),
        (AMA.Performance, AMA.atEvent),
        (AMA.Performance, PROV.wasDerivedFrom),
        (AMA.SoloArtist, RDFS_LABEL),
        (AMA.VotingEra, AMA.votingMethod),
    ]:
        facts.remove((_first(facts, cls), predicate, None))
    row = _first(prov, AMA.Sentence, 3)
    prov.remove((row, AMA.quote, None))
    prov.remove((row, AMA.sourceRow, None))  # cited, and neither a quote nor a row any more
    prov.remove((_first(prov, AMA.Sentence, 5), URIRef(DCT + "isPartOf"), None))
    prov.remove((_first(prov, AMA.Source), URIRef(DCT + "title"), None))
    report = _compare(synthetic)
    assert len(report.violations) >= 12


def test_synthetic_graph_with_wrong_values(synthetic: dict[URIRef, Graph]) -> None:
    facts, prov = synthetic[ASSERTED], synthetic[PROVENANCE]
    integer = XSD.integer
    ceremonies = sorted(facts.subjects(RDF.type, AMA.Ceremony), key=str)
    for ceremony, year in zip(
        ceremonies,
        [
            Literal("2021", datatype=XSD.gYear),
            Literal("20x", datatype=integer),  # ill-typed: rdflib's order, not SPARQL's
            Literal("2021"),
            Literal("1900", datatype=integer),
            Literal("12345", datatype=integer),
            Literal("2021\n", datatype=integer),  # passes in Python's re ($ before a newline)
            Literal("+2021", datatype=integer, normalize=False),
            Literal("0x7e5", datatype=integer),
        ],
        strict=False,
    ):
        facts.set((ceremony, AMA.year, year))
    facts.add((ceremonies[9], AMA.editionNumber, Literal("5")))
    facts.add((ceremonies[10], AMA.editionNumber, Literal("0", datatype=integer)))
    facts.add((ceremonies[11], AMA.date, Literal("2021-02-30", datatype=XSD.date)))
    facts.add((ceremonies[12], AMA.date, Literal("2021-11-2", datatype=XSD.date)))
    facts.add((ceremonies[13], AMA.host, AMAR["place/nowhere"]))
    nominations = sorted(facts.subjects(RDF.type, AMA.Nomination), key=str)
    facts.set((nominations[0], AMA.outcome, Literal("won")))
    facts.set((nominations[1], AMA.outcome, AMA.Lost))
    facts.set((nominations[2], AMA.nominee, Literal("BTS")))
    facts.add((nominations[3], AMA.category, _first(facts, AMA.Ceremony)))  # two, one untyped
    facts.add((nominations[4], AMA.work, AMAR["work/missing"]))
    artist = _first(facts, AMA.SoloArtist)
    facts.add((artist, SKOS_PREF, Literal("One", lang="en")))
    facts.add((artist, SKOS_PREF, Literal("Two", lang="EN")))
    facts.add((artist, AMA.genre, _first(facts, AMA.Place)))
    eras = sorted(facts.subjects(RDF.type, AMA.VotingEra), key=str)
    facts.set((eras[0], AMA.toYear, Literal("1970", datatype=integer)))
    facts.add((eras[1], AMA.toYear, Literal("soon")))
    program = _first(facts, AMA.AwardProgram)
    facts.set((program, AMA.yearCreated, Literal("1972", datatype=integer)))
    rows = sorted(prov.subjects(RDF.type, AMA.Sentence), key=str)
    prov.set((rows[0], AMA.sourceRow, Literal("0", datatype=integer)))
    prov.set((rows[1], AMA.sourceRow, Literal("first")))
    prov.set((rows[2], AMA.quote, Literal("")))
    prov.add((rows[3], AMA.quote, AMAR["quote/iri"]))
    prov.add((rows[4], AMA.sentenceNumber, Literal("-1", datatype=integer)))
    prov.set((_first(prov, AMA.Source), URIRef(DCT + "date"), Literal("yesterday")))
    # provenance that is a literal or a blank node without quote or row (focus nodes of
    # sh:targetObjectsOf that are no IRIs)
    performance = _first(facts, AMA.Performance)
    facts.add((performance, PROV.wasDerivedFrom, Literal("a magazine")))
    facts.add((performance, PROV.wasDerivedFrom, BNode()))
    report = _compare(synthetic)
    assert len(report.violations) >= 30


def test_synthetic_graph_with_second_winners_and_category_years(
    synthetic: dict[URIRef, Graph],
) -> None:
    facts, prov = synthetic[ASSERTED], synthetic[PROVENANCE]
    losers = sorted(facts.subjects(AMA.outcome, AMA.Nominated), key=str)
    facts.set((losers[0], AMA.outcome, AMA.Won))  # a second winner, its own dataset row
    facts.set((losers[7], AMA.outcome, AMA.Won))
    tied = losers[12]  # a second winner that shares the dataset row of the first: no warning
    facts.set((tied, AMA.outcome, AMA.Won))
    category, ceremony = facts.value(tied, AMA.category), facts.value(tied, AMA.ceremony)
    winner = next(
        n
        for n in facts.subjects(AMA.outcome, AMA.Won)
        if n != tied and (n, AMA.category, category) in facts
        if (n, AMA.ceremony, ceremony) in facts
    )
    row = facts.value(winner, PROV.wasDerivedFrom)
    assert row is not None
    facts.set((tied, PROV.wasDerivedFrom, row))
    categories = sorted(facts.subjects(RDF.type, AMA.Category), key=str)
    facts.set((categories[0], AMA.introducedIn, Literal(2000)))
    facts.set((categories[0], AMA.lastYear, Literal(1990)))
    report = _compare(synthetic)
    warned = {(r.focus, r.value) for r in report.results if r.severity == "Warning"}
    assert len(warned) == 2
    assert (shorten(ceremony), shorten(category)) not in warned  # one entry: no warning
    assert {r.severity for r in report.results} == {"Warning", "Violation"}
    assert any("was introduced in 2000" in r.message for r in report.results)
    assert any("last awarded under this name in 1990" in r.message for r in report.results)
    assert prov  # untouched


def test_the_store_holds_numbers_in_canonical_form(synthetic: dict[URIRef, Graph]) -> None:
    # Not a difference of the validators but of their input: pyoxigraph stores a valid
    # "+2021"^^xsd:integer as 2021, so no shape sees the "+" (rdflib keeps it when amakg.load
    # turns normalization off, and amash:Year's sh:pattern rejects it).
    facts = synthetic[ASSERTED]
    facts.set(
        (
            _first(facts, AMA.Ceremony),
            AMA.year,
            Literal("+2021", datatype=XSD.integer, normalize=False),
        )
    )
    store = _store(synthetic)
    assert validate(_union(synthetic)).violations
    assert validate(_read_back(store)).results == validate_store(store).results == []


# ---------------------------------------------------------------- shapes beyond shapes.ttl


def test_other_uses_of_the_compiled_components_equal_pyshacl() -> None:
    shapes = Graph().parse(EXTRA / "shapes.ttl", format="turtle")
    # the named shapes that check something themselves (not only through sh:property)
    checking = {
        shorten(s)
        for s in set(shapes.subjects()) - set(shapes.subjects(SH.property))
        if isinstance(s, URIRef) and set(shapes.predicates(s)) - INERT
    }
    store = _store({URIRef(EX + "g"): Graph().parse(EXTRA / "data.ttl", format="turtle")})
    expected = validate(_read_back(store), shapes=shapes)
    assert_same(expected, validate_store(store, shapes=shapes))
    assert {r.severity for r in expected.results} == {"Violation", "Warning", "Info"}
    assert checking <= {r.shape for r in expected.results}, "each shape has a failing value"


# ---------------------------------------------------------------- refusals


def _refused_text(case: Path) -> str:
    first = case.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# refused: "), case.name
    return first.removeprefix("# refused: ")


@pytest.mark.parametrize("case", REFUSED, ids=lambda p: p.stem)
def test_unsupported_constructs_are_refused(case: Path) -> None:
    shapes = Graph().parse(case, format="turtle")
    with pytest.raises(UnsupportedShape, match=re.escape(_refused_text(case))):
        validate_store(ox.Store(), shapes=shapes)


def test_the_project_shapes_are_checked_from_their_targets() -> None:
    # the shapes with a target are checked on their own; amash:Year and amash:Date (no target)
    # only through the shapes that use them (sh:node)
    shapes = Graph().parse(resources.shapes_file(), format="turtle")
    targeted = {s for p in TARGETS for s in shapes.subjects(p, None)}
    roots = {root.node for root in compile_shapes().roots}
    assert roots == targeted
    assert {shorten(s) for s in shapes.objects(None, SH.node)} >= {"amash:Year", "amash:Date"}
    assert not {s for s in shapes.objects(None, SH.node)} & roots


def test_the_project_shapes_compile_once_per_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert compile_shapes() is compile_shapes()
    # an edited shapes file is compiled again (not served from the cache)
    copy = tmp_path / "shapes.ttl"
    copy.write_bytes(resources.shapes_file().read_bytes())
    monkeypatch.setattr(resources, "shapes_file", lambda: copy)
    before = compile_shapes()
    with copy.open("a", encoding="utf-8") as out:
        out.write(
            "\namash:Extra sh:targetNode ama:Nomination ; sh:class ama:Thing ; "
            "sh:message 'extra' .\n"
        )
    after = compile_shapes()
    assert after is not before
    assert URIRef("https://w3id.org/amakg/shapes#Extra") in {r.node for r in after.roots}
