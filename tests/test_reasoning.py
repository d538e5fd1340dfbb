"""Reasoning: specific inferred triples, in the inferred graph only; owlrl's noise removed; the
asserted graphs untouched; inconsistencies raised; rules return only what they add.

The graph is the session's build of the repository's data (tests/conftest.py, in memory).
Expected answers are the article's facts; sets "for every X" are computed from the asserted data.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from amakg.build import Built
from amakg.dataset import load_graphs, load_store, read_manifest
from amakg.errors import ReasoningError
from amakg.reasoning.fast import infer_in_store
from amakg.reasoning.reference import apply_rules, infer, owl_rl_closure
from amakg.reasoning.rules import MAX_ROUNDS, Rule, load_rules, saturate
from amakg.store import Store
from amakg.vocab import AMA, AMAR, INFERRED, MO, ONTOLOGY, SCHEMA, WDT

BTS = AMAR["artist/bts"]
JUNGKOOK = AMAR["artist/jungkook"]
KPOP = AMAR["category/favorite-k-pop-artist"]
POP_DUO_LINEAGE = AMAR["lineage/favorite-pop-duo-or-group"]
# The article: 2018 Favorite Social Artist; 2019, 2020 Favorite Duo or Group – Pop/Rock (the
# category's name then); 2021 Artist of the Year and Favorite Pop Duo or Group; 2022 Favorite
# Pop Duo or Group and Favorite K-Pop Artist.
BTS_WON = {
    AMAR["category/favorite-social-artist"],
    AMAR["category/favorite-duo-or-group-pop-rock"],
    AMAR["category/artist-of-the-year"],
    AMAR["category/favorite-pop-duo-or-group"],
    KPOP,
}

Triple = tuple[Node, Node, Node]


@dataclass
class Reasoned:
    """The data files loaded into a store as build() loads them, then reasoned in that store."""

    before: dict[URIRef, set[Triple]]  # every graph before reasoning
    store: Store
    count: int  # what infer_in_store returned


@pytest.fixture(scope="module")
def reasoned() -> Reasoned:
    store = load_store(read_manifest())
    before = {name: set(store.graph(name)) for name in store.graph_names()}
    count = infer_in_store(store.oxigraph)
    return Reasoned(before, store, count)


@pytest.fixture(scope="module")
def facts(built: Built) -> Graph:
    """The asserted facts, provenance and links (no ontology, no inferences)."""
    return built.store.union(built.asserted_graphs)


@pytest.fixture(scope="module")
def inferred(built: Built) -> Graph:
    return built.store.graph(INFERRED)


@pytest.fixture(scope="module")
def asserted(built: Built) -> Graph:
    """Everything that was not inferred: asserted, provenance, links and the ontology."""
    return built.store.union([g for g in built.store.graph_names() if g != INFERRED])


def only_inferred(triple: Triple, inferred: Graph, asserted: Graph) -> None:
    assert triple in inferred, f"not inferred: {triple}"
    assert triple not in asserted, f"asserted, not inferred: {triple}"


def objects(graph: Graph, subject: Node, predicate: Node) -> set[Node]:
    return set(graph.objects(subject, predicate))


# ---------------------------------------------------------------- membership


def test_jungkook_member_of_bts_is_inferred(inferred: Graph, asserted: Graph) -> None:
    only_inferred((JUNGKOOK, SCHEMA.memberOf, BTS), inferred, asserted)


@pytest.mark.parametrize("member", [SCHEMA.member, MO.member])
def test_bts_has_member_jungkook_is_inferred(
    inferred: Graph, asserted: Graph, member: URIRef
) -> None:
    only_inferred((BTS, member, JUNGKOOK), inferred, asserted)


def test_every_membership_gives_both_directions(facts: Graph, inferred: Graph) -> None:
    data = facts
    memberships = list(data.subjects(RDF.type, AMA.Membership))
    assert memberships
    for membership in memberships:
        for group in data.objects(membership, AMA.membershipGroup):
            for person in data.objects(membership, AMA.membershipMember):
                assert (person, SCHEMA.memberOf, group) in inferred
                assert (group, SCHEMA.member, person) in inferred
                assert (group, MO.member, person) in inferred


# ---------------------------------------------------------------- awards in Wikidata's terms


def test_bts_received_the_k_pop_award(inferred: Graph, asserted: Graph) -> None:
    only_inferred((BTS, WDT.P166, KPOP), inferred, asserted)


def test_bts_received_exactly_the_categories_it_won(inferred: Graph, asserted: Graph) -> None:
    assert objects(inferred, BTS, WDT.P166) == BTS_WON
    for category in BTS_WON:
        only_inferred((BTS, WDT.P166, category), inferred, asserted)


def _nominations(data: Graph) -> list[tuple[Node, Node, Node]]:
    """(nominee, category, outcome) of every asserted nomination."""
    rows = []
    for nomination in data.subjects(RDF.type, AMA.Nomination):
        for nominee in data.objects(nomination, AMA.nominee):
            for category in data.objects(nomination, AMA.category):
                for outcome in data.objects(nomination, AMA.outcome):
                    rows.append((nominee, category, outcome))
    return rows


def test_bts_nominated_for_every_category_it_was_nominated_in(
    facts: Graph, inferred: Graph, asserted: Graph
) -> None:
    nominated = {c for n, c, _ in _nominations(facts) if n == BTS}
    assert nominated >= BTS_WON  # winners are nominees too
    assert objects(inferred, BTS, WDT.P1411) == nominated
    for category in nominated:
        only_inferred((BTS, WDT.P1411, category), inferred, asserted)


def test_every_nomination_gives_p1411_and_every_win_p166(facts: Graph, inferred: Graph) -> None:
    rows = _nominations(facts)
    assert rows
    for nominee, category, outcome in rows:
        assert (nominee, WDT.P1411, category) in inferred
        if outcome == AMA.Won:
            assert (nominee, WDT.P166, category) in inferred


def test_p166_only_for_categories_won(facts: Graph, inferred: Graph) -> None:
    won = {(n, c) for n, c, o in _nominations(facts) if o == AMA.Won}
    assert set(inferred.subject_objects(WDT.P166)) == won


# ---------------------------------------------------------------- voting method by era


def test_2022_ceremony_was_a_public_vote(inferred: Graph, asserted: Graph) -> None:
    only_inferred((AMAR["ceremony/2022"], AMA.votingMethod, AMA.PublicVote), inferred, asserted)
    assert objects(inferred, AMAR["ceremony/2022"], AMA.votingMethod) == {AMA.PublicVote}


def test_1974_ceremony_was_an_industry_vote(inferred: Graph, asserted: Graph) -> None:
    only_inferred((AMAR["ceremony/1974"], AMA.votingMethod, AMA.IndustryVote), inferred, asserted)
    assert objects(inferred, AMAR["ceremony/1974"], AMA.votingMethod) == {AMA.IndustryVote}


def test_every_ceremony_of_the_amas_has_the_method_of_its_year(
    facts: Graph, inferred: Graph
) -> None:
    """Industry vote 1973–2005, public vote since 2006 (the article's sentences 17 and 18)."""
    data = facts
    ceremonies = list(data.subjects(AMA.awardProgram, AMAR["program/amas"]))
    assert len(ceremonies) >= 2
    for ceremony in ceremonies:
        (year,) = data.objects(ceremony, AMA.year)
        expected = AMA.IndustryVote if int(str(year)) <= 2005 else AMA.PublicVote
        assert objects(inferred, ceremony, AMA.votingMethod) == {expected}, ceremony


# ---------------------------------------------------------------- streaks


def _streaks(inferred: Graph, artist: URIRef) -> list[dict[str, object]]:
    found = []
    for streak in inferred.objects(artist, AMA.winStreak):
        assert (streak, RDF.type, AMA.Streak) in inferred
        found.append(
            {
                "lineage": inferred.value(streak, AMA.streakLineage),
                "first": inferred.value(streak, AMA.firstYear).toPython(),  # type: ignore[union-attr]
                "last": inferred.value(streak, AMA.streakEnd).toPython(),  # type: ignore[union-attr]
                "length": inferred.value(streak, AMA.streakLength).toPython(),  # type: ignore[union-attr]
            }
        )
    return found


def test_bts_overall_streak_2018_to_2022(inferred: Graph) -> None:
    overall = [s for s in _streaks(inferred, BTS) if s["lineage"] is None]
    assert overall == [{"lineage": None, "first": 2018, "last": 2022, "length": 5}]


def test_bts_pop_duo_or_group_streak_2019_to_2022_across_the_rename(inferred: Graph) -> None:
    in_lineage = [s for s in _streaks(inferred, BTS) if s["lineage"] == POP_DUO_LINEAGE]
    assert in_lineage == [{"lineage": POP_DUO_LINEAGE, "first": 2019, "last": 2022, "length": 4}]


def test_streak_nodes_are_inferred_only(built: Built, inferred: Graph, asserted: Graph) -> None:
    streaks = set(inferred.subjects(RDF.type, AMA.Streak))
    assert streaks
    for streak in streaks:
        assert (streak, None, None) not in asserted
        length = inferred.value(streak, AMA.streakLength)
        assert isinstance(length, Literal) and length.datatype == XSD.integer
        first, last = (inferred.value(streak, p).toPython() for p in (AMA.firstYear, AMA.streakEnd))  # type: ignore[union-attr]
        assert length.toPython() == last - first + 1 >= 2


# ---------------------------------------------------------------- class typing


def test_every_won_nomination_is_a_win_and_no_other(
    facts: Graph, inferred: Graph, asserted: Graph
) -> None:
    data = facts
    nominations = set(data.subjects(RDF.type, AMA.Nomination))
    won = {n for n in nominations if (n, AMA.outcome, AMA.Won) in data}
    assert won and won != nominations
    wins = set(inferred.subjects(RDF.type, AMA.Win)) | set(asserted.subjects(RDF.type, AMA.Win))
    assert wins == won
    only_inferred(
        (AMAR["nomination/2022/favorite-k-pop-artist/bts"], RDF.type, AMA.Win), inferred, asserted
    )


def test_groups_are_schema_music_groups(facts: Graph, inferred: Graph, asserted: Graph) -> None:
    groups = set(facts.subjects(RDF.type, AMA.Group))
    assert BTS in groups
    for group in groups:
        for music_group in (SCHEMA.MusicGroup, MO.MusicGroup):
            typing = (group, RDF.type, music_group)
            assert typing in inferred or typing in asserted, typing
    only_inferred((BTS, RDF.type, SCHEMA.MusicGroup), inferred, asserted)
    assert (JUNGKOOK, RDF.type, SCHEMA.MusicGroup) not in inferred


# ---------------------------------------------------------------- noise removed, graphs apart

BUILTIN_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))


