"""The seed article's facts (data/article.ttl) and their provenance, checked on the real files.

Sources are read from the repository (data/sources), never from outside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib.namespace
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV

from amakg import resources
from amakg.vocab import AMA, AMAR, ASSERTED, PROVENANCE, SCHEMA

DATA = resources.data_dir()
FACTS_FILE = DATA / "article.ttl"
ARTICLE_PROV_FILE = DATA / "provenance" / "article.ttl"
CURATED_PROV_FILE = DATA / "provenance" / "curated.ttl"
README = DATA / "README.md"
ALL_FILES = [FACTS_FILE, ARTICLE_PROV_FILE, CURATED_PROV_FILE]

# Not XSD itself at module level: pytest probes module attributes and XSD warns on unknown names.
XSD_DATE = rdflib.namespace.XSD.date
XSD_INTEGER = rdflib.namespace.XSD.integer

ARTICLE = AMAR["source/article-2022-11-21"]
CURATED = AMAR["source/curated-facts"]
EXTERNAL_IDS = AMAR["source/external-ids"]

ENTITY_CLASSES = {
    AMA.AwardProgram,
    AMA.Ceremony,
    AMA.Category,
    AMA.CategoryLineage,
    AMA.Group,
    AMA.SoloArtist,
    AMA.Person,
    AMA.Organization,
    AMA.Place,
    AMA.Event,
    AMA.Work,
    AMA.Genre,
    AMA.VotingEra,
    SKOS.ConceptScheme,
}


def parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def facts() -> Graph:
    return parse(FACTS_FILE)


@pytest.fixture(scope="module")
def prov() -> Graph:
    return parse(ARTICLE_PROV_FILE, CURATED_PROV_FILE)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse(resources.ontology_file())


def source_text(prov: Graph, source: URIRef) -> str:
    """The text of a source, read from the repository file its dcterms:source names."""
    relative = prov.value(source, DCTERMS.source)
    assert relative is not None, f"{source} has no dcterms:source"
    return (resources.root() / str(relative)).read_text(encoding="utf-8")


def integer(graph: Graph, node: object, prop: URIRef) -> int:
    """The xsd:integer value of node's prop (fails the test if missing or not an integer)."""
    value = graph.value(node, prop)  # type: ignore[call-overload]
    assert isinstance(value, Literal) and isinstance(value.toPython(), int), (node, prop, value)
    return int(value.toPython())


def sentences_of(prov: Graph, source: URIRef) -> dict[URIRef, str]:
    return {
        URIRef(str(s)): str(prov.value(s, AMA.quote))
        for s in prov.subjects(DCTERMS.isPartOf, source)
    }


def wrapped_pattern(quote: str) -> re.Pattern[str]:
    """The quote with any run of whitespace (a Markdown line wrap) between its words."""
    return re.compile(r"\s+".join(re.escape(word) for word in quote.split()))


def misquoted(prov: Graph, source: URIRef, text: str, *, wrapped: bool = False) -> list[URIRef]:
    """Sentences of a source whose quote is not in its text (verbatim, or across line wraps)."""
    bad = []
    for sentence, quote in sentences_of(prov, source).items():
        found = wrapped_pattern(quote).search(text) if wrapped else quote in text
        if not quote.strip() or not found:
            bad.append(sentence)
    return sorted(bad)


def quoted_sentences(prov: Graph) -> set[URIRef]:
    return {
        URIRef(str(s))
        for s in prov.subjects(RDF.type, AMA.Sentence)
        if prov.value(s, AMA.quote) is not None and prov.value(s, DCTERMS.isPartOf) is not None
    }


def typed_nodes(graph: Graph) -> set[URIRef]:
    return {URIRef(s) for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}


def unsourced(facts: Graph, prov: Graph) -> list[URIRef]:
    """Typed nodes without prov:wasDerivedFrom, or derived from something not a quoted sentence."""
    known = quoted_sentences(prov)
    bad = []
    for node in typed_nodes(facts):
        origins = set(facts.objects(node, PROV.wasDerivedFrom))
        if not origins or not origins <= known:
            bad.append(node)
    return sorted(bad)


