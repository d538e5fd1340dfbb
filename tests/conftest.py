"""Shared fixtures: one in-memory build of the real data per test session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from amakg.api import KnowledgeGraph, from_built
from amakg.build import Built, build
from amakg.server.snapshot import Snapshot, snapshot_of


@pytest.fixture(scope="session")
def built() -> Built:
    """The real knowledge graph, built in memory from the repo's data (nothing written)."""
    return build()


@pytest.fixture(scope="session")
def kg(built: Built) -> KnowledgeGraph:
    return from_built(built)


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dist/ written by the installed `amakg build`, so CLI runs load it instead of building.

    Its layout is the switched one (amakg.distdir): builds/<id>/, `current` and the top-level
    names as symlinks through it; read several files from `amakg.distdir.current(dist)`."""
    folder = tmp_path_factory.mktemp("dist")
    amakg = Path(sys.executable).with_name("amakg")
    run = subprocess.run(
        [str(amakg), "build", "--dist", str(folder)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return folder


@pytest.fixture(scope="session")
def snapshot(kg: KnowledgeGraph) -> Iterator[Snapshot]:
    """The real graph as a server serves it (a private TriG copy, removed at the end)."""
    taken = snapshot_of(kg)
    yield taken
    taken.discard()
