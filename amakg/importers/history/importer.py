"""The import: rows -> entries -> entities -> placements -> nominations -> graphs and report."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from ... import iris
from ...errors import InputError
from ...vocab import AMA
from .artists import ArtistResolver
from .context import read_context, stated_outcome
from .defects import Defects, find_defects
from .entities import Entity
from .graph import Graphs, GraphWriter
from .nominations import build_nominations, entity_iri
from .placement import Placement, page_category, place
from .provenance import provenance_triples
from .report import ImportReport, report_counts, report_notes
from .rows import Dropped, Entry, parse_entry, read_rows, source_files
from .works import resolve_works
from .writer import write_report, write_turtle


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
    names = {entity_iri(e): e.name for e in artists.entities.values()}
    names |= {entity_iri(w): w.name for w in works.values()}
    names |= {iris.ceremony(e.year): f"{e.year} American Music Awards" for e in entries}
    names |= {page_category(e): e.category_name for e in entries}
    writer = GraphWriter(ctx, curated, names)
    outcomes = {n.nodes[0]: writer.outcome(n) for n in nominations}
    final = {
        n.nodes[0]: outcomes[n.nodes[0]] | stated_outcome(ctx, n.nodes[0]) for n in nominations
    }
    _write_entities(writer, entries, placed, artists, works)
    for n in nominations:
        writer.nomination(n, outcomes[n.nodes[0]], final[n.nodes[0]])
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
        notes=report_notes(entries, artists, works),
        counts=report_counts(entries, nominations, artists, works, graphs),
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
        | stated_outcome(ctx, n.nodes[0])
        for n in nominations
    }
    return find_defects(nominations, outcomes, ctx)


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
