"""The AMA history dataset (data/sources/ama-history/*.jl) -> three Turtle graphs and a report.

Each JSON line is one entry of an English Wikipedia "American Music Award for ..." page: a
category (the page title), a ceremony year, one or more artists with their /wiki/ links, whether
they won, and for album pages the album. The import

1. reads the rows (a row that cannot be read is dropped, with its reason, never silently);
2. resolves artists and works: one entity per Wikipedia link; a row without a link joins the one
   entity of the same normalized name (amakg.names.normalize), if there is exactly one; the
   article graph's entities are matched the same way (its DBpedia links, else its labels).
   Pairs that cannot be decided (one name, several links; near-identical names) are reported as
   ambiguous and never merged;
3. gives each row its ceremony (the year's; a year split by a curation decision gets its
   ceremonies in page order, where the rows allow it) and category (the page's name, or the
   name the article graph uses in the same lineage that year);
4. writes one ama:Nomination per nominee x category x ceremony (artists nominated together get
   one each), derived from its row(s); rows naming the same nomination twice are merged and
   reported;
5. writes nominations.ttl (asserted graph), provenance.ttl (provenance graph), links.ttl (links
   graph) and import-report.json / import-report.md, each atomically.

Curation (data/curation/*.ttl) is data the import reads, never code: ama:splitInto lists the
ceremonies of a year in order; ama:corrects names a nomination whose outcome the curation
states (the row's outcome is then not written). Without curation the import is raw: every
defect of the rows shows in the graph (see queries/qc/*violation*.rq).
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox
from rapidfuzz import fuzz
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, XSD
from rdflib.term import Node

from . import ids, resources
from .errors import InputError
from .export import write_atomic
from .identifiers import statement_iri
from .load import load_files
from .names import fold, normalize, strip_disambiguation, wiki_title
from .terms import to_ox
from .vocab import AMA, AMAR, PREFIXES, PROV, SCHEMA

Triple = tuple[URIRef, URIRef, Node]

PAGE_PREFIX = "American_Music_Award_for_"
ORGANIZATION = "American_Music_Award"
WIKIPEDIA = "https://en.wikipedia.org/wiki/"
DBPEDIA = "http://dbpedia.org/resource/"
LICENCE = URIRef("https://creativecommons.org/licenses/by-sa/3.0/")
NEAR_IDENTICAL = 92  # rapidfuzz ratio (0-100) of normalized names from which a pair is reported
_ARTIST_TYPES = (AMA.Group, AMA.SoloArtist, AMA.Artist)
_DBPEDIA_UNSAFE = set('"<>\\^`{|}%?#')


# ================================================================ rows and entries


@dataclass(frozen=True)
class Row:
    """One line of a JSON Lines file, as read (line numbers from 1)."""

    stem: str
    line: int
    raw: str

    @property
    def id(self) -> str:
        return f"{self.stem}:{self.line}"

    @property
    def node(self) -> URIRef:
        return AMAR[f"source/ama-history/{self.stem}/row-{self.line}"]


@dataclass(frozen=True)
class Mention:
    """A name as a row gives it, with its Wikipedia title (None when the row has no link)."""

    name: str
    title: str | None


@dataclass(frozen=True)
class Entry:
    """A row read into the domain: who was nominated for which category in which year."""

    row: Row
    page: str
    year: int
    artists: tuple[Mention, ...]
    winner: bool
    work: Mention | None

    @property
    def category_name(self) -> str:
        return self.page.removeprefix(PAGE_PREFIX).replace("_", " ")

    @property
    def kind(self) -> str:
        """group, solo, album or other: what the page's nominees are."""
        if "Band/Duo/Group" in self.page:
            return "group"
        if self.page.endswith(("_Male_Artist", "_Female_Artist")):
            return "solo"
        if self.page.endswith("_Album"):
            return "album"
        return "other"


@dataclass(frozen=True)
class Dropped:
    row: str
    reason: str


def source_files(source: Path) -> list[Path]:
    """The .jl files of a folder (sorted), or the one file given."""
    if source.is_dir():
        files = sorted(source.glob("*.jl"))
        if not files:
            raise InputError("no .jl files in this folder", path=str(source))
        return files
    if source.is_file():
        return [source]
    raise InputError("no such file or folder", path=str(source))


