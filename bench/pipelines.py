"""The two pipelines the benchmark times, stage by stage; each runs in a process of its own.

fast  = `amakg build` itself (amakg.build.build + write_dist, their own stages): files parsed
        into a pyoxigraph store (load) -> amakg.validation.fast (validate) -> rules + OWL 2 RL
        rules in the store (reason, amakg.reasoning.fast.infer_in_store) -> canned queries
        through the Python API (KnowledgeGraph.run) -> the exports (export:trig, export:turtle,
        export:json-ld, export:void).
naive = rdflib parse -> pyshacl -> owlrl + rules (amakg.reasoning.reference.infer, the
        reference path) -> the canned queries in rdflib's SPARQL engine -> rdflib Turtle
        serialization.

A worker writes one JSON line per event to its report file as it goes ("start" before a stage,
then the stage's numbers), so that a worker killed at the time limit still tells what it
reached. Memory is the process's peak resident set so far (getrusage ru_maxrss), read after
each stage: peaks are monotonic, so a stage's figure is the peak of the run up to its end.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rdflib import Graph  # noqa: E402

from amakg import queries, resources  # noqa: E402
from amakg.progress import Progress  # noqa: E402

QUERY_STAGE = "query:"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Recorder:
    """Appends one JSON object per line to the report file, flushed at once."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("a", encoding="utf-8")

    def write(self, **event: Any) -> None:
        self.file.write(json.dumps(event) + "\n")
        self.file.flush()

    @contextmanager
    def stage(self, name: str, **extra: Any) -> Iterator[dict[str, Any]]:
        self.write(event="start", stage=name)
        info: dict[str, Any] = dict(extra)
        start, cpu = time.perf_counter(), time.process_time()
        yield info
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        self.write(event="done", stage=name, seconds=seconds, cpu=cpu, peak_mb=peak_mb(), **info)


QUERY_BUDGET = 30.0  # seconds of runs per query, after which fewer than `runs` runs are kept


