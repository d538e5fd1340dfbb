"""Known external identifiers (data/sources/external-ids.tsv) -> the links graph.

For each row, the entity is the node of data/article.ttl whose rdfs:label or skos:prefLabel is
the row's name (a disambiguation suffix such as "K-pop (genre)" is dropped first). Each
confirmed identifier becomes two link triples, skos:exactMatch and schema:sameAs, to
  Wikidata     http://www.wikidata.org/entity/Q...
  MusicBrainz  https://musicbrainz.org/artist/MBID
  DBpedia      http://dbpedia.org/resource/NAME
An empty cell is no link; an identifier named only in the note column is never linked.

Provenance: every link triple is also described by an rdf:Statement node
  amar:link/<entity path>/<scheme>/<exactMatch|sameAs>
      rdf:subject, rdf:predicate, rdf:object (the triple), prov:wasDerivedFrom the row node,
and the row node amar:source/external-ids/row-N (ama:Sentence, ama:sourceRow N = the line
number, header = line 1, ama:quote = the raw line) is part of amar:source/external-ids. Rows
and the source already described in data/provenance/*.ttl are referenced, not repeated.

Regenerate data/links/external-ids.ttl with write_external_ids().
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from .. import resources
from ..errors import InputError
from ..export import write_atomic
from ..load import load_files, parse_file
from ..naming import normalize, strip_disambiguation
from ..store import to_ox
from ..vocab import AMA, AMAR, PREFIXES, PROV, SCHEMA

SOURCE = AMAR["source/external-ids"]
SOURCE_FILE = "data/sources/external-ids.tsv"
COLUMNS = ("entity", "wikidata", "musicbrainz_artist", "dbpedia_resource", "note")
SCHEMES: dict[str, tuple[str, re.Pattern[str], str]] = {
    # column: (scheme name in link IRIs, valid identifier, IRI prefix)
    "wikidata": ("wikidata", re.compile(r"Q[1-9]\d*"), "http://www.wikidata.org/entity/"),
    "musicbrainz_artist": (
        "musicbrainz",
        re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
        "https://musicbrainz.org/artist/",
    ),
    "dbpedia_resource": (
        "dbpedia",
        re.compile(r"[^\s<>\"{}|\\^`]+"),
        "http://dbpedia.org/resource/",
    ),
}
LINK_PREDICATES = (SKOS.exactMatch, SCHEMA.sameAs)
SOURCE_LABEL = "External identifiers for the entities of the seed article"
_PREFIXES = ("ama", "rdf", "rdfs", "xsd", "skos", "prov", "dcterms", "schema")


@dataclass(frozen=True)
class Row:
    """One data line of the TSV, with its line number in the file (the header is line 1)."""

    line: int
    raw: str
    cells: dict[str, str]

    @property
    def node(self) -> URIRef:
        return AMAR[f"source/external-ids/row-{self.line}"]


def read_rows(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from exc
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    header = tuple(lines[0].split("\t")) if lines else ()
    if header != COLUMNS:
        raise InputError(
            f"unexpected header {header!r}", path=str(path), line=1, hint=f"expected {COLUMNS}"
        )
    rows = []
    for number, raw in enumerate(lines[1:], start=2):
        cells = raw.split("\t")
        if len(cells) != len(COLUMNS):
            raise InputError(
                f"{len(cells)} cells, expected {len(COLUMNS)}", path=str(path), line=number
            )
        rows.append(Row(number, raw, dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))))
    return rows


def entity_index(article: Graph) -> dict[str, set[URIRef]]:
    """normalize(label) -> the article's nodes with that rdfs:label or skos:prefLabel."""
    index: dict[str, set[URIRef]] = {}
    for predicate in (RDFS.label, SKOS.prefLabel):
        for node, label in article.subject_objects(predicate):
            if isinstance(node, URIRef):
                index.setdefault(normalize(str(label)), set()).add(node)
    return index


def resolve(row: Row, index: dict[str, set[URIRef]], path: Path) -> URIRef:
    name = row.cells["entity"]
    found = index.get(normalize(name)) or index.get(normalize(strip_disambiguation(name)), set())
    if len(found) != 1:
        what = "no node" if not found else f"{len(found)} nodes ({', '.join(sorted(found))})"
        raise InputError(
            f"entity {name!r}: {what} of data/article.ttl has this label",
            path=str(path),
            line=row.line,
            hint="give the entity exactly one rdfs:label or skos:prefLabel equal to this name",
        )
    return next(iter(found))