def read_rows(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", path=str(path)) from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [Row(path.stem, number, raw) for number, raw in enumerate(lines, start=1)]


def parse_entry(row: Row) -> Entry | Dropped:
    """The row as an Entry, or the reason it cannot be imported."""
    try:
        data = json.loads(row.raw)
    except json.JSONDecodeError as exc:
        return Dropped(row.id, f"not valid JSON: {exc.msg}")
    if not isinstance(data, dict):
        return Dropped(row.id, "not a JSON object")
    missing = [
        k
        for k in (
            "award_organization",
            "award_classification",
            "artists",
            "artist_links",
            "is_winner",
            "year",
        )
        if k not in data
    ]
    if missing:
        return Dropped(row.id, f"missing field(s): {', '.join(missing)}")
    page, year = data["award_classification"], str(data["year"])
    if data["award_organization"] != ORGANIZATION:
        return Dropped(row.id, f"award_organization {data['award_organization']!r} is not the AMAs")
    if not isinstance(page, str) or not page.startswith(PAGE_PREFIX):
        return Dropped(row.id, f"award_classification {page!r} is not an AMA category page")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        return Dropped(row.id, f"year {data['year']!r} is not a four-digit year")
    if not isinstance(data["is_winner"], bool):
        return Dropped(row.id, f"is_winner {data['is_winner']!r} is not true or false")
    artists = _mentions(data["artists"], data["artist_links"])
    if isinstance(artists, str):
        return Dropped(row.id, artists)
    work = None
    if "creative_work" in data:
        name = (data.get("creative_work") or "").strip()
        link = data.get("creative_work_link") or ""
        title = wiki_title(link) if link else None
        if not name and not title:
            return Dropped(row.id, "an album row without album title or link")
        if not name and title:
            name = strip_disambiguation(title.replace("_", " "))
        work = Mention(name, title)
    return Entry(row, page, int(year), artists, data["is_winner"], work)


def _mentions(names: object, links: object) -> tuple[Mention, ...] | str:
    if not isinstance(names, list) or not isinstance(links, list) or not names:
        return "artists must be a non-empty list with a link per name"
    if len(names) != len(links):
        return f"{len(names)} artist name(s) but {len(links)} link(s)"
    mentions = []
    for name, link in zip(names, links, strict=True):
        if not isinstance(name, str) or not name.strip():
            return "an empty artist name"
        mentions.append(Mention(name.strip(), wiki_title(link) if link else None))
    return tuple(mentions)


# ================================================================ the graph to merge with


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

    def label(self, node: URIRef) -> str | None:
        value = self.graph.value(node, SKOS.prefLabel) or self.graph.value(node, RDFS.label)
        return None if value is None else str(value)

    def has(self, node: URIRef) -> bool:
        return (node, None, None) in self.graph


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
    for kind in _ARTIST_TYPES:
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


# ================================================================ entities: artists and works


@dataclass
class Entity:
    """One artist (or work) after merging: every mention of it, and its IRI."""

    key: str
    title: str | None
    names: Counter[str] = field(default_factory=Counter)
    rows: list[Row] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    iri: URIRef | None = None
    in_context: bool = False
    how: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The preferred name: the most frequent spelling, the first seen on a tie."""
        return self.names.most_common(1)[0][0]

    def add(self, mention: Mention, row: Row, kind: str) -> None:
        self.names[mention.name] += 1
        if not self.rows or self.rows[-1] != row:
            self.rows.append(row)
        self.kinds.add(kind)


@dataclass(frozen=True)
class Merge:
    entity: str
    how: str
    names: list[str]
    titles: list[str]
    rows: list[str]


@dataclass(frozen=True)
class Ambiguous:
    first: str
    second: str
    reason: str
    rows: list[str]


class ArtistResolver:
    """Artists of the entries -> entities, merged by link, then by normalized name."""

    def __init__(self, entries: list[Entry], ctx: Context) -> None:
        self.ctx = ctx
        self.entities: dict[str, Entity] = {}
        self.of: dict[tuple[str, int], Entity] = {}  # (row id, position in the row) -> entity
        self.ambiguous: list[Ambiguous] = []
        self._reported: set[str] = set()  # unlinked names already reported as ambiguous
        unlinked: list[tuple[Entry, int, Mention]] = []
        for entry in entries:
            for i, mention in enumerate(entry.artists):
                if mention.title is None:
                    unlinked.append((entry, i, mention))
                else:
                    self._attach(f"link:{mention.title}", mention, entry, i)
        self._match_linked_to_context()
        self._attach_unlinked(unlinked)
        assign_iris(self.entities.values(), ids.artist, ctx)
        self._near_identical()

    def _attach(self, key: str, mention: Mention, entry: Entry, i: int) -> Entity:
        entity = self.entities.get(key)
        if entity is None:
            entity = self.entities[key] = Entity(key, mention.title)
        kind = "joint" if len(entry.artists) > 1 else entry.kind
        entity.add(mention, entry.row, kind)
        self.of[(entry.row.id, i)] = entity
        return entity

    def _match_linked_to_context(self) -> None:
        for entity in self.entities.values():
            assert entity.title is not None
            by_link = self.ctx.artist_titles.get(entity.title, set())
            if len(by_link) == 1:
                self._to_context(entity, next(iter(by_link)), "article-link")
                continue
            by_name = set().union(
                *(self.ctx.artist_names.get(normalize(n), set()) for n in entity.names)
            )
            unlinked = {c for c in by_name if not self._context_titles(c)}
            linked_elsewhere = by_name - unlinked
            for other in sorted(linked_elsewhere):
                self.ambiguous.append(
                    Ambiguous(
                        f"{entity.name} <{WIKIPEDIA}{entity.title}>",
                        str(other),
                        "same normalized name, different Wikipedia links (history vs article)",
                        [r.id for r in entity.rows],
                    )
                )
            if len(unlinked) == 1 and not linked_elsewhere:
                self._to_context(entity, next(iter(unlinked)), "article-name")
            elif len(unlinked) > 1:
                self.ambiguous.append(
                    Ambiguous(
                        entity.name,
                        ", ".join(sorted(unlinked)),
                        "name matches several article entities",
                        [r.id for r in entity.rows],
                    )
                )

    def _context_titles(self, node: URIRef) -> set[str]:
        return {t for t, nodes in self.ctx.artist_titles.items() if node in nodes}

    def _to_context(self, entity: Entity, node: URIRef, how: str) -> None:
        entity.iri, entity.in_context = node, True
        entity.how.add(how)

    def _attach_unlinked(self, unlinked: list[tuple[Entry, int, Mention]]) -> None:
        by_name: dict[str, list[Entity]] = defaultdict(list)
        for entity in self.entities.values():
            for name in entity.names:
                if entity not in by_name[normalize(name)]:
                    by_name[normalize(name)].append(entity)
        for entry, i, mention in unlinked:
            key = normalize(mention.name)
            history = by_name.get(key, [])
            matched = {e.iri for e in history if e.in_context}
            article = self.ctx.artist_names.get(key, set()) - matched
            candidates = len(history) + len(article)
            if candidates == 1 and history:
                entity = self._attach(history[0].key, mention, entry, i)
                entity.how.add("name")
            elif candidates == 1:
                entity = self._attach(f"name:{key}", mention, entry, i)
                self._to_context(entity, next(iter(article)), "article-name")
            else:
                entity = self._attach(f"name:{key}", mention, entry, i)
                if candidates > 1:
                    self._reported.add(entity.key)
                    others = [f"{e.name} <{WIKIPEDIA}{e.title}>" for e in history]
                    others += sorted(str(a) for a in article)
                    self.ambiguous.append(
                        Ambiguous(
                            f"{mention.name} (row {entry.row.id}, no link)",
                            "; ".join(others),
                            "a name without a link matches several entities",
                            [entry.row.id],
                        )
                    )

    def _near_identical(self) -> None:
        """Pairs of distinct entities (history, or history and article) with near-identical
        names: same normalized name, same name without accents or spaces, or a rapidfuzz ratio
        of at least NEAR_IDENTICAL."""
        history = sorted(self.entities.values(), key=lambda e: str(e.iri))
        used = {e.iri for e in history}
        others = [
            Entity(
                f"article:{node}", None, Counter({self.ctx.label(node) or str(node): 1}), iri=node
            )
            for nodes in self.ctx.artist_names.values()
            for node in nodes
            if node not in used
        ]
        others = sorted({e.key: e for e in others}.values(), key=lambda e: e.key)
        pool = [e for e in history if e.key not in self._reported]
        everyone = pool + others
        keys = [_name_keys(e.name) for e in everyone]
        for i, a in enumerate(pool):
            for j in range(i + 1, len(everyone)):
                b = everyone[j]
                reason = _near_identical(keys[i], keys[j])
                if reason and a.iri != b.iri:
                    rows = [r.id for r in a.rows + b.rows]
                    self.ambiguous.append(Ambiguous(_describe(a), _describe(b), reason, rows))

    def merges(self) -> list[Merge]:
        """Every entity made of more than one mention, or joined with an article entity."""
        out = []
        for entity in sorted(self.entities.values(), key=lambda e: str(e.iri)):
            how = set(entity.how)
            if len(entity.names) > 1:
                how.add("spellings")
            if len(entity.rows) < 2 and not entity.in_context:
                continue
            out.append(
                Merge(
                    str(entity.iri),
                    "+".join(sorted(how)) or "same-link-and-name",
                    sorted(entity.names),
                    [entity.title] if entity.title else [],
                    [r.id for r in entity.rows],
                )
            )
        return out


def _name_keys(name: str) -> tuple[str, str, str]:
    """normalize(name), fold(name), and normalize(name) without spaces."""
    return normalize(name), fold(name), normalize(name).replace(" ", "")


def _near_identical(a: tuple[str, str, str], b: tuple[str, str, str]) -> str | None:
    (na, fa, ca), (nb, fb, cb) = a, b
    if na == nb:
        return "same normalized name, different Wikipedia links"
    if fa == fb or ca == cb:
        return "near-identical names (accents or spaces)"
    ratio = fuzz.ratio(na, nb)
    return f"near-identical names (similarity {ratio:.0f})" if ratio >= NEAR_IDENTICAL else None


def _describe(entity: Entity) -> str:
    link = f" <{WIKIPEDIA}{entity.title}>" if entity.title else ""
    if entity.key.startswith("article:"):
        link = " (article)"
    elif not entity.title:
        link = " (no link)"
    return f"{entity.name}{link} = {entity.iri}"


def assign_iris(entities: Iterable[Entity], mint: object, ctx: Context) -> None:
    """Mint IRIs from names; entities whose IRIs collide all fall back to their link title, then
    to the name with the first row id. IRIs of the article graph are never reused."""
    assert callable(mint)
    pending = [e for e in entities if e.iri is None]
    level: dict[str, int] = {e.key: 0 for e in pending}
    taken = {e.iri for e in entities if e.iri is not None}

    def candidate(e: Entity, n: int) -> URIRef:
        names = [e.name] + ([e.title] if e.title else []) + [f"{e.name} {e.rows[0].id}"]
        iri: URIRef = mint(names[min(n, len(names) - 1)])
        return iri if not iri.endswith("/unnamed") or n >= len(names) - 1 else candidate(e, n + 1)

    for _ in range(4):
        by_iri: dict[URIRef, list[Entity]] = defaultdict(list)
        for e in pending:
            by_iri[candidate(e, level[e.key])].append(e)
        clash = False
        for iri, group in by_iri.items():
            if len(group) > 1 or iri in taken or ctx.has(iri):
                clash = True
                for e in group:
                    level[e.key] += 1
        if not clash:
            break
    for e in pending:
        e.iri = candidate(e, level[e.key])


def resolve_works(entries: list[Entry], artists: ArtistResolver, ctx: Context) -> dict[str, Entity]:
    """Works of album rows -> entities: by link, else by normalized title and artists."""
    works: dict[str, Entity] = {}
    for entry in entries:
        if entry.work is None:
            continue
        key = _work_key(entry, artists)
        work = works.setdefault(key, Entity(key, entry.work.title))
        work.add(entry.work, entry.row, "album")
    assign_iris(works.values(), ids.work, ctx)
    return {entry.row.id: works[_work_key(entry, artists)] for entry in entries if entry.work}


def _work_key(entry: Entry, artists: ArtistResolver) -> str:
    assert entry.work is not None
    if entry.work.title:
        return f"link:{entry.work.title}"
    who = ",".join(sorted(artists.of[(entry.row.id, i)].key for i in range(len(entry.artists))))
    return f"name:{normalize(entry.work.name)}|{who}"


# ================================================================ ceremonies and categories


@dataclass(frozen=True)
class Placement:
    """Where an entry belongs: its ceremony and category."""

    ceremony: URIRef
    category: URIRef


@dataclass(frozen=True)
class Unsplit:
    year: int
    category: str
    reason: str
    rows: list[str]


def page_category(entry: Entry) -> URIRef:
    return ids.category(entry.category_name)


def category_for(entry: Entry, ctx: Context) -> URIRef:
    """The page's category, or the one name of its lineage the article uses that year."""
    own = page_category(entry)
    lineage = ctx.lineage.get(own)
    in_use = ctx.names_in_use.get((lineage, entry.year), set()) if lineage else set()
    return next(iter(in_use)) if len(in_use) == 1 else own


def place(
    entries: list[Entry], ctx: Context, curated: bool
) -> tuple[dict[str, Placement], list[Unsplit]]:
    """Each entry's ceremony and category. A year the curation splits: the rows of each
    category-year in page order, one block per ceremony, each block led by its winner."""
    placed: dict[str, Placement] = {}
    unsplit: list[Unsplit] = []
    groups: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.page, entry.year)].append(entry)
    for (_page, year), group in groups.items():
        ceremonies = [ids.ceremony(year)] * len(group)
        if curated and year in ctx.splits:
            blocks, reason = split_blocks(group, len(ctx.splits[year][1]))
            if blocks is None:
                unsplit.append(
                    Unsplit(year, group[0].category_name, reason, [e.row.id for e in group])
                )
            else:
                ceremonies = [ctx.splits[year][1][b] for b in blocks]
        for entry, ceremony in zip(group, ceremonies, strict=True):
            placed[entry.row.id] = Placement(ceremony, category_for(entry, ctx))
    return placed, unsplit


