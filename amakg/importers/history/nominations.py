"""Nominations: one per nominee entry (a row, or the rows naming the same thing), one node per
artist; rows naming a nomination already named are merged and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ... import iris
from ...vocab import AMAR
from .artists import ArtistResolver
from .context import Context
from .entities import Entity
from .placement import Placement
from .rows import Entry


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
        who = tuple(entity_iri(artists.of[(entry.row.id, i)]) for i in range(len(entry.artists)))
        work = entity_iri(works[entry.row.id]) if entry.row.id in works else None
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


def entity_iri(entity: Entity) -> URIRef:
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
    return iris.nomination(
        _segment(placement.ceremony, "ceremony"),
        _segment(placement.category, "category"),
        _segment(artist, "artist"),
        _segment(work, "work") if work else None,
    )
