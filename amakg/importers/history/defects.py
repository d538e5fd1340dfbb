"""The defect classes of the quality checks (queries/qc/*violation*.rq), found in one placement
of the rows: duplicate rows, no winner, two winners, two ceremonies in one year.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import URIRef

from ...vocab import AMA
from .context import Context
from .nominations import Nomination


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
