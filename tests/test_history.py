"""The AMA history import (amakg/importers/history/), its curation and its quality checks.

Real data: data/sources/ama-history/*.jl merged with data/article.ttl (+ data/links), curated
with data/curation/*.ttl. Fixtures: tests/fixtures/history/<case>/*.jl, one defect class each.
Regenerate the shipped files:
    .venv/bin/amakg import ama-history
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Identifier, Node

from amakg import naming, resources
from amakg.errors import InputError
from amakg.importers import history
from amakg.linking import evaluation as linkeval
from amakg.load import load_files
from amakg.store import Store
from amakg.vocab import AMA, AMAR, ASSERTED, PROV

DATA = resources.data_dir()
FIXTURES = Path(__file__).parent / "fixtures" / "history"
QC = resources.queries_dir() / "qc"
QC_NAMES = ("duplicate-rows", "no-winner", "two-winners", "double-ceremony")
README = DATA / "sources" / "ama-history" / "README.md"


# ---------------------------------------------------------------- helpers


def store_of(*parts: Iterable[tuple[Node, Node, Node]]) -> Store:
    """A store holding the parts in one graph, queried as the union of its graphs."""
    store = Store()
    for part in parts:
        store.add_graph(ASSERTED, part)
    return store


def select(store: Store, path: Path) -> list[dict[str, Identifier | None]]:
    return store.query(path.read_text(encoding="utf-8")).rows


def qc(store: Store, name: str) -> list[dict[str, Identifier | None]]:
    return select(store, QC / f"{name}-violation.rq")


def provenance_files() -> list[Path]:
    return sorted((DATA / "provenance").glob("*.ttl"))


@pytest.fixture(scope="module")
def article() -> Graph:
    return history.article_graph()


@pytest.fixture(scope="module")
def curation() -> Graph:
    return history.curation_graph()


@pytest.fixture(scope="module")
def base() -> Graph:
    """The article's facts and provenance, as the history is loaded next to them."""
    return load_files([DATA / "article.ttl", *provenance_files()])


@pytest.fixture(scope="module")
def raw(article: Graph) -> history.Imported:
    return history.run_import(history.history_dir(), article, None)


@pytest.fixture(scope="module")
def curated(article: Graph, curation: Graph) -> history.Imported:
    return history.run_import(history.history_dir(), article, curation)


@pytest.fixture(scope="module")
def raw_store(raw: history.Imported, base: Graph) -> Store:
    return store_of(base, raw.graphs.asserted, raw.graphs.provenance)


@pytest.fixture(scope="module")
def built() -> Graph:
    """The shipped files: article, history, curation, with provenance and links."""
    return load_files(
        [
            DATA / "article.ttl",
            *provenance_files(),
            *sorted((DATA / "links").glob("*.ttl")),
            *sorted((DATA / "history").glob("*.ttl")),
            *sorted((DATA / "curation").glob("*.ttl")),
        ]
    )


@pytest.fixture(scope="module")
def built_store(built: Graph) -> Store:
    return store_of(built)


def fixture_import(
    case: str, article: Graph, curated: bool = False
) -> tuple[history.Imported, Store]:
    folder = FIXTURES / case
    curation = Graph().parse(folder / "curation.ttl") if curated else None
    result = history.run_import(folder, article, curation)
    parts: list[Iterable[tuple[Node, Node, Node]]] = [
        article,
        result.graphs.asserted,
        result.graphs.provenance,
    ]
    if curation is not None:
        parts.append(curation)
    return result, store_of(*parts)


def num(term: object) -> int:
    """A numeric literal (or its text) as an int."""
    return int(str(term))


def local(term: object) -> str:
    return str(term).removeprefix(str(AMAR))


# ---------------------------------------------------------------- counts on the real files


def test_raw_rows_reconcile(raw: history.Imported) -> None:
    r = raw.report
    assert r.rows_in == 1719
    assert (r.rows_imported, len(r.merged_rows), len(r.dropped)) == (1710, 9, 0)
    assert r.rows_in == r.rows_imported + len(r.merged_rows) + len(r.dropped)
    # 19 rows name two artists: one nomination per artist
    assert len(r.joint_rows) == 19
    assert r.nominations_out == r.rows_imported + 19 == 1729
    assert sum(m.identical for m in r.merged_rows) == 6  # the README's six exact duplicates
    assert r.reconciles()


def test_curated_rows_reconcile(curated: history.Imported) -> None:
    r = curated.report
    assert (r.rows_in, r.rows_imported, len(r.merged_rows), len(r.dropped)) == (1719, 1719, 0, 0)
    assert r.nominations_out == 1719 + 19
    assert r.unsplit == []
    assert r.reconciles()


