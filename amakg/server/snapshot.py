"""The graph a server serves, fixed for its lifetime: a private copy of dist/amakg.trig when that
is fresh, else the graph built in memory and written to a private TriG file.

Workers load the copy, so a later `amakg build` cannot leave a server whose workers (one of them
replaced after a timeout) answer from different data.

The private folder (amakg-serve-* in the temporary directory) names its owner's process id in a
file; a server that starts removes the folders of servers that are gone (killed with -9).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..api import (
    KnowledgeGraph,
    Limits,
    Store,
    default_dist,
    fresh_build,
    open_graph,
    open_regular,
)
from ..api import describe_dataset as describe
from ..errors import InputError
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
    if data is None:
        build = fresh_build(dist or default_dist())  # the pointer is read once
        if build is None:
            return snapshot_of(open_graph(dist))  # builds in memory and says so on stderr
        source = build / "amakg.trig"
    else:
        source = data
    folder = private_folder()
    try:
        _copy(source, folder / "amakg.trig")
        store = Store()
        store.load_file(folder / "amakg.trig")
        return _describe(KnowledgeGraph(store, store.graph_names()), folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _copy(source: Path, target: Path) -> None:
    """Copy a regular file (a device such as /dev/zero named by --data is refused, not read)."""
    try:
        with open_regular(source, Limits.for_built_output()) as stream, target.open("wb") as out:
            shutil.copyfileobj(stream, out)
    except InputError as exc:
        raise ServerError(f"cannot serve the graph: {exc}") from None
    except OSError as exc:
        raise ServerError(f"cannot read the graph to serve, {source}: {exc.strerror}") from None


def snapshot_of(kg: KnowledgeGraph) -> Snapshot:
    """A snapshot of a graph already in memory (written to a private TriG file)."""
    folder = private_folder()
    try:
        kg.store.dump(folder / "amakg.trig", ox.RdfFormat.TRIG)
        return _describe(kg, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


PREFIX = "amakg-serve-"
OWNER = "owner.pid"


def private_folder() -> Path:
    """A new amakg-serve-* folder owned by this process (stale ones of dead servers removed)."""
    remove_stale()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / OWNER).write_text(f"{os.getpid()}\n", encoding="ascii")
    return folder


def remove_stale(parent: Path | None = None) -> list[Path]:
    """Remove the amakg-serve-* folders whose owning process is gone; return them."""
    removed = []
    for folder in Path(parent or tempfile.gettempdir()).glob(PREFIX + "*"):
        if folder.is_dir() and not folder.is_symlink() and _owner_gone(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _owner_gone(folder: Path) -> bool:
    """True when the folder names an owner and no process has that id. A folder without an
    owner file (an older server, or one being created) is left alone."""
    try:
        pid = int((folder / OWNER).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: alive, another user's
        return False
    return False


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
