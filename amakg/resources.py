"""Where ontology/, data/, queries/ and rules/ live, from a checkout or an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def root() -> Path:
    """The folder holding ontology/, data/, queries/ and rules/."""
    checkout = _PACKAGE.parent
    if (checkout / "ontology" / "amakg.ttl").is_file():
        return checkout
    return _PACKAGE / "_resources"


def ontology_dir() -> Path:
    return root() / "ontology"


def data_dir() -> Path:
    return root() / "data"


def queries_dir() -> Path:
    return root() / "queries"


def rules_dir() -> Path:
    return root() / "rules"


def ontology_file() -> Path:
    return ontology_dir() / "amakg.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"