def split_blocks(group: list[Entry], parts: int) -> tuple[list[int] | None, str]:
    """Block number of each entry (rows in page order), or None and why the rows do not allow it."""
    winners = [i for i, e in enumerate(group) if e.winner]
    if len(winners) != parts:
        return None, f"{len(winners)} winner(s) for {parts} ceremonies"
    if winners[0] != 0:
        return None, "the first row is not a winner, so the blocks have no leader"
    blocks = [sum(1 for w in winners if w <= i) - 1 for i in range(len(group))]
    seen: set[tuple[int, tuple[Mention, ...], Mention | None]] = set()
    for block, entry in zip(blocks, group, strict=True):
        key = (block, entry.artists, entry.work)
        if key in seen:
            return None, f"row {entry.row.id} repeats a nominee within one block"
        seen.add(key)
    return blocks, ""


# ================================================================ nominations


@dataclass
class Nomination:
    """One nominee entry (a row, or rows naming the same thing): one node per artist."""

    placement: Placement
    artists: tuple[URIRef, ...]
    work: URIRef | None
    rows: list[Entry] = field(default_factory=list)
    nodes: list[URIRef] = field(default_factory=list)

    @property
    def winner_rows(self) -> set[bool]:
        return {e.winner for e in self.rows}


@dataclass(frozen=True)
class MergedRow:
    row: str
    into: str
    kept_row: str
    identical: bool


