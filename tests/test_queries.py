"""The article's facts, asked through the canned queries (queries/*.rq) on the real data.

Every test goes through the public API: open_graph() then kg.run(NAME, **params).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier, Literal, Node

from amakg import iris, queries, resources
from amakg.api import KnowledgeGraph, open_graph
from amakg.errors import NetworkRefused, ParameterError
from amakg.store import QueryResult
from amakg.vocab import AMA

ARTICLE = resources.data_dir() / "sources" / "article-2022-11-21-bts-amas.txt"
POP_DUO_GROUP = iris.lineage("Favorite Pop Duo or Group")
BTS = iris.artist("BTS")


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return open_graph()


def text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def number(value: Node | None) -> int | None:
    return None if value is None else int(str(value))


def whole(value: Node | None) -> int:
    assert value is not None
    return int(str(value))


def python(value: Node | None) -> object:
    assert isinstance(value, Literal), value
    return value.toPython()


def rows(result: QueryResult) -> Iterator[dict[str, Identifier | None]]:
    return iter(result.rows)


# ---------------------------------------------------------------- wins


BTS_WINS = {
    (2018, "Favorite Social Artist"),
    (2019, "Favorite Duo or Group – Pop/Rock"),
    (2020, "Favorite Duo or Group – Pop/Rock"),
    (2021, "Favorite Pop Duo or Group"),
    (2021, "Artist of the Year"),
    (2022, "Favorite Pop Duo or Group"),
    (2022, "Favorite K-Pop Artist"),
}


def win_pairs(result: QueryResult) -> set[tuple[int | None, str | None]]:
    return {(number(r["year"]), text(r["categoryName"])) for r in rows(result)}


def test_wins_of_bts_by_year_and_category(kg: KnowledgeGraph) -> None:
    result = kg.run("wins", artist="BTS")
    assert win_pairs(result) == BTS_WINS
    assert len(result.rows) == len(BTS_WINS)
    assert {r["winner"] for r in result.rows} == {BTS}


def test_wins_are_ordered_by_year(kg: KnowledgeGraph) -> None:
    years = [whole(r["year"]) for r in kg.run("wins", artist="BTS").rows]
    assert years == sorted(years)
    assert years[0] == 2018 and years[-1] == 2022


def test_each_win_names_the_ceremony_of_its_year(kg: KnowledgeGraph) -> None:
    for row in kg.run("wins", artist="BTS").rows:
        assert text(row["ceremonyName"]) == f"{number(row['year'])} American Music Awards"


def test_wins_accept_an_iri_or_any_case(kg: KnowledgeGraph) -> None:
    by_name = win_pairs(kg.run("wins", artist="BTS"))
    assert win_pairs(kg.run("wins", artist=str(BTS))) == by_name
    assert win_pairs(kg.run("wins", artist="bts")) == by_name


def test_wrong_fan_site_claims_are_not_wins(kg: KnowledgeGraph) -> None:
    wins = win_pairs(kg.run("wins", artist="BTS"))
    assert (2017, "Favorite Social Artist") not in wins
    assert (2020, "Artist of the Year") not in wins


def test_an_unknown_artist_has_no_wins(kg: KnowledgeGraph) -> None:
    assert kg.run("wins", artist="No Such Band").rows == []


def test_a_value_smuggling_sparql_is_only_a_name(kg: KnowledgeGraph) -> None:
    smuggled = 'BTS" ) } UNION { ?winner ?p ?o } #'
    assert kg.run("wins", artist=smuggled).rows == []


def test_wins_need_no_reasoning(kg: KnowledgeGraph) -> None:
    asserted = kg.run("wins", artist="BTS", asserted_only=True)
    assert win_pairs(asserted) == BTS_WINS


# ---------------------------------------------------------------- nominees


def nominees(result: QueryResult) -> dict[str, str | None]:
    return {str(r["nomineeName"]): text(r["outcomeName"]) for r in rows(result)}


def test_2022_favorite_pop_duo_or_group(kg: KnowledgeGraph) -> None:
    result = kg.run("nominees", category="Favorite Pop Duo or Group", year=2022)
    assert nominees(result) == {
        "BTS": "won",
        "Coldplay": "nominated",
        "Imagine Dragons": "nominated",
        "Måneskin": "nominated",
        "OneRepublic": "nominated",
    }
    assert text(result.rows[0]["nomineeName"]) == "BTS"  # winners first


def test_2022_favorite_k_pop_artist(kg: KnowledgeGraph) -> None:
    result = kg.run("nominees", category="Favorite K-Pop Artist", year=2022)
    assert nominees(result) == {
        "BTS": "won",
        "BLACKPINK": "nominated",
        "SEVENTEEN": "nominated",
        "TOMORROW X TOGETHER": "nominated",
        "TWICE": "nominated",
    }
    assert {r["outcome"] for r in result.rows if text(r["nomineeName"]) == "BTS"} == {AMA.Won}


def test_the_k_pop_category_was_new_in_2022(kg: KnowledgeGraph) -> None:
    assert kg.run("nominees", category="Favorite K-Pop Artist", year=2021).rows == []


def test_nominees_follow_the_category_across_its_rename(kg: KnowledgeGraph) -> None:
    result = kg.run("nominees", category="Favorite Pop Duo or Group", year=2019)
    winners = [r for r in result.rows if r["outcome"] == AMA.Won]
    assert [text(r["nomineeName"]) for r in winners] == ["BTS"]
    assert {text(r["awardedName"]) for r in result.rows} == {"Favorite Duo or Group – Pop/Rock"}


def test_2021_artist_of_the_year(kg: KnowledgeGraph) -> None:
    result = kg.run("nominees", category="Artist of the Year", year=2021)
    assert [text(r["nomineeName"]) for r in result.rows if r["outcome"] == AMA.Won] == ["BTS"]


# ---------------------------------------------------------------- ceremonies of an artist


def happenings(result: QueryResult) -> set[tuple[int | None, str | None, str | None]]:
    return {(number(r["year"]), text(r["what"]), text(r["detail"])) for r in rows(result)}


def test_bts_ceremonies(kg: KnowledgeGraph) -> None:
    result = kg.run("artist-ceremonies", artist="BTS")
    seen = happenings(result)
    assert (2017, "performed", "DNA") in seen
    assert (2022, "absent", None) in seen
    assert {(y, c) for y, what, c in seen if what == "won"} == BTS_WINS
    performance = next(r for r in result.rows if text(r["what"]) == "performed")
    assert python(performance["date"]) == date(2017, 11, 19)
    assert text(performance["eventName"]) == "2017 American Music Awards"


def test_the_2017_performance_is_the_first_of_bts(kg: KnowledgeGraph) -> None:
    result = kg.run("artist-ceremonies", artist="BTS")
    first = result.rows[0]
    assert (number(first["year"]), text(first["what"])) == (2017, "performed")


def test_jungkook_performed_at_the_world_cup_opening(kg: KnowledgeGraph) -> None:
    result = kg.run("artist-ceremonies", artist="Jungkook")
    at_world_cup = [r for r in result.rows if "World Cup" in str(r["eventName"])]
    assert {(text(r["what"]), text(r["detail"])) for r in at_world_cup} == {
        ("performed", "Dreamers"),
        ("attended", None),
    }
    for row in at_world_cup:
        assert text(row["eventName"]) == "Opening ceremony of the 2022 FIFA World Cup"
        assert python(row["date"]) == date(2022, 11, 20)


def test_txt_alias_resolves_to_tomorrow_x_together(kg: KnowledgeGraph) -> None:
    for alias in ("TXT", "txt"):
        result = kg.run("artist-ceremonies", artist=alias)
        assert {text(r["whoName"]) for r in result.rows} == {"TOMORROW X TOGETHER"}
        assert (2022, "attended", "red carpet") in happenings(result)
        assert (2022, "nominated", "Favorite K-Pop Artist") in happenings(result)


def test_co_nominees_of_an_alias(kg: KnowledgeGraph) -> None:
    result = kg.run("co-nominees", artist="Moneskin")
    assert {text(r["whoName"]) for r in result.rows} == {"Måneskin"}
    in_2022 = {
        (text(r["rivalName"]), text(r["rivalOutcomeName"]))
        for r in result.rows
        if number(r["year"]) == 2022
    }
    assert in_2022 == {
        ("BTS", "won"),
        ("Coldplay", "nominated"),
        ("Imagine Dragons", "nominated"),
        ("OneRepublic", "nominated"),
    }


# ---------------------------------------------------------------- members


def test_jungkook_is_a_member_of_bts(kg: KnowledgeGraph) -> None:
    result = kg.run("members", group="BTS")
    members = {text(r["itemName"]) for r in result.rows if text(r["kind"]) == "member"}
    assert "Jungkook" in members
    wins = {
        (number(r["year"]), text(r["itemName"])) for r in result.rows if text(r["kind"]) == "win"
    }
    assert wins == BTS_WINS


def test_members_need_no_reasoning(kg: KnowledgeGraph) -> None:
    result = kg.run("members", group="BTS", asserted_only=True)
    assert "Jungkook" in {text(r["itemName"]) for r in result.rows if text(r["kind"]) == "member"}


def test_a_solo_artist_is_not_a_group(kg: KnowledgeGraph) -> None:
    assert kg.run("members", group="Jungkook").rows == []


# ---------------------------------------------------------------- the programme


def test_the_amas(kg: KnowledgeGraph) -> None:
    result = kg.run("amas")
    first = result.rows[0]
    assert text(first["programName"]) == "American Music Awards"
    assert text(first["founderName"]) == "Dick Clark"
    assert number(first["yearCreated"]) == 1973
    assert number(first["firstYear"]) == 1974
    assert python(first["firstDate"]) == date(1974, 2, 19)
    assert text(first["season"]) == "fall"
    eras = [(r["method"], number(r["fromYear"]), number(r["toYear"])) for r in result.rows]
    assert eras == [(AMA.IndustryVote, 1973, 2005), (AMA.PublicVote, 2006, None)]


def test_the_broadcaster_is_abc(kg: KnowledgeGraph) -> None:
    broadcasters = {r["broadcaster"] for r in kg.run("amas").rows}
    assert len(broadcasters) == 1
    entities = {r["entity"] for r in kg.run("provenance", subject="ABC").rows}
    assert entities == broadcasters


def test_the_2022_ceremony(kg: KnowledgeGraph) -> None:
    result = kg.run("ceremony", year=2022)
    row = result.rows[0]
    assert python(row["date"]) == date(2022, 11, 20)
    assert (number(row["edition"]), text(row["venueName"]), text(row["cityName"])) == (
        50,
        "Microsoft Theater",
        "Los Angeles",
    )
    assert text(row["hostName"]) == "Wayne Brady"
    winners = {(text(r["categoryName"]), text(r["winnerName"])) for r in result.rows}
    assert ("Favorite Pop Duo or Group", "BTS") in winners
    assert ("Favorite K-Pop Artist", "BTS") in winners


# ---------------------------------------------------------------- voting


ARTICLE_SENTENCE_17 = (
    "From 1973 to 2005, both the winners and the nominations were selected by members of the "
    "music industry, based on commercial performance, such as sales and airplay."
)
ARTICLE_SENTENCE_18 = (
    "Since 2006, winners have been determined by a poll of the public and fans, who can vote "
    "through the AMAs website."
)


@pytest.mark.parametrize(
    ("year", "method", "quote"),
    [
        (1990, AMA.IndustryVote, ARTICLE_SENTENCE_17),
        (2005, AMA.IndustryVote, ARTICLE_SENTENCE_17),
        (2006, AMA.PublicVote, ARTICLE_SENTENCE_18),
        (2022, AMA.PublicVote, ARTICLE_SENTENCE_18),
    ],
)
def test_voting_method_of_a_year(kg: KnowledgeGraph, year: int, method: Node, quote: str) -> None:
    result = kg.run("voting-method", year=year)
    assert {r["method"] for r in result.rows} == {method}
    assert quote in {text(r["quote"]) for r in result.rows}
    assert all(r["source"] is not None for r in result.rows)


def test_no_voting_method_before_the_programme(kg: KnowledgeGraph) -> None:
    assert kg.run("voting-method", year=1950).rows == []


def test_the_integer_parameter_accepts_text(kg: KnowledgeGraph) -> None:
    assert {r["method"] for r in kg.run("voting-method", year="1990").rows} == {AMA.IndustryVote}


# ---------------------------------------------------------------- provenance


def squeezed(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def source_texts() -> str:
    """Every source file of the repo (article, curated notes, datasets), whitespace squeezed."""
    folder = resources.data_dir() / "sources"
    files = [p for p in sorted(folder.rglob("*")) if p.suffix in (".txt", ".md", ".tsv", ".jl")]
    return "\n".join(squeezed(p.read_text(encoding="utf-8")) for p in files)


def test_provenance_of_bts_quotes_its_sources_exactly(kg: KnowledgeGraph) -> None:
    result = kg.run("provenance", subject="BTS")
    assert result.rows
    corpus = source_texts()
    for quote in {text(r["quote"]) for r in result.rows}:
        assert quote is not None and squeezed(quote) in corpus, quote
    article = squeezed(ARTICLE.read_text(encoding="utf-8"))
    social = iris.nomination(2018, "Favorite Social Artist", "BTS")
    quotes = {text(r["quote"]) for r in result.rows if r["fact"] == social}
    sentence_3 = (
        "BTS made their first award-winning relationship with the American Music Awards when "
        "they won the ‘Favorite Social Artist’ category in 2018."
    )
    assert sentence_3 in quotes and sentence_3 in article


def test_provenance_covers_each_kind_of_fact(kg: KnowledgeGraph) -> None:
    result = kg.run("provenance", subject="BTS")
    vias = {r["via"] for r in result.rows}
    assert {AMA.nominee, AMA.performer, AMA.attendee, AMA.membershipGroup, AMA.about} <= vias
    assert None in vias  # the entity's own sources
    assert all(r["quote"] is not None and r["source"] is not None for r in result.rows)


def test_sources_name_their_file_and_the_history_its_licence(kg: KnowledgeGraph) -> None:
    result = kg.run("sources")
    files = {text(r["file"]) for r in result.rows}
    assert "data/sources/article-2022-11-21-bts-amas.txt" in files
    assert all(r["title"] is not None and r["file"] is not None for r in result.rows)
    datasets = [r for r in result.rows if str(r["file"]).endswith(".jl")]
    assert {Path(str(r["file"])).name for r in datasets} == {
        "AMA_Album.jl",
        "AMA_Artist.jl",
        "AMA_Duo_Group.jl",
    }
    assert all("/by-sa/" in str(r["license"]) for r in datasets)
    assert sum(int(str(r["passages"])) for r in datasets) == 1719  # every row of the files


# ---------------------------------------------------------------- streaks and records


def streaks(result: QueryResult) -> set[tuple[object, int | None, int | None, int | None]]:
    return {
        (r["lineage"], number(r["firstYear"]), number(r["lastYear"]), number(r["length"]))
        for r in rows(result)
    }


def test_bts_streaks(kg: KnowledgeGraph) -> None:
    result = kg.run("streaks", artist="BTS")
    assert streaks(result) == {(None, 2018, 2022, 5), (POP_DUO_GROUP, 2019, 2022, 4)}
    overall = next(r for r in result.rows if r["lineage"] is None)
    assert text(overall["scope"]) == "overall"


def test_one_direction_won_three_straight_in_the_lineage(kg: KnowledgeGraph) -> None:
    result = kg.run("streaks", artist="One Direction")
    assert (POP_DUO_GROUP, 2013, 2015, 3) in streaks(result)


def test_streaks_are_longest_first_and_at_least_the_minimum(kg: KnowledgeGraph) -> None:
    lengths = [int(str(r["length"])) for r in kg.run("streaks").rows]
    assert lengths and lengths == sorted(lengths, reverse=True)
    assert min(lengths) >= 2
    long_ones = kg.run("streaks", minimum=5).rows
    assert long_ones and all(int(str(r["length"])) >= 5 for r in long_ones)
    assert (BTS, 5) in {(r["winner"], number(r["length"])) for r in long_ones}


def test_winners_of_the_pop_duo_or_group_lineage(kg: KnowledgeGraph) -> None:
    result = kg.run("category-winners", category="Favorite Pop Duo or Group")
    winners = {(number(r["year"]), text(r["winnerName"])) for r in result.rows}
    for year in (2013, 2014, 2015):
        assert (year, "One Direction") in winners
    for year in (2019, 2020, 2021, 2022):
        assert (year, "BTS") in winners
    names = {text(r["awardedName"]) for r in result.rows}
    assert {"Favorite Duo or Group – Pop/Rock", "Favorite Pop Duo or Group"} <= names
    years = [whole(r["year"]) for r in result.rows]
    assert years == sorted(years) and years[0] == 1974


def test_bts_holds_the_pop_duo_or_group_record(kg: KnowledgeGraph) -> None:
    result = kg.run("category-records")
    lineage = [r for r in result.rows if r["lineage"] == POP_DUO_GROUP]
    record = [(r["holder"], number(r["wins"])) for r in lineage if text(r["rank"]) == "record"]
    assert record == [(BTS, 4)]
    runners_up = {text(r["holderName"]) for r in lineage if text(r["rank"]) == "runner-up"}
    assert "One Direction" in runners_up
    assert {number(r["wins"]) for r in lineage if text(r["rank"]) == "runner-up"} == {3}


def test_win_tallies_count_the_asserted_wins(kg: KnowledgeGraph) -> None:
    """Each ama:WinTally (rules/win-tallies.rq, read by category-records) holds what the asserted
    nominations say, counted here in Python: distinct winning ceremonies per lineage (or
    category without one) and artist, with the first and last year."""
    asserted = kg.sparql(
        "PREFIX ama: <https://w3id.org/amakg/ontology#>\n"
        "SELECT ?holder ?category ?line ?ceremony ?year WHERE {"
        " ?n ama:outcome ama:Won ; ama:nominee ?holder ; ama:category ?category ;"
        " ama:ceremony ?ceremony . ?ceremony ama:year ?year ."
        " OPTIONAL { ?category ama:lineage ?line } }",
        asserted_only=True,
    )
    expected: dict[tuple[Node, Node], dict[Node, int]] = {}
    for r in asserted.rows:
        line, holder, ceremony = r["line"] or r["category"], r["holder"], r["ceremony"]
        assert line is not None and holder is not None and ceremony is not None
        expected.setdefault((line, holder), {})[ceremony] = whole(r["year"])
    tallies = kg.sparql(
        "PREFIX ama: <https://w3id.org/amakg/ontology#>\n"
        "SELECT ?lineage ?holder ?wins ?first ?last WHERE { ?t a ama:WinTally ;"
        " ama:tallyLineage ?lineage ; ama:tallyHolder ?holder ; ama:tallyWins ?wins ;"
        " ama:tallyFirstYear ?first ; ama:tallyLastYear ?last }"
    )
    found: dict[tuple[Node | None, Node | None], tuple[int | None, ...]] = {
        (r["lineage"], r["holder"]): (number(r["wins"]), number(r["first"]), number(r["last"]))
        for r in tallies.rows
    }
    assert len(found) == len(tallies.rows) == len(expected) > 250
    for key, years in expected.items():
        assert found[key] == (len(years), min(years.values()), max(years.values())), key


def test_category_records_reads_the_derived_tallies_only(kg: KnowledgeGraph) -> None:
    """Like streaks, category-records ranks derived nodes: with --asserted-only it answers
    nothing (documented in queries/README.md) rather than something else."""
    assert kg.run("category-records", asserted_only=True).rows == []


# ---------------------------------------------------------------- finding an entity by name

# A parameter naming an entity is found through the lower-case key that rules/name-key.rq derives
# (an index lookup), through the IRI, or, without the inferred graph, through the labels.
NAMED_QUERIES: list[tuple[str, str, dict[str, object]]] = [
    ("wins", "artist", {}),
    ("artist-ceremonies", "artist", {}),
    ("co-nominees", "artist", {}),
    ("members", "group", {}),
    ("provenance", "subject", {}),
    ("streaks", "artist", {}),
]


def answer(result: QueryResult) -> list[tuple[str, ...]]:
    """The rows without the echoed parameter column (which repeats the value as given)."""
    return [
        tuple(
            "" if r[v] is None else str(r[v])
            for v in result.vars
            if v not in {"artist", "group", "subject", "category"}
        )
        for r in result.rows
    ]


@pytest.mark.parametrize(
    ("name", "param", "extra"), NAMED_QUERIES, ids=[q[0] for q in NAMED_QUERIES]
)
@pytest.mark.parametrize("spelling", ["BTS", "bts", "bTs", str(BTS)])
def test_a_name_in_any_case_or_the_iri_finds_the_same_rows(
    kg: KnowledgeGraph, name: str, param: str, extra: dict[str, object], spelling: str
) -> None:
    given: dict[str, Any] = {param: "BTS", **extra}
    expected = answer(kg.run(name, **given))
    assert expected, name
    assert answer(kg.run(name, **{**given, param: spelling})) == expected


@pytest.mark.parametrize("asserted_only", [False, True])
def test_an_alias_in_any_case_finds_the_artist(kg: KnowledgeGraph, asserted_only: bool) -> None:
    for alias in ("TXT", "txt", "Txt", str(iris.artist("TOMORROW X TOGETHER"))):
        result = kg.run("artist-ceremonies", artist=alias, asserted_only=asserted_only)
        assert {text(r["whoName"]) for r in result.rows} == {"TOMORROW X TOGETHER"}, alias
    for alias in ("Moneskin", "MONESKIN", "måneskin"):
        result = kg.run("co-nominees", artist=alias, asserted_only=asserted_only)
        assert {text(r["whoName"]) for r in result.rows} == {"Måneskin"}, alias


def test_names_are_found_without_the_inferred_graph(kg: KnowledgeGraph) -> None:
    """asserted_only has no name keys: the labels themselves are read, in any case."""
    for spelling in ("BTS", "bts", str(BTS)):
        assert win_pairs(kg.run("wins", artist=spelling, asserted_only=True)) == BTS_WINS
    category = kg.run("category-winners", category="favorite pop duo or group", asserted_only=True)
    assert answer(category) == answer(
        kg.run("category-winners", category="Favorite Pop Duo or Group")
    )


def test_a_category_name_in_any_case_or_its_iri(kg: KnowledgeGraph) -> None:
    pop_duo = iris.category("Favorite Pop Duo or Group")
    expected = answer(kg.run("nominees", category="Favorite Pop Duo or Group", year=2019))
    assert expected
    for spelling in ("favorite pop duo or group", "FAVORITE POP DUO OR GROUP", str(pop_duo)):
        assert answer(kg.run("nominees", category=spelling, year=2019)) == expected, spelling
        assert answer(kg.run("category-winners", category=spelling)) == answer(
            kg.run("category-winners", category="Favorite Pop Duo or Group")
        ), spelling


def test_a_partial_name_or_a_wrong_iri_finds_nothing(kg: KnowledgeGraph) -> None:
    for value in (
        "BT",
        "BTS ",
        str(BTS).upper(),
        str(BTS) + "x",
        "https://w3id.org/amakg/id/",
        "http://x y",
    ):
        assert kg.run("wins", artist=value).rows == [], value
        assert kg.run("provenance", subject=value).rows == [], value
    assert kg.run("streaks", artist="No Such Band").rows == []


NAME_PREFIXES = """
PREFIX ama:  <https://w3id.org/amakg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def test_every_name_has_a_lower_case_key_in_the_inferred_graph_only(kg: KnowledgeGraph) -> None:
    keys = kg.sparql(
        NAME_PREFIXES + "SELECT ?who ?key WHERE { ?who ama:nameKey ?key }", bindings={"who": BTS}
    )
    assert "bts" in {text(r["key"]) for r in keys.rows}
    alias = kg.sparql(NAME_PREFIXES + 'ASK { ?who ama:nameKey "txt" ; skos:altLabel "TXT" }')
    assert alias.boolean
    unkeyed = kg.sparql(
        NAME_PREFIXES + "ASK { ?x rdfs:label|skos:prefLabel|skos:altLabel ?name "
        "FILTER NOT EXISTS { ?x ama:nameKey ?key FILTER (?key = LCASE(STR(?name))) } }"
    )
    assert unkeyed.boolean is False
    asserted = kg.sparql(NAME_PREFIXES + "ASK { ?x ama:nameKey ?key }", asserted_only=True)
    assert asserted.boolean is False