def test_every_row_is_provenance_with_its_exact_line(curated: history.Imported) -> None:
    prov = Graph()
    for triple in curated.graphs.provenance:
        prov.add(triple)
    lines: dict[Node, str] = {}
    for path in sorted(history.history_dir().glob("*.jl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if line:
                lines[AMAR[f"source/ama-history/{path.stem}/row-{number}"]] = line
    rows = set(prov.subjects(AMA.sourceRow, None))
    assert rows == set(lines)
    for row in rows:
        assert prov.value(row, AMA.quote) == Literal(lines[row])
        assert (row, RDF.type, AMA.Sentence) in prov
        source = prov.value(row, DCTERMS.isPartOf)
        assert (source, RDF.type, AMA.Source) in prov
    duo = AMAR["source/ama-history/AMA_Duo_Group"]
    pages = {str(p) for p in prov.objects(duo, DCTERMS.source) if isinstance(p, URIRef)}
    assert pages == {
        "https://en.wikipedia.org/wiki/American_Music_Award_for_Favorite_Pop/Rock_Band/Duo/Group",
        "https://en.wikipedia.org/wiki/American_Music_Award_for_Favorite_Country_Band/Duo/Group",
    }
    assert prov.value(duo, DCTERMS.license) is not None
    derived = {o for s, p, o in curated.graphs.asserted if p == PROV.wasDerivedFrom}
    assert derived <= rows  # every history fact points at a row that exists


def test_shipped_files_are_a_fresh_import(tmp_path: Path) -> None:
    history.import_default(tmp_path)
    for name in (
        "nominations.ttl",
        "provenance.ttl",
        "links.ttl",
        "import-report.json",
        "import-report.md",
    ):
        fresh, shipped = (tmp_path / name).read_bytes(), (DATA / "history" / name).read_bytes()
        assert fresh == shipped, f"data/history/{name} is stale: regenerate it (see module doc)"


def test_report_files(tmp_path: Path, article: Graph) -> None:
    report = history.import_history(FIXTURES / "duplicate-rows", tmp_path, article)
    data = json.loads((tmp_path / "import-report.json").read_text(encoding="utf-8"))
    assert data["rows_in"] == report.rows_in == 6
    assert data["reconciles"] is True
    assert data["merged_rows"][0]["row"] == "AMA_Artist:4"
    assert "AMA_Artist:4 ->" in (tmp_path / "import-report.md").read_text(encoding="utf-8")
    for name in ("nominations.ttl", "provenance.ttl", "links.ttl"):
        assert len(Graph().parse(tmp_path / name)) > 0
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


# ---------------------------------------------------------------- defects of the raw import


def test_raw_import_flags_every_defect_class(raw_store: Store) -> None:
    found = {name: qc(raw_store, name) for name in QC_NAMES}
    assert {n: len(rows) for n, rows in found.items()} == {
        "duplicate-rows": 9,
        "no-winner": 19,
        "two-winners": 13,
        "double-ceremony": 1,
    }
    assert all(row["correction"] is None for rows in found.values() for row in rows)
    (double,) = found["double-ceremony"]
    assert double["ceremony"] == AMAR["ceremony/2003"]
    no_winner = {(num(r["year"]), local(r["category"])) for r in found["no-winner"]}
    assert (1974, "category/favorite-country-female-artist") in no_winner
    assert (2019, "category/favorite-pop-rock-female-artist") in no_winner
    assert sum(year == 2020 for year, _ in no_winner) == 11
    two = {(num(r["year"]), local(r["category"])) for r in found["two-winners"]}
    assert (1983, "category/favorite-pop-rock-male-artist") in two
    assert sum(year == 2003 for year, _ in two) == 11
    exact = [r for r in found["duplicate-rows"] if num(r["texts"]) == 1]
    assert len(exact) == 6


def test_raw_import_keeps_the_conflicting_2020_outcome(raw: history.Imported) -> None:
    node = AMAR["nomination/2020/favorite-duo-or-group-pop-rock/bts"]
    (conflict,) = raw.report.conflicts
    assert conflict["nomination"] == str(node)
    written = {o for s, p, o in raw.graphs.asserted if s == node and p == AMA.outcome}
    assert written == {AMA.Nominated}  # the row's; with the article's ama:Won: two outcomes


def test_report_defects_match_the_quality_checks(raw: history.Imported, raw_store: Store) -> None:
    counts = raw.report.defects_found.counts()
    for name in QC_NAMES:
        assert counts[name.replace("-", "_")] == len(qc(raw_store, name)), name


# ---------------------------------------------------------------- fixtures, one defect each


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("duplicate-rows", {"duplicate-rows": 1}),
        ("no-winner", {"no-winner": 1}),
        ("two-winners", {"two-winners": 1}),
        ("double-ceremony", {"double-ceremony": 1, "two-winners": 2, "duplicate-rows": 0}),
    ],
)
def test_fixture_defect_is_flagged(case: str, expected: dict[str, int], article: Graph) -> None:
    result, store = fixture_import(case, article)
    counts = {name: len(qc(store, name)) for name in QC_NAMES}
    assert counts == {name: expected.get(name, 0) for name in QC_NAMES}
    assert result.report.reconciles()


