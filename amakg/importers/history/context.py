"""What the import needs from the graph it merges with: the article graph, and the curation.

The article graph gives the award programme, artists (labels and DBpedia links), category
lineages and nominations; the curation (data/curation/*.ttl) gives decisions as data:
ama:splitInto (the ceremonies of a year, in order), ama:corrects (a nomination whose outcome
the curation states) and ama:merges (mentions of one artist).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ...errors import InputError
from ...naming import DBPEDIA, normalize, wiki_title
from ...vocab import AMA, AMAR, SCHEMA
from .rows import WIKIPEDIA

ARTIST_TYPES = (AMA.Group, AMA.SoloArtist, AMA.Artist)
_ROW_NODE = re.compile(re.escape(str(AMAR)) + r"source/ama-history/([^/]+)/row-([0-9]+)")


@dataclass
class Context:
    """What the import needs from the article graph (and the curation graph, if given)."""

    graph: Graph
    program: URIRef | None = None
    scheme: URIRef | None = None
    artist_titles: dict[str, set[URIRef]] = field(default_factory=dict)
    artist_names: dict[str, set[URIRef]] = field(default_factory=dict)
    lineage: dict[URIRef, URIRef] = field(default_factory=dict)
    successors: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    names_in_use: dict[tuple[URIRef, int], set[URIRef]] = field(default_factory=dict)
    nominations: dict[tuple[Node | None, ...], URIRef] = field(default_factory=dict)
    ceremony_year: dict[URIRef, int] = field(default_factory=dict)
    splits: dict[int, tuple[URIRef, list[URIRef]]] = field(default_factory=dict)
    corrected: dict[URIRef, URIRef] = field(default_factory=dict)
    same_entity: dict[str, URIRef] = field(default_factory=dict)  # mention key -> correction

    def label(self, node: URIRef) -> str | None:
        value = self.graph.value(node, SKOS.prefLabel) or self.graph.value(node, RDFS.label)
        return None if value is None else str(value)

    def has(self, node: URIRef) -> bool:
        return (node, None, None) in self.graph

    def is_nomination(self, node: URIRef) -> bool:
        """Typed ama:Nomination here (an article nomination), not only given an outcome by a
        curation correction."""
        return (node, RDF.type, AMA.Nomination) in self.graph


def read_context(article: Graph, curation: Graph | None) -> Context:
    graph = Graph()
    for source in (article, curation or Graph()):
        for triple in source:
            graph.add(triple)
    ctx = Context(graph)
    programs = sorted(
        s for s in graph.subjects(RDF.type, AMA.AwardProgram) if isinstance(s, URIRef)
    )
    if len(programs) == 1:
        ctx.program = programs[0]
        scheme = graph.value(ctx.program, AMA.categoryScheme)
        ctx.scheme = scheme if isinstance(scheme, URIRef) else None
    _read_artists(ctx)
    _read_categories(ctx)
    _read_nominations(ctx)
    if curation is not None:
        _read_curation(ctx, curation)
    return ctx


def _read_artists(ctx: Context) -> None:
    g = ctx.graph
    for kind in ARTIST_TYPES:
        for node in g.subjects(RDF.type, kind):
            if not isinstance(node, URIRef):
                continue
            for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
                for label in g.objects(node, p):
                    ctx.artist_names.setdefault(normalize(str(label)), set()).add(node)
            for p in (SKOS.exactMatch, SCHEMA.sameAs):
                for target in g.objects(node, p):
                    title = _title_of(str(target))
                    if title:
                        ctx.artist_titles.setdefault(title, set()).add(node)


def _title_of(iri: str) -> str | None:
    if iri.startswith(DBPEDIA):
        return unquote(iri.removeprefix(DBPEDIA))
    if iri.startswith(WIKIPEDIA):
        return wiki_title(iri)
    return None


def _read_categories(ctx: Context) -> None:
    g = ctx.graph
    for category, lineage in g.subject_objects(AMA.lineage):
        if isinstance(category, URIRef) and isinstance(lineage, URIRef):
            ctx.lineage[category] = lineage
    for later, earlier in g.subject_objects(AMA.renamedFrom):
        if isinstance(later, URIRef) and isinstance(earlier, URIRef):
            ctx.successors.setdefault(earlier, set()).add(later)
    for ceremony, year in g.subject_objects(AMA.year):
        if isinstance(ceremony, URIRef) and isinstance(year, Literal):
            ctx.ceremony_year[ceremony] = int(year)


def _read_nominations(ctx: Context) -> None:
    g = ctx.graph
    for nomination in g.subjects(RDF.type, AMA.Nomination):
        if not isinstance(nomination, URIRef):
            continue
        category = g.value(nomination, AMA.category)
        ceremony = g.value(nomination, AMA.ceremony)
        nominee = g.value(nomination, AMA.nominee)
        if not (isinstance(category, URIRef) and isinstance(ceremony, URIRef) and nominee):
            continue
        work = g.value(nomination, AMA.work)
        ctx.nominations[(ceremony, category, nominee, work)] = nomination
        year = ctx.ceremony_year.get(ceremony)
        lineage = ctx.lineage.get(category)
        if year is not None and lineage is not None:
            ctx.names_in_use.setdefault((lineage, year), set()).add(category)


def _read_curation(ctx: Context, curation: Graph) -> None:
    for correction, head in curation.subject_objects(AMA.splitInto):
        ceremonies = [c for c in Collection(curation, head) if isinstance(c, URIRef)]
        years = {ctx.ceremony_year.get(c) for c in ceremonies}
        if len(ceremonies) < 2 or len(years) != 1 or None in years:
            raise InputError(
                f"curation {correction}: ama:splitInto needs two or more ceremonies of one year",
                hint="list the ceremonies in order, each with its ama:year",
            )
        year = years.pop()
        assert year is not None and isinstance(correction, URIRef)
        ctx.splits[year] = (correction, ceremonies)
    for correction, nomination in curation.subject_objects(AMA.corrects):
        if isinstance(correction, URIRef) and isinstance(nomination, URIRef):
            ctx.corrected[nomination] = correction
    _read_same_entities(ctx, curation)


def mention_key(value: Node) -> str | None:
    """What an ama:merges value names: 'link:<title>' for a Wikipedia page the rows link an
    artist to, 'row:<file>:<line>' for a row (its artist without a link), else None."""
    text = str(value)
    if isinstance(value, URIRef) and text.startswith(WIKIPEDIA):
        return f"link:{wiki_title(text)}"
    match = _ROW_NODE.fullmatch(text)
    return f"row:{match.group(1)}:{match.group(2)}" if match else None


def _read_same_entities(ctx: Context, curation: Graph) -> None:
    """ama:merges: the mentions each correction declares to be one entity."""
    named: dict[URIRef, set[str]] = defaultdict(set)
    for correction, value in curation.subject_objects(AMA.merges):
        key = mention_key(value)
        if key is None or not isinstance(correction, URIRef):
            raise InputError(
                f"curation {correction}: ama:merges {value} is neither a Wikipedia page "
                "(https://en.wikipedia.org/wiki/...) nor a row of the AMA history",
                hint="name the pages the rows link the artist to, or the rows without a link",
            )
        other = ctx.same_entity.setdefault(key, correction)
        if other != correction:
            raise InputError(
                f"curation: {value} is merged by two corrections, {other} and {correction}",
                hint="state each entity's mentions in one correction",
            )
        named[correction].add(key)
    for correction, keys in sorted(named.items()):
        if len(keys) < 2:
            raise InputError(
                f"curation {correction}: ama:merges needs two or more mentions to merge",
                hint="name every page or row of the one entity",
            )


def stated_outcome(ctx: Context, node: URIRef) -> set[URIRef]:
    return {o for o in ctx.graph.objects(node, AMA.outcome) if isinstance(o, URIRef)}
