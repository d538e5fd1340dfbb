"""Bounded load test of `amakg serve` on loopback, side by side with rdflib-endpoint.

    .venv/bin/python bench/load_test.py                 # 8 clients x 20 s per server
    .venv/bin/python bench/load_test.py --clients 4 --duration 10 --no-peer

Each server runs as a subprocess on 127.0.0.1 and a free port, on the same built graph
(dist/amakg.trig; built into bench/out/dist when dist/ is stale). Clients are threads that send
requests back to back until the time is up; each request has a 60 s client timeout, so a run
ends by itself. The shared mix is the same SPARQL text on both endpoints (the parameterless
canned queries and the query page's examples); amakg also gets a mix of its own endpoints
(canned queries with parameters, Linked Data pages). Figures: throughput, latency p50/p99,
errors (non-200, or a row count that differs from the first answer), and the RSS of the server's
process tree at start and end. Results go to bench/RESULTS-server.md (--out).

rdflib-endpoint is a measuring peer only (pip install rdflib-endpoint); it is not a dependency.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from amakg import resources  # noqa: E402
from amakg.api import default_dist, is_fresh  # noqa: E402

PYTHON = sys.executable
RESULTS_JSON = "application/sparql-results+json"
restarted: set[str] = set()  # servers restarted after a warm-up request ran past the timeout
CLIENT_TIMEOUT = 60.0
LOAD_LIMIT = (
    10.0  # a request slower than this alone (amakg's own query limit) is left out of the load
)
SPARQL_PATHS = {"amakg": "/sparql", "rdflib-endpoint": "/"}  # rdflib-endpoint serves at /
START_TIMEOUT = 600.0


@dataclass(frozen=True)
class Request:
    """One request of a mix: a SPARQL query, or a GET of a path with an Accept header."""

    name: str
    query: str | None = None
    path: str | None = None
    accept: str = RESULTS_JSON


@dataclass
class Run:
    server: str
    mix: str
    clients: int
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    reference: dict[str, tuple[int, int, float]] = field(default_factory=dict)  # the warm-up
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def all_latencies(self) -> list[float]:
        return sorted(x for v in self.latencies.values() for x in v)


# ------------------------------------------------------------------ mixes


def shared_mix() -> list[Request]:
    """SPARQL text both endpoints can run: parameterless canned queries and the examples."""
    canned = [
        p
        for p in sorted(resources.queries_dir().glob("*.rq"))
        if "# param:" not in p.read_text(encoding="utf-8")
    ]
    examples = sorted((resources.queries_dir() / "server" / "examples").glob("*.rq"))
    return [Request(p.stem, query=p.read_text(encoding="utf-8")) for p in [*canned, *examples]]


def amakg_mix() -> list[Request]:
    """amakg's own endpoints: canned queries with bound parameters and Linked Data pages."""
    return [
        Request("wins?artist=BTS", path="/queries/wins?artist=BTS"),
        Request(
            "nominees 2022",
            path="/queries/nominees?category=Favorite%20Pop%20Duo%20or%20Group&year=2022",
        ),
        Request("ceremony 2019", path="/queries/ceremony?year=2019"),
        Request("voting-method 1990", path="/queries/voting-method?year=1990"),
        Request("/id/artist/bts (Turtle)", path="/id/artist/bts", accept="text/turtle"),
        Request("/id/artist/bts (HTML)", path="/id/artist/bts", accept="text/html"),
    ]


# ------------------------------------------------------------------ servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_amakg(dist: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "from pathlib import Path; from amakg.server import serve; "
        f"serve('127.0.0.1', {port}, data=Path({str(dist / 'amakg.trig')!r}), log_level='warning')"
    )
    return subprocess.Popen([PYTHON, "-c", code], cwd=ROOT)


def start_rdflib_endpoint(dist: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(PYTHON).with_name("rdflib-endpoint")),
        "serve",
        str(dist / "amakg.trig"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode} before answering")
        try:
            httpx.get(url, params={"query": "ASK { ?s ?p ?o }"}, timeout=5)
            return time.monotonic() - started  # it answers: ready (warm-up checks the rest)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {START_TIMEOUT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (from /proc), in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


# ------------------------------------------------------------------ load


@dataclass(frozen=True)
class Target:
    """A running server: its root URL and its SPARQL endpoint URL."""

    base: str
    sparql: str


def send(client: httpx.Client, target: Target, request: Request) -> tuple[int, int]:
    """Status and size of the answer (rows for SPARQL results JSON, bytes otherwise)."""
    headers = {"Accept": request.accept}
    if request.query is not None:
        response = client.post(target.sparql, data={"query": request.query}, headers=headers)
    else:
        response = client.get(target.base + (request.path or "/"), headers=headers)
    if response.status_code != 200:
        return response.status_code, 0
    if response.headers.get("content-type", "").startswith(RESULTS_JSON):
        payload = response.json()
        return 200, len(payload["results"]["bindings"]) if "results" in payload else 1
    return 200, len(response.content)