def test_no_reflexive_same_as(inferred: Graph) -> None:
    assert [(s, o) for s, o in inferred.subject_objects(OWL.sameAs) if s == o] == []


def test_no_literal_subjects(inferred: Graph) -> None:
    assert [t for t in inferred if isinstance(t[0], Literal)] == []


def test_no_subject_in_the_rdf_rdfs_owl_xsd_namespaces(inferred: Graph) -> None:
    assert [t for t in inferred if str(t[0]).startswith(BUILTIN_NAMESPACES)] == []


def test_no_owlrl_error_triples(inferred: Graph) -> None:
    assert [t for t in inferred if str(t[1]).startswith(str(ERRNS))] == []


def test_inferred_graph_holds_no_asserted_triple(inferred: Graph, asserted: Graph) -> None:
    assert len(inferred) > 0
    assert [t for t in inferred if t in asserted] == []


def _snapshot(graph: Graph) -> set[Triple]:
    return set(graph)


def assert_same_triples(found: set[Triple], expected: set[Triple]) -> None:
    """Equal up to blank-node labels (each parse of a file makes new ones)."""

    def split(triples: set[Triple]) -> tuple[set[Triple], Graph]:
        anonymous = Graph()
        ground = set()
        for t in triples:
            if isinstance(t[0], BNode) or isinstance(t[2], BNode):
                anonymous.add(t)
            else:
                ground.add(t)
        return ground, anonymous

    found_ground, found_anonymous = split(found)
    expected_ground, expected_anonymous = split(expected)
    assert found_ground == expected_ground
    assert isomorphic(found_anonymous, expected_anonymous)


