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
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from amakg import resources
from amakg.build import Built
from amakg.dataset import load_graphs, load_store, read_manifest
from amakg.store import from_ox, to_ox
from amakg.validation.fast import UnsupportedShape, compile_shapes, validate_store
from amakg.validation.reference import (
    ValidationReport,
    ValidationResult,
    format_report,
    shorten,
    validate,
)
from amakg.vocab import AMA, AMAR, ASSERTED, INFERRED, ONTOLOGY, PROV, PROVENANCE

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted((FIXTURES / "invalid").glob("*.ttl")) + sorted((FIXTURES / "valid").glob("*.ttl"))
BENCH = Path(__file__).resolve().parents[1] / "bench"
SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
DCT = "http://purl.org/dc/terms/"
EX = "https://example.org/"
BLANK = re.compile(r"_:\w+")

Triple = tuple[Node, Node, Node]


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
    sys.path.insert(0, str(BENCH))
    from generate import generate

    return generate("3000", tmp_path_factory.mktemp("synthetic"))


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

EXTRA_SHAPES = """
@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix ex:  <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:Thing a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:targetNode ex:extra , "a literal target" ;
    sh:property ex:Thing-code , ex:Thing-tags , ex:Thing-size , ex:Thing-name , ex:Thing-when ,
        ex:Thing-parts , ex:Thing-kind , ex:Thing-owner , ex:Thing-chain , ex:Thing-either ,
        ex:Thing-low , ex:Thing-label .

ex:Thing-code a sh:PropertyShape ; sh:path ex:code ;
    sh:pattern "^\\\\d{2}-[a-z]+$" ; sh:flags "i" ; sh:maxLength 6 ; sh:minCount 2 ;
    sh:message "code {$this} {?value}" .
ex:Thing-tags a sh:PropertyShape ; sh:path ex:tag ;
    sh:in ( "red" "blue"@en 3 ex:green ) ; sh:maxCount 2 ; sh:message "tags" .
ex:Thing-size a sh:PropertyShape ; sh:path ex:size ;
    sh:minExclusive 0.5 ; sh:maxExclusive "10"^^xsd:decimal ; sh:message "size" .
ex:Thing-name a sh:PropertyShape ; sh:path ex:name ;
    sh:datatype xsd:string ; sh:message "name" .
ex:Thing-label a sh:PropertyShape ; sh:path rdfs:label ;
    sh:datatype <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> ;
    sh:minLength 2 ; sh:message "label" .
ex:Thing-when a sh:PropertyShape ; sh:path ex:when ;
    sh:datatype xsd:date ; sh:minInclusive "2000-01-01"^^xsd:date ; sh:message "when" .
ex:Thing-parts a sh:PropertyShape ; sh:path ( ex:part ex:member ) ;
    sh:nodeKind sh:IRI ; sh:node ex:Part ; sh:message "parts" .
ex:Thing-kind a sh:PropertyShape ; sh:path [ sh:inversePath ex:kindOf ] ;
    sh:nodeKind sh:BlankNodeOrIRI ; sh:class ex:Kind , ex:Sort ; sh:message "kind" .
ex:Thing-owner a sh:PropertyShape ; sh:path ex:owner ;
    sh:or ( [ sh:datatype xsd:integer ; sh:minInclusive 1 ] ex:Part ) ; sh:message "owner" .
ex:Thing-chain a sh:PropertyShape ; sh:path ex:start ;
    sh:lessThanOrEquals ex:end ; sh:message "chain" .
ex:Thing-either a sh:PropertyShape ; sh:path [ sh:alternativePath ( ex:a ex:b ) ] ;
    sh:uniqueLang true ; sh:maxCount 3 ; sh:message "either" .
ex:Thing-low a sh:PropertyShape ; sh:path ex:low ;
    sh:severity sh:Info ; sh:maxInclusive 5 ; sh:message "low {$this}" .

ex:Direct a sh:PropertyShape ;
    sh:targetSubjectsOf ex:check ; sh:path ex:check ;
    sh:maxCount 1 ; sh:in ( 1 ) ; sh:message "direct" .

ex:Part a sh:NodeShape ;
    sh:property [ sh:path ex:weight ; sh:minCount 2 ; sh:datatype xsd:integer ] ,
        [ sh:path ex:label ; sh:maxCount 1 ; sh:pattern "^[A-Z]" ] .

ex:Checked a sh:NodeShape ;
    sh:targetSubjectsOf ex:check ;
    sh:severity sh:Warning ;
    sh:message "shape message {?n}" ;
    sh:sparql [
        sh:message "checked {?n} {$this} {?path}" ;
        sh:select \"\"\"
            SELECT $this ?path (COUNT(DISTINCT ?o) AS ?n) WHERE {
                $this ?path ?o .
                FILTER (?path = <https://example.org/check>)
            }
            GROUP BY $this ?path
            HAVING (COUNT(DISTINCT ?o) > 1)\"\"\" ;
    ] .
"""