def numbers(prov: Graph, sentences: Iterable[URIRef]) -> list[int]:
    return sorted(integer(prov, s, AMA.sentenceNumber) for s in sentences)


def readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"### {title}")
    end = text.index("\n## ", start)
    return text[start:end]


def by_label(graph: Graph, nodes: Iterable[object]) -> set[str]:
    return {str(graph.value(n, RDFS.label)) for n in nodes}  # type: ignore[call-overload]


def nominees(facts: Graph, year: int, category: str, outcome: URIRef | None = None) -> set[str]:
    ceremony = AMAR[f"ceremony/{year}"]
    found = [
        facts.value(n, AMA.nominee)
        for n in facts.subjects(AMA.category, AMAR[f"category/{category}"])
        if facts.value(n, AMA.ceremony) == ceremony
        and (outcome is None or facts.value(n, AMA.outcome) == outcome)
    ]
    return by_label(facts, found)


def win_years(facts: Graph, artist: str) -> list[int]:
    return sorted(
        integer(facts, facts.value(n, AMA.ceremony), AMA.year)
        for n in facts.subjects(AMA.nominee, AMAR[f"artist/{artist}"])
        if facts.value(n, AMA.outcome) == AMA.Won
    )


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_rdflib_and_pyoxigraph_read_the_same_graph(path: Path) -> None:
    store = ox.Store()
    store.load(path=path, format=ox.RdfFormat.TURTLE)
    as_ntriples = (ox.serialize(store, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    assert isomorphic(parse(path), Graph().parse(data=as_ntriples, format="nt"))
    assert len(store) > 50


def test_asserted_and_provenance_graphs_join_in_pyoxigraph() -> None:
    store = ox.Store()
    store.load(path=FACTS_FILE, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ASSERTED))
    for path in (ARTICLE_PROV_FILE, CURATED_PROV_FILE):
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(PROVENANCE))
    asserted, provenance = ox.NamedNode(ASSERTED), ox.NamedNode(PROVENANCE)
    nomination = ox.NamedNode(AMA.Nomination)
    rdf_type, quote = ox.NamedNode(RDF.type), ox.NamedNode(AMA.quote)
    assert len(list(store.quads_for_pattern(None, rdf_type, nomination, asserted))) == 15
    derived = list(store.quads_for_pattern(None, ox.NamedNode(PROV.wasDerivedFrom), None, asserted))
    for q in derived:
        assert isinstance(q.object, ox.NamedNode), q
        assert list(store.quads_for_pattern(q.object, quote, None, provenance)), q
    sentence = ox.NamedNode(AMA.Sentence)
    assert not list(store.quads_for_pattern(None, rdf_type, sentence, asserted))


# ---------------------------------------------------------------- provenance: quotes


def test_article_sentences_quote_the_article_and_cover_it(prov: Graph) -> None:
    text = source_text(prov, ARTICLE)
    sentences = sentences_of(prov, ARTICLE)
    assert misquoted(prov, ARTICLE, text) == []
    assert numbers(prov, sentences) == list(range(1, 19))
    rest = text
    for quote in sentences.values():
        rest = rest.replace(quote, "", 1)
    assert rest.split() == ["date", "2022-11-21"]  # only the header is not a sentence


def test_article_date_is_its_header_date(prov: Graph) -> None:
    header = re.match(r"\s*date (\d{4}-\d{2}-\d{2})", source_text(prov, ARTICLE))
    assert header is not None
    assert prov.value(ARTICLE, DCTERMS.date) == Literal(header.group(1), datatype=XSD_DATE)
    assert (ARTICLE, RDF.type, AMA.Source) in prov
    assert (ARTICLE, RDF.type, PROV.Entity) in prov
    assert prov.value(ARTICLE, DCTERMS.title) is not None