def test_reasoning_leaves_its_input_unchanged(reasoned: Reasoned) -> None:
    """infer_in_store only adds the inferred graph; every other graph stays as it was."""
    assert INFERRED not in reasoned.before
    assert sorted(reasoned.store.graph_names()) == sorted([*reasoned.before, INFERRED])
    for name, triples in reasoned.before.items():
        assert triples, name
        assert set(reasoned.store.graph(name)) == triples, name
    assert reasoned.count == reasoned.store.count(INFERRED) > 0


def test_build_reasons_over_exactly_the_loaded_graphs(built: Built, reasoned: Reasoned) -> None:
    """build() holds the loaded graphs untouched plus what the reasoner infers from them alone."""
    assert set(built.store.graph_names()) == set(reasoned.store.graph_names())
    for name, triples in reasoned.before.items():
        assert_same_triples(set(built.store.graph(name)), triples)
    assert_same_triples(set(built.store.graph(INFERRED)), set(reasoned.store.graph(INFERRED)))


def test_built_store_keeps_the_asserted_graphs_as_loaded(built: Built) -> None:
    loaded = load_graphs(read_manifest())
    assert set(loaded) == {*built.asserted_graphs, ONTOLOGY}
    for name, graph in loaded.items():
        assert_same_triples(set(built.store.graph(name)), set(graph))