def test_a_name_key_never_leaks_into_an_answer(kg: KnowledgeGraph) -> None:
    """No canned query answers with the derived key: not as a column, not as a value."""
    label_values = {
        str(r["name"])
        for r in kg.sparql(
            NAME_PREFIXES
            + "SELECT DISTINCT ?name WHERE { ?x rdfs:label|skos:prefLabel|skos:altLabel ?name }"
        ).rows
    }
    keys_only = {
        str(r["key"])
        for r in kg.sparql(
            NAME_PREFIXES + "SELECT DISTINCT ?key WHERE { ?x ama:nameKey ?key }"
        ).rows
    } - label_values
    assert "bts" in keys_only
    for name, canned in queries.catalogue().items():
        if "SERVICE" in canned.sparql:
            continue
        params: dict[str, Any] = {p.name: "BTS" for p in canned.parameters if p.required}
        result = kg.run(name, **params)
        assert not {"key", "labelled", "name", "given"} & set(result.vars), name
        for row in result.rows:
            values = {str(v) for v in row.values() if v is not None}
            assert not values & keys_only, (name, values & keys_only)
            assert AMA.nameKey not in row.values(), name


# ---------------------------------------------------------------- the catalogue and bad input


def test_every_query_has_a_title_a_description_and_an_answer(kg: KnowledgeGraph) -> None:
    required: dict[str, dict[str, Any]] = {
        "provenance": {"subject": "BTS"},
        "co-nominees": {"artist": "BTS"},
    }
    for name, canned in queries.catalogue().items():
        assert canned.title != name and canned.description, name
        if "SERVICE" in canned.sparql:
            continue  # federated: refused unless allowed (next test)
        assert kg.run(name, **required.get(name, {})).rows, name


