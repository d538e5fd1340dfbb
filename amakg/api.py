"""The Python API: everything the CLI and the server do, as functions and methods.

The CLI (amakg.cli) and the server (amakg.server) translate arguments, output and errors;
the work is here: build and validate, open the built graph, query it (canned and ad-hoc
SPARQL), export it, check the article's claims, link it with another dataset and import the
AMA history. The library never prints: progress goes to a callback (amakg.progress), notes to
the "amakg.api" logger (the CLI shows its warnings on stderr).

    >>> from amakg.api import open_graph
    >>> kg = open_graph()
    >>> rows = kg.run("wins", artist="BTS").rows
    >>> [(r["year"].toPython(), str(r["categoryName"])) for r in rows][:1]
    [(2018, 'Favorite Social Artist')]

open_graph() reuses dist/ when it was built from the current inputs (no re-reasoning);
otherwise it builds in memory (and logs a warning saying so) without writing anything.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from rdflib import URIRef

from . import distdir, formats, queries, resources, sparqlfiles
from .build import Built, build
from .dataset import fingerprint, read_manifest
from .errors import AmakgError, InputError, ParameterError
from .export import serialize_graph
from .federation import DEFAULT_TIMEOUT, run_federated
from .guard import check_query
from .inputs import (
    PARSER_BUFFER,
    Limits,
    decode_utf8,
    megabytes,
    open_regular,
    read_bytes,
    using_limits,
)
from .output import serialize, short
from .progress import Progress
from .queries import CannedQuery
from .store import QueryResult, Store, to_ox
from .templates import fill_template
from .validation.report import ValidationReport, ValidationResult
from .vocab import INFERRED
from .void import DATASET
from .void import describe as describe_dataset

if TYPE_CHECKING:
    from .claims import ClaimVerdict
    from .importers.history.report import ImportReport
    from .linking.linker import LinkResult

DEFAULT_MAX_ROWS = 100_000
GRAPH_SELECTIONS = ("asserted", "inferred", "all")
EXPORT_FORMATS = tuple(f.name for f in formats.REGISTRY if f.rdf_syntax)
LOG = logging.getLogger("amakg.api")


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
        default_graphs: Sequence[URIRef] | None = None,
        named_graphs: Sequence[URIRef] | None = None,
    ) -> QueryResult:
        """Run ad-hoc SPARQL over asserted + inferred data (or asserted only).

        Refuses updates, FROM/FROM NAMED and SERVICE. A SERVICE runs only when its endpoint is
        in `endpoints` (IRIs, or a mapping from the IRI in the query to the URL to call),
        bounded by `timeout` seconds and `max_rows`. `default_graphs` and `named_graphs` set the
        dataset as the SPARQL Protocol's default-graph-uri and named-graph-uri do (default: the
        union of every graph; every named graph).
        """
        routes = dict(endpoints) if isinstance(endpoints, Mapping) else {e: e for e in endpoints}
        info = check_query(query, routes)
        graphs = self.asserted_graphs if asserted_only else self.graphs
        if default_graphs is not None:
            graphs = list(default_graphs)
        if info.services:
            return run_federated(
                self.store.union(graphs),
                query,
                bindings=bindings,
                endpoints=routes,
                timeout=timeout,
                max_rows=max_rows or DEFAULT_MAX_ROWS,
            )
        return self.store.query(
            info.text,
            bindings=bindings,
            graphs=graphs,
            named_graphs=named_graphs,
            max_rows=max_rows,
        )

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

    def select_graphs(self, which: str) -> list[URIRef]:
        """The named graphs of a selection: "asserted", "inferred" or "all"."""
        if which not in GRAPH_SELECTIONS:
            raise ParameterError(f"graphs are one of {', '.join(GRAPH_SELECTIONS)}, not {which!r}")
        return {"asserted": self.asserted_graphs, "inferred": [INFERRED], "all": self.graphs}[which]

    def export(self, fmt: str, out: Path | BinaryIO, *, graphs: str = "asserted") -> None:
        """Write the selected graphs as Turtle, JSON-LD, N-Triples (their union) or TriG (each
        named graph kept) to a file (atomically, re-parsed) or a binary stream."""
        from .export import export_dataset, export_union, write_union

        if fmt not in EXPORT_FORMATS:
            raise ParameterError(f"export formats are {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
        names = self.select_graphs(graphs)
        if not isinstance(out, Path):
            write_union(self.store, names, fmt, out)
        elif fmt == "trig":
            subset = Store()
            for name in names:
                subset.add_graph(name, self.store.graph(name))
            export_dataset(subset, out)
        else:
            export_union(self.store, names, out, fmt)

    def claims(self) -> list[ClaimVerdict]:
        """The article's claims (queries/claims/*.rq) checked against the graph."""
        from .claims import evaluate_claims

        return evaluate_claims(lambda sparql: self.sparql(sparql).rows)


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
        LOG.warning(
            "%s is missing or out of date; building in memory (run `amakg build` to cache it)",
            dist,
        )
    return from_built(build())


# ---------------------------------------------------------------- build and validate


@dataclass
class BuildSummary:
    """What `build_dist` made: the files of the new current build and what the build measured."""

    dist: Path
    files: list[Path]
    counts: dict[str, int]
    report: ValidationReport | None
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def asserted(self) -> int:
        return sum(v for k, v in self.counts.items() if k not in ("inferred", "total"))

    @property
    def inferred(self) -> int:
        return self.counts.get("inferred", 0)

    @property
    def documented(self) -> int:
        """Known defects that data/curation/ documents (the quality checks' Info results)."""
        results = self.report.results if self.report is not None else []
        return sum(1 for r in results if r.severity == "Info")

    @property
    def warnings(self) -> int:
        results = self.report.results if self.report is not None else []
        return sum(1 for r in results if r.severity == "Warning")


