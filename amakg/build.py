"""The main job: load -> validate -> reason -> store, and write dist/."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from . import __version__
from .dataset import Sources, fingerprint, load_graphs, read_manifest
from .errors import ValidationFailed
from .export import export_dataset, export_graph, export_union, write_atomic
from .fastrl import fast_infer
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
        counts = {str(g).rsplit("/", 1)[-1]: self.store.count(g) for g in self.store.graph_names()}
        counts["total"] = self.store.count()
        return counts


REASONERS = ("fast", "owlrl")


def build(
    data_dir: Path | None = None,
    progress: Progress | None = None,
    check: bool = True,
    reasoner: str = "fast",
) -> Built:
    """Load, validate (raising ValidationFailed on violations), reason; nothing is written.

    reasoner "fast": the OWL 2 RL rules as SPARQL on pyoxigraph (amakg.fastrl, proven equal to
    owlrl by tests/test_equivalence.py); "owlrl": the reference path (owlrl in rdflib).
    """
    progress = progress or Progress(enabled=False)
    sources: Sources = read_manifest(data_dir)
    with progress.stage("load"):
        graphs = load_graphs(sources)
    data = Graph()
    for g in graphs.values():
        data += g
    report = None
    if check:
        with progress.stage("validate"):
            report = validate(data)
        if not report.conforms:
            raise ValidationFailed(format_report(report), report)
    with progress.stage("reason"):
        if reasoner == "owlrl":
            inferred = infer(data)
        elif reasoner == "fast":
            inferred = fast_infer(data)
        else:
            raise ValueError(f"unknown reasoner {reasoner!r}; use one of {REASONERS}")
    with progress.stage("store"):
        store = Store()
        for name, g in graphs.items():
            store.add_graph(name, g)
        store.add_graph(INFERRED, inferred)
    asserted = [name for name in graphs if name != ONTOLOGY]
    return Built(store, report, fingerprint(sources), asserted, progress.timings)


def write_dist(built: Built, dist: Path, progress: Progress | None = None) -> list[Path]:
    """Write every export into a staging folder (each re-parsed and checked), then move them
    into dist/ together, the build-info stamp last: a failed export leaves dist/ as it was."""
    progress = progress or Progress(enabled=False)
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dist))
    try:
        with progress.stage("export"):
            export_dataset(built.store, staging / "amakg.trig")
            export_union(built.store, built.asserted_graphs, staging / "amakg.ttl", "turtle")
            export_union(built.store, built.asserted_graphs, staging / "amakg.jsonld", "json-ld")
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