def test_a_federated_query_is_refused_unless_its_endpoint_is_allowed(kg: KnowledgeGraph) -> None:
    federated = [name for name, q in queries.catalogue().items() if "SERVICE" in q.sparql]
    for name in federated:
        with pytest.raises(NetworkRefused, match="SERVICE"):
            kg.run(name)


@pytest.mark.parametrize("path", sorted(resources.queries_dir().glob("*.rq")), ids=lambda p: p.stem)
def test_rdflib_parses_every_query(path: Path) -> None:
    prepareQuery(path.read_text(encoding="utf-8"))


def test_every_query_is_in_the_readme() -> None:
    readme = (resources.queries_dir() / "README.md").read_text(encoding="utf-8")
    for name in queries.catalogue():
        assert f"`{name}`" in readme, name


def test_an_unknown_query_lists_the_available_ones(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match=r"no canned query 'winz'.*wins"):
        kg.run("winz", artist="BTS")


def test_a_missing_required_parameter_is_named(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match=r"needs parameter 'subject'"):
        kg.run("provenance")


def test_an_ill_typed_integer_is_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match=r"'year' must be an integer"):
        kg.run("nominees", category="Favorite K-Pop Artist", year="twenty-two")


def test_an_unknown_parameter_lists_the_accepted_ones(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match=r"no parameter 'band'.*artist"):
        kg.run("wins", band="BTS")