def warm_up(target: Target, mix: list[Request]) -> dict[str, tuple[int, int, float]]:
    """Each request once, one at a time: status, size and latency (the reference answers)."""
    answers = {}
    with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
        for request in mix:
            started = time.perf_counter()
            try:
                status, size = send(client, target, request)
            except httpx.HTTPError as exc:
                status, size = 0, 0
                print(f"  {request.name}: {type(exc).__name__}", file=sys.stderr)
            answers[request.name] = (status, size, time.perf_counter() - started)
    return answers


def load(
    target: Target,
    mix: list[Request],
    reference: dict[str, tuple[int, int, float]],
    run: Run,
    duration: float,
    pid: int,
) -> None:
    usable = [r for r in mix if reference[r.name][0] == 200 and reference[r.name][2] <= LOAD_LIMIT]
    deadline = time.monotonic() + duration
    lock = threading.Lock()
    run.latencies = {r.name: [] for r in usable}
    peak = [tree_rss_mb(pid)]
    run.rss_start_mb = peak[0]

    def client_loop(index: int) -> None:
        with httpx.Client(timeout=CLIENT_TIMEOUT) as client:
            turn = index
            while time.monotonic() < deadline:
                request = usable[turn % len(usable)]
                turn += 1
                started = time.perf_counter()
                try:
                    status, size = send(client, target, request)
                    problem = None if status == 200 else f"HTTP {status}"
                    if (
                        problem is None
                        and request.query is not None
                        and size != reference[request.name][1]
                    ):
                        problem = f"{size} rows, not {reference[request.name][1]}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    if problem:
                        run.errors.append(f"{request.name}: {problem}")
                    else:
                        run.latencies[request.name].append(elapsed)

    def monitor() -> None:
        while time.monotonic() < deadline:
            peak.append(tree_rss_mb(pid))
            time.sleep(1)

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(run.clients)]
    watcher = threading.Thread(target=monitor, daemon=True)
    started = time.monotonic()
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - started
    run.rss_end_mb = tree_rss_mb(pid)
    run.rss_peak_mb = max([*peak, run.rss_end_mb])


# ------------------------------------------------------------------ report


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return (
        "–"
        if seconds != seconds
        else f"{seconds * 1000:.0f}"
        if seconds >= 0.1
        else f"{seconds * 1000:.1f}"
    )


def machine() -> str:
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    versions = []
    for package in ("pyoxigraph", "rdflib", "starlette", "uvicorn", "rdflib-endpoint"):
        try:
            from importlib.metadata import version

            versions.append(f"{package} {version(package)}")
        except Exception:
            continue
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {int(memory) / 1024 / 1024:.1f} GiB memory, "
        f"Linux {platform.release()}, Python {platform.python_version()}; " + ", ".join(versions)
    )


HEADER = (
    "| server | mix | requests | throughput (req/s) | p50 (ms) | p99 (ms) | errors "
    "| RSS start → end (peak), MB |"
)


