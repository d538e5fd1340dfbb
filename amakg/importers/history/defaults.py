"""The repository's import: where the history files, the article graph and the curation are,
and where the import writes (data/history).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ... import resources
from ...load import load_files
from .importer import import_history
from .report import ImportReport


def history_dir() -> Path:
    return resources.data_dir() / "sources" / "ama-history"


def output_dir() -> Path:
    return resources.data_dir() / "history"


def article_graph() -> Graph:
    """data/article.ttl with the links graph's files: what the history is merged with."""
    data = resources.data_dir()
    return load_files([data / "article.ttl", *sorted((data / "links").glob("*.ttl"))])


def curation_graph() -> Graph:
    """The curation decisions and facts (data/curation/*.ttl, provenance excluded)."""
    folder = resources.data_dir() / "curation"
    return load_files(p for p in sorted(folder.glob("*.ttl")) if p.name != "provenance.ttl")


def import_default(out_dir: Path | None = None) -> ImportReport:
    """The repository's import: data/sources/ama-history -> data/history, curated."""
    return import_history(history_dir(), out_dir or output_dir(), article_graph(), curation_graph())
