"""Where each row belongs: its ceremony (the year's, or one of the ceremonies a curation split
the year into, where the rows allow it) and its category (the page's, or the name the
article graph uses in the same lineage that year).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from ... import iris
from .context import Context
from .rows import Entry, Mention


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
    return iris.category(entry.category_name)


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
        ceremonies = [iris.ceremony(year)] * len(group)
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
