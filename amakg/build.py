"""The main job: load -> validate -> reason -> store, and write dist/."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import __version__
from .dataset import Sources, fingerprint, load_graphs, load_store, read_manifest
from .errors import ValidationFailed
from .export import export_dataset, export_graph, export_store, write_atomic
from .fastrl import infer_in_store
from .fastshacl import validate_store
from .progress import Progress
from .reason import infer
from .store import Store
from .validate import ValidationReport, format_report, validate
from .vocab import INFERRED, ONTOLOGY
from .void import describe

DIST_FILES = ("amakg.trig", "amakg.ttl", "amakg.jsonld", "void.ttl", "build-info.json")


@dataclass
class Built:
    """A built knowledge graph: the store with every named graph, and what the build measured."""

    store: Store
    report: ValidationReport | None
    fingerprint: str
    asserted_graphs: list[URIRef]
    timings: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts = {str(g).rsplit("/", 1)[-1]: n for g, n in sorted(self.store.counts().items())}
        counts["total"] = self.store.count()
        return counts


def build(
    data_dir: Path | None = None,
    progress: Progress | None = None,
    check: bool = True,
    reference: bool = False,
) -> Built:
    """Load, validate (raising ValidationFailed on violations), reason; nothing is written.

    The fast path (default) never leaves pyoxigraph: the files are parsed into the store,
    validated there (amakg.fastshacl, proven equal to pyshacl by tests/test_fastshacl.py) and
    reasoned there (amakg.fastrl, proven equal to owlrl by tests/test_equivalence.py).
    reference=True is the reference path: rdflib graphs, pyshacl and owlrl, then the store.
    """
    progress = progress or Progress(enabled=False)
    sources: Sources = read_manifest(data_dir)
    build_path = _reference if reference else _fast
    store, report = build_path(sources, progress, check)
    asserted = [name for name in sources.files if name != ONTOLOGY]
    return Built(store, report, fingerprint(sources), asserted, progress.timings)


def _fast(
    sources: Sources, progress: Progress, check: bool
) -> tuple[Store, ValidationReport | None]:
    with progress.stage("load"):
        store = load_store(sources)
    report = None
    if check:
        with progress.stage("validate"):
            report = validate_store(store.oxigraph)
        _raise_on_violations(report)
    with progress.stage("reason"):
        infer_in_store(store.oxigraph, ox.NamedNode(str(INFERRED)))
    return store, report


def _reference(
    sources: Sources, progress: Progress, check: bool
) -> tuple[Store, ValidationReport | None]:
    with progress.stage("load"):
        graphs = load_graphs(sources)
    data = Graph()
    for g in graphs.values():
        data += g
    report = None
    if check:
        with progress.stage("validate"):
            report = validate(data)
        _raise_on_violations(report)
    with progress.stage("reason"):
        inferred = infer(data)
    with progress.stage("store"):
        store = Store()
        for name, g in graphs.items():
            store.add_graph(name, g)
        store.add_graph(INFERRED, inferred)
    return store, report


def _raise_on_violations(report: ValidationReport) -> None:
    if not report.conforms:
        raise ValidationFailed(format_report(report), report)


def write_dist(built: Built, dist: Path, progress: Progress | None = None) -> list[Path]:
    """Write every export into a staging folder (each re-parsed and checked), then move them
    into dist/ together, the build-info stamp last: a failed export leaves dist/ as it was."""
    progress = progress or Progress(enabled=False)
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist))
    try:
        with progress.stage("export:trig"):
            export_dataset(built.store, staging / "amakg.trig")
        union = built.store.merged(built.asserted_graphs)
        with progress.stage("export:turtle"):
            export_store(union, staging / "amakg.ttl", "turtle")
        with progress.stage("export:json-ld"):
            export_store(union, staging / "amakg.jsonld", "json-ld")
        del union
        with progress.stage("export:void"):
            export_graph(
                describe(built.store, built.asserted_graphs), staging / "void.ttl", "turtle"
            )
        info = {
            "fingerprint": built.fingerprint,
            "version": __version__,
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "counts": built.counts(),
            "timings": built.timings,
        }
        payload = json.dumps(info, indent=2).encode()
        write_atomic(staging / "build-info.json", lambda tmp: tmp.write_bytes(payload))
        for name in DIST_FILES:
            os.replace(staging / name, dist / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [dist / name for name in DIST_FILES]
