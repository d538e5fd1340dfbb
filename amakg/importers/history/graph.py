"""The asserted and links triples of the import: artists with their DBpedia links, works,
ceremonies, categories with their lineages, and nominations with their outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ... import iris
from ...naming import DBPEDIA, dbpedia_resource, slug
from ...vocab import AMA, PROV, SCHEMA
from ..identifiers import statement_iri
from .context import Context, stated_outcome
from .entities import Entity
from .nominations import Nomination, entity_iri
from .rows import Row

Triple = tuple[URIRef, URIRef, Node]


@dataclass
class Graphs:
    asserted: list[Triple] = field(default_factory=list)
    provenance: list[Triple] = field(default_factory=list)
    links: list[Triple] = field(default_factory=list)


def literal(value: str, lang: str | None = None) -> Literal:
    return Literal(value, lang=lang)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


class GraphWriter:
    """The asserted and links triples of the import."""

    def __init__(self, ctx: Context, curated: bool, names: dict[URIRef, str]) -> None:
        self.ctx, self.curated, self.names = ctx, curated, names
        self.out = Graphs()
        self.superseded: list[dict[str, str]] = []
        self.conflicts: list[dict[str, str]] = []

    def add(self, s: URIRef, p: URIRef, o: Node) -> None:
        self.out.asserted.append((s, p, o))

    def derived(self, node: URIRef, rows: Iterable[Row]) -> None:
        for row in rows:
            self.add(node, PROV.wasDerivedFrom, row.node)

    def labels(self, node: URIRef, name: str, lang: str | None = None) -> None:
        self.add(node, RDFS.label, literal(name, lang))
        self.add(node, SKOS.prefLabel, literal(name, lang))

    def artist(self, entity: Entity) -> None:
        node = entity_iri(entity)
        types = artist_types(entity.kinds)
        if not entity.in_context:
            self.labels(node, entity.name)
        known = {
            str(v)
            for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
            for v in self.ctx.graph.objects(node, p)
        } | {entity.name}
        for name in sorted(entity.names):
            if name not in known:
                self.add(node, SKOS.altLabel, literal(name))
        for kind in types:
            if (node, RDF.type, kind) not in self.ctx.graph:
                self.add(node, RDF.type, kind)
        self.derived(node, entity.rows)
        for title in entity.titles:
            self.link(node, title, entity.links[title], several=len(entity.links) > 1)

    def link(self, node: URIRef, title: str, rows: list[Row], several: bool) -> None:
        """The DBpedia resource of a Wikipedia title the rows give, derived from those rows.
        An entity with several titles (merged by the curation) gets one statement per title."""
        target = dbpedia_resource(title)
        existing = {
            o for o in self.ctx.graph.objects(node, SKOS.exactMatch) if str(o).startswith(DBPEDIA)
        }
        if existing and target not in existing:
            self.conflicts.append(
                {
                    "entity": str(node),
                    "history": str(target),
                    "article": ", ".join(sorted(map(str, existing))),
                }
            )
            return
        scheme = f"dbpedia/{slug(title)}" if several else "dbpedia"
        for predicate in (SKOS.exactMatch, SCHEMA.sameAs):
            statement = statement_iri(node, scheme, predicate)
            self.out.links += [
                (node, predicate, target),
                (statement, RDF.type, RDF.Statement),
                (statement, RDF.subject, node),
                (statement, RDF.predicate, predicate),
                (statement, RDF.object, target),
            ]
            self.out.links += [(statement, PROV.wasDerivedFrom, r.node) for r in rows]

    def work(self, entity: Entity) -> None:
        node = entity_iri(entity)
        if not self.ctx.has(node):
            self.add(node, RDF.type, AMA.Work)
            self.labels(node, entity.name)
            for name in sorted(entity.names):
                if name != entity.name:
                    self.add(node, SKOS.altLabel, literal(name))
        self.derived(node, entity.rows)

    def ceremony(self, node: URIRef, year: int, rows: list[Row]) -> None:
        if not self.ctx.has(node):
            self.add(node, RDF.type, AMA.Ceremony)
            self.labels(node, self.name_of(node), "en")
            self.add(node, AMA.year, integer(year))
            if self.ctx.program is not None:
                self.add(node, AMA.awardProgram, self.ctx.program)
        self.derived(node, rows)

    def category(
        self, node: URIRef, name: str, years: list[int], rows: list[Row], own: bool
    ) -> None:
        """A category the rows name (own) or were moved into (a later name of the lineage):
        introducedIn and lastYear (if renamed) only for the rows' own name, from its years."""
        if not self.ctx.has(node):
            self.add(node, RDF.type, AMA.Category)
            self.labels(node, name)
            if self.ctx.scheme is not None:
                self.add(node, SKOS.inScheme, self.ctx.scheme)
            lineage = iris.lineage(name)
            self.add(node, AMA.lineage, lineage)
            self.add(lineage, RDF.type, AMA.CategoryLineage)
            self.labels(lineage, f"{name}, under all its names", "en")
            self.derived(lineage, rows)
        if own and self.ctx.graph.value(node, AMA.introducedIn) is None:
            self.add(node, AMA.introducedIn, integer(min(years)))
        if (
            own
            and self.ctx.successors.get(node)
            and self.ctx.graph.value(node, AMA.lastYear) is None
        ):
            self.add(node, AMA.lastYear, integer(max(years)))
        self.derived(node, rows)

    def nomination(self, n: Nomination, outcome: set[URIRef], final: set[URIRef]) -> None:
        """The nomination's nodes with `outcome` (what the rows say, unless a correction states
        it) and a label naming `final` (the outcome after curation)."""
        for node, artist in zip(n.nodes, n.artists, strict=True):
            if not self.ctx.is_nomination(node):
                self.add(node, RDF.type, AMA.Nomination)
                self.add(node, RDFS.label, literal(self._nomination_label(n, artist, final), "en"))
                self.add(node, AMA.nominee, artist)
                self.add(node, AMA.category, n.placement.category)
                self.add(node, AMA.ceremony, n.placement.ceremony)
                if n.work is not None:
                    self.add(node, AMA.work, n.work)
            for value in sorted(outcome):
                self.add(node, AMA.outcome, value)
            self.derived(node, (e.row for e in n.rows))

    def name_of(self, node: URIRef) -> str:
        return self.ctx.label(node) or self.names.get(node) or str(node)

    def _nomination_label(self, n: Nomination, artist: URIRef, outcome: set[URIRef]) -> str:
        what = OUTCOME_WORDS.get(frozenset(outcome), "conflicting rows")
        parts = [self.name_of(artist)]
        if n.work is not None:
            parts.append(self.name_of(n.work))
        parts += [self.name_of(n.placement.category), self.name_of(n.placement.ceremony)]
        return f"{', '.join(parts)} ({what})"

    def outcome(self, n: Nomination) -> set[URIRef]:
        """The outcome(s) to write: the rows', unless a curation correction states it."""
        rows = {AMA.Won if w else AMA.Nominated for w in n.winner_rows}
        node = n.nodes[0]
        stated = stated_outcome(self.ctx, node)
        if stated and stated != rows:
            row_ids = ", ".join(e.row.id for e in n.rows)
            if self.curated and node in self.ctx.corrected:
                self.superseded.append(
                    {
                        "nomination": str(node),
                        "rows": row_ids,
                        "correction": str(self.ctx.corrected[node]),
                    }
                )
                return set()
            self.conflicts.append(
                {
                    "nomination": str(node),
                    "rows": row_ids,
                    "rows_say": ", ".join(sorted(map(str, rows))),
                    "article_says": ", ".join(sorted(map(str, stated))),
                }
            )
        return rows


OUTCOME_WORDS = {
    frozenset({AMA.Won}): "won",
    frozenset({AMA.Nominated}): "nominated",
    frozenset({AMA.OutcomeUnknown}): "outcome unknown",
}


def artist_types(kinds: set[str]) -> list[URIRef]:
    types = []
    if "group" in kinds:
        types.append(AMA.Group)
    if "solo" in kinds:
        types.append(AMA.SoloArtist)
    return types or [AMA.Artist]
