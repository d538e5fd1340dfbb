"""SPARQL in files, read one way: a query by folder and name, and the header every .rq file
may start with (`# key: value` lines before the first line of SPARQL)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from . import resources


@cache
def read(folder: str, name: str, root: Path | None = None) -> str:
    """The text of FOLDER/NAME.rq under queries/ (or under `root`, e.g. rules/)."""
    base = root if root is not None else resources.queries_dir()
    return (base / folder / f"{name}.rq").read_text(encoding="utf-8")


def header(text: str) -> list[tuple[str, str]]:
    """The (key, value) pairs of the `# key: value` lines that open a query, in order (blank
    lines and comments without a key are passed over; the first SPARQL line ends it)."""
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, colon, value = line.lstrip("#").strip().partition(":")
        if colon and key.strip() and " " not in key.strip():
            pairs.append((key.strip(), value.strip()))
    return pairs
