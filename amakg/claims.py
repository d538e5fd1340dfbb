"""The article's claims checked against the graph: each claim is a query file, not code.

A claim file (queries/claims/*.rq) opens with a header:

    # claim: https://w3id.org/amakg/id/claim/four-consecutive-pop-duo-group
    # title: BTS won Favorite Pop Duo or Group four years in a row, 2019 to 2022
    # verdict: what the rows are and how they decide (in words, for people)

and is a SELECT whose rows are the evidence. Every row binds two booleans: ?holds (the row
supports the claim) and ?covered (the data the row needs is there); ?note says what the row
shows and ?sources lists the ama:Source IRIs behind it (space-separated). The rows decide, the
same way for every claim:

- contradicted: a covered row does not hold (a counterexample in the data);
- not enough data: no rows, or a row is not covered (the data lacks what the claim needs);
- holds: otherwise (every row covered and holding).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from . import resources, sparqlfiles
from .errors import QueryError

HOLDS = "holds"
CONTRADICTED = "contradicted"
NOT_ENOUGH_DATA = "not enough data"

Rows = Sequence[Mapping[str, Node | None]]
QueryFn = Callable[[str], Rows]


@dataclass(frozen=True)
class Claim:
    """A claim file: the ama:Claim it checks, a title, the verdict semantics, the query."""

    iri: URIRef
    title: str
    semantics: str
    sparql: str
    path: Path


@dataclass(frozen=True)
class ClaimVerdict:
    claim: URIRef
    title: str
    verdict: str
    reason: str
    evidence: list[dict[str, Node | None]]
    sources: list[str]

    def to_json(self) -> dict[str, object]:
        """The verdict as JSON data (terms as prefixed names or plain values)."""
        from .output import short

        return {
            "claim": str(self.claim),
            "title": self.title,
            "verdict": self.verdict,
            "reason": self.reason,
            "evidence": [{k: short(x) for k, x in row.items()} for row in self.evidence],
            "sources": self.sources,
        }

    def to_text(self) -> str:
        """The verdict as a person reads it: verdict, title, why, the evidence, the sources."""
        from .output import short

        hidden = {"holds", "covered", "sources"}
        lines = [f"{self.verdict.upper():<16} {self.title}  ({short(self.claim)})"]
        lines.append(f"    why: {self.reason}")
        for row in self.evidence:
            cells = ", ".join(
                f"{k}={short(x)}" for k, x in row.items() if k not in hidden and x is not None
            )
            lines.append(f"    - {cells}")
        if self.sources:
            lines.append("    sources: " + ", ".join(self.sources))
        return "\n".join(lines)


def claims_dir() -> Path:
    return resources.queries_dir() / "claims"


def read_claim(path: Path) -> Claim:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for key, value in sparqlfiles.header(text):
        header.setdefault(key, value)
    missing = [k for k in ("claim", "title", "verdict") if k not in header]
    if missing:
        raise QueryError(
            f"{path}: the claim header lacks {', '.join(missing)}: start the file with "
            "'# claim: <IRI>', '# title: ...' and '# verdict: ...' lines"
        )
    return Claim(URIRef(header["claim"]), header["title"], header["verdict"], text, path)


def load_claims(folder: Path | None = None) -> list[Claim]:
    return [read_claim(p) for p in sorted((folder or claims_dir()).glob("*.rq"))]


def truth(value: Node | None) -> bool | None:
    """An xsd:boolean literal as a bool; None when unbound or not a boolean."""
    if isinstance(value, Literal) and str(value) in ("true", "1", "false", "0"):
        return str(value) in ("true", "1")
    return None


def decide(rows: Rows) -> tuple[str, str]:
    """The verdict of a claim's rows, with the reason in words."""
    if not rows:
        return NOT_ENOUGH_DATA, "the query found no evidence at all"
    covered = [r for r in rows if truth(r.get("covered")) is True]
    against = [r for r in covered if truth(r.get("holds")) is not True]
    if against:
        return CONTRADICTED, "; ".join(_note(r) for r in against)
    gaps = [r for r in rows if truth(r.get("covered")) is not True]
    if gaps:
        return NOT_ENOUGH_DATA, "; ".join(_note(r) for r in gaps)
    return HOLDS, f"all {len(rows)} evidence rows hold"


def _note(row: Mapping[str, Node | None]) -> str:
    note = row.get("note")
    return str(note) if note is not None else "a row without a note"


def sources_of(rows: Rows) -> list[str]:
    found = {s for r in rows if r.get("sources") is not None for s in str(r["sources"]).split()}
    return sorted(found)


def evaluate_claim(claim: Claim, query_fn: QueryFn) -> ClaimVerdict:
    rows = [dict(r) for r in query_fn(claim.sparql)]
    verdict, reason = decide(rows)
    return ClaimVerdict(claim.iri, claim.title, verdict, reason, rows, sources_of(rows))


def evaluate_claims(query_fn: QueryFn, claims: list[Claim] | None = None) -> list[ClaimVerdict]:
    """Run every claim query with `query_fn(sparql) -> rows` (rows: mappings from variable
    names to rdflib terms, e.g. amakg.store.Store().query(q).rows) and decide each."""
    return [evaluate_claim(c, query_fn) for c in (claims if claims is not None else load_claims())]