def test_fixture_duplicate_rows_are_merged_and_reported(article: Graph) -> None:
    result, store = fixture_import("duplicate-rows", article)
    (merged,) = result.report.merged_rows
    assert (merged.row, merged.kept_row, merged.identical) == ("AMA_Artist:4", "AMA_Artist:3", True)
    (row,) = qc(store, "duplicate-rows")
    assert local(row["nomination"]) == "nomination/1990/favorite-country-male-artist/randy-travis"
    assert (str(row["lines"]), num(row["texts"])) in {("3, 4", 1), ("4, 3", 1)}
    assert result.report.rows_in == 6 == result.report.rows_imported + 1


def test_fixture_no_winner_is_flagged_not_invented(article: Graph) -> None:
    result, store = fixture_import("no-winner", article)
    (row,) = qc(store, "no-winner")
    assert num(row["year"]) == 1990 and num(row["nominations"]) == 2
    won = [s for s, p, o in result.graphs.asserted if p == AMA.outcome and o == AMA.Won]
    assert [local(s) for s in won] == [
        "nomination/1991/favorite-country-female-artist/reba-mcentire"
    ]


def test_fixture_two_winners(article: Graph) -> None:
    _, store = fixture_import("two-winners", article)
    (row,) = qc(store, "two-winners")
    assert num(row["year"]) == 1983 and num(row["winners"]) == 2
    assert set(str(row["names"]).split(" / ")) == {"John Mellencamp", "Rick Springfield"}
    assert qc(store, "double-ceremony") == []  # one category with two winners is not two ceremonies


def test_fixture_double_ceremony_split_by_curation(article: Graph) -> None:
    result, store = fixture_import("double-ceremony", article, curated=True)
    assert result.report.unsplit == []
    assert {n: len(qc(store, n)) for n in ("two-winners", "duplicate-rows", "no-winner")} == {
        "two-winners": 0,
        "duplicate-rows": 0,
        "no-winner": 0,
    }
    rows = qc(store, "double-ceremony")
    assert {local(r["ceremony"]) for r in rows} == {
        "ceremony/2003-january",
        "ceremony/2003-november",
    }
    assert all(r["correction"] == AMAR["correction/fixture-2003"] for r in rows)
    ceremony_of = {local(s): local(o) for s, p, o in result.graphs.asserted if p == AMA.ceremony}
    assert ceremony_of[
        "nomination/2003-january/favorite-country-female-artist/martina-mcbride"
    ] == ("ceremony/2003-january")
    assert ceremony_of["nomination/2003-november/favorite-country-female-artist/faith-hill"] == (
        "ceremony/2003-november"
    )
    assert not any(o == AMAR["ceremony/2003"] for _, _, o in result.graphs.asserted)


def test_fixture_double_ceremony_the_rows_do_not_allow(article: Graph) -> None:
    result, store = fixture_import("double-ceremony-unsplittable", article, curated=True)
    (unsplit,) = result.report.unsplit
    assert unsplit.category == "Favorite Pop/Rock Female Artist"
    assert "first row is not a winner" in unsplit.reason
    rows = qc(store, "double-ceremony")
    undocumented = [local(r["ceremony"]) for r in rows if r["correction"] is None]
    assert undocumented == ["ceremony/2003"]  # left as the rows give it, and flagged
    (two,) = qc(store, "two-winners")
    assert local(two["ceremony"]) == "ceremony/2003"


def test_fixture_dropped_rows_have_reasons(article: Graph) -> None:
    result, _ = fixture_import("dropped", article)
    reasons = {d.row: d.reason for d in result.report.dropped}
    assert set(reasons) == {"AMA_Album:2", "AMA_Album:3", "AMA_Album:4", "AMA_Album:5"}
    assert reasons["AMA_Album:2"].startswith("not valid JSON")
    assert "four-digit year" in reasons["AMA_Album:3"]
    assert "2 artist name(s) but 1 link(s)" in reasons["AMA_Album:4"]
    assert "not the AMAs" in reasons["AMA_Album:5"]
    r = result.report
    assert r.rows_in == 6 == r.rows_imported + len(r.dropped) and r.reconciles()


def _row(path: Path, text: str, line: int = 2) -> history.rows.Row:
    return history.rows.Row(path.stem, line, text, path)


