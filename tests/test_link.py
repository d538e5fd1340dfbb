"""The reconciliation linker: normalization, blocking, scoring, decisions, outputs, evaluation.

Fixtures: tests/fixtures/link/ (ours.ttl in the amakg vocabulary, theirs.ttl in a vocabulary
of its own with mapping.toml); the real data: the DBpedia music sample and the AMA history.
"""

from __future__ import annotations

import csv
import gzip
import json
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from amakg import resources
from amakg.errors import InputError, NetworkRefused
from amakg.linking.evaluation import (
    SampleEvaluation,
    evaluate,
    evaluate_against_sample,
    report,
    sample_iri,
)
from amakg.linking.linker import (
    LinkResult,
    blocking_keys,
    candidate_pairs,
    find_mapping,
    link,
    link_file,
    load_mapping,
    score,
)
from amakg.linking.linkset import SSSOM, linkset_graph, review_path, write_linkset
from amakg.linking.profile import Profile, kind_from_suffix, name_key
from amakg.load import parse_file
from amakg.vocab import AMAR, VOID

FIXTURES = Path(__file__).parent / "fixtures" / "link"
SAMPLE = resources.data_dir() / "sources" / "dbpedia-music-sample"
TUT = "http://stardog.com/tutorial/"


def fixture_result(threshold: float = 0.9) -> LinkResult:
    return link_file(FIXTURES / "theirs.ttl", threshold, ours=parse_file(FIXTURES / "ours.ttl"))


def accepted(result: LinkResult) -> dict[str, str]:
    return {
        str(c.ours).removeprefix(str(AMAR)): str(c.theirs).rsplit("/", 1)[-1]
        for c in result.accepted
    }


@cache
def sample_evaluation() -> SampleEvaluation:
    return evaluate_against_sample()


# ---------------------------------------------------------------- normalization


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SEVENTEEN", "Seventeen (South Korean band)"),
        ("The Beatles", "Beatles"),
        ("Måneskin", "Maneskin"),
        ("Simon & Garfunkel", "Simon and Garfunkel"),
        ("Prince", "Prince (musician)"),
    ],
)
def test_names_that_differ_only_in_form_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)
    assert blocking_keys(Profile(URIRef("urn:a"), [a])) & blocking_keys(
        Profile(URIRef("urn:b"), [b])
    )


def test_different_names_keep_different_keys() -> None:
    assert name_key("Janet Jackson") != name_key("Alan Jackson")
    assert name_key("TWICE") != name_key("Twice as Nice")


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Journey (band)", "group"),
        ("Seventeen (South Korean band)", "group"),
        ("Prince (musician)", "person"),
        ("Fergie (singer)", "person"),
        ("Future (rapper)", "person"),
        ("Thriller (album)", None),
        ("Coldplay", None),
    ],
)
def test_disambiguation_suffix_gives_the_kind(label: str, kind: str | None) -> None:
    assert kind_from_suffix(label) == kind


# ---------------------------------------------------------------- blocking


def test_blocking_on_real_data_is_far_below_all_pairs_and_keeps_every_gold_pair() -> None:
    """Blocking scores under 1% of all pairs, and every gold pair is among those scored (the
    linker's own answer: accepted, rejected and the ones left for review)."""
    ev = sample_evaluation()
    result, stats = ev.result, ev.result.stats
    assert stats.ours > 400 and stats.theirs == 308  # 308 :Band or :SoloArtist in the sample
    assert stats.candidate_pairs < stats.all_pairs / 100
    scored = [
        *result.accepted,
        *result.rejected,
        *(c for r in result.ambiguous for c in r.candidates),
    ]
    pairs = {(c.ours, c.theirs) for c in scored}
    assert (ev.gold.pairs | ev.album_link_gold) <= pairs  # blocking loses no gold pair


def test_a_common_token_alone_does_not_make_a_block() -> None:
    theirs = {
        URIRef(f"urn:t{i}"): Profile(URIRef(f"urn:t{i}"), [f"John Person{i}"]) for i in range(40)
    }
    ours = {URIRef("urn:o"): Profile(URIRef("urn:o"), ["John Unrelated"])}
    assert candidate_pairs(ours, theirs) == set()


# ---------------------------------------------------------------- scoring


def test_exact_name_with_agreeing_kinds_scores_high() -> None:
    ours = Profile(URIRef("urn:o"), ["Prince"], kinds={"person"})
    theirs = Profile(URIRef("urn:t"), ["Prince (musician)"], kinds={"person"})
    assert score(ours, theirs).score == pytest.approx(0.95)


