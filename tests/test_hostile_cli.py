"""The CLI under hostile input: every failure is exit 2 with one line `amakg: error: …` (file,
line and column where there is one, and the option that raises a limit), never a traceback;
exit 1 stays "the data does not conform".

Explicit tests cover each known failure (huge literals, gzip bombs, /dev/zero, deep or
ill-typed import rows, non-UTF-8 text, huge numbers, unwritable outputs, RDF-star on the
reference path, an unexpected exception), a few through the installed script for the real
process (exit status, --timeout's watchdog, network isolation, no temporary leftovers). A
property-based test then drives every command in-process with random hostile arguments.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amakg import api
from amakg import queries as canned
from amakg.cli import FORMATS, main

TESTS = Path(__file__).parent
AMAKG = Path(sys.executable).with_name("amakg")
HISTORY = TESTS / "fixtures" / "history"
LINK = TESTS / "fixtures" / "link"
VALID = TESTS / "fixtures" / "valid"
MB = 1024 * 1024
CARTESIAN = "SELECT * WHERE {?a ?b ?c . ?d ?e ?f . ?g ?h ?i}"
GOOD_ROW = json.loads((HISTORY / "dropped" / "AMA_Album.jl").read_text().splitlines()[0])


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*args: str) -> Run:
    """main([...]) in-process, its output captured as a terminal would take it: stdout strict
    UTF-8, stderr with escapes (Python's own setting for stderr)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    out.flush()
    err.flush()
    text = [s.buffer.getvalue().decode("utf-8", "replace") for s in (out, err)]
    return Run(int(code), *text)


def script(*args: str | bytes, env: dict[str, str] | None = None, timeout: float = 120):
    """The installed console script: the real process, its exit status and its isolation."""
    return subprocess.run(
        [str(AMAKG), *args], capture_output=True, timeout=timeout, check=False, env=env
    )


def assert_error(result: Run, *parts: str) -> None:
    """Exit 2, one `amakg: error:` line naming each part, no traceback."""
    assert result.code == 2, result
    assert "Traceback" not in result.err
    assert result.err.startswith("amakg: error: "), result.err
    for part in parts:
        assert part in result.err, (part, result.err)


def assert_script_error(done: subprocess.CompletedProcess, *parts: str) -> None:
    assert_error(Run(done.returncode, done.stdout.decode(), done.stderr.decode()), *parts)


def literal_file(path: Path, size: int) -> Path:
    path.write_text(f'<http://x/s> <http://x/p> "{"a" * size}" .\n', encoding="utf-8")
    return path


def history_folder(folder: Path, *rows: str) -> Path:
    folder.mkdir()
    lines = [json.dumps(GOOD_ROW), *rows]
    (folder / "AMA_Album.jl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# ---------------------------------------------------------------- 50 MB literals


def test_a_50_mb_literal_to_validate_is_refused_with_its_position(tmp_path: Path) -> None:
    path = literal_file(tmp_path / "big.ttl", 50 * MB)
    result = run("validate", str(path))
    assert_error(result, f"{path}:1:27: literal too large", "1 MB limit", "--max-literal-mb")


def test_a_50_mb_literal_to_link_is_refused_by_the_script(tmp_path: Path) -> None:
    path = literal_file(tmp_path / "big.ttl", 50 * MB)
    (tmp_path / "mapping.toml").write_bytes((LINK / "mapping.toml").read_bytes())
    done = script("link", "--against", str(path), "--out", str(tmp_path / "out.ttl"))
    assert_script_error(done, f"{path}:1:27: literal too large", "--max-literal-mb")
    assert not (tmp_path / "out.ttl").exists()


def test_the_literal_limit_can_be_raised(tmp_path: Path) -> None:
    path = literal_file(tmp_path / "two.ttl", 2 * MB)
    assert_error(run("validate", str(path)), f"{path}:1:27", "2 MB, over the 1 MB limit")
    assert run("validate", str(path), "--max-literal-mb", "3").code == 0


def test_the_literal_limit_cannot_pass_the_parser_buffer() -> None:
    result = run("validate", "--max-literal-mb", "17")
    assert result.code == 2 and "between 0 and 16" in result.err


# ---------------------------------------------------------------- file size, gzip, non-files


def test_a_file_over_the_input_limit_is_refused(tmp_path: Path) -> None:
    path = literal_file(tmp_path / "facts.ttl", 400_000)
    result = run("validate", str(path), "--max-input-mb", "0.3")
    assert_error(result, f"{path}: the file is 391 KB, over the 307 KB input limit")
    assert "--max-input-mb" in result.err


def _gzip_bomb(path: Path, megabytes: int) -> Path:
    """A .ttl.gz of one literal of zeros expanding to `megabytes`: one compressed 16 MB member
    repeated (gzip allows concatenated members), so it is made in a moment."""
    member = gzip.compress(b"0" * (16 * MB), compresslevel=9)
    with path.open("wb") as out:
        out.write(gzip.compress(b'<http://x/s> <http://x/p> "'))
        for _ in range(megabytes // 16):
            out.write(member)
        out.write(gzip.compress(b'" .\n'))
    return path


def test_a_gzip_bomb_is_stopped_at_the_limit_quickly_and_in_little_memory(
    tmp_path: Path,
) -> None:
    bomb = _gzip_bomb(tmp_path / "bomb.ttl.gz", 2048)  # 2 MB that expand to 2 GB
    assert bomb.stat().st_size < 3 * MB
    measure = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(done.returncode, time.perf_counter() - start, peak)\n"
        "sys.stderr.write(done.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", measure, str(AMAKG), "validate", str(bomb)],
        capture_output=True,
        text=True,
        check=False,
    )
    code, seconds, peak_kb = done.stdout.split()
    assert_error(Run(int(code), "", done.stderr), str(bomb), "decompresses to more than 100 MB")
    assert "--max-input-mb" in done.stderr
    assert float(seconds) < 10
    assert int(peak_kb) < 600 * 1024  # was 4.2 GB


def test_a_symlink_to_dev_zero_is_refused_by_the_script(tmp_path: Path) -> None:
    link = tmp_path / "x.ttl"
    link.symlink_to("/dev/zero")
    started = time.perf_counter()
    done = script("validate", str(link), timeout=60)
    assert_script_error(done, f"{link}: not a regular file", "a link to /dev/zero")
    assert time.perf_counter() - started < 30


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "facts.ttl"
    os.mkfifo(fifo)
    assert_error(run("validate", str(fifo)), str(fifo), "not a regular file (a pipe)")


def test_an_import_source_that_is_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "rows.jl"
    link.symlink_to("/dev/zero")
    result = run("import", "ama-history", str(link), "--out", str(tmp_path / "out"))
    assert_error(result, str(link), "not a regular file")


# ---------------------------------------------------------------- import rows


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply"),
        (json.dumps({**GOOD_ROW, "creative_work": 7}), "'creative_work' must be a string or null"),
        (json.dumps({**GOOD_ROW, "is_winner": "yes"}), "'is_winner' must be true or false"),
        (json.dumps({**GOOD_ROW, "artist_links": [3]}), "'artist_links' holds a number"),
        (
            json.dumps({**GOOD_ROW, "year": 0}).replace('"year": 0', '"year": ' + "1" * 5000),
            "a number too long to read",
        ),
        (json.dumps({**GOOD_ROW, "artists": ["x" * 50 * MB]}), "string of 50 MB"),
    ],
    ids=["deep", "wrong-type", "not-a-boolean", "link-not-a-string", "huge-number", "50-mb"],
)
def test_a_bad_import_row_is_an_error_naming_file_and_line(
    tmp_path: Path, row: str, message: str
) -> None:
    source = history_folder(tmp_path / "rows", row)
    out = tmp_path / "out"
    result = run("import", "ama-history", str(source), "--out", str(out))
    assert_error(result, f"{source / 'AMA_Album.jl'}:2: ", message)
    assert not out.exists()  # nothing written