def build_dist(
    dist: Path | None = None, *, reference: bool = False, progress: Progress | None = None
) -> BuildSummary:
    """Load, validate, reason and write dist/ (switched as one, amakg.distdir)."""
    from .build import write_dist

    dist = dist or default_dist()
    start = time.perf_counter()
    built = build(progress=progress, reference=reference)
    files = write_dist(built, dist, progress)  # an unwritable dist/ raises DistError
    seconds = time.perf_counter() - start
    return BuildSummary(dist, files, built.counts(), built.report, built.timings, seconds)


def validate(files: Sequence[Path] = (), *, reference: bool = False) -> ValidationReport:
    """Validate files (default: the project's data, as the build loads it) against the shapes
    and the quality checks (queries/qc/): the fast path, or pyshacl with reference=True (which
    refuses RDF-star input)."""
    from .dataset import load_store
    from .validation.fast import validate_store
    from .validation.qc import with_checks
    from .vocab import ASSERTED, ONTOLOGY

    if files:
        store = Store()
        store.load_files(ONTOLOGY, [resources.ontology_file()])
        store.load_files(ASSERTED, files)
    else:
        store = load_store(read_manifest())
    if not reference:
        return with_checks(validate_store(store.oxigraph), store)
    from .load import read_quads
    from .validation.reference import refuse_rdf_star
    from .validation.reference import validate as reference_validate

    for path in files:
        refuse_rdf_star(read_quads(path), path)
    return with_checks(reference_validate(store.union(store.graph_names())), store)


def report_text(report: ValidationReport) -> str:
    """A validation report as a person reads it (focus node, path, value, message)."""
    from .validation.reference import format_report

    return format_report(report)


def read_query_file(path: Path) -> str:
    """A query from a file: a regular file within the input limits, UTF-8."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise InputError(f"cannot read query file: {exc.strerror}", path=str(path)) from exc
    return decode_utf8(data, path, "the query file")


def catalogue(folder: Path | None = None) -> dict[str, CannedQuery]:
    """The canned queries (queries/*.rq, or the .rq files of `folder`) by name, with their
    titles and parameters."""
    return queries.catalogue(folder) if folder is not None else queries.catalogue()


def read_query(folder: str, name: str) -> str:
    """The SPARQL of queries/FOLDER/NAME.rq (the server's pages, the VoID counts, …)."""
    return sparqlfiles.read(folder, name)


def canned(name: str) -> CannedQuery:
    """The canned query NAME (ParameterError naming the others when there is none)."""
    return queries.get(name)


def check_parameters(name: str, params: Mapping[str, object]) -> None:
    """Raise ParameterError now if the canned query NAME does not exist or `params` do not
    fit it (before a graph is loaded)."""
    queries.get(name).bindings(dict(params))


# ---------------------------------------------------------------- link and import


@dataclass
class LinkOutcome:
    """A linker run: its result, the linkset and review files, and the evaluation's report."""

    result: LinkResult
    linkset: Path
    review: Path
    evaluation: str | None = None


def link(
    against: Path, threshold: float = 0.9, *, out: Path | None = None, evaluate: bool = False
) -> LinkOutcome:
    """Reconcile the graph's artists with a dataset file and write a linkset (default
    dist/linkset-<mapping>.ttl) with its review list; with evaluate=True, also measure it
    against the gold links of the AMA history."""
    from .linking.evaluation import evaluate_against_sample, report
    from .linking.linker import link_file
    from .linking.linkset import write_linkset

    evaluation = None
    if evaluate:
        measured = evaluate_against_sample(threshold, against=against)
        evaluation, result = report(measured), measured.result
    else:
        result = link_file(against, threshold)
    out = out or default_dist() / f"linkset-{result.mapping.name}.ttl"
    linkset, review = write_linkset(result, out)
    return LinkOutcome(result, linkset, review, evaluation)


def import_history(source: Path | None = None, out: Path | None = None) -> ImportReport:
    """Import the AMA history (.jl rows) into data/history/ (or `out`), merged with the
    article's entities and curated."""
    from .importers import history

    return history.import_history(
        source or history.history_dir(),
        out or history.output_dir(),
        history.article_graph(),
        history.curation_graph(),
    )


def history_output_dir() -> Path:
    """Where `import_history` writes by default (data/history/)."""
    from .importers.history import output_dir

    return output_dir()


__all__ = [
    "DATASET",
    "EXPORT_FORMATS",
    "GRAPH_SELECTIONS",
    "PARSER_BUFFER",
    "BuildSummary",
    "CannedQuery",
    "KnowledgeGraph",
    "Limits",
    "LinkOutcome",
    "Progress",
    "QueryResult",
    "Store",
    "ValidationReport",
    "ValidationResult",
    "build_dist",
    "canned",
    "catalogue",
    "check_parameters",
    "check_query",
    "default_dist",
    "describe_dataset",
    "fill_template",
    "import_history",
    "link",
    "megabytes",
    "open_graph",
    "open_regular",
    "read_query",
    "read_query_file",
    "report_text",
    "serialize",
    "serialize_graph",
    "short",
    "to_ox",
    "using_limits",
    "validate",
]
