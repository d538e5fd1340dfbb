"""data/sources.toml -> the named graphs of the knowledge graph (asserted side only)."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from . import __version__, resources
from .errors import InputError
from .load import load_files
from .store import Store
from .vocab import GRAPH_BASE, ONTOLOGY


@dataclass
class Sources:
    """The files of each named graph, as listed by a sources.toml manifest."""

    manifest: Path
    files: dict[URIRef, list[Path]] = field(default_factory=dict)
    descriptions: dict[URIRef, str] = field(default_factory=dict)

    def all_files(self) -> list[Path]:
        return [p for paths in self.files.values() for p in paths]


def read_manifest(data_dir: Path | None = None) -> Sources:
    data_dir = data_dir or resources.data_dir()
    manifest = data_dir / "sources.toml"
    try:
        config = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            f"cannot read the sources manifest: {exc.strerror}", path=str(manifest)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=str(manifest)) from exc
    sources = Sources(manifest)
    for name, spec in config.get("graphs", {}).items():
        graph = URIRef(GRAPH_BASE + name)
        paths: list[Path] = []
        for pattern in spec.get("files", []):
            if any(ch in pattern for ch in "*?["):
                paths.extend(sorted(data_dir.glob(pattern)))
            elif (data_dir / pattern).is_file():
                paths.append(data_dir / pattern)
            else:
                raise InputError(
                    f"graph {name!r} lists {pattern!r}, which does not exist",
                    path=str(manifest),
                    hint="create the file or remove it from the manifest",
                )
        sources.files[graph] = paths
        sources.descriptions[graph] = spec.get("description", "")
    return sources


def load_graphs(sources: Sources) -> dict[URIRef, Graph]:
    """Each named graph parsed from its files, plus the ontology graph."""
    graphs = {name: load_files(paths) for name, paths in sources.files.items()}
    graphs[ONTOLOGY] = load_files([resources.ontology_file()])
    return graphs


def load_store(sources: Sources) -> Store:
    """Each named graph parsed from its files straight into a pyoxigraph store, plus the
    ontology graph (the fast path: no rdflib graph is built)."""
    store = Store()
    for name, paths in sources.files.items():
        store.load_files(name, paths)
    store.load_files(ONTOLOGY, [resources.ontology_file()])
    return store


def fingerprint(sources: Sources) -> str:
    """A hash of everything a build reads: data files, ontology, shapes, rules, the quality
    checks, the VoID queries and templates, code version."""
    digest = hashlib.sha256(__version__.encode())
    inputs = [*sources.all_files(), sources.manifest]
    inputs += sorted(resources.ontology_dir().glob("*"))
    inputs += sorted(resources.rules_dir().rglob("*.rq"))
    queries = resources.queries_dir()
    for folder in ("qc", "void", "templates"):
        inputs += sorted(p for p in (queries / folder).glob("*") if p.suffix in (".rq", ".ttl"))
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
