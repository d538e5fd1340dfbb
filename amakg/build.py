"""The main job: load -> validate -> reason -> store, and write dist/."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import __version__, distdir
from .dataset import Sources, fingerprint, load_graphs, load_store, read_manifest
from .distdir import DIST_FILES
from .errors import ValidationFailed
from .export import export_dataset, export_graph, export_store, write_atomic
from .progress import Progress
from .reasoning.fast import infer_in_store
from .store import Store
from .validation.fast import validate_store
from .validation.qc import with_checks
from .vocab import INFERRED, ONTOLOGY
from .void import describe

if TYPE_CHECKING:
    from .validation.reference import ValidationReport


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
    validated there (amakg.validation.fast, proven equal to pyshacl by tests/test_fastshacl.py) and
    reasoned there (amakg.reasoning.fast, proven equal to owlrl by tests/test_equivalence.py).
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
            report = with_checks(validate_store(store.oxigraph), store)
        _raise_on_violations(report)
    with progress.stage("reason"):
        infer_in_store(store.oxigraph, ox.NamedNode(str(INFERRED)))
    return store, report


def _reference(
    sources: Sources, progress: Progress, check: bool
) -> tuple[Store, ValidationReport | None]:
    # the reference path alone loads pyshacl and owlrl
    from .reasoning.reference import infer
    from .validation.reference import validate

    with progress.stage("load"):
        graphs = load_graphs(sources)
    data = Graph()
    for g in graphs.values():
        data += g
    with progress.stage("store"):
        store = Store()
        for name, g in graphs.items():
            store.add_graph(name, g)
    report = None
    if check:
        with progress.stage("validate"):
            report = with_checks(validate(data), store)
        _raise_on_violations(report)
    with progress.stage("reason"):
        inferred = infer(data)
    store.add_graph(INFERRED, inferred)
    return store, report


def _raise_on_violations(report: ValidationReport) -> None:
    if not report.conforms:
        from .validation.reference import format_report

        raise ValidationFailed(format_report(report), report)


def write_dist(built: Built, dist: Path, progress: Progress | None = None) -> list[Path]:
    """Write every export into a new build folder under dist/builds/ (each file re-parsed and
    checked), seal it, then switch dist/current to it in one atomic step (amakg.distdir).

    Readers see the previous build or this one, never a mix; a failed or killed build leaves
    the previous build current. Leftovers of earlier killed builds are removed first, builds
    older than the previous one last. Returns the top-level names (symlinks through current).
    """
    progress = progress or Progress(enabled=False)
    try:
        dist.mkdir(parents=True, exist_ok=True)
        with distdir.locked(dist):
            distdir.clean(dist)
            folder = _write_build(built, dist, progress)
            with progress.stage("switch"):
                distdir.switch(dist, folder)
            distdir.clean(dist)
    except OSError as exc:
        raise distdir.DistError(
            f"cannot write {exc.filename or dist}: {exc.strerror or exc}; "
            "the previous build is still current"
        ) from exc
    return [dist / name for name in DIST_FILES]


def _write_build(built: Built, dist: Path, progress: Progress) -> Path:
    """Every export in a new partial build folder, then sealed; removed again on any failure."""
    folder = distdir.new_build_folder(dist)
    try:
        _export_all(built, folder, distdir.build_id(folder), progress)
        return distdir.seal(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _export_all(built: Built, folder: Path, build_id: str, progress: Progress) -> None:
    with progress.stage("export:trig"):
        export_dataset(built.store, folder / "amakg.trig")
    union = built.store.merged(built.asserted_graphs)
    with progress.stage("export:turtle"):
        export_store(union, folder / "amakg.ttl", "turtle")
    with progress.stage("export:json-ld"):
        export_store(union, folder / "amakg.jsonld", "json-ld")
    del union
    with progress.stage("export:void"):
        export_graph(describe(built.store, built.asserted_graphs), folder / "void.ttl", "turtle")
    info = {
        "build": build_id,  # the folder name: lets a reader check its files belong together
        "fingerprint": built.fingerprint,
        "version": __version__,
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "counts": built.counts(),
        "timings": built.timings,
    }
    payload = json.dumps(info, indent=2).encode()
    write_atomic(folder / "build-info.json", lambda tmp: tmp.write_bytes(payload))
