"""Benchmark runner: times every stage of the fast and the naive pipeline side by side.

    python bench/run.py --scale 10k --scale 100k --scale 1M    # the full benchmark
    python bench/run.py --scale 300 --smoke                    # CI smoke test: tiny, one run
    python bench/run.py --real                                 # the real graph (repo data)

For each scale the graph is generated if missing (bench/generate.py), then each pipeline runs
in a child process of its own (bench/pipelines.py), killed at --timeout seconds; the naive
pipeline's queries each run in a forked child killed at --query-limit seconds. The table gives,
per stage, the fast and the naive time, each process's peak memory so far, and the ratio
naive/fast. Queries are p50 over --runs runs (fast: through the Python API, KnowledgeGraph.run;
the pyoxigraph engine alone in brackets) and --naive-runs runs (rdflib). No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import OUT, generate  # noqa: E402

EXPORT_STAGES = ("export:trig", "export:turtle", "export:json-ld", "export:void")
BUILD_STAGES = ("validate", "reason", *EXPORT_STAGES)  # issue 6's "build": validate+reason+export
NAIVE_BUILD = ("validate", "reason", "export:turtle")


def run_worker(
    kind: str, folder: Path, runs: int, timeout: float, query_limit: float
) -> dict[str, Any]:
    """Run one pipeline in a child process; return its events, and where it stopped if killed."""
    with tempfile.NamedTemporaryFile("w+", suffix=".jsonl", delete=False) as report:
        path = Path(report.name)
    command = [
        sys.executable,
        str(BENCH / "pipelines.py"),
        kind,
        str(folder),
        str(path),
        str(runs),
        str(query_limit),
    ]
    start = time.perf_counter()
    killed = False
    try:
        completed = subprocess.run(
            command, timeout=timeout, capture_output=True, text=True, check=False
        )
        error = completed.stderr.strip().splitlines()[-1:] if completed.returncode else []
    except subprocess.TimeoutExpired:
        killed, error = True, []
    elapsed = time.perf_counter() - start
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    path.unlink()
    done = {e["stage"]: e for e in events if e["event"] == "done"}
    started = [e["stage"] for e in events if e["event"] == "start"]
    running = next((s for s in reversed(started) if s not in done), None)
    return {
        "done": done,
        "killed": killed,
        "running": running,
        "elapsed": elapsed,
        "error": error[0] if error else None,
        "finished": any(e["event"] == "finished" for e in events),
        "info": {k: v for e in events if e["event"] == "info" for k, v in e.items()},
    }


Cell = tuple[str, str, str, float | None]  # wall text, CPU text, peak memory text, CPU seconds


def cell(result: dict[str, Any] | None, stage: str) -> Cell:
    """One stage of one pipeline: wall time, CPU time, peak memory, and the CPU seconds compared."""
    if result is None:
        return "not run", "", "", None
    event = result["done"].get(stage)
    if event is None:
        if result["running"] == stage:
            why = f"killed at {result['elapsed']:.0f} s" if result["killed"] else "failed"
            return f"**{why}**", "", "", None
        return ("—", "", "", None) if result["finished"] else ("not reached", "", "", None)
    memory = f"{event['peak_mb']:.0f}"
    if "timeout_s" in event:
        return f"**> {event['timeout_s']:.0f} s (killed)**", "", memory, None
    if stage.startswith("query:"):
        engine = f"engine {event['engine_p50_ms']:.1f}; " if "engine_p50_ms" in event else ""
        wall = f"{event['p50_ms']:.1f} ms ({engine}{event['runs']} runs)"
        return wall, f"{event['cpu_p50_ms']:.1f} ms", memory, event["cpu_p50_ms"] / 1000
    return f"{event['seconds']:.2f} s", f"{event['cpu']:.2f} s", memory, event["cpu"]


def build_total(
    result: dict[str, Any] | None, stages: tuple[str, ...]
) -> tuple[float, float] | None:
    """Wall and CPU seconds of the stages together, or None when one of them did not finish."""
    if result is None or not all(s in result["done"] for s in stages):
        return None
    events = [result["done"][s] for s in stages]
    return sum(e["seconds"] for e in events), sum(e["cpu"] for e in events)


def table(scale: str, triples: int, fast: dict[str, Any], naive: dict[str, Any] | None) -> str:
    stages = list(fast["done"])
    for result in (naive, fast):
        if result:
            stages += [s for s in result["done"] if s not in stages]
            if result["running"] and result["running"] not in stages:
                stages.append(result["running"])
    lines = [
        f"### {scale} ({triples:,} triples generated)",
        "",
        "| stage | fast wall | fast CPU | fast peak MB | naive wall | naive CPU | naive peak MB "
        "| naive / fast (CPU) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for stage in stages:
        f_wall, f_cpu, f_mem, f_num = cell(fast, stage)
        n_wall, n_cpu, n_mem, n_num = cell(naive, stage)
        ratio = f"{n_num / f_num:.1f}×" if f_num and n_num else ""
        lines.append(
            f"| {stage} | {f_wall} | {f_cpu} | {f_mem} | {n_wall} | {n_cpu} | {n_mem} | {ratio} |"
        )
    for label, f_stages, n_stages in (
        ("validate+reason+export", BUILD_STAGES, NAIVE_BUILD),
        ("load+validate+reason+export", ("load", *BUILD_STAGES), ("load", *NAIVE_BUILD)),
    ):
        f_total, n_total = build_total(fast, f_stages), build_total(naive, n_stages)
        ratio = f"{n_total[1] / f_total[1]:.1f}×" if f_total and n_total else ""
        lines.append(
            f"| **build** ({label}) | **{_s(f_total, 0)}** | {_s(f_total, 1)} | "
            f"{_peak(fast)} | **{_s(n_total, 0)}** | {_s(n_total, 1)} | {_peak(naive)} | {ratio} |"
        )
    for name, result in (("fast", fast), ("naive", naive)):
        if result and result["error"]:
            lines.append(f"\n{name} pipeline failed: {result['error']}")
        if result and result["killed"]:
            where = (
                f"during stage `{result['running']}`"
                if result["running"]
                else "after its last stage, before it exited"
            )
            lines.append(
                f"\n{name} pipeline killed at the limit ({result['elapsed']:.0f} s) {where}."
            )
    return "\n".join(lines)


def _s(total: tuple[float, float] | None, index: int) -> str:
    return f"{total[index]:.1f} s" if total is not None else "did not finish"


def _peak(result: dict[str, Any] | None) -> str:
    peaks = [e["peak_mb"] for e in (result or {"done": {}})["done"].values()]
    return f"{max(peaks):.0f}" if peaks else ""


def bench_scale(scale: str, args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    folder = args.out / scale
    if not (folder / "params.json").is_file() or args.regenerate:
        generate(scale, args.out)
    triples = json.loads((folder / "params.json").read_text(encoding="utf-8"))["triples"]
    fast = run_worker("fast", folder, args.runs, args.fast_timeout, args.query_limit)
    naive = (
        None
        if args.skip_naive
        else run_worker("naive", folder, args.naive_runs, args.timeout, args.query_limit)
    )
    return table(scale, triples, fast, naive), {
        "scale": scale,
        "triples": triples,
        "fast": fast,
        "naive": naive,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", action="append", default=[], help="10k, 100k, 1M or a number")
    parser.add_argument("--runs", type=int, default=20, help="runs per canned query (fast)")
    parser.add_argument("--naive-runs", type=int, default=5, help="runs per canned query (naive)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the naive pipeline")
    parser.add_argument(
        "--fast-timeout", type=float, default=3600, help="seconds for the fast pipeline"
    )
    parser.add_argument("--query-limit", type=float, default=60, help="seconds per naive query")
    parser.add_argument("--out", type=Path, default=OUT, help="where generated graphs live")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    parser.add_argument("--skip-naive", action="store_true", help="time the fast pipeline only")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the graphs")
    parser.add_argument("--smoke", action="store_true", help="CI: one run per query, short limits")
    parser.add_argument(
        "--real", action="store_true", help="also measure the real graph (repo data)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs, args.naive_runs = 1, 1
        args.timeout, args.query_limit = min(args.timeout, 300), min(args.query_limit, 60)
        args.fast_timeout = min(args.fast_timeout, 300)
    print(machine())
    results = []
    default = [] if args.real else ["300"] if args.smoke else ["10k"]
    for scale in args.scale or default:
        text, data = bench_scale(scale, args)
        print("\n" + text, flush=True)
        results.append(data)
    if args.real:
        from real import measure_real

        text, data = measure_real(args.runs)
        print("\n" + text, flush=True)
        results.append(data)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 0


def machine() -> str:
    """The machine and the library versions, for RESULTS.md."""
    import os
    import platform
    from importlib.metadata import version

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    libs = ", ".join(
        f"{name} {version(name)}" for name in ("rdflib", "owlrl", "pyshacl", "pyoxigraph")
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} CPUs ({cpu}), {memory} GiB memory, "
        f"Python {platform.python_version()}, {libs}; load average at start {load}"
    )


if __name__ == "__main__":
    sys.exit(main())