def test_the_name_limit_of_import_rows_can_be_raised(tmp_path: Path) -> None:
    source = history_folder(tmp_path / "rows", json.dumps({**GOOD_ROW, "artists": ["x" * MB * 2]}))
    result = run("import", "ama-history", str(source), "--out", str(tmp_path / "out"))
    assert_error(result, "--max-literal-mb")
    # raised, the row passes the reader (it is then an unknown artist, not an error)
    args = ("import", "ama-history", str(source), "--out", str(tmp_path / "out"))
    assert run(*args, "--max-literal-mb", "3").code == 0


# ---------------------------------------------------------------- non-UTF-8 text, huge numbers


def test_non_utf8_query_argument_is_refused_by_the_script() -> None:
    done = script("sparql", b'SELECT * WHERE { ?s ?p "\xff" }')
    assert_script_error(done, "the query is not UTF-8: byte 0xff at line 1, column 25")


def test_non_utf8_parameter_is_refused_by_the_script() -> None:
    done = script("query", "wins", "--param", b"artist=B\xffTS")
    assert_script_error(done, "parameter 'artist' is not valid UTF-8", "byte 0xff")


def test_non_utf8_query_file_names_its_position(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes(b'SELECT * WHERE {\n  ?s ?p "\xe9t\xe9" }\n')
    result = run("sparql", f"@{path}")
    assert_error(result, f"{path}:2:10: the query file is not UTF-8", "byte 0xe9")


def test_a_query_file_that_is_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "q.rq"
    link.symlink_to("/dev/zero")
    assert_error(run("sparql", f"@{link}"), str(link), "not a regular file")


def test_a_5000_digit_year_is_a_parameter_error() -> None:
    result = run("query", "ceremony", "--param", "year=" + "9" * 5000)
    assert_error(result, "parameter 'year' must be an integer of at most 100 digits")
    assert len(result.err) < 400  # the value is cut, not echoed whole
    with pytest.raises(canned.ParameterError):
        canned.get("ceremony").bindings({"year": "9" * 5000})  # the server's path too


# ---------------------------------------------------------------- outputs


UNWRITABLE = ["/proc/amakg-test/out", "/proc/self/amakg-test", "/sys/amakg-test"]


@pytest.mark.parametrize("target", UNWRITABLE)
def test_export_to_an_unwritable_path(target: str, dist: Path) -> None:
    result = run("export", "--out", target, "--dist", str(dist))
    assert_error(result, f"cannot write {target}")


def test_link_and_import_to_unwritable_paths(tmp_path: Path) -> None:
    link = run("link", "--against", str(LINK / "theirs.ttl"), "--out", "/proc/amakg/links.ttl")
    assert_error(link, "cannot write /proc/amakg/links.ttl")
    source = HISTORY / "dropped"
    imported = run("import", "ama-history", str(source), "--out", "/proc/amakg-test")
    assert_error(imported, "cannot write /proc/amakg-test/")


def test_export_under_a_file_is_an_error(tmp_path: Path, dist: Path) -> None:
    """A parent that is a file, not a folder: unwritable even for root (who writes into
    read-only folders, so a chmod test would prove nothing here)."""
    parent = tmp_path / "a-file"
    parent.write_text("not a folder", encoding="utf-8")
    result = run("export", "--out", str(parent / "g.ttl"), "--dist", str(dist))
    assert_error(result, f"cannot write {parent / 'g.ttl'}", f"{parent} is a file, not a folder")


def test_build_to_proc_is_an_error_of_the_script() -> None:
    done = script("build", "--dist", "/proc/amakg-test/dist")
    assert_script_error(done, "cannot write", "/proc/amakg-test")


# ---------------------------------------------------------------- RDF-star, internal errors


def test_rdf_star_with_the_reference_validator_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "star.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n<< ex:a ex:b ex:c >> ex:d ex:e .\n",
        encoding="utf-8",
    )
    result = run("validate", "--reference", str(path))
    assert_error(result, f"{path}:3:1: RDF-star", "not supported by the reference validator")
    assert "use the default fast path" in result.err
    assert run("validate", str(path)).code == 0  # the fast path reads it