def test_kind_mismatch_lowers_the_score() -> None:
    ours = Profile(URIRef("urn:o"), ["Prince"], kinds={"person"})
    person = score(ours, Profile(URIRef("urn:t1"), ["Prince (musician)"], kinds={"person"}))
    group = score(ours, Profile(URIRef("urn:t2"), ["Prince (band)"], kinds={"group"}))
    assert group.score < person.score - 0.2
    assert any("kind contradicts" in e for e in group.evidence)


def test_shared_album_and_member_raise_the_score_and_are_evidence() -> None:
    bare = score(Profile(URIRef("urn:o"), ["Heart"]), Profile(URIRef("urn:t"), ["Heart (band)"]))
    rich = score(
        Profile(URIRef("urn:o"), ["Heart"], albums={"bad animals"}, members={"ann wilson"}),
        Profile(URIRef("urn:t"), ["Heart (band)"], albums={"bad animals"}, members={"ann wilson"}),
    )
    assert rich.score == pytest.approx(bare.score + 0.1)
    assert "shared albums: bad animals" in rich.evidence
    assert "shared members: ann wilson" in rich.evidence


def test_albums_long_after_the_last_nomination_contradict() -> None:
    ours = Profile(URIRef("urn:o"), ["Chicago"], years={1975, 1980})
    late = score(ours, Profile(URIRef("urn:t"), ["Chicago"], years={2005, 2010}))
    fits = score(ours, Profile(URIRef("urn:t"), ["Chicago"], years={1970, 1984}))
    assert late.score < fits.score
    assert any("years contradict" in e for e in late.evidence)


def test_fixture_links_with_suffixes_noise_albums_and_members() -> None:
    links = accepted(fixture_result())
    assert links == {
        "artist/journey": "Journey_(band)",  # typed a person externally; its suffix says band
        "artist/prince": "Prince_(musician)",  # not Prince_(band): kinds contradict
        "artist/heart": "Heart_(band)",
        "artist/bts": "BTS",  # through the alternative label "Bangtan Boys"
        "artist/jungkook": "Jungkook",  # no label externally: the IRI's local name
    }


# ---------------------------------------------------------------- decisions


def test_two_external_candidates_with_equal_names_go_to_review_not_accepted() -> None:
    result = fixture_result()
    seventeen = AMAR["artist/seventeen"]
    assert seventeen not in {c.ours for c in result.accepted}
    [case] = [r for r in result.ambiguous if r.candidates[0].ours == seventeen]
    assert {str(c.theirs).rsplit("/", 1)[-1] for c in case.candidates} == {
        "Seventeen_(band)",
        "Seventeen_(South_Korean_band)",
    }
    assert case.reason == "several external candidates score alike"


def test_two_of_ours_for_one_external_entity_go_to_review() -> None:
    ours = Graph()
    for slug in ("pink", "p-nk"):
        ours.add(
            (AMAR[f"artist/{slug}"], RDF.type, URIRef("https://w3id.org/amakg/ontology#SoloArtist"))
        )
        ours.add((AMAR[f"artist/{slug}"], SKOS.prefLabel, Literal("Pink")))
    theirs = Graph()
    theirs.add(
        (
            URIRef("http://example.org/music/Pink"),
            RDF.type,
            URIRef("http://example.org/music/Musician"),
        )
    )
    result = link(ours, theirs, load_mapping(FIXTURES / "mapping.toml"))
    assert result.accepted == []
    assert {r.reason for r in result.ambiguous} == {
        "several of our entities match this external one"
    }


def test_scores_between_floor_and_threshold_are_reviewed_below_are_rejected() -> None:
    result = fixture_result(threshold=0.97)
    assert accepted(result) == {"artist/heart": "Heart_(band)", "artist/bts": "BTS"}
    reasons = {r.candidates[0].ours: r.reason for r in result.ambiguous}
    assert reasons[AMAR["artist/journey"]] == "best score below the threshold 0.97"
    assert all(c.score < 0.87 for c in result.rejected)


def test_linker_ignores_links_already_in_our_graph() -> None:
    ours = parse_file(FIXTURES / "ours.ttl")
    before = accepted(link_file(FIXTURES / "theirs.ttl", ours=ours))
    wrong = URIRef("http://example.org/music/Janet_Jackson")
    for iri in [AMAR["artist/journey"], AMAR["artist/zyx-quartet"]]:
        ours.add((iri, SKOS.exactMatch, wrong))
        ours.add((iri, URIRef("http://schema.org/sameAs"), wrong))
    assert accepted(link_file(FIXTURES / "theirs.ttl", ours=ours)) == before


# ---------------------------------------------------------------- input files and mapping