GOOD = json.loads((FIXTURES / "dropped" / "AMA_Album.jl").read_text().splitlines()[0])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"creative_work": 7}, "field 'creative_work' must be a string or null, got a number (7)"),
        ({"is_winner": "true"}, "field 'is_winner' must be true or false, got a string"),
        ({"year": True}, "field 'year' must be a year"),
        ({"artists": "Garth Brooks"}, "field 'artists' must be a list of names"),
        ({"artists": [["x"]]}, "field 'artists' holds a JSON list of 1 item(s), not a string"),
        ({"artist_links": [{"a": 1}]}, "field 'artist_links' holds a JSON object"),
    ],
)
def test_a_row_field_of_the_wrong_type_is_an_error_naming_file_and_line(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    path = tmp_path / "AMA_Album.jl"
    with pytest.raises(InputError) as caught:
        history.rows.parse_entry(_row(path, json.dumps({**GOOD, **changes})))
    assert str(caught.value).startswith(f"{path}:2: {message}")


def test_a_deeply_nested_row_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "AMA_Album.jl"
    with pytest.raises(InputError, match=r"AMA_Album.jl:7: JSON nested too deeply"):
        history.rows.parse_entry(_row(path, "[" * 100_000 + "]" * 100_000, line=7))


def test_a_row_string_over_the_literal_limit_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "AMA_Album.jl"
    row = _row(path, json.dumps({**GOOD, "creative_work": "x" * 2_000_000}))
    with pytest.raises(InputError) as caught:
        history.rows.parse_entry(row)
    assert "field 'creative_work' holds a string of 1.9 MB, over the 1 MB limit" in str(
        caught.value
    )
    assert "--max-literal-mb" in str(caught.value)


def test_a_history_file_not_in_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "AMA_Album.jl"
    path.write_bytes(json.dumps(GOOD).encode() + b'\n{"key": "caf\xe9"}\n')
    with pytest.raises(InputError) as caught:
        history.rows.read_rows(path)
    assert (caught.value.line, caught.value.column) == (2, 13)
    assert "not UTF-8: byte 0xe9" in str(caught.value)


# ---------------------------------------------------------------- merges and ambiguous pairs


def test_merge_report_on_fixture(article: Graph) -> None:
    result, _ = fixture_import("merges", article)
    merges = {local(m.entity): m for m in result.report.merges}
    carpenters = merges["artist/carpenters"]
    assert carpenters.how == "name+spellings"
    assert carpenters.names == ["Carpenters", "The Carpenters"]
    assert merges["artist/simon-and-garfunkel"].names == [
        "Simon & Garfunkel",
        "Simon and Garfunkel",
    ]
    assert merges["artist/pink"].how == "spellings"
    assert merges["artist/bts"].how == "article-link"  # the article's BTS, by its DBpedia link
    pairs = {
        (a.reason.split(" (")[0], frozenset((a.first, a.second))) for a in result.report.ambiguous
    }
    reasons = {reason for reason, _ in pairs}
    assert "same normalized name, different Wikipedia links" in reasons
    assert "near-identical names" in reasons
    iris = {local(s) for s, p, o in result.graphs.asserted if p == RDF.type and "artist/" in s}
    assert {"artist/sade-band", "artist/sade-singer", "artist/beyonce"} <= iris
    beyonces = [
        s
        for s, p, o in result.graphs.asserted
        if p == SKOS.prefLabel and str(o).startswith("Beyonc")
    ]
    assert len(beyonces) == 2  # "Beyoncé" (linked) and "Beyonce" (no link) stay apart
    # the 2019 row joins the article's nomination (named by the category name of 2019)
    bts_2019 = AMAR["nomination/2019/favorite-duo-or-group-pop-rock/bts"]
    row = AMAR["source/ama-history/AMA_Duo_Group/row-7"]
    assert (bts_2019, PROV.wasDerivedFrom, row) in set(result.graphs.asserted)


def test_real_merges_and_ambiguous_pairs(curated: history.Imported) -> None:
    r = curated.report
    merges = {local(m.entity): m for m in r.merges}
    assert merges["artist/pink"].names == ["P!nk", "Pink"]
    assert merges["artist/tina-turner"].how == "name"  # row AMA_Artist:493 has no link
    article_merges = {e for e, m in merges.items() if m.how.startswith("article")}
    assert article_merges == {
        "artist/bts",
        "artist/coldplay",
        "artist/imagine-dragons",
        "artist/onerepublic",
    }
    # Sade the band and Sade the singer stay two entities: the one ambiguous pair left
    (sade,) = r.ambiguous
    assert "Sade_(band)" in sade.first and "Sade_(singer)" in sade.second
    curated_merges = {e: m for e, m in merges.items() if m.correction is not None}
    assert set(curated_merges) == {"artist/madonna", "artist/war"}
    madonna = curated_merges["artist/madonna"]
    assert madonna.how == "curation"
    assert madonna.titles == ["Madonna", "Madonna_(entertainer)"]
    assert sorted(madonna.rows) == [
        "AMA_Album:413",
        "AMA_Artist:486",
        "AMA_Artist:490",
        "AMA_Artist:494",  # the row without a link
        "AMA_Artist:497",
        "AMA_Artist:503",
        "AMA_Artist:506",
    ]
    assert madonna.correction == str(AMAR["correction/same-entity/madonna"])
    assert curated_merges["artist/war"].titles == ["War_(American_band)", "War_(U.S._band)"]
    assert r.counts["artists"] == 472  # 475 before the two curated merges
    assert "correction/same-entity/madonna" in curated.report.to_markdown()


def test_raw_import_keeps_the_curated_merges_apart(raw: history.Imported) -> None:
    """The merges are curation data: without it, Madonna and War stay apart, reported."""
    described = " ".join(f"{a.first} {a.second}" for a in raw.report.ambiguous)
    for pair in (("Sade_(band)", "Sade_(singer)"), ("War_(American_band)", "War_(U.S._band)")):
        assert all(side in described for side in pair)
    assert "Madonna (row AMA_Artist:494, no link)" in described  # matches two linked Madonnas
    assert raw.report.counts["artists"] == 475
    assert not any(m.correction for m in raw.report.merges)


def test_merged_artist_links_each_title_from_its_rows(built: Graph) -> None:
    madonna = AMAR["artist/madonna"]
    assert set(built.objects(madonna, SKOS.exactMatch)) == {
        URIRef("http://dbpedia.org/resource/Madonna"),
        URIRef("http://dbpedia.org/resource/Madonna_(entertainer)"),
    }
    statement = AMAR["link/artist/madonna/dbpedia/madonna-entertainer/exactMatch"]
    assert built.value(statement, RDF.object) == URIRef(
        "http://dbpedia.org/resource/Madonna_(entertainer)"
    )
    rows = {local(r) for r in built.objects(statement, PROV.wasDerivedFrom)}
    assert rows == {"source/ama-history/AMA_Album/row-413"}
    for gone in ("madonna-entertainer", "madonna-ama-artist-494", "war-u-s-band"):
        assert (AMAR[f"artist/{gone}"], None, None) not in built, gone
    nominated = {
        num(built.value(built.value(n, AMA.ceremony), AMA.year))
        for n in built.subjects(AMA.nominee, madonna)
    }
    assert nominated == {1985, 1986, 1987, 1988, 1990, 1991}
    war_rows = {local(r) for r in built.objects(AMAR["artist/war"], PROV.wasDerivedFrom)}
    assert war_rows == {
        "source/ama-history/AMA_Album/row-153",
        "source/ama-history/AMA_Album/row-375",
    }


def test_fixture_curated_merge_of_a_row_without_link(article: Graph) -> None:
    result, _ = fixture_import("merges", article, curated=True)
    merges = {local(m.entity): m for m in result.report.merges}
    beyonce = merges["artist/beyonce"]
    assert (beyonce.how, beyonce.rows) == ("curation+spellings", ["AMA_Artist:2", "AMA_Artist:3"])
    assert beyonce.names == ["Beyonce", "Beyoncé"]
    assert not any("Beyonc" in f"{a.first} {a.second}" for a in result.report.ambiguous)
    assert result.report.notes.get("curation_merge_not_in_rows") is None
    labels = [o for s, p, o in result.graphs.asserted if p == SKOS.prefLabel and "Beyonc" in str(o)]
    assert labels == [Literal("Beyoncé")]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not-a-mention", "neither a Wikipedia page"),
        ("one-mention", "needs two or more mentions"),
        ("two-corrections", "is merged by two corrections"),
    ],
)
def test_invalid_curated_merges_are_refused(case: str, message: str, article: Graph) -> None:
    curation = Graph().parse(FIXTURES / "merges-invalid" / f"{case}.ttl")
    with pytest.raises(InputError, match=message):
        history.run_import(FIXTURES / "merges", article, curation)