def build_nominations(
    entries: list[Entry],
    placed: dict[str, Placement],
    artists: ArtistResolver,
    works: dict[str, Entity],
    ctx: Context,
) -> tuple[list[Nomination], list[MergedRow]]:
    by_key: dict[tuple[object, ...], Nomination] = {}
    merged: list[MergedRow] = []
    for entry in entries:
        placement = placed[entry.row.id]
        who = tuple(_iri(artists.of[(entry.row.id, i)]) for i in range(len(entry.artists)))
        work = _iri(works[entry.row.id]) if entry.row.id in works else None
        key = (placement, who, work)
        nomination = by_key.get(key)
        if nomination is None:
            nomination = by_key[key] = Nomination(placement, who, work)
            nomination.nodes = [_nomination_iri(placement, a, work, ctx) for a in who]
        else:
            first = nomination.rows[0]
            merged.append(
                MergedRow(
                    entry.row.id,
                    str(nomination.nodes[0]),
                    first.row.id,
                    first.row.raw == entry.row.raw,
                )
            )
        nomination.rows.append(entry)
    return list(by_key.values()), merged


def _iri(entity: Entity) -> URIRef:
    assert entity.iri is not None
    return entity.iri


def _segment(iri: URIRef, kind: str) -> str:
    return str(iri).removeprefix(str(AMAR[f"{kind}/"]))


def _nomination_iri(
    placement: Placement, artist: URIRef, work: URIRef | None, ctx: Context
) -> URIRef:
    known = ctx.nominations.get((placement.ceremony, placement.category, artist, work))
    if known is not None:
        return known
    return ids.nomination(
        _segment(placement.ceremony, "ceremony"),
        _segment(placement.category, "category"),
        _segment(artist, "artist"),
        _segment(work, "work") if work else None,
    )


# ================================================================ defects


@dataclass
class Defects:
    """The defect classes of the quality checks, as found in one placement of the rows."""

    duplicate_rows: list[dict[str, object]] = field(default_factory=list)
    no_winner: list[dict[str, object]] = field(default_factory=list)
    two_winners: list[dict[str, object]] = field(default_factory=list)
    double_ceremony: list[dict[str, object]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in asdict(self).items()}