def test_curated_sentences_quote_the_curated_file(prov: Graph) -> None:
    text = source_text(prov, CURATED)
    assert misquoted(prov, CURATED, text, wrapped=True) == []
    assert numbers(prov, sentences_of(prov, CURATED)) == list(range(1, 9))
    assert str(prov.value(CURATED, DCTERMS.source)) == "data/sources/curated-facts.md"


def test_external_id_rows_quote_their_line(prov: Graph) -> None:
    lines = source_text(prov, EXTERNAL_IDS).split("\n")
    rows = sentences_of(prov, EXTERNAL_IDS)
    assert len(rows) == 8
    for row, quote in rows.items():
        number = integer(prov, row, AMA.sourceRow)
        assert row == AMAR[f"source/external-ids/row-{number}"]
        assert quote == lines[number - 1]


def test_a_changed_quote_is_caught(prov: Graph) -> None:
    tampered = Graph() + prov
    s3 = AMAR["source/article-2022-11-21/s3"]
    tampered.set((s3, AMA.quote, Literal("BTS won Favorite Social Artist in 2017.")))
    text = source_text(prov, ARTICLE)
    assert misquoted(tampered, ARTICLE, text) == [s3]
    f4 = AMAR["source/curated-facts/f4"]
    tampered.set((f4, AMA.quote, Literal("2018: Favorite Social Artist, ceremony of 9 October")))
    assert misquoted(tampered, CURATED, source_text(prov, CURATED), wrapped=True) == []
    tampered.set((f4, AMA.quote, Literal("2017: Favorite Social Artist")))
    assert misquoted(tampered, CURATED, source_text(prov, CURATED), wrapped=True) == [f4]


# ---------------------------------------------------------------- provenance: derivation


def test_every_fact_node_is_derived_from_a_quoted_sentence(facts: Graph, prov: Graph) -> None:
    assert unsourced(facts, prov) == []


def test_a_fact_without_or_with_a_dangling_source_is_caught(facts: Graph, prov: Graph) -> None:
    broken = Graph() + facts
    nomination = AMAR["nomination/2018/favorite-social-artist/bts"]
    broken.remove((nomination, PROV.wasDerivedFrom, None))
    assert unsourced(broken, prov) == [nomination]
    broken.add((nomination, PROV.wasDerivedFrom, AMAR["source/article-2022-11-21/s99"]))
    assert unsourced(broken, prov) == [nomination]


def test_every_sentence_is_used_or_listed_as_unencoded(facts: Graph, prov: Graph) -> None:
    used = set(facts.objects(None, PROV.wasDerivedFrom))
    unused = set(sentences_of(prov, ARTICLE)) - used
    listed = re.findall(r"^- s(\d+) — \S", readme_section("Sentences not encoded"), re.M)
    assert numbers(prov, unused) == sorted(int(n) for n in listed) == [15]
    assert set(sentences_of(prov, CURATED)) <= used
    assert set(sentences_of(prov, EXTERNAL_IDS)) <= used


def test_readme_inventory_quotes_every_article_sentence(prov: Graph) -> None:
    readme = README.read_text(encoding="utf-8")
    for sentence, quote in sentences_of(prov, ARTICLE).items():
        number = prov.value(sentence, AMA.sentenceNumber)
        assert f"| {number} | {quote} |" in readme


# ---------------------------------------------------------------- labels and terms


def test_every_node_has_a_label_and_entities_a_pref_label(facts: Graph, prov: Graph) -> None:
    for node in typed_nodes(facts) | typed_nodes(prov):
        assert facts.value(node, RDFS.label) or prov.value(node, RDFS.label), node
    for cls in ENTITY_CLASSES:
        for entity in facts.subjects(RDF.type, cls):
            assert facts.value(entity, SKOS.prefLabel) == facts.value(entity, RDFS.label), entity