def test_an_unexpected_exception_is_one_line_without_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom() -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(canned, "catalogue", boom)
    monkeypatch.delenv("AMAKG_DEBUG", raising=False)
    result = run("queries")
    assert_error(result, "internal error (RuntimeError: boom second line); please report it")
    assert result.err.count("\n") == 1
    monkeypatch.setenv("AMAKG_DEBUG", "1")
    debug = run("queries")
    assert debug.code == 2 and "Traceback" in debug.err and "internal error" in debug.err


# ---------------------------------------------------------------- --timeout, isolation, export


def test_a_local_query_is_stopped_at_the_timeout(dist: Path) -> None:
    started = time.perf_counter()
    done = script("sparql", "--timeout", "1", CARTESIAN, "--dist", str(dist), timeout=60)
    elapsed = time.perf_counter() - started
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "amakg: error: the query was stopped after 1 s (--timeout); add LIMIT or narrow it"
    )
    assert elapsed < 8


def test_the_script_answers_queries_from_its_isolated_process(dist: Path) -> None:
    done = script("sparql", "-f", "json", "ASK { ?s ?p ?o }", "--dist", str(dist))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["boolean"] is True


# argv: offline mode (on / default), the port of a listener, then the command line
_ISOLATION = """
import json, socket, sys
from amakg import sandbox
from amakg.cli import main
mode, port, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
code = main(args, offline=True if mode == "on" else None)
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    connected = True
except OSError:
    connected = False
print(json.dumps({"code": code, "isolated": sandbox.is_isolated(), "connected": connected}))
"""


