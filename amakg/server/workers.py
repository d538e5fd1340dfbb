"""Query worker processes: each holds its own copy of the graph; a query still running at the
time limit is stopped by killing its worker, which is then replaced.

pyoxigraph cannot interrupt a query running in a thread, so queries run in processes, started
with "spawn" (never forked from the threaded server). The server waits for an answer in a thread,
so it keeps serving other requests meanwhile; a worker goes back to the pool only after it has
answered in full.

Two lanes keep one heavy client from starving the others: ad-hoc queries (/sparql) run only on
the "adhoc" workers, at a lower CPU priority; canned queries and Linked Data pages (known,
bounded queries) may run on any idle worker, and the "reserved" workers are theirs alone. A
request that finds no worker within the pool's wait limit gets a 503 (Retry-After).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing as mp
import os
import resource
import signal
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from anyio import to_thread

from ..api import KnowledgeGraph, Store
from ..sandbox import isolate_network
from .config import ServerError
from .jobs import Answer, Failure, QuerySpec, run_job

LOG = logging.getLogger("amakg.server")
START_TIMEOUT = 120.0  # seconds a new worker may take to load the graph
ADHOC, RESERVED = "adhoc", "reserved"
_CONTEXT = mp.get_context("spawn")
_PR_SET_PDEATHSIG = 1


def worker_main(conn: Connection, trig: str, memory_mb: int, nice: int, parent: int) -> None:
    """The worker process: load the graph once, then answer jobs until the pipe closes."""
    isolated = isolate_network()  # first: no query this process runs can reach the network
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which kills us
    if nice > 0:
        os.nice(nice)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store = Store()
    store.load_file(Path(trig))
    graph = KnowledgeGraph(store, store.graph_names())  # the worker's graph never changes
    conn.send({"isolated": isolated})
    while True:
        try:
            specs = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_job(graph, specs))


def _die_with(parent: int) -> None:
    """Be killed when the server dies, even by kill -9, instead of finishing a runaway query.

    Set after isolate_network(): entering a user namespace changes credentials, which clears it.
    The kernel ties it to the thread that started us: the pool starts workers from the thread
    of its event loop, which lives as long as the server.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the server died before the line above took effect
        os._exit(0)


@dataclass(eq=False)
class Worker:
    process: BaseProcess
    conn: Connection
    lane: str
    isolated: bool = False
    answered: int = 0

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass
class PoolStats:
    answered: int = 0
    timeouts: int = 0
    crashes: int = 0
    busy_refusals: int = 0


Waiter = tuple["asyncio.Future[Worker]", tuple[str, ...]]


