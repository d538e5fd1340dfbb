"""Shared fixtures: one in-memory build of the real data per test session."""

from __future__ import annotations

import pytest

from amakg.api import KnowledgeGraph, from_built
from amakg.build import Built, build


@pytest.fixture(scope="session")
def built() -> Built:
    """The real knowledge graph, built in memory from the repo's data (nothing written)."""
    return build()


@pytest.fixture(scope="session")
def kg(built: Built) -> KnowledgeGraph:
    return from_built(built)
