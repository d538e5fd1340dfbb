"""Measuring the linker against the DBpedia music sample, with gold links it never sees.

Gold: in data/sources/ama-history/*.jl each artist has a Wikipedia link /wiki/X, which names
the DBpedia resource X; in the sample that is <http://stardog.com/tutorial/X> with '"' and '?'
percent-encoded (as the sample writes them). A history artist is in the gold set when X is one
of the sample's artists (typed :Band or :SoloArtist): 79 distinct resources. History artists
whose X is not a sample artist are "absent": any link proposed for them is an error.

Wikipedia titles drift: an artist link may name a newer title than the sample's older DBpedia
one (/wiki/Usher_(musician) vs :Usher_(singer), /wiki/Alabama_(American_band) vs
:Alabama_(band)). The album rows' links catch these: when a single-artist album row links
/wiki/A, the sample's album A has a single :artist R (a sample artist), and the row's artist
link is not a sample artist, then (that artist, R) is an "album-link" gold pair. The evaluation
reports figures against the strict gold (artist links) and the extended gold (artist links +
album links). Neither is ever shown to the linker.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from .. import resources
from ..errors import InputError
from ..load import parse_file
from ..naming import normalize, resource_name, wiki_title
from ..vocab import AMAR, PROV
from .linker import LinkResult, Mapping, link, load_mapping, our_graph
from .profile import our_profiles, their_profiles

Pair = tuple[URIRef, URIRef]


@dataclass(frozen=True)
class Evaluation:
    """Precision, recall and F1 of accepted links against a gold set of (ours, theirs) pairs.

    Precision is 0 when nothing was accepted; recall is 0 when the gold set is empty.
    """

    precision: float
    recall: float
    f1: float
    true_positives: int
    accepted: int
    gold: int
    false_positives: tuple[Pair, ...]
    false_negatives: tuple[Pair, ...]


def evaluate(result: LinkResult | Iterable[Pair], gold: Iterable[Pair]) -> Evaluation:
    """Compare the accepted links (or any pairs) with the gold pairs."""
    if isinstance(result, LinkResult):
        accepted = {(c.ours, c.theirs) for c in result.accepted}
    else:
        accepted = set(result)
    expected = set(gold)
    hits = accepted & expected
    precision = len(hits) / len(accepted) if accepted else 0.0
    recall = len(hits) / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Evaluation(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        true_positives=len(hits),
        accepted=len(accepted),
        gold=len(expected),
        false_positives=tuple(sorted(accepted - expected)),
        false_negatives=tuple(sorted(expected - accepted)),
    )


# ---------------------------------------------------------------- gold from the history files


def sample_iri(wiki_link: str, uri_space: str) -> URIRef:
    """'/wiki/Evelyn_%22Champagne%22_King' -> <...tutorial/Evelyn_%22Champagne%22_King>;
    '/wiki/Jhen%C3%A9_Aiko' -> <...tutorial/Jhené_Aiko> (the sample keeps non-ASCII as is):
    the DBpedia resource name, as for the history's DBpedia links (names.resource_name)."""
    return URIRef(uri_space + resource_name(wiki_title(wiki_link)))


@dataclass(frozen=True)
class HistoryRow:
    """One line of a history file: its file name without suffix, line number and fields."""

    file: str
    line: int
    fields: dict

    @property
    def node(self) -> URIRef:
        """The row's provenance node, as the history import names it."""
        return AMAR[f"source/ama-history/{self.file}/row-{self.line}"]

    @property
    def nominees(self) -> list[tuple[str, str]]:
        """(artist name, Wikipedia link or '') of each nominee of the row."""
        return list(zip(self.fields["artists"], self.fields["artist_links"], strict=True))


