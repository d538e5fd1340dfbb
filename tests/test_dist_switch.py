"""dist/ is switched as one (amakg.distdir): each build in its own folder, one atomic pointer.

The plain tests write dist/ in-process from the session's in-memory build: successive builds
switch and keep one previous build, an old flat dist/ is adopted, failed builds leave the
current build, leftovers of killed builds are cleaned. The kill loop runs `amakg build` and
kills it with SIGKILL at random moments (some inside the switch, held open by the test hook
AMAKG_TEST_SWITCH_DELAY) and checks after every kill that dist/ shows one complete build and
that leftovers do not grow.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from trees import tree

import amakg.jsonld
from amakg import distdir, resources
from amakg.api import is_fresh, open_graph
from amakg.build import DIST_FILES, Built, write_dist
from amakg.dataset import read_manifest
from amakg.errors import AmakgError
from amakg.export import ExportError

AMAKG = Path(sys.executable).with_name("amakg")
DATASET = ox.NamedNode("https://w3id.org/amakg/dataset")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")


def builds(dist: Path) -> list[str]:
    folder = dist / "builds"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def pointer(dist: Path, name: str) -> str | None:
    link = dist / name
    return str(link.readlink()) if link.is_symlink() else None


def flat_dist(source: Path, folder: Path) -> Path:
    """A dist/ of the old flat layout (plain files at the top), copied from a built one."""
    folder.mkdir()
    for name in DIST_FILES:
        shutil.copyfile(source / name, folder / name)
    return folder


# ---------------------------------------------------------------- the switched layout


def test_successive_builds_switch_and_keep_one_previous(tmp_path: Path, built: Built) -> None:
    dist = tmp_path / "dist"
    ids = []
    for _ in range(3):
        write_dist(built, dist)
        ids.append(distdir.current(dist).name)
        info = json.loads((dist / "build-info.json").read_text(encoding="utf-8"))
        assert info["build"] == ids[-1]
    assert len(set(ids)) == 3 and ids == sorted(ids)  # ids sort by age
    assert pointer(dist, "current") == f"builds/{ids[2]}"
    assert pointer(dist, "previous") == f"builds/{ids[1]}"
    assert builds(dist) == ids[1:]  # the oldest is removed, the previous one kept
    for name in DIST_FILES:
        assert pointer(dist, name) == f"current/{name}"
        assert (dist / name).resolve() == distdir.current(dist) / name
    assert distdir.current(dist) == (dist / "builds" / ids[2]).resolve()


def test_readers_read_through_current(tmp_path: Path, built: Built) -> None:
    dist = tmp_path / "dist"
    write_dist(built, dist)
    assert is_fresh(dist)
    assert open_graph(dist).store.count() == built.store.count()
    (distdir.current(dist) / "amakg.trig").unlink()  # the pointed-to build, not dist/ itself
    assert not is_fresh(dist)


def test_current_of_a_flat_or_missing_dist_is_the_dist_itself(tmp_path: Path, dist: Path) -> None:
    flat = flat_dist(dist, tmp_path / "flat")
    assert distdir.current(flat) == flat
    assert is_fresh(flat)
    assert distdir.current(tmp_path / "nothing") == tmp_path / "nothing"


def test_a_flat_dist_is_adopted_and_its_leftovers_removed(
    tmp_path: Path, built: Built, dist: Path
) -> None:
    flat = flat_dist(dist, tmp_path / "flat")
    old = {name: (flat / name).read_bytes() for name in DIST_FILES}
    (flat / ".staging-abc123").mkdir()
    (flat / ".staging-abc123" / "amakg.trig").write_bytes(b"half a build")
    (flat / "linkset-mapping.ttl").write_bytes(b"# a user's file\n")
    write_dist(built, flat)
    previous = flat / "builds" / str(pointer(flat, "previous")).removeprefix("builds/")
    assert previous.name.endswith("-flat")
    assert {name: (previous / name).read_bytes() for name in DIST_FILES} == old
    assert sorted(p.name for p in flat.iterdir()) == sorted(
        [*DIST_FILES, "builds", "current", "previous", "linkset-mapping.ttl"]
    )
    for name in DIST_FILES:
        assert pointer(flat, name) == f"current/{name}"
    info = json.loads((flat / "build-info.json").read_text(encoding="utf-8"))
    assert info["build"] == distdir.current(flat).name


def test_leftovers_of_killed_builds_are_cleaned_by_the_next_build(
    tmp_path: Path, built: Built
) -> None:
    dist = tmp_path / "dist"
    write_dist(built, dist)
    first = distdir.current(dist).name
    (dist / "builds" / "20000101T000000000000Z-dead00.partial").mkdir()
    (dist / "builds" / "20000101T000000000000Z-dead00.partial" / "amakg.ttl").write_text("x")
    (dist / "builds" / "20000101T000000000000Z-never0").mkdir()  # sealed, never switched
    (dist / ".staging-old").mkdir()
    os.symlink("builds/nowhere", dist / ".switch-current-0000")
    write_dist(built, dist)
    assert builds(dist) == sorted([first, distdir.current(dist).name])
    assert not list(dist.glob(".*"))


# ---------------------------------------------------------------- failed builds


def test_failed_export_leaves_the_current_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, built: Built
) -> None:
    dist = tmp_path / "dist"
    write_dist(built, dist)
    before = tree(dist)

    def failing(*args: object) -> None:
        raise ExportError("simulated failure in the JSON-LD serializer")

    monkeypatch.setattr(amakg.jsonld, "write", failing)
    with pytest.raises(ExportError):
        write_dist(built, dist)
    assert tree(dist) == before


def test_unwritable_disk_is_one_error_and_leaves_the_current_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, built: Built
) -> None:
    """The disk refuses the flush before the switch (ENOSPC): an AmakgError (exit 2) in one
    line, and the previous build is still current and whole."""
    dist = tmp_path / "dist"
    write_dist(built, dist)
    before = tree(dist)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(AmakgError) as caught:
        write_dist(built, dist)
    assert "No space left on device" in str(caught.value)
    assert "\n" not in str(caught.value)
    monkeypatch.undo()
    assert tree(dist) == before


def test_failed_validation_leaves_the_current_build(tmp_path: Path, built: Built) -> None:
    """`amakg build` of data with a violation exits 1 and leaves dist/ as it was."""
    checkout = tmp_path / "checkout"
    for name in ("amakg", "ontology", "data", "queries", "rules"):
        shutil.copytree(
            resources.root() / name, checkout / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    asserted = URIRef("https://w3id.org/amakg/graph/asserted")
    with read_manifest(checkout / "data").files[asserted][0].open("a", encoding="utf-8") as f:
        f.write(
            "\n<https://w3id.org/amakg/id/nomination/broken>"
            " a <https://w3id.org/amakg/ontology#Nomination> .\n"
        )
    dist = tmp_path / "dist"
    write_dist(built, dist)
    before = tree(dist)
    run = subprocess.run(
        [sys.executable, "-m", "amakg.cli", "build", "--dist", str(dist)],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert tree(dist) == before


def test_without_symlinks_the_flat_layout_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, built: Built
) -> None:
    """The fallback where symlinks cannot be made (Windows without the privilege)."""

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "A required privilege is not held by the client")

    monkeypatch.setattr(os, "symlink", refused)
    dist = tmp_path / "dist"
    write_dist(built, dist)
    assert distdir.current(dist) == dist
    assert builds(dist) == []
    for name in DIST_FILES:
        assert (dist / name).is_file() and not (dist / name).is_symlink()
    assert is_fresh(dist)


# ---------------------------------------------------------------- the kill loop


class Checker:
    """Checks dist/ after each kill: one complete build, bounded leftovers. A build's files are
    parsed once (a build folder is never written after it was sealed); later checks of the
    same build compare sizes."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.verified: dict[str, dict[str, int]] = {}
        self.max_folders = 0
        self.max_bytes = 0

    def check(self) -> None:
        folder = distdir.current(self.dist)
        if folder != self.dist:  # switched (before the first switch: the old flat layout)
            assert folder.parent == (self.dist / "builds").resolve(), folder
            assert not folder.name.endswith(distdir.PARTIAL)
        for name in DIST_FILES:  # every top-level name is a file of that one build
            assert os.path.samefile(self.dist / name, folder / name), name
        sizes = {name: (folder / name).stat().st_size for name in DIST_FILES}
        key = folder.name if folder != self.dist else "flat"
        if key not in self.verified:
            self.parse(folder, adopted=folder == self.dist or key.endswith("-flat"))
            self.verified[key] = sizes
        assert sizes == self.verified[key]
        self.check_previous()
        self.check_leftovers()

    def parse(self, folder: Path, adopted: bool) -> None:
        info = json.loads((folder / "build-info.json").read_text(encoding="utf-8"))
        if not adopted:  # a build of the old flat layout predates the build id
            assert info["build"] == folder.name
        quads = sum(1 for _ in ox.parse(path=folder / "amakg.trig", format=ox.RdfFormat.TRIG))
        assert quads == info["counts"]["total"]
        triples = sum(1 for _ in ox.parse(path=folder / "amakg.ttl", format=ox.RdfFormat.TURTLE))
        void = list(ox.parse(path=folder / "void.ttl", format=ox.RdfFormat.TURTLE))
        (stated,) = [t.object for t in void if t.subject == DATASET and t.predicate == VOID_TRIPLES]
        assert triples == int(stated.value)
        document = json.loads((folder / "amakg.jsonld").read_text(encoding="utf-8"))
        assert document["@graph"]

    def check_previous(self) -> None:
        target = pointer(self.dist, "previous")
        if target is not None and not target.endswith("-flat"):
            info = json.loads((self.dist / target / "build-info.json").read_text(encoding="utf-8"))
            assert target == f"builds/{info['build']}"

    def check_leftovers(self) -> None:
        assert not list(self.dist.glob(".staging-*"))
        names = builds(self.dist)
        size = sum(f.stat().st_size for f in (self.dist / "builds").rglob("*") if f.is_file())
        self.max_folders = max(self.max_folders, len(names))
        self.max_bytes = max(self.max_bytes, size)
        # current + previous + at most the one a killed build was writing
        assert len(names) <= 3, names
        assert size <= 3 * max(sum(s.values()) for s in self.verified.values()) * 1.1


