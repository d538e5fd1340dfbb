"""The shape of the package: the CLI and the server are shells over the library's public
surface (amakg.api and the few modules named here), modules stay short, and importing the API
does not load the reference engines (pyshacl, owlrl)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "amakg"

# what the shells may import from amakg, besides their own modules
PUBLIC = {"amakg.api", "amakg.errors", "amakg.formats", "amakg.sandbox"}
SHELLS = {
    "cli": PUBLIC | {"amakg.server"},
    "server": PUBLIC | {"amakg", "amakg.vocab", "amakg.resources"},
}


def imported_modules(path: Path) -> set[str]:
    """The amakg modules a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "amakg" or module.startswith("amakg."):
                found |= {_submodule(module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("amakg")}
    return found


def _submodule(module: str, name: str) -> str:
    """`from amakg import api` imports the module amakg.api; `from amakg.api import open_graph`
    imports from amakg.api."""
    folder = PACKAGE.parent.joinpath(*module.split("."), name)
    is_module = folder.with_suffix(".py").is_file() or (folder / "__init__.py").is_file()
    return f"{module}.{name}" if is_module else module


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_the_shells_import_only_the_public_surface(shell: str) -> None:
    allowed = SHELLS[shell]
    own = f"amakg.{shell}"
    strays = {
        f"{path.relative_to(PACKAGE.parent)}: {module}"
        for path in sorted((PACKAGE / shell).rglob("*.py"))
        for module in imported_modules(path)
        if module not in allowed and module != own and not module.startswith(own + ".")
    }
    assert not strays, "reaches past amakg.api: " + ", ".join(sorted(strays))


def test_the_checker_resolves_relative_and_module_imports() -> None:
    """The instrument: `from .. import api` is amakg.api; `from ..errors import X` is
    amakg.errors; the API itself reaches the store (so a shell importing it would be seen)."""
    assert imported_modules(PACKAGE / "cli" / "commands.py") >= {"amakg.api", "amakg.errors"}
    assert "amakg.store" in imported_modules(PACKAGE / "api.py")


def test_importing_the_api_loads_no_reference_engine() -> None:
    """A query from a cold process needs neither pyshacl nor owlrl: only the reference paths
    (`--reference`) load them."""
    code = (
        "import sys, amakg.api, amakg.cli, amakg.server.app; "
        "print(sorted(m for m in ('pyshacl', 'owlrl') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


MAX_LINES = 500


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent)): n
        for path in sorted(PACKAGE.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these by concern: {long}"