FAST_PATH_ALONE = """
import json, sys
from rdflib import RDF, RDFS, URIRef
from amakg.reasoning.fast import infer_in_store
from amakg.store import Store
from amakg.vocab import INFERRED

ex = "http://example.org/"
store = Store()
store.add_graph(URIRef(ex + "g"), [
    (URIRef(ex + "A"), RDFS.subClassOf, URIRef(ex + "B")),
    (URIRef(ex + "x"), RDF.type, URIRef(ex + "A")),
])
count = infer_in_store(store.oxigraph)
print(json.dumps({
    "count": count,
    "typed": (URIRef(ex + "x"), RDF.type, URIRef(ex + "B")) in store.graph(INFERRED),
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("owlrl", "pyshacl")),
}))
"""


def test_fast_path_loads_neither_owlrl_nor_pyshacl() -> None:
    """A fresh interpreter that reasons with the fast path never imports the reference engines."""
    run = subprocess.run(
        [sys.executable, "-c", FAST_PATH_ALONE], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["typed"] and answer["count"] > 0  # it did reason
    assert answer["loaded"] == []


# ---------------------------------------------------------------- inconsistencies

A, B = URIRef("http://example.org/a"), URIRef("http://example.org/b")


def _owlrl_messages(triples: Iterable[Triple]) -> set[str]:
    """What owlrl itself says about a graph (independently of amakg)."""
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return {str(o) for _, p, o in graph if str(p).startswith(str(ERRNS))}


INCONSISTENT = {
    "same-and-different": [(A, OWL.sameAs, B), (A, OWL.differentFrom, B)],
    "member-of-nothing": [(A, RDF.type, OWL.Nothing)],
    "disjoint-classes": [
        (URIRef("http://example.org/Group"), OWL.disjointWith, URIRef("http://example.org/Solo")),
        (A, RDF.type, URIRef("http://example.org/Group")),
        (A, RDF.type, URIRef("http://example.org/Solo")),
    ],
}


@pytest.mark.parametrize("case", sorted(INCONSISTENT))
def test_inconsistency_raises_reasoning_error_with_owlrl_message(case: str) -> None:
    triples = INCONSISTENT[case]
    messages = _owlrl_messages(triples)
    assert messages, "owlrl finds the inconsistency"
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    with pytest.raises(ReasoningError) as caught:
        owl_rl_closure(graph)
    for message in messages:
        assert message in str(caught.value)


def test_inconsistency_stops_the_whole_inference(built: Built, facts: Graph) -> None:
    """The ontology, BTS's membership facts and one contradiction: infer() raises."""
    data = built.store.graph(ONTOLOGY)
    for membership in facts.subjects(AMA.membershipGroup, BTS):
        data += facts.triples((membership, None, None))
    data.add((BTS, RDF.type, AMA.Group))
    data.add((BTS, OWL.differentFrom, BTS))
    with pytest.raises(ReasoningError) as caught:
        infer(data)
    assert str(BTS) in str(caught.value)


# ---------------------------------------------------------------- rules return only new triples

N1, N2 = AMAR["nomination/test/1"], AMAR["nomination/test/2"]
ARTIST = AMAR["artist/test"]
CAT1, CAT2 = AMAR["category/test-1"], AMAR["category/test-2"]


def _two_wins() -> Graph:
    graph = Graph()
    for nomination, category in ((N1, CAT1), (N2, CAT2)):
        graph.add((nomination, RDF.type, AMA.Nomination))
        graph.add((nomination, AMA.nominee, ARTIST))
        graph.add((nomination, AMA.category, category))
        graph.add((nomination, AMA.outcome, AMA.Won))
    graph.add((ARTIST, AMA.awardReceived, CAT1))  # already known: must not come back
    return graph


def test_apply_rules_returns_only_new_triples() -> None:
    graph = _two_wins()
    before = _snapshot(graph)
    added = apply_rules(graph, load_rules())
    assert (ARTIST, AMA.awardReceived, CAT2) in added
    assert (ARTIST, AMA.awardReceived, CAT1) not in added
    assert [t for t in added if t in graph] == []
    assert _snapshot(graph) == before


def test_apply_rules_reaches_a_fixpoint() -> None:
    graph = _two_wins()
    added = apply_rules(graph, load_rules())
    assert len(added) > 0
    assert len(apply_rules(graph + added, load_rules())) == 0


def test_infer_returns_only_triples_the_input_lacks() -> None:
    graph = _two_wins()
    new = infer(graph)
    assert (ARTIST, AMA.awardReceived, CAT2) in new
    assert [t for t in new if t in graph] == []


# ---------------------------------------------------------------- the shared round limit

EX_T, EX_NEXT = URIRef("http://example.org/T"), URIRef("http://example.org/next")
ENDLESS = Rule(
    "endless",
    "a fresh blank node every round: never reaches a fixpoint",
    "CONSTRUCT { ?s <http://example.org/next> [] } WHERE { ?s a <http://example.org/T> }",
)


def test_rules_that_never_stop_raise_on_the_reference_path() -> None:
    graph = Graph()
    graph.add((A, RDF.type, EX_T))
    with pytest.raises(ReasoningError, match=f"rules did not reach a fixpoint in {MAX_ROUNDS} "):
        infer(graph, rules=[ENDLESS])


def test_rules_that_never_stop_raise_on_the_fast_path() -> None:
    store = Store()
    store.add_graph(URIRef("http://example.org/g"), [(A, RDF.type, EX_T)])
    with pytest.raises(ReasoningError, match=f"rules did not reach a fixpoint in {MAX_ROUNDS} "):
        infer_in_store(store.oxigraph, rules=[ENDLESS])


def test_saturate_runs_the_rules_around_each_closure_until_they_add_nothing() -> None:
    calls: list[str] = []
    added = iter([2, 1, 0])

    def rules() -> int:
        calls.append("rules")
        return next(added)

    saturate(rules, lambda: calls.append("closure"))
    assert calls == ["rules", "closure", "rules", "closure", "rules"]


def test_saturate_gives_up_after_the_round_limit() -> None:
    closures: list[None] = []
    with pytest.raises(
        ReasoningError, match=f"reasoning did not reach a fixpoint in {MAX_ROUNDS} "
    ):
        saturate(lambda: 1, lambda: closures.append(None))
    assert len(closures) == MAX_ROUNDS