def test_names_are_plain_and_aliases_cover_the_article_spellings(facts: Graph, prov: Graph) -> None:
    text = source_text(prov, ARTICLE)
    aliases = {
        "maneskin": ("Måneskin", {"Moneskin"}),
        "onerepublic": ("OneRepublic", {"One Republic"}),
        "tomorrow-x-together": ("TOMORROW X TOGETHER", {"TXT"}),
        "jungkook": ("Jungkook", {"Jung Kook", "Jeon Jung-kook", "정국"}),
        "bts": ("BTS", {"방탄소년단"}),
    }
    for slug, (name, alts) in aliases.items():
        artist = AMAR[f"artist/{slug}"]
        assert facts.value(artist, SKOS.prefLabel) == Literal(name)
        assert {str(a) for a in facts.objects(artist, SKOS.altLabel)} == alts
    assert "Moneskin" in text and "One Republic" in text and "Måneskin" not in text
    abc = AMAR["org/abc"]
    assert facts.value(abc, RDFS.label) == Literal("American Broadcasting Company")
    assert Literal("ABC") in set(facts.objects(abc, SKOS.altLabel))


def test_every_term_used_is_in_the_ontology(facts: Graph, ontology: Graph) -> None:
    used = {t for triple in facts for t in triple if isinstance(t, URIRef)}
    used_ama = {t for t in used if t.startswith(str(AMA))}
    assert used_ama, "no ontology terms used"
    assert {t for t in used_ama if (t, None, None) not in ontology} == set()


def test_every_resource_referred_to_is_described(facts: Graph, prov: Graph) -> None:
    described = typed_nodes(facts) | typed_nodes(prov)
    referred = {
        o
        for _, p, o in facts
        if isinstance(o, URIRef) and o.startswith(str(AMAR)) and p != RDF.type
    }
    assert referred - described == set()


def test_no_external_identifiers_here(facts: Graph) -> None:
    for link in (SKOS.exactMatch, OWL.sameAs, SCHEMA.sameAs):
        assert not list(facts.triples((None, link, None)))


def test_years_are_integers_and_dates_are_dates(facts: Graph) -> None:
    year_properties = (
        AMA.year,
        AMA.yearCreated,
        AMA.introducedIn,
        AMA.lastYear,
        AMA.fromYear,
        AMA.toYear,
        AMA.editionNumber,
    )
    for prop in year_properties:
        for value in facts.objects(None, prop):
            assert isinstance(value, Literal) and value.datatype == XSD_INTEGER, (prop, value)
    dates = list(facts.objects(None, AMA.date))
    assert dates and all(isinstance(d, Literal) and d.datatype == XSD_DATE for d in dates)


# ---------------------------------------------------------------- the facts themselves


def test_2022_nominees_are_exactly_the_articles(facts: Graph) -> None:
    pop = "favorite-pop-duo-or-group"
    kpop = "favorite-k-pop-artist"
    assert nominees(facts, 2022, pop) == {
        "BTS",
        "Coldplay",
        "Imagine Dragons",
        "Måneskin",
        "OneRepublic",
    }
    assert nominees(facts, 2022, kpop) == {
        "BTS",
        "BLACKPINK",
        "SEVENTEEN",
        "TOMORROW X TOGETHER",
        "TWICE",
    }
    assert nominees(facts, 2022, pop, AMA.Won) == nominees(facts, 2022, kpop, AMA.Won) == {"BTS"}


def test_bts_won_in_five_consecutive_years_and_four_in_the_lineage(facts: Graph) -> None:
    assert win_years(facts, "bts") == [2018, 2019, 2020, 2021, 2021, 2022, 2022]
    lineage = AMAR["lineage/favorite-pop-duo-or-group"]
    in_lineage = sorted(
        integer(facts, facts.value(n, AMA.ceremony), AMA.year)
        for n in facts.subjects(AMA.nominee, AMAR["artist/bts"])
        if facts.value(facts.value(n, AMA.category), AMA.lineage) == lineage
    )
    assert in_lineage == [2019, 2020, 2021, 2022]


