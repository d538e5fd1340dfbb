"""Entities after merging (artists and works): their mentions, IRIs, and what a merge report
says about them (merges, ambiguous pairs, near-identical names).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from .context import Context
from .rows import Mention, Row


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
    links: dict[str, list[Row]] = field(default_factory=dict)  # Wikipedia title -> its rows
    correction: URIRef | None = None  # the curation correction that merged its mentions

    @property
    def name(self) -> str:
        """The preferred name: the most frequent spelling, the first seen on a tie."""
        return self.names.most_common(1)[0][0]

    @property
    def titles(self) -> list[str]:
        """Its Wikipedia titles, given by the most rows first (the first seen on a tie)."""
        return sorted(self.links, key=lambda t: -len(self.links[t]))

    def add(self, mention: Mention, row: Row, kind: str) -> None:
        self.names[mention.name] += 1
        if not self.rows or self.rows[-1] != row:
            self.rows.append(row)
        if mention.title is not None:
            rows = self.links.setdefault(mention.title, [])
            if not rows or rows[-1] != row:
                rows.append(row)
        self.kinds.add(kind)


@dataclass(frozen=True)
class Merge:
    entity: str
    how: str
    names: list[str]
    titles: list[str]
    rows: list[str]
    correction: str | None = None


@dataclass(frozen=True)
class Ambiguous:
    first: str
    second: str
    reason: str
    rows: list[str]


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