def report(
    runs: list[Run],
    references: dict[str, dict[str, tuple[int, int, float]]],
    args: argparse.Namespace,
    triples: int,
    starts: dict[str, float],
) -> str:
    lines = [
        "# Server load test: amakg serve and rdflib-endpoint",
        "",
        f"Machine: {machine()}.",
        f"Load average when the run began: {LOADAVG} (other work on the machine shares its cores;"
        " figures from separate runs differ accordingly).",
        "",
        f"Data: the built graph, {triples} quads in 5 named graphs (dist/amakg.trig), served by",
        "both servers as one dataset whose default graph is the union of the named graphs.",
        f"Load: {args.clients} client threads on the same machine, back-to-back requests for "
        f"{args.duration:g} s per run, over loopback; 60 s client timeout.",
        "amakg: default settings (2 query worker processes, 10 s query limit, 10,000-row cap).",
        "rdflib-endpoint: its `serve` command (rdflib's in-memory store and SPARQL engine).",
        "Run: `.venv/bin/python bench/load_test.py` (it writes this file).",
        "",
        HEADER,
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        values = run.all_latencies()
        lines.append(
            f"| {run.server} | {run.mix} | {run.count} | {run.count / run.seconds:.1f} | "
            f"{ms(percentile(values, 0.5))} | {ms(percentile(values, 0.99))} | {len(run.errors)} | "
            f"{run.rss_start_mb:.0f} → {run.rss_end_mb:.0f} ({run.rss_peak_mb:.0f}) |"
        )
    ready = ", ".join(f"{k} {v:.1f}" for k, v in starts.items())
    lines += ["", f"Ready after start (s): {ready}."]
    lines.append(
        f"A request that took more than {LOAD_LIMIT:g} s alone (amakg's query limit) is left "
        "out of that server's load mix (marked 'left out' below)."
    )
    for name in sorted(restarted):
        lines.append(
            f"{name} was restarted after its warm-up, where a request got no answer in 60 s "
            "(it has no query time limit, so that query would have kept a core busy during "
            "the load); that request is left out of its load mix."
        )
    lines.append("")
    lines += per_request(runs)
    lines += ["", "## Same answers (row counts of the warm-up requests)", ""]
    lines += same_answers(references)
    errors = [
        f"- {run.server} / {run.mix}: " + "; ".join(sorted(set(run.errors))[:5])
        for run in runs
        if run.errors
    ]
    lines += ["", "## Errors", "", *(errors or ["None."]), ""]
    return "\n".join(lines)


def per_request(runs: list[Run]) -> list[str]:
    lines = ["## Per request: p50 / p99 under load, and alone (the warm-up request), ms", ""]
    lines.append("| request | " + " | ".join(f"{r.server} ({r.mix})" for r in runs) + " |")
    lines.append("|---|" + "---:|" * len(runs))
    for name in sorted({n for run in runs for n in run.reference}):
        cells = []
        for run in runs:
            ref = run.reference.get(name)
            values = run.latencies.get(name)
            if ref is None:
                cells.append("")
            elif ref[0] != 200:
                cells.append(f"HTTP {ref[0]}" if ref[0] else "no answer in 60 s")
            elif ref[2] > LOAD_LIMIT:
                cells.append(f"left out; alone {ms(ref[2])}")
            elif not values:
                cells.append("no answer under load")
            else:
                p50, p99 = ms(percentile(values, 0.5)), ms(percentile(values, 0.99))
                cells.append(f"{p50} / {p99}; alone {ms(ref[2])}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def same_answers(references: dict[str, dict[str, tuple[int, int, float]]]) -> list[str]:
    if "rdflib-endpoint" not in references:
        return ["rdflib-endpoint was not measured (--no-peer)."]
    lines = []
    for name, (status, size, _) in references["amakg"].items():
        peer = references["rdflib-endpoint"].get(name)
        if peer is None:
            continue
        if (status, size) == peer[:2]:
            lines.append(f"- {name}: both {size} rows")
        else:
            lines.append(
                f"- {name}: amakg {size} rows (HTTP {status}), "
                f"rdflib-endpoint {peer[1]} rows (HTTP {peer[0]})"
            )
    return lines


# ------------------------------------------------------------------ main


def ensure_dist(dist: Path | None) -> Path:
    """The given dist/ as it is; else dist/ when fresh; else a build into bench/out/dist."""
    if dist is not None:
        return dist
    dist = default_dist()
    if is_fresh(dist):
        return dist
    built = ROOT / "bench" / "out" / "dist"
    if not is_fresh(built):
        print(f"building the graph into {built} ({dist} is stale) …", file=sys.stderr)
        subprocess.run(
            [str(Path(PYTHON).with_name("amakg")), "build", "--dist", str(built)], check=True
        )
    return built


def measure(
    name: str,
    starter: Callable[[Path, int], subprocess.Popen[bytes]],
    dist: Path,
    mixes: dict[str, list[Request]],
    args: argparse.Namespace,
    runs: list[Run],
    references: dict[str, dict[str, tuple[int, int, float]]],
    starts: dict[str, float],
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    target = Target(base, base + SPARQL_PATHS[name])
    process = starter(dist, port)
    try:
        starts[name] = wait_ready(target.sparql, process)
        references[name] = {}
        for mix_name, mix in mixes.items():
            print(f"{name}: warm-up of the {mix_name} mix …", file=sys.stderr)
            reference = warm_up(target, mix)
            references[name].update(reference)
            if any(status == 0 for status, _, _ in reference.values()):
                # a request the client gave up on may still run in the server (no time
                # limit): restart it so that the load is not measured beside it
                print(f"{name}: restarting (a warm-up request ran past 60 s) …", file=sys.stderr)
                stop(process)
                process = starter(dist, port)
                wait_ready(target.sparql, process)
                restarted.add(name)
            run = Run(name, mix_name, args.clients, reference=reference)
            print(f"{name}: {args.clients} clients for {args.duration:g} s …", file=sys.stderr)
            load(target, mix, reference, run, args.duration, process.pid)
            runs.append(run)
    finally:
        stop(process)


LOADAVG = " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per run")
    parser.add_argument("--dist", type=Path, default=None)
    parser.add_argument("--no-peer", action="store_true", help="skip rdflib-endpoint")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS-server.md")
    args = parser.parse_args()
    if args.clients < 1 or not 0 < args.duration <= 300:
        parser.error("--clients must be >= 1 and --duration between 0 and 300 s")
    dist = ensure_dist(args.dist)
    from amakg.store import Store

    store = Store()
    store.load_file(dist / "amakg.trig")
    triples = store.count()
    runs: list[Run] = []
    references: dict[str, dict[str, tuple[int, int, float]]] = {}
    starts: dict[str, float] = {}
    measure(
        "amakg",
        start_amakg,
        dist,
        {"shared": shared_mix(), "amakg endpoints": amakg_mix()},
        args,
        runs,
        references,
        starts,
    )
    if not args.no_peer:
        if shutil.which("rdflib-endpoint", path=str(Path(PYTHON).parent)) is None:
            raise SystemExit(
                "rdflib-endpoint is not installed: pip install rdflib-endpoint, or --no-peer"
            )
        measure(
            "rdflib-endpoint",
            start_rdflib_endpoint,
            dist,
            {"shared": shared_mix()},
            args,
            runs,
            references,
            starts,
        )
    text = report(runs, references, args, triples, starts)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