def test_fan_site_errors_are_absent(facts: Graph) -> None:
    social = AMAR["category/favorite-social-artist"]
    social_years = {
        integer(facts, facts.value(n, AMA.ceremony), AMA.year)
        for n in facts.subjects(AMA.category, social)
    }
    assert social_years == {2018}
    assert AMAR["nomination/2020/artist-of-the-year/bts"] not in typed_nodes(facts)
    for ceremony in facts.subjects(RDF.type, AMA.Ceremony):
        assert len(list(facts.objects(ceremony, AMA.date))) <= 1


def test_pop_duo_group_names_form_one_renamed_lineage(facts: Graph) -> None:
    def category(slug: str) -> URIRef:
        return AMAR[f"category/{slug}"]

    new, middle, old = (
        category("favorite-pop-duo-or-group"),
        category("favorite-duo-or-group-pop-rock"),
        category("favorite-pop-rock-band-duo-group"),
    )
    assert facts.value(new, AMA.renamedFrom) == middle
    assert facts.value(middle, AMA.renamedFrom) == old
    assert facts.value(new, AMA.introducedIn) == Literal(2021)
    assert facts.value(middle, AMA.lastYear) == Literal(2020)
    assert facts.value(old, AMA.introducedIn) is None
    assert facts.value(category("favorite-k-pop-artist"), AMA.introducedIn) == Literal(2022)
    for cat in facts.subjects(RDF.type, AMA.Category):
        assert (facts.value(cat, AMA.lineage), RDF.type, AMA.CategoryLineage) in facts
        assert (cat, SKOS.inScheme, AMAR["scheme/amas-categories"]) in facts


def test_ceremonies_and_programme(facts: Graph) -> None:
    c2022 = AMAR["ceremony/2022"]
    assert facts.value(c2022, AMA.date) == Literal("2022-11-20", datatype=XSD_DATE)
    assert facts.value(c2022, AMA.editionNumber) == Literal(50)
    assert facts.value(c2022, AMA.host) == AMAR["person/wayne-brady"]
    assert facts.value(c2022, AMA.venue) == AMAR["place/microsoft-theater"]
    assert facts.value(c2022, AMA.city) == AMAR["place/los-angeles"]
    assert facts.value(c2022, AMA.broadcaster) == AMAR["org/abc"]
    dated = {
        integer(facts, c, AMA.year): str(facts.value(c, AMA.date))
        for c in facts.subjects(RDF.type, AMA.Ceremony)
        if facts.value(c, AMA.date) is not None
    }
    assert dated == {
        1974: "1974-02-19",
        2017: "2017-11-19",
        2018: "2018-10-09",
        2021: "2021-11-21",
        2022: "2022-11-20",
    }
    amas = AMAR["program/amas"]
    assert facts.value(amas, AMA.founder) == AMAR["person/dick-clark"]
    assert facts.value(amas, AMA.yearCreated) == Literal(1973)
    assert facts.value(amas, AMA.firstCeremony) == AMAR["ceremony/1974"]
    assert facts.value(AMAR["ceremony/1974"], AMA.editionNumber) is None
    for ceremony in facts.subjects(RDF.type, AMA.Ceremony):
        assert facts.value(ceremony, AMA.awardProgram) == amas


def test_voting_eras(facts: Graph) -> None:
    eras = {
        facts.value(e, AMA.votingMethod): (facts.value(e, AMA.fromYear), facts.value(e, AMA.toYear))
        for e in facts.objects(AMAR["program/amas"], AMA.votingEra)
    }
    assert eras == {
        AMA.IndustryVote: (Literal(1973), Literal(2005)),
        AMA.PublicVote: (Literal(2006), None),
    }