def identifier_links(row: Row, path: Path) -> list[tuple[str, URIRef]]:
    """(scheme, external IRI) for each non-empty identifier cell of a row."""
    links = []
    for column, (scheme, pattern, prefix) in SCHEMES.items():
        value = row.cells[column]
        if not value:
            continue
        if not pattern.fullmatch(value):
            raise InputError(
                f"{column} {value!r} is not a valid identifier", path=str(path), line=row.line
            )
        links.append((scheme, URIRef(prefix + value)))
    return links


def described_rows(provenance: Graph) -> set[URIRef]:
    """Row nodes (and the source) already described in the provenance files."""
    return {s for s in provenance.subjects(RDF.type, AMA.Sentence) if isinstance(s, URIRef)} | (
        {SOURCE} if (SOURCE, RDF.type, AMA.Source) in provenance else set()
    )


Triple = tuple[URIRef, URIRef, URIRef | Literal]


def external_id_triples(
    tsv: Path | None = None, article: Path | None = None, provenance: list[Path] | None = None
) -> list[Triple]:
    """The links of the known identifiers, their rdf:Statement descriptions and row nodes,
    in file order: per row, the links, then their statements, then the row node."""
    data = resources.data_dir()
    tsv = tsv or data / "sources" / "external-ids.tsv"
    index = entity_index(parse_file(article or data / "article.ttl"))
    already = described_rows(load_files(provenance or sorted((data / "provenance").glob("*.ttl"))))
    triples: list[Triple] = []
    if SOURCE not in already:
        triples += [
            (SOURCE, RDF.type, AMA.Source),
            (SOURCE, RDF.type, PROV.Entity),
            (SOURCE, RDFS.label, Literal(SOURCE_LABEL, lang="en")),
            (SOURCE, DCTERMS.source, Literal(SOURCE_FILE)),
        ]
    for row in read_rows(tsv):
        links = identifier_links(row, tsv)
        if not links:
            continue
        entity = resolve(row, index, tsv)
        triples += [(entity, p, target) for p in LINK_PREDICATES for _, target in links]
        for scheme, target in links:
            for predicate in LINK_PREDICATES:
                statement = statement_iri(entity, scheme, predicate)
                triples += [
                    (statement, RDF.type, RDF.Statement),
                    (statement, RDF.subject, entity),
                    (statement, RDF.predicate, predicate),
                    (statement, RDF.object, target),
                    (statement, PROV.wasDerivedFrom, row.node),
                ]
        if row.node not in already:
            triples += _row_triples(row)
    return triples


def external_id_graph(**sources: Path) -> Graph:
    """external_id_triples() as an rdflib Graph."""
    g = Graph()
    for triple in external_id_triples(**sources):  # type: ignore[arg-type]
        g.add(triple)
    return g


def statement_iri(entity: URIRef, scheme: str, predicate: URIRef) -> URIRef:
    """amar:link/artist/bts/wikidata/exactMatch: the rdf:Statement describing one link."""
    local = str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return AMAR[f"link/{str(entity).removeprefix(str(AMAR))}/{scheme}/{local}"]


def _row_triples(row: Row) -> list[Triple]:
    return [
        (row.node, RDF.type, AMA.Sentence),
        (row.node, RDFS.label, Literal(f"external-ids.tsv, line {row.line}", lang="en")),
        (row.node, AMA.sourceRow, Literal(row.line, datatype=XSD.integer)),
        (row.node, DCTERMS.isPartOf, SOURCE),
        (row.node, AMA.quote, Literal(row.raw)),
    ]


HEADER = """\
# Known external identifiers of the article's entities, from data/sources/external-ids.tsv.
# GENERATED by amakg.importers.identifiers.write_external_ids(): do not edit by hand.
# Graph: <https://w3id.org/amakg/graph/links>.
# Each confirmed identifier gives skos:exactMatch and schema:sameAs; each link triple is
# described by an rdf:Statement (amar:link/...) with prov:wasDerivedFrom the TSV row node
# (amar:source/external-ids/row-N, N = line number, header = line 1). Empty cells and
# identifiers named only in a note are not linked.

"""


def write_external_ids(out: Path | None = None, **sources: Path) -> Path:
    """Write data/links/external-ids.ttl atomically (temp file, re-parse, rename)."""
    out = out or resources.data_dir() / "links" / "external-ids.ttl"
    triples = external_id_triples(**sources)  # type: ignore[arg-type]
    body = ox.serialize(
        [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples],  # type: ignore[arg-type]
        format=ox.RdfFormat.TURTLE,
        prefixes={p: PREFIXES[p] for p in _PREFIXES},
    )
    payload = HEADER.encode() + (body or b"")

    def write(tmp: Path) -> None:
        tmp.write_bytes(payload)

    return write_atomic(out, write, len(set(triples)))
