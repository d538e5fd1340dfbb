"""Known external identifiers: data/links/external-ids.ttl against data/sources/external-ids.tsv.

Regenerate the file after a change of the TSV, data/article.ttl or data/provenance/*.ttl:
    .venv/bin/python -c "from amakg.importers.identifiers import write_external_ids as w; w()"
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, SKOS, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import DCTERMS

from amakg import resources
from amakg.errors import InputError
from amakg.importers.identifiers import SOURCE, external_id_graph, read_rows, write_external_ids
from amakg.load import load_files, parse_file
from amakg.vocab import AMA, AMAR, PROV, SCHEMA

DATA = resources.data_dir()
LINKS_FILE = DATA / "links" / "external-ids.ttl"
TSV = DATA / "sources" / "external-ids.tsv"
WD = "http://www.wikidata.org/entity/"
MB = "https://musicbrainz.org/artist/"
DBR = "http://dbpedia.org/resource/"


@cache
def links() -> Graph:
    return parse_file(LINKS_FILE)


@cache
def provenance() -> Graph:
    return load_files([LINKS_FILE, *sorted((DATA / "provenance").glob("*.ttl"))])


def matches(entity: str) -> set[str]:
    return {str(o) for o in links().objects(AMAR[entity], SKOS.exactMatch)}


def test_the_file_is_what_the_generator_writes() -> None:
    committed, fresh = to_isomorphic(links()), to_isomorphic(external_id_graph())
    if committed != fresh:
        _, only_file, only_fresh = graph_diff(committed, fresh)
        pytest.fail(
            "data/links/external-ids.ttl is stale; regenerate it (see this module's docstring)\n"
            f"only in the file: {sorted(only_file)[:5]}\nonly generated: {sorted(only_fresh)[:5]}"
        )


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        (
            "artist/bts",
            {WD + "Q13580495", MB + "0d79fe8e-ba27-4859-bb8c-2f255f346853", DBR + "BTS"},
        ),
        ("artist/jungkook", {WD + "Q22338877"}),
        (
            "artist/coldplay",
            {WD + "Q45188", MB + "cc197bad-dc9c-440d-a5b5-d52ba2e14234", DBR + "Coldplay"},
        ),
        (
            "artist/imagine-dragons",
            {MB + "012151a8-0f9a-44c9-997f-ebd68b5389f9", DBR + "Imagine_Dragons"},
        ),
        ("artist/maneskin", set()),
        ("artist/onerepublic", {MB + "8aafd46e-f5d3-4923-8da1-43c0a296947f", DBR + "OneRepublic"}),
        (
            "artist/blackpink",
            {WD + "Q25056945", MB + "48646387-1664-4c9a-9139-9bfd091b823c", DBR + "Blackpink"},
        ),
        (
            "artist/seventeen",
            {
                WD + "Q14524548",
                MB + "e04d239e-9fa8-49b3-b9b7-9e439c3cb1d1",
                DBR + "Seventeen_(South_Korean_band)",
            },
        ),
        (
            "artist/tomorrow-x-together",
            {
                WD + "Q60550265",
                MB + "9d027d72-790e-40ec-bbb7-61aa613457de",
                DBR + "Tomorrow_X_Together",
            },
        ),
        (
            "artist/twice",
            {WD + "Q20645861", MB + "8da127cc-c432-418f-b356-ef36210d82ac", DBR + "Twice"},
        ),
        ("org/abc", {WD + "Q169889", DBR + "American_Broadcasting_Company"}),
        ("person/dick-clark", {WD + "Q366563", DBR + "Dick_Clark"}),
        ("program/amas", {DBR + "American_Music_Awards"}),
        ("event/2022-fifa-world-cup", {WD + "Q284163", DBR + "2022_FIFA_World_Cup"}),
        ("event/2022-fifa-world-cup-opening-ceremony", set()),  # the ceremony is not the tournament
        ("place/los-angeles", {WD + "Q65", DBR + "Los_Angeles"}),
        ("genre/k-pop", {WD + "Q213665", DBR + "K-pop"}),
    ],
)
def test_every_confirmed_identifier_is_linked_and_nothing_else(
    entity: str, expected: set[str]
) -> None:
    assert matches(entity) == expected
    assert {str(o) for o in links().objects(AMAR[entity], SCHEMA.sameAs)} == expected


def test_link_count_is_the_number_of_filled_identifier_cells() -> None:
    filled = sum(
        1
        for row in read_rows(TSV)
        for col in ("wikidata", "musicbrainz_artist", "dbpedia_resource")
        if row.cells[col]
    )
    assert filled == 34
    assert len(set(links().triples((None, SKOS.exactMatch, None)))) == filled
    assert len(set(links().triples((None, SCHEMA.sameAs, None)))) == filled


def test_unconfirmed_identifiers_from_the_notes_are_not_linked() -> None:
    objects = {str(o) for o in links().objects()}
    assert WD + "Q6002689" not in objects  # Imagine Dragons: seen once in an unreliable list
    assert MB + "5b11f4ce-a62d-471e-81fc-a69a8278c7da" not in objects  # Nirvana, not OneRepublic
    assert not any(o.startswith(WD) for o in matches("artist/imagine-dragons"))
    assert not list(links().triples((None, OWL.sameAs, None)))


def test_every_link_is_described_with_its_source_row() -> None:
    raw = {row.line: row.raw for row in read_rows(TSV)}
    g, prov = links(), provenance()
    for predicate in (SKOS.exactMatch, SCHEMA.sameAs):
        for entity, target in g.subject_objects(predicate):
            [statement] = [
                s
                for s in g.subjects(RDF.subject, entity)
                if (s, RDF.predicate, predicate) in g and (s, RDF.object, target) in g
            ]
            assert (statement, RDF.type, RDF.Statement) in g
            [row] = g.objects(statement, PROV.wasDerivedFrom)
            [number] = prov.objects(row, AMA.sourceRow)
            assert row == AMAR[f"source/external-ids/row-{number}"]
            assert set(prov.objects(row, AMA.quote)) == {Literal(raw[int(number)])}  # type: ignore[call-overload]
            assert (row, DCTERMS.isPartOf, SOURCE) in prov
    assert (SOURCE, RDF.type, AMA.Source) in prov
    assert (SOURCE, DCTERMS.source, Literal("data/sources/external-ids.tsv")) in prov


def test_rows_described_elsewhere_are_referenced_not_repeated() -> None:
    elsewhere = load_files(sorted((DATA / "provenance").glob("*.ttl")))
    described_here = set(links().subjects(RDF.type, AMA.Sentence))
    assert not described_here & set(elsewhere.subjects(RDF.type, AMA.Sentence))
    assert (SOURCE, RDF.type, AMA.Source) not in links() or (
        SOURCE,
        RDF.type,
        AMA.Source,
    ) not in elsewhere


def test_rows_quote_the_tsv_line_with_its_tabs() -> None:
    rows = {row.line: row for row in read_rows(TSV)}
    assert rows[2].cells["entity"] == "BTS"
    assert rows[7].raw.startswith("OneRepublic\t\t8aafd46e-")
    assert len(rows) == 16


# ---------------------------------------------------------------- error paths


def write_case(tmp_path: Path, tsv: str) -> dict[str, Any]:
    (tmp_path / "ids.tsv").write_text(tsv, encoding="utf-8")
    return {
        "tsv": tmp_path / "ids.tsv",
        "article": DATA / "article.ttl",
        "provenance": [DATA / "provenance" / "article.ttl"],
    }


HEADER = "entity\twikidata\tmusicbrainz_artist\tdbpedia_resource\tnote\n"


@pytest.mark.parametrize(
    ("tsv", "message", "line"),
    [
        ("name\tqid\n", "unexpected header", 1),
        (HEADER + "BTS\tX13580495\t\t\t\n", "wikidata 'X13580495' is not a valid identifier", 2),
        (HEADER + "BTS\tQ1\tnot-an-mbid\t\t\n", "is not a valid identifier", 2),
        (HEADER + "BTS\tQ1\t\n", "3 cells, expected 5", 2),
        (HEADER + "BTS\tQ1\t\t\t\nNobody Here\tQ2\t\t\t\n", "entity 'Nobody Here': no node", 3),
    ],
)
def test_bad_rows_are_refused_with_their_line(
    tmp_path: Path, tsv: str, message: str, line: int
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        external_id_graph(**write_case(tmp_path, tsv))
    assert caught.value.line == line


def test_a_failed_generation_leaves_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "external-ids.ttl"
    write_external_ids(out, **write_case(tmp_path, HEADER + "BTS\tQ13580495\t\t\t\n"))
    before = out.read_bytes()
    with pytest.raises(InputError):
        write_external_ids(out, **write_case(tmp_path, HEADER + "BTS\tbad\t\t\t\n"))
    assert out.read_bytes() == before
    assert (
        URIRef(str(AMAR) + "artist/bts"),
        SKOS.exactMatch,
        URIRef(WD + "Q13580495"),
    ) in parse_file(out)
