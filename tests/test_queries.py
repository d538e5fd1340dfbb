"""The canned queries (queries/*.rq) on the real data: what their golden answers do not show.

The answers themselves (BTS's wins, the nominees of a category, …) are golden files checked by
tests/test_golden.py; here are the behaviours around them: names in any spelling, values that
smuggle SPARQL, derived nodes against the asserted data, quotes against the source files, the
catalogue, and bad parameters. Every test goes through the public API, kg.run(NAME, **params), on
the session's graph (tests/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier, Node

from amakg import iris, queries, resources
from amakg.api import KnowledgeGraph
from amakg.errors import NetworkRefused, ParameterError
from amakg.store import QueryResult
from amakg.vocab import AMA

ARTICLE = resources.data_dir() / "sources" / "article-2022-11-21-bts-amas.txt"
BTS = iris.artist("BTS")


def text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def number(value: Node | None) -> int | None:
    return None if value is None else int(str(value))


def whole(value: Node | None) -> int:
    assert value is not None
    return int(str(value))


def rows(result: QueryResult) -> Iterator[dict[str, Identifier | None]]:
    return iter(result.rows)


# ---------------------------------------------------------------- wins


def win_pairs(result: QueryResult) -> set[tuple[int | None, str | None]]:
    return {(number(r["year"]), text(r["categoryName"])) for r in rows(result)}


def test_an_unknown_artist_has_no_wins(kg: KnowledgeGraph) -> None:
    assert kg.run("wins", artist="No Such Band").rows == []


def test_a_value_smuggling_sparql_is_only_a_name(kg: KnowledgeGraph) -> None:
    smuggled = 'BTS" ) } UNION { ?winner ?p ?o } #'
    assert kg.run("wins", artist=smuggled).rows == []


# ---------------------------------------------------------------- the programme


def test_the_broadcaster_is_abc(kg: KnowledgeGraph) -> None:
    broadcasters = {r["broadcaster"] for r in kg.run("amas").rows}
    assert len(broadcasters) == 1
    entities = {r["entity"] for r in kg.run("provenance", subject="ABC").rows}
    assert entities == broadcasters


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


def test_a_dataset_source_counts_every_row_of_its_file(kg: KnowledgeGraph) -> None:
    """Each row of an AMA history file (one JSON object a line) is a cited passage."""
    datasets = [r for r in kg.run("sources").rows if str(r["file"]).endswith(".jl")]
    assert datasets
    for row in datasets:
        path = resources.root() / str(row["file"])
        lines = path.read_text(encoding="utf-8").splitlines()
        assert whole(row["passages"]) == sum(1 for line in lines if line.strip()), path.name


# ---------------------------------------------------------------- voting


def test_the_integer_parameter_accepts_text(kg: KnowledgeGraph) -> None:
    by_text = kg.run("voting-method", year="1990").rows
    assert by_text and by_text == kg.run("voting-method", year=1990).rows


# ---------------------------------------------------------------- records


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
    wins = win_pairs(kg.run("wins", artist="BTS"))
    assert wins
    for spelling in ("BTS", "bts", str(BTS)):
        assert win_pairs(kg.run("wins", artist=spelling, asserted_only=True)) == wins, spelling
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
