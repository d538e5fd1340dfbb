"""The reconciliation linker: our artists against the artists of an external RDF dataset.

Pipeline: profiles (labels, kind, albums, members, years) of both sides -> blocking on
normalized names -> scoring of each candidate pair -> decision (accepted / ambiguous / rejected).

Score of a pair, in [0, 1], every part written into the pair's evidence:
  0.9 x name similarity   (rapidfuzz on fold(strip_disambiguation(label)), best pair of labels)
  + 0.05 if the kinds agree (group vs person), - 0.2 if they contradict, 0 if either is unknown
  + 0.05 if they share an album title, + 0.05 if they share a member
  - 0.1 if the external artist's albums all came out over 10 years after our last nomination
An exact name with agreeing kinds scores 0.95; with an unknown kind 0.9.
A pair is accepted only if it scores >= threshold and no other candidate of either entity comes
within `margin` of it; such near-ties go to review and are never accepted automatically.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from rdflib import Graph, URIRef

from .. import resources
from ..dataset import read_manifest
from ..errors import InputError
from ..load import load_files, parse_file
from ..vocab import ASSERTED
from .profile import Mapping, Profile, load_mapping, name_key, our_profiles, their_profiles

__all__ = [
    "Candidate",
    "LinkResult",
    "LinkStats",
    "Mapping",
    "Review",
    "find_mapping",
    "link",
    "link_file",
    "load_mapping",
    "our_graph",
]

NAME_WEIGHT = 0.9
KIND_AGREES, KIND_CONTRADICTS = 0.05, -0.2
SHARED_ALBUM, SHARED_MEMBER = 0.05, 0.05
YEARS_CONTRADICT = -0.1
YEARS_GAP = 10  # albums starting this many years after our last nomination contradict
MAX_BLOCK = 25  # a name token shared by more external entities than this is not a blocking key


# ---------------------------------------------------------------- blocking


def blocking_keys(profile: Profile) -> set[str]:
    """Whole-name keys (spaces removed), sorted-token keys and single name tokens."""
    keys: set[str] = set()
    for key in profile.keys:
        tokens = key.split()
        keys.add("name:" + "".join(tokens))
        keys.add("sorted:" + " ".join(sorted(tokens)))
        keys |= {"token:" + t for t in tokens if len(t) > 1}
    return keys


def candidate_pairs(
    ours: dict[URIRef, Profile], theirs: dict[URIRef, Profile]
) -> set[tuple[URIRef, URIRef]]:
    """Pairs sharing a blocking key; tokens shared by more than MAX_BLOCK external entities
    (e.g. 'john', 'band') are dropped as keys, whole-name keys never are."""
    index: dict[str, set[URIRef]] = defaultdict(set)
    for iri, profile in theirs.items():
        for key in blocking_keys(profile):
            index[key].add(iri)
    pairs: set[tuple[URIRef, URIRef]] = set()
    for iri, profile in ours.items():
        for key in blocking_keys(profile):
            block = index.get(key, set())
            if key.startswith("token:") and len(block) > MAX_BLOCK:
                continue
            pairs |= {(iri, other) for other in block}
    return pairs


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Candidate:
    """A scored pair: our IRI, their IRI, the score and the evidence behind it."""

    ours: URIRef
    theirs: URIRef
    score: float
    our_label: str
    their_label: str
    evidence: tuple[str, ...]


def name_similarity(ours: Profile, theirs: Profile) -> tuple[float, str, str]:
    """Best similarity in [0, 1] over pairs of labels, and the two labels that gave it."""
    best = (0.0, ours.labels[0] if ours.labels else "", theirs.labels[0] if theirs.labels else "")
    for a in ours.labels:
        for b in theirs.labels:
            ka, kb = name_key(a), name_key(b)
            if not ka or not kb:
                continue
            if ka == kb:
                return 1.0, a, b
            if ka.replace(" ", "") == kb.replace(" ", ""):
                sim = 0.99
            else:
                sim = max(fuzz.ratio(ka, kb), fuzz.token_sort_ratio(ka, kb)) / 100
            if sim > best[0]:
                best = (sim, a, b)
    return best


def score(ours: Profile, theirs: Profile) -> Candidate:
    """Score one pair (see the module docstring for the formula)."""
    sim, our_label, their_label = name_similarity(ours, theirs)
    value = NAME_WEIGHT * sim
    evidence = [f"name {sim:.2f}: {our_label!r} ~ {their_label!r}"]
    if ours.kinds and theirs.kinds:
        if ours.kinds & theirs.kinds:
            value += KIND_AGREES
            evidence.append(f"kind agrees: {'/'.join(sorted(ours.kinds & theirs.kinds))}")
        else:
            value += KIND_CONTRADICTS
            evidence.append(
                f"kind contradicts: ours {'/'.join(sorted(ours.kinds))}, "
                f"theirs {'/'.join(sorted(theirs.kinds))}"
            )
    shared_albums = sorted(ours.albums & theirs.albums)
    if shared_albums:
        value += SHARED_ALBUM
        evidence.append("shared albums: " + "; ".join(shared_albums))
    shared_members = sorted(ours.members & theirs.members)
    if shared_members:
        value += SHARED_MEMBER
        evidence.append("shared members: " + "; ".join(shared_members))
    if ours.years and theirs.years:
        if min(theirs.years) > max(ours.years) + YEARS_GAP:
            value += YEARS_CONTRADICT
            evidence.append(
                f"years contradict: albums from {min(theirs.years)}, "
                f"nominations up to {max(ours.years)}"
            )
        else:
            evidence.append(
                f"years fit: albums {min(theirs.years)}-{max(theirs.years)}, "
                f"nominations {min(ours.years)}-{max(ours.years)}"
            )
    value = round(min(1.0, max(0.0, value)), 4)
    return Candidate(ours.iri, theirs.iri, value, our_label, their_label, tuple(evidence))


# ---------------------------------------------------------------- decision


@dataclass(frozen=True)
class Review:
    """An entity with near-tied candidates: listed for a person to decide, never accepted."""

    candidates: tuple[Candidate, ...]
    reason: str


@dataclass(frozen=True)
class LinkStats:
    ours: int
    theirs: int
    all_pairs: int
    candidate_pairs: int
    seconds: float


@dataclass
class LinkResult:
    accepted: list[Candidate]
    ambiguous: list[Review]
    rejected: list[Candidate]
    stats: LinkStats
    mapping: Mapping
    threshold: float


def link(
    ours: Graph,
    theirs: Graph,
    mapping: Mapping,
    threshold: float = 0.9,
    *,
    margin: float = 0.05,
    review_floor: float | None = None,
) -> LinkResult:
    """Reconcile our artists with the external dataset's (see the module docstring).

    Candidates scoring below `review_floor` (default threshold - 0.1) are rejected; the best
    candidate of an entity is accepted at >= threshold unless another candidate of the same
    entity, or another of our entities for the same external one, scores within `margin`.
    """
    start = time.perf_counter()
    floor = threshold - 0.1 if review_floor is None else review_floor
    our_side, their_side = our_profiles(ours), their_profiles(theirs, mapping)
    pairs = candidate_pairs(our_side, their_side)
    scored = [score(our_side[a], their_side[b]) for a, b in sorted(pairs)]
    kept = [c for c in scored if c.score >= floor]
    rejected = [c for c in scored if c.score < floor]
    accepted, ambiguous = _decide(kept, threshold, margin)
    stats = LinkStats(
        ours=len(our_side),
        theirs=len(their_side),
        all_pairs=len(our_side) * len(their_side),
        candidate_pairs=len(pairs),
        seconds=round(time.perf_counter() - start, 3),
    )
    return LinkResult(accepted, ambiguous, rejected, stats, mapping, threshold)


def _decide(
    kept: list[Candidate], threshold: float, margin: float
) -> tuple[list[Candidate], list[Review]]:
    by_ours: dict[URIRef, list[Candidate]] = defaultdict(list)
    by_theirs: dict[URIRef, list[Candidate]] = defaultdict(list)
    for c in kept:
        by_ours[c.ours].append(c)
        by_theirs[c.theirs].append(c)
    accepted: list[Candidate] = []
    ambiguous: list[Review] = []
    seen: set[frozenset[tuple[URIRef, URIRef]]] = set()

    def review(candidates: tuple[Candidate, ...], reason: str) -> None:
        key = frozenset((c.ours, c.theirs) for c in candidates)
        if key not in seen:  # a cluster of our entities for one external one is listed once
            seen.add(key)
            ambiguous.append(Review(candidates, reason))

    for iri in sorted(by_ours):
        ranked = sorted(by_ours[iri], key=lambda c: (-c.score, str(c.theirs)))
        best = ranked[0]
        near = round(best.score - margin, 4)
        rivals = [c for c in ranked[1:] if c.score >= near]
        contenders = [c for c in by_theirs[best.theirs] if c.ours != iri and c.score >= near]
        if best.score < threshold:
            review((best, *rivals), f"best score below the threshold {threshold}")
        elif rivals:
            review((best, *rivals), "several external candidates score alike")
        elif contenders:
            review((best, *contenders), "several of our entities match this external one")
        else:
            accepted.append(best)
    return accepted, ambiguous


# ---------------------------------------------------------------- files


def our_graph(data_dir: Path | None = None) -> Graph:
    """Our side: the files of the asserted graph (data/sources.toml), never links or provenance."""
    return load_files(read_manifest(data_dir).files.get(ASSERTED, []))


def find_mapping(against: Path) -> Path:
    """The mapping of a dataset file: mapping.toml next to it, else the repository's mapping
    whose dataset source has the same file name (data/sources/*/mapping.toml)."""
    beside = against.parent / "mapping.toml"
    if beside.is_file():
        return beside
    for candidate in sorted((resources.data_dir() / "sources").glob("*/mapping.toml")):
        if Path(load_mapping(candidate).source or "").name == against.name:
            return candidate
    raise InputError(
        "no mapping file for this dataset",
        path=str(beside),
        hint="write a mapping.toml next to the dataset (see "
        "data/sources/dbpedia-music-sample/mapping.toml) or pass one",
    )


def link_file(
    against: Path | str,
    threshold: float = 0.9,
    *,
    mapping: Path | str | None = None,
    ours: Graph | None = None,
) -> LinkResult:
    """Link our artists with a dataset file (Turtle, N-Triples, TriG, JSON-LD; .gz accepted),
    read through `mapping` (default: find_mapping)."""
    against = Path(against)
    rules = load_mapping(Path(mapping) if mapping else find_mapping(against))
    return link(ours if ours is not None else our_graph(), parse_file(against), rules, threshold)