EXTRA_DATA = """
@prefix ex:  <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:Sub rdfs:subClassOf ex:Thing .
ex:t1 a ex:Thing ; ex:code "12-AbC" , "12-abc\\n" , "1-x" , "12-abcdefg" , _:code ;
    ex:tag "red" , "blue"@en , "blue" , 3 , "3"^^xsd:integer , "03"^^xsd:integer , ex:green ;
    ex:size 0.5 , 1 , "9.99"^^xsd:decimal , 10 , "7"^^xsd:double , "7" , "x"^^xsd:decimal ;
    ex:name "plain" , "typed"^^xsd:string , "tagged"@en , 5 ;
    rdfs:label "ok"@en , "x"@fr , "no language" ;
    ex:when "2001-02-03"^^xsd:date , "1999-12-31"^^xsd:date , "2001-02-30"^^xsd:date ,
        "2001-02-03Z"^^xsd:date , "2001-02-03" ;
    ex:part ex:p1 , ex:p2 , _:p3 ;
    ex:owner 5 , 0 , "5" , ex:p1 , ex:p2 ;
    ex:start 1 , 5 , "a" ; ex:end 3 , "b" ;
    ex:a "x"@en , "y"@EN-us ; ex:b "z"@en-US , "w" ;
    ex:low 4 , 6 , "six" .
ex:p1 ex:member ex:m1 , ex:m2 . ex:p2 ex:member "literal member" . _:p3 ex:member _:m3 .
ex:m1 ex:weight 1 , 2 ; ex:label "Alpha" .
ex:m2 ex:weight 1 ; ex:label "beta" , "Gamma" .
_:m3 ex:weight 1 , 2 .
ex:k1 ex:kindOf ex:t1 . ex:k1 a ex:Kind .
ex:k2 ex:kindOf ex:t1 . ex:k2 a ex:Kind , ex:Sort .
ex:t2 a ex:Sub ; ex:code "99-zz" , "98-yy" ; ex:tag ex:blue , ex:red , ex:green .
ex:extra ex:start 3 ; ex:end 2 .
ex:c1 ex:check 1 , 2 . ex:c2 ex:check 1 . ex:c3 ex:check ex:one .
"""


def test_other_uses_of_the_compiled_components_equal_pyshacl() -> None:
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    store = _store({URIRef(EX + "g"): Graph().parse(data=EXTRA_DATA, format="turtle")})
    expected = validate(_read_back(store), shapes=shapes)
    assert_same(expected, validate_store(store, shapes=shapes))
    assert len(expected.results) >= 40
    assert {r.severity for r in expected.results} == {"Violation", "Warning", "Info"}


# ---------------------------------------------------------------- refusals

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.mark.parametrize(
    ("shape", "named"),
    [
        ("ex:S sh:targetClass ex:C ; sh:closed true ; sh:message 'm' .", "sh:closed"),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ; "
         "sh:message 'm' ] .", "sh:equals"),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape "
         "[ sh:class ex:D ] ; sh:qualifiedMinCount 1 ; sh:message 'm' ] .", "sh:qualified"),
        ("ex:S sh:targetClass ex:C ; sh:not [ sh:class ex:D ] ; sh:message 'm' .", "sh:not"),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; "
         "sh:minCount 1 ; sh:message 'm' ] .", "sh:zeroOrMorePath"),
        ("ex:S sh:targetClass ex:C ; sh:deactivated true ; sh:class ex:D ; sh:message 'm' .",
         "sh:deactivated"),
        ("ex:S sh:targetClass ex:C ; sh:class ex:D .", "no sh:message"),
        ("ex:S sh:targetClass ex:C ; sh:node ex:N ; sh:message 'm' . "
         "ex:N sh:severity sh:Warning ; sh:class ex:D .", "sh:severity"),
        ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this WHERE { $this ex:p ?o "
         "MINUS { $this ex:q ?o } }' ] .", "MINUS"),
        ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT ?value WHERE { $this ex:p "
         "?value }' ] .", "does not project"),
        ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this (COUNT(?o) AS ?n) WHERE "
         "{ $this ex:p ?o } GROUP BY $this' ] .", "COUNT without DISTINCT"),
        ("ex:S sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this ?n WHERE { { SELECT ?n "
         "WHERE { $this ex:p ?n } } }' ] .", "does not project it"),
        ("ex:S a sh:NodeShape, <http://www.w3.org/2000/01/rdf-schema#Class> ; sh:class ex:D ; "
         "sh:message 'm' .", "implicit class target"),
        ("ex:S sh:targetClass ex:C ; sh:property ex:P . ex:P sh:path ex:p ; "
         "sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message 'm' ] .",
         "sh:property on a property shape"),
    ],
)  # fmt: skip
def test_unsupported_constructs_are_refused(shape: str, named: str) -> None:
    shapes = Graph().parse(data=PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShape, match=re.escape(named)):
        validate_store(ox.Store(), shapes=shapes)


def test_the_project_shapes_compile_once() -> None:
    assert compile_shapes() is compile_shapes()
    assert len(compile_shapes().roots) == 24  # amash:Year and amash:Date have no target
