"""Artists of the rows -> entities: by Wikipedia link, then by normalized name, joined with the
article graph's artists; mentions a curation correction merges (ama:merges) are one entity.
Pairs that cannot be decided are reported as ambiguous and never merged.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from rapidfuzz import fuzz
from rdflib import URIRef

from ... import iris
from ...naming import fold, normalize
from .context import Context
from .entities import Ambiguous, Entity, Merge, assign_iris
from .rows import WIKIPEDIA, Entry, Mention

NEAR_IDENTICAL = 92  # rapidfuzz ratio (0-100) of normalized names from which a pair is reported


class ArtistResolver:
    """Artists of the entries -> entities, merged by link, then by normalized name."""

    def __init__(self, entries: list[Entry], ctx: Context) -> None:
        self.ctx = ctx
        self.entities: dict[str, Entity] = {}
        self.of: dict[tuple[str, int], Entity] = {}  # (row id, position in the row) -> entity
        self.ambiguous: list[Ambiguous] = []
        self._reported: set[str] = set()  # unlinked names already reported as ambiguous
        self.curation_used: set[str] = set()  # mention keys of ama:merges found in the rows
        unlinked: list[tuple[Entry, int, Mention]] = []
        for entry in entries:
            for i, mention in enumerate(entry.artists):
                if mention.title is None:
                    unlinked.append((entry, i, mention))
                else:
                    self._attach(self._curated(f"link:{mention.title}"), mention, entry, i)
        self._match_linked_to_context()
        self._attach_unlinked(unlinked)
        assign_iris(self.entities.values(), iris.artist, ctx)
        self._near_identical()

    def _curated(self, key: str) -> str:
        """The entity key of a mention: its correction's, if a curation correction merges it."""
        correction = self.ctx.same_entity.get(key)
        if correction is None:
            return key
        self.curation_used.add(key)
        return f"same:{correction}"

    def _attach(self, key: str, mention: Mention, entry: Entry, i: int) -> Entity:
        entity = self.entities.get(key)
        if entity is None:
            entity = self.entities[key] = Entity(key, mention.title)
        if key.startswith("same:"):
            entity.correction = URIRef(key.removeprefix("same:"))
            entity.how.add("curation")
        kind = "joint" if len(entry.artists) > 1 else entry.kind
        entity.add(mention, entry.row, kind)
        self.of[(entry.row.id, i)] = entity
        return entity

    def _match_linked_to_context(self) -> None:
        for entity in self.entities.values():
            by_link = set().union(*(self.ctx.artist_titles.get(t, set()) for t in entity.titles))
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
            row_key = f"row:{entry.row.id}"
            if row_key in self.ctx.same_entity and sum(m.title is None for m in entry.artists) == 1:
                self._attach(self._curated(row_key), mention, entry, i)
                continue
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
                    sorted(entity.links),
                    [r.id for r in entity.rows],
                    str(entity.correction) if entity.correction else None,
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