def find_defects(
    nominations: list[Nomination], outcome: dict[URIRef, set[URIRef]], ctx: Context
) -> Defects:
    found = Defects()
    winners: dict[tuple[URIRef, URIRef], list[Nomination]] = defaultdict(list)
    slots: dict[tuple[URIRef, URIRef], list[Nomination]] = defaultdict(list)
    for n in nominations:
        slot = (n.placement.ceremony, n.placement.category)
        slots[slot].append(n)
        if len(n.rows) > 1:
            found.duplicate_rows.append(
                {
                    "nomination": str(n.nodes[0]),
                    "rows": [e.row.id for e in n.rows],
                    "identical": len({e.row.raw for e in n.rows}) == 1,
                }
            )
        if AMA.Won in outcome[n.nodes[0]]:
            winners[slot].append(n)
    for slot, group in sorted(slots.items()):
        entry: dict[str, object] = {
            "ceremony": str(slot[0]),
            "category": str(slot[1]),
            "rows": [e.row.id for n in group for e in n.rows],
        }
        if not winners.get(slot):
            found.no_winner.append(entry)
        elif len(winners[slot]) > 1:
            names = [m.name for n in winners[slot] for m in n.rows[0].artists]
            found.two_winners.append({**entry, "winners": names})
    per_ceremony = Counter(c for (c, _), w in winners.items() if len(w) > 1)
    for ceremony, categories in sorted(per_ceremony.items()):
        if categories > 1:
            found.double_ceremony.append(
                {"ceremony": str(ceremony), "categories_with_two_winners": categories}
            )
    for year, (correction, ceremonies) in sorted(ctx.splits.items()):
        found.double_ceremony.append(
            {
                "year": year,
                "ceremonies": [str(c) for c in ceremonies],
                "documented_by": str(correction),
            }
        )
    return found


# ================================================================ the graphs


@dataclass
class Graphs:
    asserted: list[Triple] = field(default_factory=list)
    provenance: list[Triple] = field(default_factory=list)
    links: list[Triple] = field(default_factory=list)