def start(dist: Path, switch_delay: float = 0) -> subprocess.Popen[bytes]:
    env = {**os.environ, distdir.SWITCH_DELAY_ENV: str(switch_delay)}
    return subprocess.Popen(
        [str(AMAKG), "build", "--dist", str(dist)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def wait_for_switch(dist: Path, proc: subprocess.Popen[bytes], before: set[str]) -> None:
    """Until the build sealed its new folder and set `previous` to the current build: it is
    then inside switch(), asleep (the test hook) just before it replaces `current`."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sealed = [n for n in builds(dist) if n not in before and not n.endswith(distdir.PARTIAL)]
        if sealed and pointer(dist, "previous") == pointer(dist, "current"):
            return
        assert proc.poll() is None, "the build ended before reaching the switch"
        time.sleep(0.02)
    raise AssertionError("the build never reached the switch")


def kill(proc: subprocess.Popen[bytes]) -> bool:
    """SIGKILL; True if it landed (the build had not finished)."""
    proc.kill()
    return proc.wait() == -9


def test_kill_loop_leaves_one_complete_build_and_no_growing_leftovers(
    tmp_path: Path, dist: Path
) -> None:
    seed = int(os.environ.get("AMAKG_KILL_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    folder = flat_dist(dist, tmp_path / "dist")  # begins with the old layout: adopted midway
    (folder / ".staging-left-by-the-old-layout").mkdir()
    checker = Checker(folder)
    kills = switch_kills = completed = 0
    phases: dict[str, int] = {}
    began = time.monotonic()
    reach = 3.0  # seconds from start to the switch; measured by the first switch kill
    while kills < 20:  # about 60 s on 2 busy cores
        if kills % 4 == 0:  # every fourth: killed while asleep inside the switch
            before = set(builds(folder))
            proc, t0 = start(folder, switch_delay=30), time.monotonic()
            wait_for_switch(folder, proc, before)
            reach = time.monotonic() - t0
            time.sleep(rng.uniform(0, 0.2))
            assert kill(proc)
            switch_kills += 1
        else:  # anywhere from start-up to after the end (some finish); half of them late,
            # where the exports and the switch happen
            before = set(builds(folder))
            proc = start(folder)
            time.sleep(
                rng.uniform(0.2, 1.1) * reach if kills % 2 else rng.uniform(0.7, 1.05) * reach
            )
            phase = phase_of(folder, before)
            if not kill(proc):
                completed += 1
                checker.check()
                continue
            phases[phase] = phases.get(phase, 0) + 1
        kills += 1
        checker.check()
    final = subprocess.run(
        [str(AMAKG), "build", "--dist", str(folder)], capture_output=True, text=True, check=False
    )
    assert final.returncode == 0, final.stderr
    checker.check()
    assert len(builds(folder)) == 2  # a finished build leaves current + previous only
    elapsed = time.monotonic() - began
    print(
        f"\nkill loop (AMAKG_KILL_SEED={seed}): {kills} kills "
        f"({switch_kills} inside the switch, random: {phases}), "
        f"{completed} builds finished before their kill, {len(checker.verified)} builds seen "
        f"current; max leftovers {checker.max_folders} folders, "
        f"{checker.max_bytes / 1e6:.1f} MB; {elapsed:.0f} s"
    )
    assert kills >= 20 and switch_kills >= 5


def phase_of(dist: Path, before: set[str]) -> str:
    """Where a build is just before its kill, from the folders it made so far."""
    made = [n for n in builds(dist) if n not in before]
    if any(n.endswith(distdir.PARTIAL) for n in made):
        return "exporting"
    return "sealed-or-switching" if made else "before-export"
