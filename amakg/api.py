"""The Python API: open the built knowledge graph and ask it questions.

    >>> from amakg.api import open_graph
    >>> kg = open_graph()
    >>> rows = kg.run("wins", artist="BTS").rows
    >>> [(r["year"].toPython(), str(r["categoryName"])) for r in rows][:1]
    [(2018, 'Favorite Social Artist')]

open_graph() reuses dist/ when it was built from the current inputs (no re-reasoning);
otherwise it builds in memory (and says so on stderr) without writing anything.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Mapping
from pathlib import Path

from rdflib import URIRef

from . import distdir, queries, resources
from .build import Built, build
from .dataset import fingerprint, read_manifest
from .errors import AmakgError
from .federation import DEFAULT_TIMEOUT, run_federated
from .guard import check_query
from .load import read_bytes
from .store import QueryResult, Store
from .vocab import INFERRED

DEFAULT_MAX_ROWS = 100_000


def default_dist() -> Path:
    """dist/ beside the checkout's data/, or ./dist for an installed package."""
    root = resources.root()
    return root / "dist" if root.name != "_resources" else Path.cwd() / "dist"


class KnowledgeGraph:
    """The built graph: every named graph in one store, queried with SPARQL."""

    def __init__(self, store: Store, graphs: list[URIRef]) -> None:
        self.store = store
        self.graphs = graphs

    @property
    def asserted_graphs(self) -> list[URIRef]:
        return [g for g in self.graphs if g != INFERRED]

    def sparql(
        self,
        query: str,
        *,
        bindings: dict | None = None,
        asserted_only: bool = False,
        max_rows: int | None = DEFAULT_MAX_ROWS,
        endpoints: Collection[str] | Mapping[str, str] = (),
        timeout: float = DEFAULT_TIMEOUT,
    ) -> QueryResult:
        """Run ad-hoc SPARQL over asserted + inferred data (or asserted only).

        Refuses updates, FROM/FROM NAMED and SERVICE. A SERVICE runs only when its endpoint is
        in `endpoints` (IRIs, or a mapping from the IRI in the query to the URL to call),
        bounded by `timeout` seconds and `max_rows`.
        """
        routes = dict(endpoints) if isinstance(endpoints, Mapping) else {e: e for e in endpoints}
        info = check_query(query, routes)
        graphs = self.asserted_graphs if asserted_only else self.graphs
        if info.services:
            return run_federated(
                self.store.union(graphs),
                query,
                bindings=bindings,
                endpoints=routes,
                timeout=timeout,
                max_rows=max_rows or DEFAULT_MAX_ROWS,
            )
        return self.store.query(query, bindings=bindings, graphs=graphs, max_rows=max_rows)

    def run(
        self,
        name: str,
        *,
        asserted_only: bool = False,
        endpoints: Collection[str] | Mapping[str, str] = (),
        timeout: float = DEFAULT_TIMEOUT,
        **params: object,
    ) -> QueryResult:
        """Run a canned query (queries/NAME.rq) with its parameters bound."""
        canned = queries.get(name)
        return self.sparql(
            canned.sparql,
            bindings=canned.bindings(params),
            asserted_only=asserted_only,
            endpoints=endpoints,
            timeout=timeout,
        )


def from_built(built: Built) -> KnowledgeGraph:
    return KnowledgeGraph(built.store, built.store.graph_names())


def is_fresh(dist: Path) -> bool:
    """True when the current build of dist/ was made from exactly the current inputs."""
    return fresh_build(dist) is not None


def fresh_build(dist: Path) -> Path | None:
    """The current build folder of dist/ when it is fresh, else None. The folder is resolved
    once, so build-info.json and amakg.trig are read from the same build even if another
    `amakg build` switches dist/ meanwhile."""
    folder = distdir.current(dist)
    try:
        info = json.loads(read_bytes(folder / "build-info.json"))
    except (AmakgError, OSError, ValueError):  # missing, not a regular file, too big, not JSON
        return None
    fresh = isinstance(info, dict) and info.get("fingerprint") == fingerprint(read_manifest())
    return folder if fresh and (folder / "amakg.trig").is_file() else None


def open_graph(dist: Path | None = None, *, rebuild: bool = False) -> KnowledgeGraph:
    """The knowledge graph from dist/ when fresh, else built in memory."""
    dist = dist or default_dist()
    folder = None if rebuild else fresh_build(dist)
    if folder is not None:
        store = Store()
        store.load_file(folder / "amakg.trig")
        return KnowledgeGraph(store, store.graph_names())
    if not rebuild:
        print(
            f"amakg: {dist} is missing or out of date; building in memory "
            "(run `amakg build` to cache it)",
            file=sys.stderr,
        )
    return from_built(build())


__all__ = ["KnowledgeGraph", "QueryResult", "open_graph"]