def _lit(value: str, lang: str | None = None) -> Literal:
    return Literal(value, lang=lang)


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def dbpedia_resource(title: str) -> URIRef:
    """The DBpedia resource IRI of a Wikipedia title, encoded as DBpedia does (IRI characters
    kept, e.g. Beyoncé; only characters IRIs forbid, and ?, # and %, percent-encoded)."""
    out = []
    for ch in title.replace(" ", "_"):
        if ch in _DBPEDIA_UNSAFE or ch.isspace() or not ch.isprintable():
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return URIRef(DBPEDIA + "".join(out))


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
            (node, RDFS.label, _lit(f"AMA history dataset file {stem}.jl", "en")),
            (
                node,
                DCTERMS.title,
                _lit(
                    f"{stem}.jl: American Music Awards nominations scraped "
                    "from the English Wikipedia",
                    "en",
                ),
            ),
            (node, DCTERMS.source, _lit(f"data/sources/ama-history/{stem}.jl")),
            (node, DCTERMS.license, LICENCE),
            (
                node,
                DCTERMS.rights,
                _lit(
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
            (row.node, RDFS.label, _lit(f"{row.stem}.jl, line {row.line}", "en")),
            (row.node, AMA.sourceRow, _int(row.line)),
            (row.node, DCTERMS.isPartOf, source_node(row.stem)),
            (row.node, AMA.quote, _lit(row.raw)),
        ]
    return triples


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
        self.add(node, RDFS.label, _lit(name, lang))
        self.add(node, SKOS.prefLabel, _lit(name, lang))

    def artist(self, entity: Entity) -> None:
        node = _iri(entity)
        types = _artist_types(entity.kinds)
        if not entity.in_context:
            self.labels(node, entity.name)
        known = {
            str(v)
            for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
            for v in self.ctx.graph.objects(node, p)
        } | {entity.name}
        for name in sorted(entity.names):
            if name not in known:
                self.add(node, SKOS.altLabel, _lit(name))
        for kind in types:
            if (node, RDF.type, kind) not in self.ctx.graph:
                self.add(node, RDF.type, kind)
        self.derived(node, entity.rows)
        if entity.title:
            self.link(node, entity)

    def link(self, node: URIRef, entity: Entity) -> None:
        assert entity.title is not None
        target = dbpedia_resource(entity.title)
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
        for predicate in (SKOS.exactMatch, SCHEMA.sameAs):
            statement = statement_iri(node, "dbpedia", predicate)
            self.out.links += [
                (node, predicate, target),
                (statement, RDF.type, RDF.Statement),
                (statement, RDF.subject, node),
                (statement, RDF.predicate, predicate),
                (statement, RDF.object, target),
            ]
            self.out.links += [(statement, PROV.wasDerivedFrom, r.node) for r in entity.rows]

    def work(self, entity: Entity) -> None:
        node = _iri(entity)
        if not self.ctx.has(node):
            self.add(node, RDF.type, AMA.Work)
            self.labels(node, entity.name)
            for name in sorted(entity.names):
                if name != entity.name:
                    self.add(node, SKOS.altLabel, _lit(name))
        self.derived(node, entity.rows)

    def ceremony(self, node: URIRef, year: int, rows: list[Row]) -> None:
        if not self.ctx.has(node):
            self.add(node, RDF.type, AMA.Ceremony)
            self.labels(node, self.name_of(node), "en")
            self.add(node, AMA.year, _int(year))
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
            lineage = ids.lineage(name)
            self.add(node, AMA.lineage, lineage)
            self.add(lineage, RDF.type, AMA.CategoryLineage)
            self.labels(lineage, f"{name}, under all its names", "en")
            self.derived(lineage, rows)
        if own and self.ctx.graph.value(node, AMA.introducedIn) is None:
            self.add(node, AMA.introducedIn, _int(min(years)))
        if (
            own
            and self.ctx.successors.get(node)
            and self.ctx.graph.value(node, AMA.lastYear) is None
        ):
            self.add(node, AMA.lastYear, _int(max(years)))
        self.derived(node, rows)

    def nomination(self, n: Nomination, outcome: set[URIRef]) -> None:
        for node, artist in zip(n.nodes, n.artists, strict=True):
            if not self.ctx.has(node):
                self.add(node, RDF.type, AMA.Nomination)
                self.add(node, RDFS.label, _lit(self._nomination_label(n, artist, outcome), "en"))
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
        what = {frozenset({AMA.Won}): "won", frozenset({AMA.Nominated}): "nominated"}.get(
            frozenset(outcome), "conflicting rows"
        )
        parts = [self.name_of(artist)]
        if n.work is not None:
            parts.append(self.name_of(n.work))
        parts += [self.name_of(n.placement.category), self.name_of(n.placement.ceremony)]
        return f"{', '.join(parts)} ({what})"

    def outcome(self, n: Nomination) -> set[URIRef]:
        """The outcome(s) to write: the rows', unless a curation correction states it."""
        rows = {AMA.Won if w else AMA.Nominated for w in n.winner_rows}
        node = n.nodes[0]
        stated = _stated_outcome(self.ctx, node)
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


def _artist_types(kinds: set[str]) -> list[URIRef]:
    types = []
    if "group" in kinds:
        types.append(AMA.Group)
    if "solo" in kinds:
        types.append(AMA.SoloArtist)
    return types or [AMA.Artist]


# ================================================================ the report


@dataclass
class ImportReport:
    """What an import read, wrote, merged, dropped and found (see import-report.md)."""

    curated: bool
    files: list[str]
    rows_in: int
    rows_imported: int
    nominations_out: int
    joint_rows: list[str]
    merged_rows: list[MergedRow]
    dropped: list[Dropped]
    merges: list[Merge]
    ambiguous: list[Ambiguous]
    defects_found: Defects
    defects_remaining: Defects
    unsplit: list[Unsplit]
    superseded_outcomes: list[dict[str, str]]
    conflicts: list[dict[str, str]]
    notes: dict[str, list[str]]
    counts: dict[str, int]
    seconds: float = 0.0

    def reconciles(self) -> bool:
        """rows in = rows imported + merged rows + dropped rows; and every imported row is one
        nomination per artist (rows of artists nominated together give one per artist)."""
        extra = self.counts.get("extra_nominations_from_joint_rows", 0)
        return (
            self.rows_in == self.rows_imported + len(self.merged_rows) + len(self.dropped)
            and self.nominations_out == self.rows_imported + extra
        )

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("seconds")
        data["reconciles"] = self.reconciles()
        return data

    def to_markdown(self) -> str:
        return render_markdown(self)


def render_markdown(r: ImportReport) -> str:
    mode = "curated (data/curation applied)" if r.curated else "raw (no curation)"
    extra = r.counts.get("extra_nominations_from_joint_rows", 0)
    lines = [
        "# AMA history import report",
        "",
        "GENERATED by amakg.history.import_history(): do not edit by hand.",
        "",
        f"Mode: {mode}. Files: {', '.join(r.files)}.",
        "",
        "## Counts",
        "",
        "| what | count |",
        "|---|---|",
        f"| rows in | {r.rows_in} |",
        f"| rows imported (one nomination entry each) | {r.rows_imported} |",
        f"| rows merged into another row's nomination | {len(r.merged_rows)} |",
        f"| rows dropped | {len(r.dropped)} |",
        f"| nominations out (one per artist) | {r.nominations_out} |",
        f"| of which extra nominations of joint rows ({len(r.joint_rows)} rows) | {extra} |",
        *(
            f"| {k.replace('_', ' ')} | {v} |"
            for k, v in sorted(r.counts.items())
            if k != "extra_nominations_from_joint_rows"
        ),
        "",
        f"Reconciliation: {r.rows_in} rows in = {r.rows_imported} imported + "
        f"{len(r.merged_rows)} merged + {len(r.dropped)} dropped; {r.nominations_out} "
        f"nominations = {r.rows_imported} + {extra} (joint rows): "
        f"{'holds' if r.reconciles() else 'DOES NOT HOLD'}.",
        "",
        "## Defects",
        "",
        "Found: as the raw import shows them (the rows merged with the article graph, no "
        "curation). Remaining: after data/curation; each remaining one is documented there by "
        "an ama:Correction (queries/qc/*violation*.rq list it with its ?correction).",
        "",
        "| class | found (raw import) | remaining (curated) |",
        "|---|---|---|",
        *(
            f"| {k.replace('_', ' ')} | {v} | {r.defects_remaining.counts()[k]} |"
            for k, v in r.defects_found.counts().items()
        ),
        "",
    ]
    lines += _section(
        "Merged rows",
        [
            f"{m.row} -> {m.into} (same as {m.kept_row}; "
            f"{'identical line' if m.identical else 'different line'})"
            for m in r.merged_rows
        ],
    )
    lines += _section("Dropped rows", [f"{d.row}: {d.reason}" for d in r.dropped])
    lines += _section(
        "Ceremony splits the rows do not allow",
        [f"{u.year} {u.category}: {u.reason} (rows {', '.join(u.rows)})" for u in r.unsplit],
    )
    lines += _section(
        "Outcomes superseded by a curation correction",
        [f"{s['nomination']} (rows {s['rows']}): {s['correction']}" for s in r.superseded_outcomes],
    )
    lines += _section(
        "Conflicts with the article graph",
        [", ".join(f"{k}: {v}" for k, v in c.items()) for c in r.conflicts],
    )
    lines += _section(
        "Ambiguous pairs (never merged)",
        [f"{a.first} | {a.second}: {a.reason}" for a in r.ambiguous],
    )
    lines += _section(
        "Merges (entities made of several mentions)",
        [
            f"{m.entity} [{m.how}]: {' / '.join(m.names)} ({len(m.rows)} rows)"
            for m in r.merges
            if m.how != "same-link-and-name"
        ],
    )
    lines.append(
        f"{sum(m.how == 'same-link-and-name' for m in r.merges)} more entities merge rows "
        "with the same link and the same name (listed in import-report.json)."
    )
    lines.append("")
    for name, items in sorted(r.notes.items()):
        lines += _section(f"Notes: {name.replace('_', ' ')}", items)
    for title, defects in (("found", r.defects_found), ("remaining", r.defects_remaining)):
        for kind, items in asdict(defects).items():
            lines += _section(
                f"Defects {title}: {kind.replace('_', ' ')}",
                [json.dumps(i, ensure_ascii=False) for i in items],
            )
    return "\n".join(lines).rstrip() + "\n"


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return [f"## {title}", "", "None.", ""]
    return [f"## {title}", "", *(f"- {i}" for i in items), ""]


# ================================================================ writing


HEADERS = {
    "nominations.ttl": "Asserted facts of the AMA history import: ceremonies, categories, "
    "lineages, artists, works and nominations.\n"
    "# Graph: <https://w3id.org/amakg/graph/asserted>.",
    "provenance.ttl": "Provenance of the AMA history import: the dataset files (ama:Source) and "
    "every row\n# (ama:Sentence with ama:sourceRow = line number, ama:quote = "
    "the raw JSON line).\n# Graph: <https://w3id.org/amakg/graph/provenance>.",
    "links.ttl": "DBpedia links of the history's artists, from the rows' Wikipedia links; each "
    "link\n# triple is described by an rdf:Statement derived from the rows.\n"
    "# Graph: <https://w3id.org/amakg/graph/links>.",
}
_PREFIXES = ("ama", "rdf", "rdfs", "xsd", "skos", "prov", "dcterms", "schema")


def write_turtle(path: Path, triples: list[Triple]) -> Path:
    unique = sorted(set(triples), key=lambda t: (str(t[0]), t[1] != RDF.type, str(t[1]), str(t[2])))
    body = ox.serialize(
        [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in unique],  # type: ignore[arg-type]
        format=ox.RdfFormat.TURTLE,
        prefixes={p: PREFIXES[p] for p in _PREFIXES},
    )
    header = (
        f"# {HEADERS[path.name]}\n# GENERATED by amakg.history.import_history() from "
        "data/sources/ama-history/*.jl: do not edit by hand.\n\n"
    )
    return write_atomic(path, _writer(header.encode() + (body or b"")), len(unique))


def _writer(payload: bytes) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        tmp.write_bytes(payload)

    return write


def write_report(out_dir: Path, report: ImportReport) -> None:
    text = json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n"
    write_atomic(out_dir / "import-report.json", _writer(text.encode()))
    write_atomic(out_dir / "import-report.md", _writer(report.to_markdown().encode()))


# ================================================================ the import


@dataclass
class Imported:
    """The import's graphs (as triples) and its report, before writing."""

    graphs: Graphs
    report: ImportReport


def import_history(
    source_dir: Path, out_dir: Path | None, article: Graph, curation: Graph | None = None
) -> ImportReport:
    """Import the .jl files of `source_dir` (or one .jl file), merged with `article` (the article
    graph with its links), applying `curation` if given. Writes the three Turtle files and the
    report into `out_dir` (nothing is written when it is None)."""
    started = time.perf_counter()
    result = run_import(source_dir, article, curation)
    if out_dir is not None:
        write_turtle(out_dir / "nominations.ttl", result.graphs.asserted)
        write_turtle(out_dir / "provenance.ttl", result.graphs.provenance)
        write_turtle(out_dir / "links.ttl", result.graphs.links)
        write_report(out_dir, result.report)
    result.report.seconds = time.perf_counter() - started
    return result.report


def run_import(source: Path, article: Graph, curation: Graph | None = None) -> Imported:
    files = source_files(source)
    rows = [row for path in files for row in read_rows(path)]
    entries: list[Entry] = []
    dropped: list[Dropped] = []
    for row in rows:
        parsed = parse_entry(row)
        (entries if isinstance(parsed, Entry) else dropped).append(parsed)  # type: ignore[arg-type]
    ctx = read_context(article, curation)
    if ctx.program is None:
        raise InputError(
            "the article graph has no single ama:AwardProgram to attach ceremonies to",
            hint="pass data/article.ttl (with data/links/*.ttl) as the article graph",
        )
    artists = ArtistResolver(entries, ctx)
    works = resolve_works(entries, artists, ctx)
    curated = curation is not None
    placed, unsplit = place(entries, ctx, curated)
    nominations, merged = build_nominations(entries, placed, artists, works, ctx)
    names = {_iri(e): e.name for e in artists.entities.values()}
    names |= {_iri(w): w.name for w in works.values()}
    names |= {ids.ceremony(e.year): f"{e.year} American Music Awards" for e in entries}
    names |= {page_category(e): e.category_name for e in entries}
    writer = GraphWriter(ctx, curated, names)
    outcomes = {n.nodes[0]: writer.outcome(n) for n in nominations}
    _write_entities(writer, entries, placed, artists, works)
    for n in nominations:
        writer.nomination(n, outcomes[n.nodes[0]])
    final = {
        n.nodes[0]: outcomes[n.nodes[0]] | _stated_outcome(ctx, n.nodes[0]) for n in nominations
    }
    remaining = find_defects(nominations, final, ctx)
    found = remaining if not curated else raw_defects(entries, article, artists, works)
    graphs = writer.out
    graphs.provenance = provenance_triples(rows, entries)
    report = ImportReport(
        curated=curated,
        files=[p.name for p in files],
        rows_in=len(rows),
        rows_imported=len(nominations),
        nominations_out=sum(len(n.nodes) for n in nominations),
        joint_rows=[e.row.id for e in entries if len(e.artists) > 1],
        merged_rows=merged,
        dropped=dropped,
        merges=artists.merges(),
        ambiguous=artists.ambiguous,
        defects_found=found,
        defects_remaining=remaining,
        unsplit=unsplit,
        superseded_outcomes=writer.superseded,
        conflicts=writer.conflicts,
        notes=_notes(entries, artists, works),
        counts=_counts(entries, nominations, artists, works, graphs),
    )
    return Imported(graphs, report)


def raw_defects(
    entries: list[Entry], article: Graph, artists: ArtistResolver, works: dict[str, Entity]
) -> Defects:
    """The defects as the raw import shows them: the rows and the article, no curation."""
    ctx = read_context(article, None)
    placed, _ = place(entries, ctx, False)
    nominations, _ = build_nominations(entries, placed, artists, works, ctx)
    outcomes = {
        n.nodes[0]: {AMA.Won if w else AMA.Nominated for w in n.winner_rows}
        | _stated_outcome(ctx, n.nodes[0])
        for n in nominations
    }
    return find_defects(nominations, outcomes, ctx)


def _stated_outcome(ctx: Context, node: URIRef) -> set[URIRef]:
    return {o for o in ctx.graph.objects(node, AMA.outcome) if isinstance(o, URIRef)}


def _write_entities(
    writer: GraphWriter,
    entries: list[Entry],
    placed: dict[str, Placement],
    artists: ArtistResolver,
    works: dict[str, Entity],
) -> None:
    for entity in sorted(artists.entities.values(), key=lambda e: e.key):
        writer.artist(entity)
    for work in {id(w): w for w in works.values()}.values():
        writer.work(work)
    by_ceremony: dict[URIRef, list[Entry]] = defaultdict(list)
    by_category: dict[URIRef, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_ceremony[placed[entry.row.id].ceremony].append(entry)
        by_category[placed[entry.row.id].category].append(entry)
    for ceremony, group in by_ceremony.items():
        writer.ceremony(ceremony, group[0].year, [e.row for e in group])
    for category, group in by_category.items():
        writer.category(
            category,
            group[0].category_name,
            [e.year for e in group],
            [e.row for e in group],
            own=category == page_category(group[0]),
        )


def _notes(
    entries: list[Entry], artists: ArtistResolver, works: dict[str, Entity]
) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        for mention in entry.artists:
            if mention.title is None:
                notes["artist_without_link"].append(f"{entry.row.id}: {mention.name}")
            if normalize(mention.name) == "various artists":
                notes["placeholder_artist"].append(
                    f"{entry.row.id}: 'Various Artists' (a compilation or soundtrack) kept as "
                    "the row's nominee, typed ama:Artist"
                )
        if len(entry.artists) > 1:
            notes["joint_row"].append(
                f"{entry.row.id}: {' & '.join(m.name for m in entry.artists)}: one nomination "
                "per artist, typed ama:Artist (the row does not say solo or group)"
            )
        if entry.work is not None and not json.loads(entry.row.raw).get("creative_work"):
            notes["work_title_from_link"].append(
                f"{entry.row.id}: no creative_work; title {entry.work.name!r} from the link "
                f"{entry.work.title!r}"
            )
    for work in {id(w): w for w in works.values()}.values():
        if work.iri != ids.work(work.name):
            why = (
                "a title without letters or digits"
                if ids.work(work.name) == AMAR["work/unnamed"]
                else "its title is shared with another work"
            )
            notes["work_iri_not_from_title"].append(f"{work.iri}: {work.name!r} ({why})")
    for entity in artists.entities.values():
        if not entity.in_context and entity.iri != ids.artist(entity.name):
            notes["artist_iri_not_from_name"].append(
                f"{entity.iri}: {entity.name!r} (its name is shared with another entity)"
            )
    for entity in artists.entities.values():
        types = set(_artist_types(entity.kinds))
        if {AMA.Group, AMA.SoloArtist} <= types:
            notes["type_conflict"].append(
                f"{entity.iri}: nominated as a group and as a solo artist"
            )
    return dict(notes)


def _counts(
    entries: list[Entry],
    nominations: list[Nomination],
    artists: ArtistResolver,
    works: dict[str, Entity],
    graphs: Graphs,
) -> dict[str, int]:
    entities = artists.entities.values()
    return {
        "extra_nominations_from_joint_rows": sum(len(n.nodes) - 1 for n in nominations),
        "artists": len({e.iri for e in entities}),
        "artists_matched_to_the_article": sum(e.in_context for e in entities),
        "artists_with_dbpedia_link": sum(1 for e in entities if e.title),
        "works": len({id(w) for w in works.values()}),
        "categories": len({e.page for e in entries}),
        "ceremony_years": len({e.year for e in entries}),
        "winner_rows": sum(e.winner for e in entries),
        "asserted_triples": len(set(graphs.asserted)),
        "provenance_triples": len(set(graphs.provenance)),
        "links_triples": len(set(graphs.links)),
    }


# ================================================================ defaults of the repository


def history_dir() -> Path:
    return resources.data_dir() / "sources" / "ama-history"


def output_dir() -> Path:
    return resources.data_dir() / "history"


def article_graph() -> Graph:
    """data/article.ttl with the links graph's files: what the history is merged with."""
    data = resources.data_dir()
    return load_files([data / "article.ttl", *sorted((data / "links").glob("*.ttl"))])


def curation_graph() -> Graph:
    """The curation decisions and facts (data/curation/*.ttl, provenance excluded)."""
    folder = resources.data_dir() / "curation"
    return load_files(p for p in sorted(folder.glob("*.ttl")) if p.name != "provenance.ttl")


def import_default(out_dir: Path | None = None) -> ImportReport:
    """The repository's import: data/sources/ama-history -> data/history, curated."""
    return import_history(history_dir(), out_dir or output_dir(), article_graph(), curation_graph())