def test_a_curated_merge_the_rows_do_not_mention_is_reported(article: Graph) -> None:
    result = history.run_import(FIXTURES / "no-winner", article, history.curation_graph())
    unused = result.report.notes["curation_merge_not_in_rows"]
    assert len(unused) == 5  # Madonna's two pages and row, War's two pages
    assert any("row AMA_Artist:494" in line for line in unused)


# ---------------------------------------------------------------- the curated graph


def test_curated_quality_checks_leave_only_documented_rows(built_store: Store) -> None:
    found = {name: qc(built_store, name) for name in QC_NAMES}
    assert found["duplicate-rows"] == []
    assert len(found["no-winner"]) == 19 and len(found["two-winners"]) == 2
    assert {local(r["ceremony"]) for r in found["double-ceremony"]} == {
        "ceremony/2003-january",
        "ceremony/2003-november",
    }
    for rows in found.values():
        for row in rows:
            assert row["correction"] is not None, row
    resolutions = {local(r["resolution"]) for rows in found.values() for r in rows}
    assert resolutions <= {"Resolved", "Unresolved"} or all(
        str(r).endswith(("#Resolved", "#Unresolved")) for r in resolutions
    )


def test_quality_checks_run_on_rdflib_too(built: Graph, built_store: Store) -> None:
    for name in QC_NAMES:
        rows = list(built.query((QC / f"{name}-violation.rq").read_text(encoding="utf-8")))
        assert len(rows) == len(qc(built_store, name)), name


