"""Turtle / JSON-LD / TriG / N-Triples exports, each written atomically.

A file is written to a temporary name in the target folder, re-parsed and checked to hold as
many triples as were written, and only then renamed over the old one: a failed export leaves
the previous file intact.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph

from . import formats, jsonld, resources
from .errors import AmakgError, OutputError
from .load import parse_quads
from .store import Store
from .vocab import PREFIXES


class ExportError(AmakgError):
    """An export did not re-parse to what was written; the previous file was kept."""


def write_atomic(
    path: Path, write: Callable[[Path], object], expected_triples: int | None = None
) -> Path:
    """Write via a temp file in the same folder, re-parse RDF and check its count, then rename.

    With expected_triples None the file is not RDF and is renamed without a re-parse.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    except ValueError as exc:  # a NUL in the name
        raise OutputError(f"cannot write {path!r}: not a file name ({exc})") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        _attempt(path, lambda: write(tmp))
        found = expected_triples
        if expected_triples is not None:
            found = sum(1 for _ in parse_quads(tmp))
        if found != expected_triples:
            raise ExportError(
                f"{path}: the export re-parsed to {found} triples, "
                f"{expected_triples} were written; "
                "the previous file was kept"
            )
        tmp.chmod(0o644)  # mkstemp creates 0600; exports are meant to be shared
        _attempt(path, lambda: os.replace(tmp, path))
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _attempt(path: Path, step: Callable[[], object]) -> None:
    """Run one step of a write; an OSError (read-only, no space, /proc) becomes OutputError."""
    try:
        step()
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileExistsError) and exc.filename != str(path):
        reason = f"{exc.filename} is a file, not a folder"  # mkdir's "File exists" says less
    return OutputError(f"cannot write {path}: {reason}; nothing was replaced")


def context() -> dict:
    """The local JSON-LD context (ontology/context.jsonld): never a remote one."""
    return json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]


def serialize_graph(graph: Graph, fmt: str) -> bytes:
    """One graph as bytes in `fmt` (a graph format of amakg.formats), written by pyoxigraph or,
    for JSON-LD, by amakg.jsonld (compacted with the local context): fast, no recursion limit;
    RDF/XML by rdflib."""
    if fmt == "rdf-xml":
        return graph.serialize(format="xml", encoding="utf-8")
    store = Store()
    store.add_default(graph)
    return serialize_store(store, fmt)


def serialize_store(store: Store, fmt: str) -> bytes:
    """The default graph of a store as bytes in `fmt`."""
    buffer = io.BytesIO()
    _write(store, fmt, buffer)
    return buffer.getvalue()


def export_graph(graph: Graph, path: Path, fmt: str) -> Path:
    """Write one graph (merged, no graph names) atomically."""
    payload = serialize_graph(graph, fmt)
    return write_atomic(path, lambda tmp: tmp.write_bytes(payload), len(graph))


def export_store(store: Store, path: Path, fmt: str) -> Path:
    """Write the default graph of a store atomically, streamed to the file (a large graph never
    sits in memory as text)."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as out:
            _write(store, fmt, out)

    return write_atomic(path, write, store.count())


def _write(store: Store, fmt: str, out: BinaryIO) -> None:
    """The default graph of a store in `fmt`, written to a binary stream: JSON-LD by
    amakg.jsonld (compacted with the local context), the other syntaxes of amakg.formats by
    pyoxigraph."""
    syntax = formats.get(fmt).rdf_syntax if fmt in formats.names("graph") else None
    if fmt == "json-ld":
        text = io.TextIOWrapper(out, encoding="utf-8")
        jsonld.write(store.triples(), context(), text)
        text.flush()
        text.detach()  # leave `out` open for its owner
    elif syntax is not None:
        store.dump(out, getattr(ox.RdfFormat, syntax), prefixes=PREFIXES)
    else:
        known = ", ".join(f for f in formats.names("graph") if formats.get(f).rdf_syntax)
        raise ExportError(f"unknown graph format {fmt!r}: use {known}")


def export_union(store: Store, names: list, path: Path, fmt: str) -> Path:
    """Write the union of named graphs (no graph names, duplicates merged) atomically."""
    return export_store(store.merged(names), path, fmt)


def write_union(store: Store, names: list, fmt: str, out: BinaryIO) -> None:
    """The union of named graphs (or, as TriG, the graphs themselves) straight to a binary
    stream such as stdout: nothing is staged on disk."""
    if fmt == "trig":
        subset = Store()
        for name in names:
            subset.add_graph(name, store.graph(name))
        subset.dump(out, ox.RdfFormat.TRIG, prefixes=PREFIXES)
    else:
        _write(store.merged(names), fmt, out)


def export_dataset(store: Store, path: Path) -> Path:
    """Write every named graph as TriG atomically."""
    return write_atomic(
        path, lambda tmp: store.dump(tmp, ox.RdfFormat.TRIG, prefixes=PREFIXES), store.count()
    )
