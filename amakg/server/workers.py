"""Query worker processes: each holds its own copy of the graph; a query still running at the
time limit is stopped by killing its worker, which is then replaced.

pyoxigraph cannot interrupt a query running in a thread, so queries run in processes, started
with "spawn" (never forked from the threaded server). The server waits for an answer in a thread,
so it keeps serving other requests meanwhile; a worker goes back to the pool only after it has
answered in full.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import resource
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from anyio import to_thread

from ..store import Store
from .config import ServerError
from .jobs import Answer, Failure, QuerySpec, run_job

LOG = logging.getLogger("amakg.server")
START_TIMEOUT = 120.0  # seconds a new worker may take to load the graph
_CONTEXT = mp.get_context("spawn")


def worker_main(conn: Connection, trig: str, memory_mb: int) -> None:
    """The worker process: load the graph once, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which kills us
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    store = Store()
    store.load_file(Path(trig))
    conn.send(os.getpid())
    while True:
        try:
            specs = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(run_job(store, specs))


@dataclass(eq=False)
class Worker:
    process: BaseProcess
    conn: Connection
    answered: int = 0

    @property
    def pid(self) -> int:
        return self.process.pid or 0

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


@dataclass(eq=False)
class WorkerPool:
    """A fixed number of worker processes answering jobs one at a time each."""

    trig: Path
    size: int
    timeout: float
    memory_mb: int = 0
    stats: PoolStats = field(default_factory=PoolStats)

    def __post_init__(self) -> None:
        self._workers: set[Worker] = set()
        self._idle: asyncio.Queue[Worker] | None = None
        self._respawns: set[asyncio.Task[None]] = set()

    # ---------------------------------------------------------------- life cycle

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(to_thread.run_sync(self._spawn) for _ in range(self.size)))
        for worker in workers:
            self._workers.add(worker)
            self._idle.put_nowait(worker)

    async def stop(self) -> None:
        for task in self._respawns:
            task.cancel()
        for worker in list(self._workers):
            await to_thread.run_sync(worker.kill)
        self._workers.clear()

    def _spawn(self) -> Worker:
        """Start one worker and wait until it has loaded the graph (blocking: run in a thread)."""
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=worker_main,
            args=(child, str(self.trig), self.memory_mb),
            name="amakg-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = Worker(process, parent)
        try:
            ready = parent.poll(START_TIMEOUT)
            if ready:
                parent.recv()
        except (EOFError, OSError):
            ready = False
        if not ready:
            worker.kill()
            raise ServerError(
                f"a query worker could not load {self.trig} (see the messages above); "
                "rebuild with `amakg build`"
            )
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
                worker = await to_thread.run_sync(self._spawn)
            except ServerError as exc:
                LOG.error("replacing a query worker failed (attempt %d): %s", attempt + 1, exc)
                await asyncio.sleep(1.0)
                continue
            assert self._idle is not None
            self._workers.add(worker)
            self._idle.put_nowait(worker)
            return

    # ---------------------------------------------------------------- answering

    async def run(self, specs: Sequence[QuerySpec]) -> list[Answer] | Failure:
        """Answer a job within the time limit, or say why not (503 on timeout or overload)."""
        if self._idle is None:
            return Failure(503, "the server is starting: try again in a moment")
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            self.stats.busy_refusals += 1
            return Failure(
                503, f"every query worker stayed busy for {self.timeout:g} s: try again shortly"
            )
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
                self._idle.put_nowait(worker)
        self.stats.answered += 1
        return reply

    def _ask(self, worker: Worker, specs: list[QuerySpec]) -> list[Answer] | Failure:
        """Send a job and wait for its answer (blocking: run in a thread)."""
        worker.conn.send(specs)
        if not worker.conn.poll(self.timeout):
            raise TimeoutError
        reply: list[Answer] | Failure = worker.conn.recv()
        return reply

    def status(self) -> dict[str, object]:
        idle = self._idle.qsize() if self._idle is not None else 0
        return {
            "workers": len(self._workers),
            "starting": len(self._respawns),
            "idle": idle,
            "busy": max(len(self._workers) - idle, 0),
            "pids": sorted(w.pid for w in self._workers),
            "answered": self.stats.answered,
            "timeouts": self.stats.timeouts,
            "crashes": self.stats.crashes,
            "busy_refusals": self.stats.busy_refusals,
        }