def test_2020_bts_is_one_node_won(built: Graph) -> None:
    nominations = [
        n
        for n in built.subjects(AMA.nominee, AMAR["artist/bts"])
        if built.value(n, AMA.ceremony) == AMAR["ceremony/2020"]
    ]
    assert nominations == [AMAR["nomination/2020/favorite-duo-or-group-pop-rock/bts"]]
    node = nominations[0]
    assert set(built.objects(node, AMA.outcome)) == {AMA.Won}
    sources = set(built.objects(node, PROV.wasDerivedFrom))
    assert AMAR["source/ama-history/AMA_Duo_Group/row-146"] in sources
    assert AMAR["source/curated-facts/f3"] in sources
    assert AMAR["source/ama-history-readme/s5"] in sources


UNRESOLVED_2020 = (
    "favorite-country-album",
    "favorite-country-band-duo-group",
    "favorite-country-female-artist",
    "favorite-country-male-artist",
    "favorite-pop-rock-album",
    "favorite-pop-rock-female-artist",
    "favorite-pop-rock-male-artist",
    "favorite-rap-hip-hop-album",
    "favorite-soul-r-and-b-album",
    "favorite-soul-r-and-b-female-artist",
    "favorite-soul-r-and-b-male-artist",
)


def outcomes_at(built: Graph, year: int, category: str) -> dict[str, set[Node]]:
    """The outcomes of each nominee of a category at the ceremony of a year."""
    ceremony, cat = AMAR[f"ceremony/{year}"], AMAR[f"category/{category}"]
    return {
        local(built.value(n, AMA.nominee)): set(built.objects(n, AMA.outcome))
        for n in built.subjects(AMA.ceremony, ceremony)
        if built.value(n, AMA.category) == cat
    }


def test_2020_nominees_without_a_known_winner_have_an_unknown_outcome(built: Graph) -> None:
    unknown = 0
    for category in UNRESOLVED_2020:
        found = outcomes_at(built, 2020, category)
        assert len(found) in (2, 3), category
        assert all(o == {AMA.OutcomeUnknown} for o in found.values()), (category, found)
        unknown += len(found)
    assert unknown == 31
    # where the winner is known (BTS), the others did not win
    assert outcomes_at(built, 2020, "favorite-duo-or-group-pop-rock") == {
        "artist/bts": {AMA.Won},
        "artist/jonas-brothers": {AMA.Nominated},
        "artist/maroon-5": {AMA.Nominated},
    }
    node = AMAR["nomination/2020/favorite-country-female-artist/maren-morris"]
    assert str(built.value(node, RDFS.label)).endswith("(outcome unknown)")
    assert AMAR["source/ama-history-readme/s5"] in set(built.objects(node, PROV.wasDerivedFrom))


def test_earlier_years_without_a_winner_keep_their_losses(built: Graph) -> None:
    """Outside 2020 a row's is_winner false is trusted: the winner's row is what is missing."""
    for year, category in (
        (1974, "favorite-country-female-artist"),
        (1980, "favorite-country-female-artist"),
        (1990, "favorite-country-female-artist"),
        (2000, "favorite-country-female-artist"),
        (2010, "favorite-country-female-artist"),
        (2010, "favorite-pop-rock-female-artist"),
        (2018, "favorite-pop-rock-female-artist"),
        (2019, "favorite-pop-rock-female-artist"),
    ):
        found = outcomes_at(built, year, category)
        assert len(found) == 2 and all(o == {AMA.Nominated} for o in found.values()), year


