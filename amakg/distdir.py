"""The layout of a dist/ folder: one folder per build, and one atomic switch between builds.

    dist/
      builds/20250101T120000123456Z-3f9a1c/   amakg.trig amakg.ttl amakg.jsonld void.ttl
                                              build-info.json   (one complete, verified build)
      current  -> builds/<id>      the build readers see
      previous -> builds/<id>      the build before it, kept for readers still holding it
      amakg.trig -> current/amakg.trig   (and the other four names: stable paths for users)

A build writes into `builds/<id>.partial/` (new_build_folder), which seal() verifies, syncs and
renames to `builds/<id>/`; switch() then replaces the `current` symlink by a fresh one with
rename(2), which is atomic: a reader sees the old build or the new one, never a mix. The top-level
names are symlinks through `current`, so they switch together with it. A reader that needs several
files resolves the pointer once with current() and reads them all from that folder.

clean() removes what killed builds leave behind (partial and never-switched build folders, the
`.staging-*` folders of the old layout, temporary symlinks) and builds older than `previous`.
Builds of one dist/ are serialised by an advisory lock (locked()), so a build never cleans away
the folder another live build is writing. A kill -9 releases the lock with the process.

An old flat dist/ (plain files at the top) is adopted on the next successful build: its files
are hard-linked into a build folder, `current` points there, and each plain file is replaced by
its symlink (each replacement atomic, every name showing the same old build throughout), then the
new build is switched in as usual.

Where symlinks cannot be made (Windows without the privilege), switch() falls back to the flat
layout: the files are renamed to the top of dist/ one by one, build-info.json last. That is not
atomic as a set; Linux and macOS, the targets, always get the switched layout.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .errors import OutputError

DIST_FILES = ("amakg.trig", "amakg.ttl", "amakg.jsonld", "void.ttl", "build-info.json")
BUILDS = "builds"
CURRENT = "current"
PREVIOUS = "previous"
PARTIAL = ".partial"
TEMP_LINK = ".switch-"  # prefix of a symlink made to be renamed over a pointer
LEGACY_STAGING = ".staging-"  # the staging folders of the old flat layout
SWITCH_DELAY_ENV = "AMAKG_TEST_SWITCH_DELAY"  # test hook: seconds to sleep inside the switch


class DistError(OutputError):
    """dist/ could not be written or switched; the previous build is still the current one."""


def current(dist: Path) -> Path:
    """The folder that holds the files of the current complete build of `dist`.

    The `current` pointer is read once (one readlink), so every file read from the returned
    folder comes from the same build even if another build switches meanwhile. For a flat dist/
    of the old layout, or one never built, this is `dist` itself.
    """
    target = _target(dist, CURRENT)
    if target is None:
        return dist
    return (dist / target).resolve()


def build_id(folder: Path) -> str:
    """The id of a build from its folder (partial or sealed)."""
    return folder.name.removesuffix(PARTIAL)


def new_build_folder(dist: Path, made: datetime | None = None, tag: str = "") -> Path:
    """A new, empty `builds/<id>.partial/` folder; id = UTC time (`made`, default now) to the
    microsecond + random (+ tag): ids sort by age and never collide."""
    stamp = (made or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    folder = dist / BUILDS / f"{stamp}-{secrets.token_hex(3)}{tag}{PARTIAL}"
    folder.mkdir(parents=True)
    return folder


def seal(folder: Path) -> Path:
    """Check that a partial build holds every file of a build, flush it to disk and rename it to
    `builds/<id>/`: a folder without the `.partial` suffix is always complete.

    Each file was already re-parsed by the export that wrote it; this checks that none is
    missing or empty and that build-info.json names this build. The fsyncs make the switch
    point to data that survives a power cut, not only a kill.
    """
    for name in DIST_FILES:
        path = folder / name
        if not path.is_file() or path.stat().st_size == 0:
            raise DistError(f"{path}: missing or empty after the export; the build was not used")
        _fsync(path)
    info = json.loads((folder / "build-info.json").read_text(encoding="utf-8"))
    if info.get("build") != build_id(folder):
        raise DistError(f"{folder}: build-info.json names another build; the build was not used")
    _fsync(folder)
    sealed = folder.with_name(build_id(folder))
    os.replace(folder, sealed)
    _fsync(sealed.parent)
    return sealed


def switch(dist: Path, build: Path) -> None:
    """Make the sealed folder `build` (under dist/builds/) the current build in one atomic step.

    Order matters: an old flat dist/ is adopted first and the top-level names are made symlinks
    through `current` while it still shows the old build; `previous` is set to the old build
    before `current` moves, so a kill at any point leaves both pointers on complete builds.
    """
    if not _symlinks_work(dist):
        _publish_flat(dist, build)
        return
    if _target(dist, CURRENT) is None:
        legacy = _adopt_flat(dist)
        if legacy is not None:
            _point(dist, CURRENT, f"{BUILDS}/{legacy.name}")
    _link_top_level(dist)
    new = f"{BUILDS}/{build.name}"
    old = _target(dist, CURRENT)
    if old is not None and old != new:
        _point(dist, PREVIOUS, old)
    time.sleep(float(os.environ.get(SWITCH_DELAY_ENV, "0") or 0))
    _point(dist, CURRENT, new)
    _fsync(dist)


def clean(dist: Path) -> list[Path]:
    """Remove the leftovers of killed or failed builds and builds older than `previous`.

    Kept: the builds `current` and `previous` point to, and everything at the top of dist/
    that is not a leftover (user files such as linksets). Call it holding locked(dist).
    Returns what was removed.
    """
    keep = {_target(dist, CURRENT), _target(dist, PREVIOUS)}
    keep_names = {Path(t).name for t in keep if t is not None}
    removed = []
    builds = dist / BUILDS
    if builds.is_dir():
        removed += [p for p in builds.iterdir() if p.name not in keep_names]
    for pattern in (f"{LEGACY_STAGING}*", f"{TEMP_LINK}*"):
        removed += list(dist.glob(pattern))
    for path in removed:
        _remove(path)
    return removed


@contextlib.contextmanager
def locked(dist: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on the dist/ folder itself (flock on its descriptor, so
    no lock file is left behind); a second build waits. Released by the kernel if the process
    is killed. A no-op where fcntl does not exist (Windows)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(dist, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _target(dist: Path, link: str) -> str | None:
    """Where the pointer `link` points (e.g. "builds/<id>"), or None if it is not a symlink."""
    try:
        return os.readlink(dist / link)
    except OSError:
        return None


def _point(dist: Path, link: str, target: str) -> None:
    """Replace the symlink dist/link by one to `target` atomically: make a fresh symlink under
    a temporary name, then rename it over the old one (rename(2) never leaves the name absent)."""
    tmp = dist / f"{TEMP_LINK}{link}-{secrets.token_hex(4)}"
    os.symlink(target, tmp)
    try:
        os.replace(tmp, dist / link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _link_top_level(dist: Path) -> None:
    """Make each top-level name a relative symlink through `current` (atomically, one by one)."""
    for name in DIST_FILES:
        want = f"{CURRENT}/{name}"
        if _target(dist, name) != want:
            _point(dist, name, want)


def _adopt_flat(dist: Path) -> Path | None:
    """Hard-link the plain files of an old flat dist/ into a sealed build folder (copy where
    hard links fail), so that `current` can show the old build while the names become links."""
    plain = [n for n in DIST_FILES if (dist / n).is_file() and not (dist / n).is_symlink()]
    if not plain:
        return None
    made = datetime.fromtimestamp((dist / plain[-1]).stat().st_mtime, UTC)
    folder = new_build_folder(dist, made, "-flat")  # named after the old build's time
    for name in plain:
        try:
            os.link(dist / name, folder / name)
        except OSError:
            shutil.copy2(dist / name, folder / name)
    adopted = folder.with_name(build_id(folder))
    os.replace(folder, adopted)
    return adopted


def _symlinks_work(dist: Path) -> bool:
    """True where a symlink can be made in dist/ (always on Linux and macOS)."""
    probe = dist / f"{TEMP_LINK}probe-{secrets.token_hex(4)}"
    try:
        os.symlink(CURRENT, probe)
    except (OSError, NotImplementedError):
        return False
    probe.unlink()
    return True


def _publish_flat(dist: Path, build: Path) -> None:
    """The fallback without symlinks: the old flat layout, build-info.json renamed last."""
    for name in DIST_FILES:
        os.replace(build / name, dist / name)
    shutil.rmtree(build, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush a file or a folder (its entries) to disk; folders cannot be opened on Windows."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