def history_rows(history_dir: Path) -> list[HistoryRow]:
    rows: list[HistoryRow] = []
    for path in sorted(history_dir.glob("*.jl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                rows.append(HistoryRow(path.stem, number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=number) from None
    return rows


class Resolver:
    """Finds our node for a nominee of a history row: the artist derived from that row
    (prov:wasDerivedFrom the row node) with that name, else the only artist with that name."""

    def __init__(self, ours: Graph) -> None:
        self.names: dict[URIRef, set[str]] = {
            iri: {normalize(label) for label in profile.labels}
            for iri, profile in our_profiles(ours).items()
        }
        self.by_name: dict[str, set[URIRef]] = {}
        for iri, names in self.names.items():
            for name in names:
                self.by_name.setdefault(name, set()).add(iri)
        self.ours = ours

    def __call__(self, row: HistoryRow, name: str) -> URIRef | None:
        key = normalize(name)
        derived = {
            s
            for s in self.ours.subjects(PROV.wasDerivedFrom, row.node)
            if isinstance(s, URIRef) and key in self.names.get(s, set())
        }
        found = derived or self.by_name.get(key, set())
        return next(iter(found)) if len(found) == 1 else None


@dataclass(frozen=True)
class Gold:
    pairs: frozenset[Pair]
    absent: frozenset[URIRef]  # our history artists with no artist resource in the sample
    unresolved: tuple[str, ...]  # history names that no artist of our graph carries


def history_gold(
    ours: Graph, sample_artists: set[URIRef], uri_space: str, rows: list[HistoryRow]
) -> Gold:
    """Gold pairs from the history's artist links (see the module docstring)."""
    resolve = Resolver(ours)
    pairs: set[Pair] = set()
    resolved: set[URIRef] = set()
    unresolved: set[str] = set()
    for row in rows:
        for name, wiki in row.nominees:
            ours_iri = resolve(row, name)
            if ours_iri is None:
                unresolved.add(name)
                continue
            resolved.add(ours_iri)
            if wiki and (target := sample_iri(wiki, uri_space)) in sample_artists:
                pairs.add((ours_iri, target))
    gold_ours = {o for o, _ in pairs}
    return Gold(frozenset(pairs), frozenset(resolved - gold_ours), tuple(sorted(unresolved)))


def album_link_gold(
    ours: Graph,
    theirs: Graph,
    mapping: Mapping,
    sample_artists: set[URIRef],
    rows: list[HistoryRow],
) -> set[Pair]:
    """Gold pairs found through the album rows' links (see the module docstring)."""
    if mapping.album_artist is None:
        return set()
    resolve = Resolver(ours)
    pairs: set[Pair] = set()
    for row in rows:
        album_link = row.fields.get("creative_work_link")
        if not album_link or len(row.nominees) != 1:
            continue
        [(name, wiki)] = row.nominees
        if wiki and sample_iri(wiki, mapping.uri_space) in sample_artists:
            continue  # the artist link gives the gold pair already
        album = sample_iri(album_link, mapping.uri_space)
        performers = set(theirs.objects(album, mapping.album_artist))
        ours_iri = resolve(row, name)
        if len(performers) == 1 and performers <= sample_artists and ours_iri is not None:
            pairs.add((ours_iri, next(iter(performers))))  # type: ignore[arg-type]
    return pairs


# ---------------------------------------------------------------- the whole measurement


@dataclass(frozen=True)
class SampleEvaluation:
    result: LinkResult
    strict: Evaluation
    extended: Evaluation  # strict + album-link gold pairs
    gold: Gold  # from the artist links
    album_link_gold: frozenset[Pair]  # title drift, from the album links
    absent_linked: tuple[Pair, ...]  # links proposed for history artists absent from the sample
    seconds: float  # parsing, profiles, blocking, scoring and evaluation


def sample_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or resources.data_dir()) / "sources" / "dbpedia-music-sample"


def evaluate_against_sample(
    threshold: float = 0.9,
    *,
    against: Path | None = None,
    ours: Graph | None = None,
    data_dir: Path | None = None,
) -> SampleEvaluation:
    """Link our artists to the DBpedia music sample (the repository's copy, or `against`: a
    copy of the same file) and measure the links against the history's gold."""
    start = time.perf_counter()
    data = data_dir or resources.data_dir()
    folder = sample_dir(data)
    mapping = load_mapping(folder / "mapping.toml")
    theirs = parse_file(against or folder / "music.ttl.gz")
    ours = ours if ours is not None else our_graph(data)
    result = link(ours, theirs, mapping, threshold)
    artists = set(their_profiles(theirs, mapping))
    rows = history_rows(data / "sources" / "ama-history")
    gold = history_gold(ours, artists, mapping.uri_space, rows)
    extra = album_link_gold(ours, theirs, mapping, artists, rows)
    accepted = {(c.ours, c.theirs) for c in result.accepted}
    absent = gold.absent - {o for o, _ in extra}
    absent_linked = sorted(p for p in accepted if p[0] in absent)
    return SampleEvaluation(
        result=result,
        strict=evaluate(result, gold.pairs),
        extended=evaluate(result, gold.pairs | extra),
        gold=gold,
        album_link_gold=frozenset(extra),
        absent_linked=tuple(absent_linked),
        seconds=round(time.perf_counter() - start, 3),
    )


def report(ev: SampleEvaluation) -> str:
    """The measurement as text, for `amakg link --evaluate`."""
    stats = ev.result.stats
    lines = [
        f"linked {stats.ours} of our artists against {stats.theirs} sample artists "
        f"(threshold {ev.result.threshold})",
        f"candidate pairs: {stats.candidate_pairs} of {stats.all_pairs} "
        f"({100 * stats.candidate_pairs / max(stats.all_pairs, 1):.2f}%)",
        f"accepted {len(ev.result.accepted)}, for review {len(ev.result.ambiguous)}, "
        f"rejected pairs {len(ev.result.rejected)}",
    ]
    for name, e in (("strict gold", ev.strict), ("extended gold", ev.extended)):
        lines.append(
            f"{name}: precision {e.precision:.4f}  recall {e.recall:.4f}  F1 {e.f1:.4f}  "
            f"({e.true_positives} correct of {e.accepted} accepted, {e.gold} gold)"
        )
        lines += [f"  false positive: {o} -> {t}" for o, t in e.false_positives]
        lines += [f"  false negative: {o} -> {t}" for o, t in e.false_negatives]
    lines.append(
        f"links proposed for history artists absent from the sample: {len(ev.absent_linked)}"
    )
    lines += [f"  {o} -> {t}" for o, t in ev.absent_linked]
    if ev.gold.unresolved:
        lines.append(f"history names not found in our graph: {', '.join(ev.gold.unresolved)}")
    lines.append(f"time: {ev.seconds:.2f} s (linking {stats.seconds:.2f} s)")
    return "\n".join(lines)
