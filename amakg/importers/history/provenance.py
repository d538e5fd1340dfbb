"""The provenance triples of the import: each file as an ama:Source (with its Wikipedia pages
and licence) and each row as an ama:Sentence quoting its line.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS

from ...vocab import AMA, AMAR, PROV
from .graph import Triple, integer, literal
from .rows import WIKIPEDIA, Entry, Row

LICENCE = URIRef("https://creativecommons.org/licenses/by-sa/3.0/")


def source_node(stem: str) -> URIRef:
    return AMAR[f"source/ama-history/{stem}"]


def provenance_triples(rows: list[Row], entries: list[Entry]) -> list[Triple]:
    """The files as ama:Source (with their Wikipedia pages and licence) and every row."""
    triples: list[Triple] = []
    pages: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        pages[entry.row.stem].add(entry.page)
    for stem in sorted({r.stem for r in rows}):
        node = source_node(stem)
        triples += [
            (node, RDF.type, AMA.Source),
            (node, RDF.type, PROV.Entity),
            (node, RDFS.label, literal(f"AMA history dataset file {stem}.jl", "en")),
            (
                node,
                DCTERMS.title,
                literal(
                    f"{stem}.jl: American Music Awards nominations scraped "
                    "from the English Wikipedia",
                    "en",
                ),
            ),
            (node, DCTERMS.source, literal(f"data/sources/ama-history/{stem}.jl")),
            (node, DCTERMS.license, LICENCE),
            (
                node,
                DCTERMS.rights,
                literal(
                    "Content of the English Wikipedia, CC BY-SA; scraped in "
                    "November 2020 by Rahul-Khanna/live_musique.",
                    "en",
                ),
            ),
        ]
        triples += [
            (node, DCTERMS.source, URIRef(WIKIPEDIA + page)) for page in sorted(pages[stem])
        ]
    for row in rows:
        triples += [
            (row.node, RDF.type, AMA.Sentence),
            (row.node, RDFS.label, literal(f"{row.stem}.jl, line {row.line}", "en")),
            (row.node, AMA.sourceRow, integer(row.line)),
            (row.node, DCTERMS.isPartOf, source_node(row.stem)),
            (row.node, AMA.quote, literal(row.raw)),
        ]
    return triples
