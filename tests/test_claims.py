"""The article's claims (queries/claims/*.rq) evaluated by amakg/claims.py.

The built graph here is the shipped data: data/article.ttl, data/history/*.ttl and
data/curation/*.ttl with their provenance and links, in one pyoxigraph store queried as the
union of its graphs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from amakg import claims, resources
from amakg.errors import QueryError
from amakg.load import load_files
from amakg.store import Store
from amakg.vocab import AMA, AMAR, ASSERTED

DATA = resources.data_dir()
FIXTURE = Path(__file__).parent / "fixtures" / "history" / "claims" / "counterexamples.ttl"


def num(term: object) -> int:
    """A numeric literal (or its text) as an int."""
    return int(str(term))


def query_fn_for(graph: Graph) -> claims.QueryFn:
    store = Store()
    store.add_graph(ASSERTED, graph)
    return lambda sparql: store.query(sparql).rows


def data_files(history: bool = True) -> list[Path]:
    files = [DATA / "article.ttl", *sorted((DATA / "provenance").glob("*.ttl"))]
    files += sorted((DATA / "links").glob("*.ttl"))
    if history:
        files += sorted((DATA / "history").glob("*.ttl")) + sorted(
            (DATA / "curation").glob("*.ttl")
        )
    return files


@pytest.fixture(scope="module")
def verdicts() -> dict[str, claims.ClaimVerdict]:
    results = claims.evaluate_claims(query_fn_for(load_files(data_files())))
    return {str(v.claim).removeprefix(str(AMAR)): v for v in results}


def test_every_claim_file_names_a_claim_of_the_article() -> None:
    article = Graph().parse(DATA / "article.ttl")
    loaded = claims.load_claims()
    assert len(loaded) == 5
    for claim in loaded:
        assert (claim.iri, RDF.type, AMA.Claim) in article, claim.path.name
        assert claim.title and claim.semantics


def test_five_consecutive_years_holds(verdicts: dict[str, claims.ClaimVerdict]) -> None:
    v = verdicts["claim/five-consecutive-years"]
    assert v.verdict == claims.HOLDS
    years = [num(r["year"]) for r in v.evidence]
    assert years == [2018, 2019, 2020, 2021, 2022]
    by_year = {num(r["year"]): str(r["categories"]) for r in v.evidence}
    assert by_year[2018] == "Favorite Social Artist"
    assert "Artist of the Year" in by_year[2021]
    assert str(AMAR["source/ama-history/AMA_Duo_Group"]) in v.sources


def test_four_consecutive_wins_across_the_rename(verdicts: dict[str, claims.ClaimVerdict]) -> None:
    v = verdicts["claim/four-consecutive-pop-duo-group"]
    assert v.verdict == claims.HOLDS
    names = {num(r["year"]): str(r["category"]) for r in v.evidence}
    assert names == {
        2019: "Favorite Duo or Group – Pop/Rock",
        2020: "Favorite Duo or Group – Pop/Rock",
        2021: "Favorite Pop Duo or Group",
        2022: "Favorite Pop Duo or Group",
    }
    assert {str(r["winners"]) for r in v.evidence} == {"BTS"}


def test_most_wins_since_1974_with_the_runner_up(verdicts: dict[str, claims.ClaimVerdict]) -> None:
    v = verdicts["claim/most-wins-in-category"]
    assert v.verdict == claims.HOLDS
    winners = [r for r in v.evidence if r["winner"] is not None]
    assert str(winners[0]["name"]) == "BTS" and num(winners[0]["wins"]) == 4
    runner_up = max(num(r["wins"]) for r in winners[1:])
    assert runner_up == 3
    assert sorted(str(r["name"]) for r in winners if num(r["wins"]) == 3) == [
        "Aerosmith",
        "Hall & Oates",
        "One Direction",
        "The Black Eyed Peas",
    ]
    (coverage,) = [r for r in v.evidence if r["winner"] is None]
    assert "49 of the 49 years" in str(coverage["note"])


def test_most_wins_without_the_history_is_not_enough_data() -> None:
    article_only = claims.evaluate_claims(
        query_fn_for(load_files(data_files(history=False))),
        [c for c in claims.load_claims() if c.path.stem == "most-wins-in-category"],
    )
    (v,) = article_only
    assert v.verdict == claims.NOT_ENOUGH_DATA
    assert "coverage: a winner is recorded for 4 of the 49 years" in v.reason


def test_first_kpop_group_to_perform_cannot_be_decided(
    verdicts: dict[str, claims.ClaimVerdict],
) -> None:
    v = verdicts["claim/first-kpop-group-to-perform"]
    assert v.verdict == claims.NOT_ENOUGH_DATA
    assert "performances are recorded for 1 of the 44 ceremonies before 2017" in v.reason
    notes = {str(r["name"]): str(r["note"]) for r in v.evidence if r["name"] is not None}
    assert notes == {
        "BTS": "BTS performed at the 2017 ceremony",
        "PSY": "a K-pop solo act, not a group",
    }


def test_first_kpop_artist_of_the_year_cannot_be_decided(
    verdicts: dict[str, claims.ClaimVerdict],
) -> None:
    v = verdicts["claim/first-kpop-act-artist-of-the-year"]
    assert v.verdict == claims.NOT_ENOUGH_DATA
    assert "recorded for 0 of the 48 ceremonies before 2021" in v.reason
    (win,) = [r for r in v.evidence if r["winner"] is not None]
    assert (str(win["name"]), num(win["year"])) == ("BTS", 2021)


def test_counterexamples_contradict() -> None:
    results = claims.evaluate_claims(query_fn_for(Graph().parse(FIXTURE)))
    by_name = {str(v.claim).rsplit("/", 1)[-1]: v for v in results}
    four = by_name["four-consecutive-pop-duo-group"]
    assert four.verdict == claims.CONTRADICTED
    assert four.reason == "winner(s): Coldplay"
    perform = by_name["first-kpop-group-to-perform"]
    assert perform.verdict == claims.CONTRADICTED  # a counterexample outranks missing coverage
    assert perform.reason == "a K-pop group performed before BTS"


def boolean(value: bool) -> Literal:
    return Literal(
        "true" if value else "false", datatype=URIRef("http://www.w3.org/2001/XMLSchema#boolean")
    )


def row(holds: bool, covered: bool, note: str) -> dict[str, Node | None]:
    return {"holds": boolean(holds), "covered": boolean(covered), "note": Literal(note)}


def test_decide() -> None:
    assert claims.decide([])[0] == claims.NOT_ENOUGH_DATA
    assert claims.decide([row(True, True, "a")]) == (claims.HOLDS, "all 1 evidence rows hold")
    assert claims.decide([row(True, True, "a"), row(True, False, "gap")]) == (
        claims.NOT_ENOUGH_DATA,
        "gap",
    )
    assert claims.decide([row(False, True, "no"), row(True, False, "gap")]) == (
        claims.CONTRADICTED,
        "no",
    )
    assert claims.decide([{"holds": None, "covered": None}])[0] == claims.NOT_ENOUGH_DATA


def test_a_claim_file_needs_its_header(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: no claim IRI\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="lacks claim, verdict"):
        claims.read_claim(path)