def timed(run_once: Callable[[], int], runs: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds of each of `runs` calls (fewer past QUERY_BUDGET s; at least one),
    and the row count of the last."""
    wall: list[float] = []
    cpu: list[float] = []
    rows = 0
    while len(wall) < runs and (not wall or sum(wall) < QUERY_BUDGET):
        start, cpu_start = time.perf_counter(), time.process_time()
        rows = run_once()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return wall, cpu, rows


def canned_queries(params: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, SPARQL, parameters) of every canned query that runs locally (no SERVICE).

    A parameter takes the generated graph's value (params.json) where it has one, else the
    query's default; a required parameter without either is skipped with the query.
    """
    chosen = []
    for name, canned in queries.local().items():
        values: dict[str, Any] = {}
        for p in canned.parameters:
            if p.name in params:
                values[p.name] = params[p.name]
            elif p.required:
                break
        else:
            chosen.append((name, canned.sparql, values))
    return chosen


ARTIST_PARAMS = ("artist", "subject")


def median_artist(store: Any) -> tuple[str, int] | None:
    """The name and win count of the median artist among those who won (bench/median-artist.rq)."""
    rows = store.query((BENCH / "median-artist.rq").read_text(encoding="utf-8")).rows
    if not rows:
        return None
    row = rows[len(rows) // 2]
    return str(row["name"]), int(row["wins"].toPython())


def typical_variants(
    params: dict[str, str], typical: tuple[str, int] | None
) -> list[tuple[str, str, dict[str, Any]]]:
    """The queries that take an artist again, with the median artist instead of the most winning
    one (params.json's): stage "NAME (median artist, N wins)"."""
    if typical is None:
        return []
    variants = []
    for name, sparql, values in canned_queries(params):
        if any(p in values for p in ARTIST_PARAMS):
            changed = {k: (typical[0] if k in ARTIST_PARAMS else v) for k, v in values.items()}
            variants.append((f"{name} (median artist, {typical[1]} wins)", sparql, changed))
    return variants


def p50(times: list[float]) -> float:
    return statistics.median(times) if times else float("nan")


def _input_files(folder: Path) -> list[Path]:
    return [folder / "asserted.ttl", folder / "provenance.ttl", resources.ontology_file()]


# ---------------------------------------------------------------- fast


class RecordedProgress(Progress):
    """amakg's Progress, each stage also written to the report (start, then its numbers)."""

    def __init__(self, rec: Recorder) -> None:
        super().__init__(enabled=False)
        self.rec = rec

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        with self.rec.stage(name):
            yield


def run_fast(folder: Path, params: dict[str, str], runs: int, rec: Recorder) -> None:
    """`amakg build` itself (amakg.build.build and write_dist, stage by stage), then the queries."""
    from amakg.api import KnowledgeGraph
    from amakg.build import build, write_dist

    progress = RecordedProgress(rec)
    built = build(data_dir=folder, progress=progress)
    assert built.report is not None
    rec.write(
        event="info",
        triples=sum(n for g, n in built.store.counts().items() if not g.endswith("inferred")),
        inferred=built.counts().get("inferred", 0),
        conforms=built.report.conforms,
        results=len(built.report.results),
    )
    store = built.store
    kg = KnowledgeGraph(store, store.graph_names())
    typical = median_artist(store)
    for name, sparql, values in [*canned_queries(params), *typical_variants(params, typical)]:
        stage = name if name in queries.catalogue() else name.split(" ", 1)[0]
        with rec.stage(QUERY_STAGE + name) as info:
            bindings = queries.get(stage).bindings(values)

            def api(name: str = stage, values: dict[str, Any] = values) -> int:
                return len(kg.run(name, **values).rows)

            def engine_only(text: str = sparql, bound: dict[str, Any] = bindings) -> int:
                return len(store.query(text, bindings=bound, graphs=kg.graphs).rows)

            wall, cpu, rows = timed(api, runs)
            engine, _, _ = timed(engine_only, len(wall))
            info.update(
                p50_ms=p50(wall) * 1000,
                cpu_p50_ms=p50(cpu) * 1000,
                engine_p50_ms=p50(engine) * 1000,
                rows=rows,
                runs=len(wall),
            )
    with tempfile.TemporaryDirectory() as tmp:
        write_dist(built, Path(tmp), progress)


# ---------------------------------------------------------------- naive


def run_naive(
    folder: Path, params: dict[str, str], runs: int, rec: Recorder, query_limit: float
) -> None:
    from amakg.reasoning.reference import infer
    from amakg.validation.reference import validate

    with rec.stage("load") as info:
        data = Graph()
        for path in _input_files(folder):
            data.parse(path, format="turtle")
        info["triples"] = len(data)
    with rec.stage("validate") as info:
        report = validate(data)
        info["conforms"] = report.conforms
        info["results"] = len(report.results)
    with rec.stage("reason") as info:
        inferred = infer(data)
        info["inferred"] = len(inferred)
    union = data + inferred
    for name, sparql, values in canned_queries(params):
        with rec.stage(QUERY_STAGE + name) as info:
            bindings = queries.get(name).bindings(values)

            def run_once(text: str = sparql, bound: dict[str, Any] = bindings) -> int:
                return len(union.query(text, initBindings=bound))

            info.update(_bounded(run_once, runs, query_limit))
    with tempfile.TemporaryDirectory() as tmp, rec.stage("export:turtle"):
        union.serialize(destination=str(Path(tmp) / "amakg.ttl"), format="turtle")


def _bounded(run_once: Callable[[], int], runs: int, limit: float) -> dict[str, Any]:
    """Run a query `runs` times in a forked child (it shares the loaded graph), killed at `limit` s.

    rdflib has no query timeout and a thread cannot be stopped: a child process can.
    """
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)

    def work() -> None:
        child.send(timed(run_once, runs))

    process = context.Process(target=work)
    process.start()
    if parent.poll(limit):
        wall, cpu, rows = parent.recv()
        process.join()
        return {
            "p50_ms": p50(wall) * 1000,
            "cpu_p50_ms": p50(cpu) * 1000,
            "rows": rows,
            "runs": len(wall),
        }
    process.kill()
    process.join()
    return {"timeout_s": limit}


def main(argv: list[str]) -> None:
    """Worker entry: pipelines.py fast|naive DATA_FOLDER REPORT RUNS [QUERY_LIMIT]."""
    kind, folder, report, runs = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    params = json.loads((folder / "params.json").read_text(encoding="utf-8"))["params"]
    rec = Recorder(report)
    if kind == "fast":
        run_fast(folder, params, runs, rec)
    else:
        run_naive(folder, params, runs, rec, float(argv[4]))
    rec.write(event="finished")


if __name__ == "__main__":
    main(sys.argv[1:])
