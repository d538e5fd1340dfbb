"""The graph a server serves, fixed for its lifetime: a private copy of dist/amakg.trig when that
is fresh, else the graph built in memory and written to a private TriG file.

Workers load the copy, so a later `amakg build` cannot leave a server whose workers (one of them
replaced after a timeout) answer from different data.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..api import KnowledgeGraph, default_dist, is_fresh, open_graph
from ..store import Store
from ..void import describe
from .config import ServerError


@dataclass(frozen=True)
class Snapshot:
    """The TriG file the workers load, its named graphs and its VoID description."""

    trig: Path
    graphs: tuple[str, ...]
    asserted_graphs: tuple[str, ...]
    graph_counts: dict[str, int]
    void: Graph
    folder: Path

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def take_snapshot(dist: Path | None = None, data: Path | None = None) -> Snapshot:
    """Copy the built graph from dist/ (or build it in memory) into a private folder.

    With `data`, that TriG file is served as it is (no freshness check, no build).
    """
    dist = dist or default_dist()
    if data is None and not is_fresh(dist):
        return snapshot_of(open_graph(dist))  # builds in memory and says so on stderr
    source = data or dist / "amakg.trig"
    folder = Path(tempfile.mkdtemp(prefix="amakg-serve-"))
    try:
        try:
            shutil.copyfile(source, folder / "amakg.trig")
        except OSError as exc:
            raise ServerError(f"cannot read the graph to serve, {source}: {exc.strerror}") from None
        store = Store()
        store.load_file(folder / "amakg.trig")
        return _describe(KnowledgeGraph(store, store.graph_names()), folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def snapshot_of(kg: KnowledgeGraph) -> Snapshot:
    """A snapshot of a graph already in memory (written to a private TriG file)."""
    folder = Path(tempfile.mkdtemp(prefix="amakg-serve-"))
    try:
        kg.store.dump(folder / "amakg.trig", ox.RdfFormat.TRIG)
        return _describe(kg, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _describe(kg: KnowledgeGraph, folder: Path) -> Snapshot:
    sizes = kg.store.counts()
    return Snapshot(
        trig=folder / "amakg.trig",
        graphs=tuple(str(g) for g in kg.graphs),
        asserted_graphs=tuple(str(g) for g in kg.asserted_graphs),
        graph_counts={str(g): sizes.get(g, 0) for g in kg.graphs},
        void=describe(kg.store, kg.asserted_graphs),
        folder=folder,
    )