@pytest.mark.parametrize("fmt", ["nt", "trig", "jsonld", "ttl.gz"])
def test_every_accepted_input_format_gives_the_same_links(tmp_path: Path, fmt: str) -> None:
    quads = list(ox.parse(path=str(FIXTURES / "theirs.ttl")))
    target = tmp_path / f"theirs.{fmt}"
    if fmt == "ttl.gz":
        target.write_bytes(gzip.compress((FIXTURES / "theirs.ttl").read_bytes()))
    else:
        kind = {
            "nt": ox.RdfFormat.N_TRIPLES,
            "trig": ox.RdfFormat.TRIG,
            "jsonld": ox.RdfFormat.JSON_LD,
        }
        ox.serialize(
            [ox.Quad(q.subject, q.predicate, q.object) for q in quads], str(target), kind[fmt]
        )
    (tmp_path / "mapping.toml").write_bytes((FIXTURES / "mapping.toml").read_bytes())
    result = link_file(target, ours=parse_file(FIXTURES / "ours.ttl"))
    assert accepted(result) == accepted(fixture_result())


def test_remote_jsonld_context_is_refused(tmp_path: Path) -> None:
    doc = {
        "@context": "http://example.org/music-terms",
        "@id": "http://example.org/x",
        "name": "X",
    }
    (tmp_path / "theirs.jsonld").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "mapping.toml").write_bytes((FIXTURES / "mapping.toml").read_bytes())
    with pytest.raises(NetworkRefused, match=r"JSON-LD @context .* is refused"):
        link_file(tmp_path / "theirs.jsonld", ours=Graph())


def test_a_copy_of_the_sample_elsewhere_finds_the_repository_mapping(tmp_path: Path) -> None:
    assert find_mapping(tmp_path / "music.ttl.gz") == SAMPLE / "mapping.toml"


def test_a_mapping_that_is_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mapping.toml").symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        load_mapping(tmp_path / "mapping.toml")