@contextmanager
def listener() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def _isolation(mode: str, *args: str) -> dict[str, object]:
    with listener() as port:
        done = subprocess.run(
            [sys.executable, "-c", _ISOLATION, mode, str(port), *args],
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_offline_main_takes_the_network_away_before_the_command() -> None:
    outcome = _isolation("on", "queries")
    assert outcome["code"] == 0
    # the machines this project runs on (Linux, root) allow network namespaces: no skip
    assert outcome["isolated"] is True, "no network namespace could be entered"
    assert outcome["connected"] is False


def test_main_called_with_arguments_keeps_the_network() -> None:
    assert _isolation("default", "queries") == {"code": 0, "isolated": False, "connected": True}


def test_an_allowed_endpoint_keeps_the_network(dist: Path) -> None:
    args = ("sparql", "--allow-endpoint", "http://127.0.0.1:9/", "ASK {}", "--dist", str(dist))
    assert _isolation("on", *args) == {"code": 0, "isolated": False, "connected": True}


def test_export_to_stdout_leaves_no_temporary_folder(tmp_path: Path, dist: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    for fmt in ("turtle", "trig"):
        done = script("export", "-f", fmt, "--graph", "inferred", "--dist", str(dist), env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout
    assert list(temp.iterdir()) == []


# ---------------------------------------------------------------- property-based


SURROGATES = st.integers(0xDC80, 0xDCFF).map(chr)
TEXT = st.one_of(
    st.text(max_size=20),
    st.text(st.one_of(st.characters(), SURROGATES), max_size=12),
    st.sampled_from(["", " ", "-", "--", "=", "@", "\x00", "\r\n", "\u2028", "…", "NaN"]),
)
NUMBERS = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "-1", "0", "1e309", "9" * 5000, "0x10", "3.5", "1"]),
    st.integers(-(10**30), 10**30).map(str),
    TEXT,
)
# SPARQL-ish fragments; each at most once and a single triple pattern, so that whatever is
# valid is cheap (the in-process run must never reach the --timeout watchdog)
FRAGMENTS = [
    "SELECT * WHERE {",
    "ASK {",
    "CONSTRUCT WHERE {",
    "DESCRIBE <http://x/>",
    "?s ?p ?o",
    "}",
    "{",
    "LIMIT 2",
    "# comment\r",
    "\u2028",
    'FILTER(?o = "x")',
    "SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }",
    "SERVICE SILENT <http://127.0.0.1:9/> {}",
    "FROM <http://127.0.0.1:9/>",
    "LOAD <http://127.0.0.1:9/>",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    'BIND("\\u0041" AS ?x)',
    "PREFIX ex: <http://x/>",
    "?",
    "<",
    '"',
    "\udcff",
]
SPARQL = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=6, unique=True).map(" ".join), TEXT
)


@dataclass(frozen=True)
class Hostile:
    """Paths made once per module: files of every hostile kind and places to write to."""

    files: tuple[str, ...]
    outputs: tuple[str, ...]
    dists: tuple[str, ...]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    literal_file(root / "two-mb.ttl", 2 * MB)
    (root / "bad.ttl").write_bytes(b"<http://x/s> <http://x/p> \xff .\n")
    (root / "star.ttl").write_text("<< <a:b> <a:c> <a:d> >> <a:e> <a:f> .\n", encoding="utf-8")
    (root / "zero.ttl").symlink_to("/dev/zero")
    (root / "zero.jl").symlink_to("/dev/zero")
    os.mkfifo(root / "fifo.ttl")
    (root / "folder.ttl").mkdir()
    (root / "nul.ttl").write_bytes(b"\x00" * 100)
    history_folder(root / "rows", json.dumps({**GOOD_ROW, "creative_work": [1]}))
    with gzip.open(root / "g.ttl.gz", "wb") as out:
        out.write(b'<http://x/s> <http://x/p> "' + b"0" * 3 * MB + b'" .\n')
    (root / "bad.ttl.gz").write_bytes(b"\x1f\x8b not gzip")
    (root / "theirs.ttl").write_bytes((LINK / "theirs.ttl").read_bytes())
    (root / "mapping.toml").write_bytes((LINK / "mapping.toml").read_bytes())
    (root / "q.rq").write_bytes(b"SELECT * WHERE { ?s ?p \xff }")
    files = [str(p) for p in sorted(root.iterdir())]
    files += [str(VALID / "minimal.ttl"), str(HISTORY / "dropped"), "/proc/self/mem", "/dev/null"]
    files += ["/proc/amakg/none", "", "\udcff.ttl", str(root / "absent.ttl"), "/"]
    outputs = [str(root / "out" / "x.ttl"), str(root / "out"), str(root / "folder.ttl")]
    outputs += ["/proc/amakg/x.ttl", "/proc/self/x", "/sys/x", "/dev/null", str(root / "zero.ttl")]
    dists = [str(root / "no-dist"), str(root), "/proc", "/dev/null", "\udcff"]
    return Hostile(tuple(files), tuple(outputs), tuple(dists))


