"""The docstring examples of amakg's modules run as tests.

Every module whose source holds a `>>>` example is found by reading the files (so a new
example is picked up without listing it here) and run with doctest. An example that opens the
graph gets the session's shared build instead of a second one; what open_graph() itself does
is tested in test_cli.py and test_queries.py.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import amakg
from amakg import api
from amakg.api import KnowledgeGraph

PACKAGE = Path(amakg.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


WITH_EXAMPLES = sorted(
    module_name(path)
    for path in PACKAGE.rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_there_are_examples() -> None:
    assert "amakg.api" in WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_examples(name: str, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "open_graph", lambda *args, **kwargs: kg)
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, report=True, verbose=False)
    assert result.attempted > 0, name
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
