"""The real graph (the repo's data): the issue's targets for `amakg build` and the canned queries.

- `amakg build` end to end in a fresh process (as a person runs it; today's reasoner);
- the same build in process, stage by stage (build() and write_dist()), on the reference path
  (rdflib graphs, pyshacl, owlrl) and on the fast one (pyoxigraph, amakg.validation.fast,
  amakg.reasoning.fast);
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


def _stages(reference: bool) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each stage of `build()` + `write_dist()` in this process, on the
    fast path or the reference one (rdflib graphs, pyshacl, owlrl)."""
    from amakg.build import build, write_dist
    from amakg.progress import Progress

    progress = Progress(enabled=False)
    built = build(progress=progress, reference=reference)
    with tempfile.TemporaryDirectory() as tmp:
        write_dist(built, Path(tmp), progress)
    timings = {name: (wall, progress.cpu[name]) for name, wall in progress.timings.items()}
    timings["total"] = (sum(w for w, _ in timings.values()), sum(c for _, c in timings.values()))
    return timings


def _queries(runs: int) -> list[tuple[str, float, float, float, int]]:
    """Per canned query: p50 wall ms through the API, p50 CPU ms, p50 engine-only ms, rows."""
    from amakg import queries
    from amakg.api import KnowledgeGraph
    from amakg.build import build

    store = build(check=False).store
    kg = KnowledgeGraph(store, store.graph_names())
    rows: list[tuple[str, float, float, float, int]] = []
    for name, canned in queries.local().items():
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
    reference, fast = _stages(reference=True), _stages(reference=False)
    query_rows = _queries(runs)
    lines = [
        "### the real graph (repo data)",
        "",
        "- `amakg build` end to end, fresh process, today's wiring: "
        f"p50 of 3 = **{build_s[0]:.2f} s** wall, {build_s[1]:.2f} s CPU",
        "- `amakg query wins --param artist=BTS`, cold process, dist/ reused: "
        f"p50 of 5 = **{cli_s[0]:.2f} s** wall, {cli_s[1]:.2f} s CPU",
        "",
        "| build stage (in process) | reference (pyshacl, owlrl) wall | CPU | fast wall | CPU |",
        "|---|---|---|---|---|",
    ]
    for stage in dict.fromkeys([*reference, *fast]):
        r_wall, r_cpu = reference.get(stage, (0.0, 0.0))
        f_wall, f_cpu = fast.get(stage, (0.0, 0.0))
        lines.append(
            f"| {stage} | {r_wall:.2f} s | {r_cpu:.2f} s | {f_wall:.2f} s | {f_cpu:.2f} s |"
        )
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
        "reference": reference,
        "fast": fast,
        "queries": query_rows,
    }
    return "\n".join(lines), data