def _option(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [name, v]))


def _command(h: Hostile) -> st.SearchStrategy[list[str]]:
    paths = st.one_of(st.sampled_from(h.files), TEXT)
    outputs = st.sampled_from(h.outputs)
    dist = st.sampled_from(h.dists).map(lambda d: ["--dist", d])
    names = st.one_of(st.sampled_from(sorted(canned.catalogue())), TEXT)
    keys = st.one_of(st.sampled_from(["artist", "year", "category", "minimum", "subject"]), TEXT)
    param = st.tuples(keys, st.one_of(TEXT, NUMBERS)).map(lambda kv: ["-p", f"{kv[0]}={kv[1]}"])
    fmt = _option("--format", st.one_of(st.sampled_from(FORMATS), TEXT))
    # never a small valid timeout: in-process, the watchdog would end pytest itself
    timeout = _option("--timeout", st.sampled_from(["nan", "inf", "-1", "0", "x", "1e9", "60"]))
    limits = st.tuples(_option("--max-input-mb", NUMBERS), _option("--max-literal-mb", NUMBERS))
    limit_args = limits.map(lambda pair: pair[0] + pair[1])
    extra = st.lists(
        st.one_of(TEXT, st.sampled_from(["--help", "--bogus", "-x", "--"])), max_size=2
    )

    def join(*parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
        return st.tuples(*parts).map(lambda ps: [a for p in ps for a in p])

    endpoint = _option("--allow-endpoint", st.sampled_from(["http://127.0.0.1:9/", "x", ""]))
    return st.one_of(
        join(
            st.just(["query"]),
            names.map(lambda n: [n]),
            st.lists(param, max_size=3).map(lambda ps: [a for p in ps for a in p]),
            fmt,
            timeout,
            endpoint,
            dist,
            extra,
        ),
        join(
            st.just(["sparql"]),
            st.one_of(SPARQL, paths.map(lambda p: "@" + p)).map(lambda q: [q]),
            fmt,
            _option("--max-rows", NUMBERS),
            timeout,
            dist,
            extra,
        ),
        join(
            st.just(["validate"]),
            st.lists(paths, min_size=1, max_size=2),
            st.sampled_from([[], ["--reference"]]),
            limit_args,
        ),
        join(
            st.just(["export"]),
            _option("--format", st.one_of(st.sampled_from(["turtle", "trig", "nt"]), TEXT)),
            _option("--graph", st.one_of(st.sampled_from(["inferred", "all"]), TEXT)),
            outputs.map(lambda o: ["--out", o]),
            dist,
        ),
        join(
            st.just(["link", "--against"]),
            paths.map(lambda p: [p]),
            _option("--threshold", NUMBERS),
            outputs.map(lambda o: ["--out", o]),
            limit_args,
        ),
        join(
            st.just(["import", "ama-history"]),
            paths.map(lambda p: [p]),
            outputs.map(lambda o: ["--out", o]),
            limit_args,
        ),
        join(st.just(["queries"]), extra),
        join(st.just(["claims"]), _option("--format", TEXT), dist, extra),
    )


@pytest.fixture(scope="module")
def graph(dist: Path) -> api.KnowledgeGraph:
    return api.open_graph(dist)


@contextmanager
def in_folder(path: Path) -> Iterator[None]:
    """Random relative paths land in a scratch folder, never in the checkout."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def test_hostile_arguments_never_escape_main(
    hostile: Hostile, graph: api.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scratch = tmp_path_factory.mktemp("scratch")

    def open_graph(dist: Path | None = None, **_: object) -> api.KnowledgeGraph:
        api.is_fresh(dist or api.default_dist())  # the hostile --dist is still read
        return graph  # instead of a build in memory for every stale folder

    @settings(
        max_examples=int(os.environ.get("AMAKG_FUZZ_EXAMPLES", "300")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=os.environ.get("AMAKG_FUZZ_RANDOM") is None,
    )
    @given(args=_command(hostile))
    def check(args: list[str]) -> None:
        result = run(*args)
        assert result.code in (0, 1, 2), (args, result)
        assert "Traceback" not in result.err, (args, result.err)
        assert "internal error" not in result.err, (args, result.err)

    with mock.patch.object(api, "open_graph", open_graph), in_folder(scratch):
        check()
