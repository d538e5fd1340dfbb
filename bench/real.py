"""The real graph (the repo's data): the issue's targets for `amakg build` and the canned queries.

- `amakg build` end to end in a fresh process (as a person runs it; today's reasoner);
- the same build in process, stage by stage, with the reference reasoner (owlrl) and with the
  fast one (amakg.fastrl.infer_in_store), so the gain of wiring the fast path is measured;
- every canned query (each with its default parameters; "BTS" for a required one) p50 through
  the Python API (KnowledgeGraph.run) and on the pyoxigraph engine alone;
- `amakg query wins --param artist=BTS` from a cold process, reusing the dist/ just built.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AMAKG = Path(sys.executable).parent / "amakg"


def _wall(command: list[str], runs: int) -> tuple[float, float]:
    """p50 wall seconds and p50 CPU seconds (user + system) of `command` in a fresh process."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


@contextmanager
def _stage(timings: dict[str, tuple[float, float]], name: str) -> Iterator[None]:
    start, cpu = time.perf_counter(), time.process_time()
    yield
    timings[name] = (time.perf_counter() - start, time.process_time() - cpu)


def _stages(reasoner: str) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each stage of a build in this process, with either reasoner."""
    from rdflib import Graph

    from amakg import fastrl
    from amakg.build import Built, write_dist
    from amakg.dataset import load_graphs, read_manifest
    from amakg.reason import infer
    from amakg.store import Store
    from amakg.validate import validate
    from amakg.vocab import INFERRED, ONTOLOGY

    timings: dict[str, tuple[float, float]] = {}
    with _stage(timings, "load"):
        graphs = load_graphs(read_manifest())
        data = Graph()
        for g in graphs.values():
            data += g
    with _stage(timings, "validate"):
        report = validate(data)
    store = Store()
    with _stage(timings, "reason + store"):
        for name, g in graphs.items():
            store.add_graph(name, g)
        if reasoner == "owlrl":
            store.add_graph(INFERRED, infer(data))
        else:
            fastrl.infer_in_store(store._store)
    built = Built(store, report, "bench", [g for g in graphs if g != ONTOLOGY])
    with tempfile.TemporaryDirectory() as tmp, _stage(timings, "export (write_dist)"):
        write_dist(built, Path(tmp))
    timings["total"] = (sum(w for w, _ in timings.values()), sum(c for _, c in timings.values()))
    return timings


def _queries(runs: int) -> list[tuple[str, float, float, float, int]]:
    """Per canned query: p50 wall ms through the API, p50 CPU ms, p50 engine-only ms, rows."""
    from amakg import fastrl, queries
    from amakg.api import KnowledgeGraph
    from amakg.dataset import load_graphs, read_manifest
    from amakg.errors import NetworkRefused
    from amakg.guard import check_query
    from amakg.store import Store

    store = Store()
    for graph_name, graph in load_graphs(read_manifest()).items():
        store.add_graph(graph_name, graph)
    fastrl.infer_in_store(store._store)
    kg = KnowledgeGraph(store, store.graph_names())
    rows: list[tuple[str, float, float, float, int]] = []
    for name, canned in queries.catalogue().items():
        try:
            check_query(canned.sparql)
        except NetworkRefused:
            continue
        values: dict[str, Any] = {p.name: "BTS" for p in canned.parameters if p.required}
        bindings = canned.bindings(values)
        api, cpu, engine, count = [], [], [], 0
        for _ in range(runs):
            start, cpu_start = time.perf_counter(), time.process_time()
            count = len(kg.run(name, **values).rows)
            api.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
            start = time.perf_counter()
            store.query(canned.sparql, bindings=bindings, graphs=kg.graphs)
            engine.append(time.perf_counter() - start)
        p50 = [statistics.median(x) * 1000 for x in (api, cpu, engine)]
        rows.append((name, p50[0], p50[1], p50[2], count))
    return rows


def measure_real(runs: int) -> tuple[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        build_s = _wall([str(AMAKG), "build", "--dist", str(dist)], 3)
        cli_s = _wall(
            [str(AMAKG), "query", "wins", "--param", "artist=BTS", "--dist", str(dist)], 5
        )
    owlrl, fast = _stages("owlrl"), _stages("fast")
    query_rows = _queries(runs)
    lines = [
        "### the real graph (repo data)",
        "",
        "- `amakg build` end to end, fresh process, today's wiring: "
        f"p50 of 3 = **{build_s[0]:.2f} s** wall, {build_s[1]:.2f} s CPU",
        "- `amakg query wins --param artist=BTS`, cold process, dist/ reused: "
        f"p50 of 5 = **{cli_s[0]:.2f} s** wall, {cli_s[1]:.2f} s CPU",
        "",
        "| build stage (in process) | reference (owlrl) wall | CPU | fast (fastrl) wall | CPU |",
        "|---|---|---|---|---|",
    ]
    for stage, (wall, cpu) in owlrl.items():
        f_wall, f_cpu = fast[stage]
        lines.append(f"| {stage} | {wall:.2f} s | {cpu:.2f} s | {f_wall:.2f} s | {f_cpu:.2f} s |")
    lines += [
        "",
        f"| canned query | p50 wall, API (KnowledgeGraph.run), {runs} runs | p50 CPU "
        "| p50 wall, engine only | rows |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {n} | {a:.1f} ms | {c:.1f} ms | {e:.1f} ms | {r} |" for n, a, c, e, r in query_rows
    ]
    data = {
        "scale": "real",
        "build_cli_s": build_s,
        "cli_query_s": cli_s,
        "owlrl": owlrl,
        "fast": fast,
        "queries": query_rows,
    }
    return "\n".join(lines), data