@dataclass(eq=False)
class WorkerPool:
    """Worker processes answering jobs one at a time each, in two lanes (see the module doc).

    size ad-hoc workers run at CPU priority `nice` (higher: lower priority); `reserved` more
    run at the server's priority for canned queries and pages. A job waits at most `wait_limit`
    seconds (default: `timeout`) for a worker.
    """

    trig: Path
    size: int
    timeout: float
    memory_mb: int = 0
    reserved: int = 0
    wait_limit: float | None = None
    nice: int = 0
    stats: PoolStats = field(default_factory=PoolStats)

    def __post_init__(self) -> None:
        self._workers: set[Worker] = set()
        self._idle: dict[str, list[Worker]] = {ADHOC: [], RESERVED: []}
        self._waiters: deque[Waiter] = deque()
        self._respawns: set[asyncio.Task[None]] = set()
        self._loading: set[Worker] = set()  # started, not yet ready
        self._started = False

    # ---------------------------------------------------------------- life cycle

    async def start(self) -> None:
        lanes = [ADHOC] * self.size + [RESERVED] * self.reserved
        workers = await asyncio.gather(*(self._spawn(lane) for lane in lanes))
        for worker in workers:
            self._workers.add(worker)
            self._release(worker)
        self._started = True

    async def stop(self) -> None:
        for task in self._respawns:
            task.cancel()
        for worker in [*self._loading, *self._workers]:  # a loading one would outlive us
            await to_thread.run_sync(worker.kill)
        self._workers.clear()

    async def _spawn(self, lane: str) -> Worker:
        """Start one worker and wait until it has loaded the graph.

        Started from the event loop's thread (see _die_with); waited for in another thread.
        """
        parent, child = _CONTEXT.Pipe()
        nice = self.nice if lane == ADHOC else 0
        process = _CONTEXT.Process(
            target=worker_main,
            args=(child, str(self.trig), self.memory_mb, nice, os.getpid()),
            name=f"amakg-query-worker-{lane}",
            daemon=True,
        )
        process.start()
        child.close()
        worker = Worker(process, parent, lane)
        self._loading.add(worker)
        try:
            ready = await to_thread.run_sync(_wait_ready, parent)
        finally:
            self._loading.discard(worker)
        if ready is None:
            await to_thread.run_sync(worker.kill)
            raise ServerError(
                f"a query worker could not load {self.trig} (see the messages above); "
                "rebuild with `amakg build`"
            )
        worker.isolated = bool(ready.get("isolated"))
        return worker

    def _replace(self, worker: Worker) -> None:
        """Kill a worker now; start its replacement in the background."""
        with contextlib.suppress(OSError):
            worker.process.kill()
        self._workers.discard(worker)
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)

    async def _respawn(self, dead: Worker) -> None:
        await to_thread.run_sync(dead.kill)
        for attempt in range(3):
            try:
                worker = await self._spawn(dead.lane)
            except ServerError as exc:
                LOG.error("replacing a query worker failed (attempt %d): %s", attempt + 1, exc)
                await asyncio.sleep(1.0)
                continue
            self._workers.add(worker)
            self._release(worker)
            return

    # ---------------------------------------------------------------- handing out workers

    def _release(self, worker: Worker) -> None:
        """An idle worker: to the first waiter that may use it (canned ones first), else idle."""
        fitting = [w for w in self._waiters if worker.lane in w[1] and not w[0].done()]
        if fitting:
            waiter = next((w for w in fitting if RESERVED in w[1]), fitting[0])
            self._waiters.remove(waiter)
            waiter[0].set_result(worker)
            return
        self._idle[worker.lane].append(worker)

    async def _acquire(self, lanes: tuple[str, ...]) -> Worker | None:
        """An idle worker of one of the lanes (in that order), or None after the wait limit."""
        for lane in lanes:
            if self._idle[lane]:
                return self._idle[lane].pop()
        future: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        waiter = (future, lanes)
        self._waiters.append(waiter)
        try:
            # asyncio.wait, not wait_for: it never cancels a future that was just given a worker
            await asyncio.wait({future}, timeout=self.wait_seconds)
        except asyncio.CancelledError:  # the client went away while waiting
            self._withdraw(waiter)
            raise
        if future.done():
            return future.result()
        self._withdraw(waiter)
        return None

    def _withdraw(self, waiter: Waiter) -> None:
        """Stop waiting; a worker given meanwhile goes to the next waiter."""
        future = waiter[0]
        if future.done() and not future.cancelled():
            self._release(future.result())
            return
        future.cancel()
        with contextlib.suppress(ValueError):
            self._waiters.remove(waiter)

    @property
    def wait_seconds(self) -> float:
        return self.timeout if self.wait_limit is None else self.wait_limit

    # ---------------------------------------------------------------- answering

    async def run(
        self, specs: Sequence[QuerySpec], reserved: bool = False
    ) -> list[Answer] | Failure:
        """Answer a job within the time limit, or say why not (503 on timeout or overload).

        reserved: a canned query or page, which may also use the reserved workers.
        """
        if not self._started:
            return Failure(503, "the server is starting: try again in a moment")
        worker = await self._acquire((RESERVED, ADHOC) if reserved else (ADHOC,))
        if worker is None:
            self.stats.busy_refusals += 1
            waited = f"{self.wait_seconds:g} s"
            return Failure(503, f"every query worker stayed busy for {waited}: try again shortly")
        reply: list[Answer] | Failure | None = None
        try:
            reply = await to_thread.run_sync(self._ask, worker, list(specs))
        except TimeoutError:
            self.stats.timeouts += 1
            return Failure(
                503,
                f"the query was stopped after {self.timeout:g} s, the server's time limit "
                "(its worker process was killed). Add LIMIT, narrow the patterns, or run it "
                "locally with `amakg sparql`.",
            )
        except (EOFError, OSError):
            self.stats.crashes += 1
            return Failure(
                503,
                "the query stopped its worker (most likely by using more memory than a worker "
                "may); add LIMIT or narrow the query",
            )
        finally:
            if reply is None:  # timed out, died or cancelled: never reuse it
                self._replace(worker)
            else:
                worker.answered += 1
                self._release(worker)
        self.stats.answered += 1
        return reply

    def _ask(self, worker: Worker, specs: list[QuerySpec]) -> list[Answer] | Failure:
        """Send a job and wait for its answer (blocking: run in a thread)."""
        worker.conn.send(specs)
        if not worker.conn.poll(self.timeout):
            raise TimeoutError
        reply: list[Answer] | Failure = worker.conn.recv()
        return reply

    @property
    def network_isolated(self) -> bool:
        """True when every running worker has no network (see amakg.sandbox)."""
        return bool(self._workers) and all(w.isolated for w in self._workers)

    def status(self) -> dict[str, object]:
        idle = sum(len(workers) for workers in self._idle.values())
        return {
            "workers": len(self._workers),
            "reserved": sum(1 for w in self._workers if w.lane == RESERVED),
            "starting": len(self._respawns),
            "idle": idle,
            "busy": max(len(self._workers) - idle, 0),
            "waiting": len(self._waiters),
            "answered": self.stats.answered,
            "timeouts": self.stats.timeouts,
            "crashes": self.stats.crashes,
            "busy_refusals": self.stats.busy_refusals,
        }


def _wait_ready(conn: Connection) -> dict[str, object] | None:
    """The worker's ready message, or None when it died or took too long (blocking)."""
    try:
        if conn.poll(START_TIMEOUT):
            message: dict[str, object] = conn.recv()
            return message
    except (EOFError, OSError):
        pass
    return None