def test_missing_mapping_is_reported(tmp_path: Path) -> None:
    (tmp_path / "theirs.ttl").write_bytes((FIXTURES / "theirs.ttl").read_bytes())
    with pytest.raises(InputError, match="no mapping file"):
        link_file(tmp_path / "theirs.ttl", ours=Graph())


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[dataset]\nname = "x"\nuri_space = "http://x/"\n[properties]\nlabel = []\n', "lacks"),
        (
            '[dataset]\nname = "x"\nuri_space = "http://x/"\n[properties]\nlabel = ["zz:name"]\n',
            "unknown prefix",
        ),
        ("[dataset\n", "invalid TOML"),
        ('dataset = "x"\n', r"\[dataset\] must be a table"),
        (
            '[dataset]\nname = "x"\nuri_space = "http://x/"\n[properties]\nlabel = [7]\n',
            "a value of the wrong type in the mapping",
        ),
    ],
)
def test_bad_mapping_files_are_refused(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "mapping.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_mapping(tmp_path / "mapping.toml")


# ---------------------------------------------------------------- linkset output


def test_linkset_has_links_scores_evidence_and_void(tmp_path: Path) -> None:
    result = fixture_result()
    out, reviews = write_linkset(result, tmp_path / "linkset.ttl")
    g = parse_file(out)
    links = set(g.subject_objects(SKOS.exactMatch))
    assert links == {(c.ours, c.theirs) for c in result.accepted}
    linkset = AMAR["linkset/fixture-music"]
    assert (linkset, RDF.type, VOID.Linkset) in g
    assert g.value(linkset, VOID.linkPredicate) == SKOS.exactMatch
    assert int(str(g.value(linkset, VOID.triples))) == 5
    assert set(g.objects(linkset, VOID.target)) == {
        URIRef("https://w3id.org/amakg/dataset"),
        AMAR["dataset/fixture-music"],
    }
    for c in result.accepted:
        [statement] = g.subjects(RDF.subject, c.ours)
        assert g.value(statement, RDF.object) == c.theirs
        assert float(g.value(statement, SSSOM.confidence)) == c.score  # type: ignore[arg-type]
    with reviews.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert {r["their_label"] for r in rows} == {"Seventeen (band)", "Seventeen (South Korean band)"}
    assert reviews == review_path(out) == tmp_path / "linkset.review.tsv"


def test_linkset_as_trig_puts_the_links_in_the_links_graph(tmp_path: Path) -> None:
    out, _ = write_linkset(fixture_result(), tmp_path / "linkset.trig")
    graphs = {
        q.graph_name.value
        for q in ox.parse(path=str(out))
        if q.predicate.value == str(SKOS.exactMatch)
    }
    assert graphs == {"https://w3id.org/amakg/graph/links"}


def test_linkset_refuses_other_suffixes(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.ttl or \.trig"):
        write_linkset(fixture_result(), tmp_path / "linkset.xml")
    assert not list(tmp_path.iterdir())


def test_statement_evidence_is_written_as_comments() -> None:
    g = linkset_graph(fixture_result())
    node = AMAR["linkset/fixture-music/link/artist/heart"]
    comments = {
        str(o) for o in g.objects(node, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    }
    assert "shared albums: bad animals" in comments


# ---------------------------------------------------------------- evaluation


def test_evaluation_arithmetic_on_a_hand_made_example() -> None:
    a, b, c, d = (URIRef(f"urn:our:{x}") for x in "abcd")
    x, y, z, w, v = (URIRef(f"urn:their:{t}") for t in "xyzwv")
    ev = evaluate([(a, x), (b, y), (c, z), (d, v)], [(a, x), (b, w), (d, v)])
    assert (ev.true_positives, ev.accepted, ev.gold) == (2, 4, 3)
    assert ev.precision == 0.5
    assert ev.recall == pytest.approx(0.6667)
    assert ev.f1 == pytest.approx(0.5714)  # 2PR/(P+R) = 2 * 0.5 * 2/3 / (7/6)
    assert set(ev.false_positives) == {(b, y), (c, z)}
    assert ev.false_negatives == ((b, w),)


def test_evaluation_of_nothing_is_zero_not_an_error() -> None:
    ev = evaluate([], [(URIRef("urn:a"), URIRef("urn:x"))])
    assert (ev.precision, ev.recall, ev.f1) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("link", "iri"),
    [
        ("/wiki/Jhen%C3%A9_Aiko", "Jhené_Aiko"),
        ("/wiki/C%2BC_Music_Factory", "C+C_Music_Factory"),
        ("/wiki/Evelyn_%22Champagne%22_King", "Evelyn_%22Champagne%22_King"),
        ("/wiki/Run%E2%80%93D.M.C.", "Run–D.M.C."),
    ],
)
def test_history_links_name_sample_resources_as_the_sample_writes_them(link: str, iri: str) -> None:
    assert sample_iri(link, TUT) == URIRef(TUT + iri)


def test_gold_has_the_79_sample_artists_of_the_history() -> None:
    ev = sample_evaluation()
    assert len({t for _, t in ev.gold.pairs}) == len(ev.gold.pairs) == 79
    assert ev.gold.unresolved == ()
    drift = {
        (str(o).removeprefix(str(AMAR)), str(t).removeprefix(TUT)) for o, t in ev.album_link_gold
    }
    assert drift == {("artist/alabama", "Alabama_(band)"), ("artist/usher", "Usher_(singer)")}


def test_real_data_evaluation_meets_the_targets() -> None:
    ev = sample_evaluation()
    assert ev.gold.unresolved == (), "the history import must be in the asserted graph"
    assert (ev.strict.gold, ev.extended.gold) == (79, 81)
    for figures in (ev.strict, ev.extended):
        assert figures.recall >= 0.90
    assert ev.extended.precision >= 0.98
    assert ev.absent_linked == ()
    # each strict "error" is a title drift that the album links confirm
    assert set(ev.strict.false_positives) <= ev.album_link_gold
    assert ev.extended.false_positives == ()
    text = report(ev)
    assert "precision" in text and "recall" in text and "F1" in text


def test_real_data_known_links_and_non_links() -> None:
    links = {(str(c.ours), str(c.theirs)) for c in sample_evaluation().result.accepted}
    assert (str(AMAR["artist/coldplay"]), TUT + "Coldplay") in links
    assert (str(AMAR["artist/prince"]), TUT + "Prince_(musician)") in links
    assert (str(AMAR["artist/journey"]), TUT + "Journey_(band)") in links  # typed :SoloArtist there
    assert (str(AMAR["artist/pink"]), TUT + "Pink_(singer)") in links  # also called P!nk
    ours_linked = {o for o, _ in links}
    for unknown in ("artist/bts", "artist/maneskin", "artist/onerepublic", "artist/sade-singer"):
        assert str(AMAR[unknown]) not in ours_linked  # not in the sample


def test_real_data_the_one_madonna_is_linked() -> None:
    ev = sample_evaluation()
    sample = URIRef(TUT + "Madonna_(entertainer)")
    assert (AMAR["artist/madonna"], sample) in {(c.ours, c.theirs) for c in ev.result.accepted}
    assert not any(r.candidates[0].theirs == sample for r in ev.result.ambiguous)
    assert (ev.strict.recall, ev.extended.precision, ev.extended.recall) == (1.0, 1.0, 1.0)