def test_outside_2020_complete_category_years_name_their_winner_first() -> None:
    """The data behind trusting is_winner false outside 2020 (see data/curation/README.md):
    every category-year with three or more rows has a winner, and its first row is one."""
    groups: dict[tuple[str, str], list[bool]] = {}
    for path in sorted(history.history_dir().glob("*.jl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            key = (row["award_classification"], row["year"])
            groups.setdefault(key, []).append(row["is_winner"])
    complete = {k: w for k, w in groups.items() if k[1] != "2020" and len(w) >= 3}
    assert len(complete) == 516
    assert all(w[0] for w in complete.values())
    short = sorted((k[1], k[0]) for k, w in groups.items() if k[1] != "2020" and not any(w))
    assert [len(groups[(c, y)]) for y, c in short] == [2] * 8


def test_nominees_query_shows_the_unknown_outcome(built: Graph) -> None:
    store = store_of(built, Graph().parse(resources.ontology_file()))
    result = store.query(
        (resources.queries_dir() / "nominees.rq").read_text(encoding="utf-8"),
        bindings={"category": Literal("Favorite Country Female Artist"), "year": Literal(2020)},
    )
    assert {str(r["nomineeName"]): str(r["outcomeName"]) for r in result.rows} == {
        "Gabby Barrett": "outcome unknown",
        "Maren Morris": "outcome unknown",
        "Miranda Lambert": "outcome unknown",
    }


def test_fixture_outcome_stated_by_the_curation(article: Graph) -> None:
    result, store = fixture_import("outcome-unknown", article, curated=True)
    asserted = set(result.graphs.asserted)
    stated = AMAR["nomination/2020/favorite-country-female-artist/gabby-barrett"]
    kept = AMAR["nomination/2020/favorite-country-female-artist/miranda-lambert"]
    assert (stated, RDF.type, AMA.Nomination) in asserted  # written although the curation names it
    assert (stated, AMA.nominee, AMAR["artist/gabby-barrett"]) in asserted
    assert not any(s == stated and p == AMA.outcome for s, p, _ in asserted)
    assert (kept, AMA.outcome, AMA.Nominated) in asserted
    label = next(str(o) for s, p, o in asserted if s == stated and p == RDFS.label)
    assert label.endswith("(outcome unknown)")
    assert [s["nomination"] for s in result.report.superseded_outcomes] == [
        str(stated),
        str(AMAR["nomination/2020/favorite-country-female-artist/maren-morris"]),
    ]
    (row,) = qc(store, "no-winner")  # still no winner: the unknown outcome is not a win
    assert row["correction"] == AMAR["correction/fixture-2020-outcomes"]


def test_2003_is_two_ceremonies(built: Graph) -> None:
    assert (AMAR["ceremony/2003"], None, None) not in built
    tim = AMAR["artist/tim-mcgraw"]
    category = AMAR["category/favorite-country-male-artist"]
    won = sorted(
        local(built.value(n, AMA.ceremony))
        for n in built.subjects(AMA.nominee, tim)
        if built.value(n, AMA.category) == category
        and built.value(n, AMA.outcome) == AMA.Won
        and local(built.value(n, AMA.ceremony)).startswith("ceremony/2003")
    )
    assert won == ["ceremony/2003-january", "ceremony/2003-november"]
    january = [
        n
        for n in built.subjects(AMA.ceremony, AMAR["ceremony/2003-january"])
        if built.value(n, AMA.category) == category
    ]
    assert len(january) == 3  # Tim McGraw, Alan Jackson, Toby Keith


def test_category_names_and_years(built: Graph) -> None:
    old = AMAR["category/favorite-pop-rock-band-duo-group"]
    assert (built.value(old, AMA.introducedIn), built.value(old, AMA.lastYear)) == (
        Literal("1974", datatype=Literal(1).datatype),
        Literal("2018", datatype=Literal(1).datatype),
    )
    jonas = AMAR["nomination/2019/favorite-duo-or-group-pop-rock/jonas-brothers"]
    assert built.value(jonas, AMA.category) == AMAR["category/favorite-duo-or-group-pop-rock"]
    rap = AMAR["category/favorite-rap-hip-hop-album"]
    assert built.value(rap, AMA.lineage) == AMAR["lineage/favorite-rap-hip-hop-album"]
    assert built.value(rap, AMA.lastYear) is None  # not renamed in any source: no last year


def test_links_to_dbpedia_with_row_provenance(built: Graph) -> None:
    beyonce = AMAR["artist/beyonce"]
    assert URIRef("http://dbpedia.org/resource/Beyoncé") in set(
        built.objects(beyonce, SKOS.exactMatch)
    )
    pink = set(built.objects(AMAR["artist/pink"], SKOS.exactMatch))
    assert pink == {URIRef("http://dbpedia.org/resource/Pink_(singer)")}
    statement = AMAR["link/artist/pink/dbpedia/exactMatch"]
    rows = {local(r) for r in built.objects(statement, PROV.wasDerivedFrom)}
    assert "source/ama-history/AMA_Artist/row-546" in rows
    bts = set(built.objects(AMAR["artist/bts"], SKOS.exactMatch))
    assert URIRef("http://dbpedia.org/resource/BTS") in bts


def test_dbpedia_encoding() -> None:
    assert naming.dbpedia_resource('"Heroes"_(album)') == URIRef(
        "http://dbpedia.org/resource/%22Heroes%22_(album)"
    )
    assert naming.dbpedia_resource("Am I Evil?") == URIRef(
        "http://dbpedia.org/resource/Am_I_Evil%3F"
    )
    assert naming.dbpedia_resource("Guns_N'_Roses") == URIRef(
        "http://dbpedia.org/resource/Guns_N'_Roses"
    )
    assert naming.dbpedia_resource("AC/DC") == URIRef("http://dbpedia.org/resource/AC/DC")
    # the linker names the sample's resources with the same function
    assert linkeval.sample_iri("/wiki/Am_I_Evil%3F", "urn:x:") == URIRef("urn:x:Am_I_Evil%3F")


# ---------------------------------------------------------------- lineage streaks and records


def test_lineage_streaks(built: Graph) -> None:
    rule = (resources.rules_dir() / "streaks-lineage.rq").read_text(encoding="utf-8")
    streaks = store_of(built).query(rule).graph
    assert streaks is not None
    lineage = AMAR["lineage/favorite-pop-duo-or-group"]

    def runs(artist: str) -> set[tuple[int, int]]:
        return {
            (num(streaks.value(s, AMA.firstYear)), num(streaks.value(s, AMA.streakLength)))
            for s in streaks.objects(AMAR[f"artist/{artist}"], AMA.winStreak)
            if streaks.value(s, AMA.streakLineage) == lineage
        }

    assert runs("one-direction") == {(2013, 3)}
    assert runs("bts") == {(2019, 4)}
    assert runs("hall-and-oates") == {(1983, 3)}
    longest = max(num(o) for o in streaks.objects(None, AMA.streakLength))
    assert longest >= 4


def test_lineage_record_and_runners_up(built: Graph) -> None:
    """category-records ranks the win tallies that rules/win-tallies.rq derives."""
    tallies = (
        store_of(built)
        .query((resources.rules_dir() / "win-tallies.rq").read_text(encoding="utf-8"))
        .graph
    )
    assert tallies is not None
    rows = select(store_of(built, tallies), resources.queries_dir() / "category-records.rq")
    mine = [r for r in rows if r["lineage"] == AMAR["lineage/favorite-pop-duo-or-group"]]
    record = [str(r["holderName"]) for r in mine if str(r["rank"]) == "record"]
    runners = sorted(str(r["holderName"]) for r in mine if str(r["rank"]) == "runner-up")
    assert record == ["BTS"]
    assert {num(r["wins"]) for r in mine if str(r["rank"]) == "runner-up"} == {3}
    assert runners == ["Aerosmith", "Hall & Oates", "One Direction", "The Black Eyed Peas"]


# ---------------------------------------------------------------- the curation layer


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def test_curation_quotes_are_in_the_readme() -> None:
    prov = Graph().parse(DATA / "curation" / "provenance.ttl")
    text = readme_text()
    readme = AMAR["source/ama-history-readme"]
    quotes = [prov.value(s, AMA.quote) for s in prov.subjects(DCTERMS.isPartOf, readme)]
    assert len(quotes) == 9
    for quote in quotes:
        pattern = r"\s+(?:-\s+)?".join(re.escape(w) for w in str(quote).split())
        assert re.search(pattern, text), quote


def test_curation_quotes_of_the_dbpedia_sample_are_on_their_lines() -> None:
    prov = Graph().parse(DATA / "curation" / "provenance.ttl")
    sample = AMAR["source/dbpedia-music-sample"]
    path = DATA / "sources" / "dbpedia-music-sample" / "music.ttl.gz"
    assert str(prov.value(sample, DCTERMS.source)) == str(path.relative_to(DATA.parent))
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")
    cited = list(prov.subjects(DCTERMS.isPartOf, sample))
    assert len(cited) == 1
    for sentence in cited:
        line = lines[num(prov.value(sentence, AMA.sourceRow)) - 1]
        assert str(prov.value(sentence, AMA.quote)) in line, sentence
    assert "<http://stardog.com/tutorial/Madonna_(entertainer)> a :SoloArtist" in lines[21084]


def test_every_correction_has_a_reason_and_a_source(curation: Graph, built: Graph) -> None:
    corrections = set(curation.subjects(RDF.type, AMA.Correction))
    assert len(corrections) == 27
    for c in corrections:
        assert curation.value(c, AMA.note) is not None, c
        assert curation.value(c, AMA.defect) is not None, c
        assert curation.value(c, AMA.resolution) in {AMA.Resolved, AMA.Unresolved}, c
        sources = list(curation.objects(c, PROV.wasDerivedFrom))
        assert sources, c
        for s in sources:
            assert (s, AMA.quote, None) in built or (s, AMA.sourceRow, None) in built, s
    for target in curation.objects(None, AMA.corrects):
        assert (target, RDF.type, AMA.Nomination) in built, target
