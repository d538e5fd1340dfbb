"""What a folder holds, to compare before and after an operation that must leave it alone."""

from __future__ import annotations

from pathlib import Path


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every file under `folder` (bytes) and every symlink (its target), by relative path;
    empty folders do not count (a failed build may leave an empty dist/builds/)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = "-> " + str(path.readlink())
        elif path.is_file():
            found[name] = path.read_bytes()
    return found