def test_performances_attendance_and_membership(facts: Graph) -> None:
    jk = AMAR["performance/2022-fifa-world-cup-opening/jungkook"]
    assert facts.value(jk, AMA.performedWork) == AMAR["work/dreamers"]
    assert facts.value(jk, AMA.coPerformer) == AMAR["artist/fahad-al-kubaisi"]
    opening = facts.value(jk, AMA.atEvent)
    assert facts.value(opening, AMA.date) == Literal("2022-11-20", datatype=XSD_DATE)
    assert facts.value(opening, AMA.country) == AMAR["place/qatar"]
    assert facts.value(AMAR["performance/2017/bts"], AMA.performedWork) == AMAR["work/dna"]
    assert facts.value(AMAR["performance/2012/psy"], AMA.atEvent) == AMAR["ceremony/2012"]
    status = {
        str(facts.value(facts.value(a, AMA.attendee), RDFS.label)): (
            facts.value(a, AMA.attendanceStatus),
            facts.value(a, AMA.attendancePart),
        )
        for a in facts.subjects(RDF.type, AMA.Attendance)
    }
    assert status == {
        "BTS": (AMA.Absent, None),
        "TOMORROW X TOGETHER": (AMA.Attended, Literal("red carpet")),
        "Jungkook": (AMA.Attended, None),
    }
    membership = AMAR["membership/bts/jungkook"]
    assert facts.value(membership, AMA.membershipGroup) == AMAR["artist/bts"]
    assert facts.value(membership, AMA.membershipMember) == AMAR["artist/jungkook"]
    kpop = by_label(facts, facts.subjects(AMA.genre, AMAR["genre/k-pop"]))
    assert kpop == {"BTS", "BLACKPINK", "SEVENTEEN", "TOMORROW X TOGETHER", "TWICE", "PSY"}


# ---------------------------------------------------------------- claims


CHECKABLE_CLAIMS = [
    "five-consecutive-years",
    "four-consecutive-pop-duo-group",
    "most-wins-in-category",
    "first-kpop-group-to-perform",
    "first-kpop-act-artist-of-the-year",
]


@pytest.mark.parametrize("slug", CHECKABLE_CLAIMS)
def test_checkable_claims_are_present(facts: Graph, slug: str) -> None:
    claim = AMAR[f"claim/{slug}"]
    assert (claim, RDF.type, AMA.Claim) in facts
    assert facts.value(claim, AMA.claimText) is not None
    assert facts.value(claim, AMA.rank) == AMA.NormalRank
    assert AMAR["artist/bts"] in set(facts.objects(claim, AMA.about))


def test_article_date_claim_is_superseded_by_the_local_date(facts: Graph) -> None:
    article, curated = AMAR["claim/ceremony-date-article"], AMAR["claim/ceremony-date-curated"]
    assert facts.value(article, AMA.rank) == AMA.DeprecatedRank
    assert facts.value(curated, AMA.rank) == AMA.PreferredRank
    assert facts.value(article, AMA.supersededBy) == curated
    assert str(facts.value(article, AMA.note)) == "the date in Korea"
    assert facts.value(article, RDF.object) == Literal("2022-11-21", datatype=XSD_DATE)
    for claim in (article, curated):
        assert facts.value(claim, RDF.subject) == AMAR["ceremony/2022"]
        assert facts.value(claim, RDF.predicate) == AMA.date
    preferred = facts.value(curated, RDF.object)
    assert facts.value(AMAR["ceremony/2022"], AMA.date) == preferred
    assert (curated, PROV.wasDerivedFrom, AMAR["source/curated-facts/f1"]) in facts


def test_every_one_triple_claim_states_a_triple_of_the_graph_or_is_deprecated(
    facts: Graph,
) -> None:
    stated = list(facts.subjects(RDF.predicate, None))
    assert len(stated) == 3
    for claim in stated:
        triple = (
            facts.value(claim, RDF.subject),
            facts.value(claim, RDF.predicate),
            facts.value(claim, RDF.object),
        )
        asserted = triple in facts
        assert asserted == (facts.value(claim, AMA.rank) != AMA.DeprecatedRank), claim
