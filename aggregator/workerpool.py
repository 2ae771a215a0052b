"""Worker processes with a time limit on every job: the crawl's screening (:mod:`digest`).

:class:`WorkerPool` keeps up to *size* spawned processes, each serving one job at a time over its
own pipe. :meth:`WorkerPool.run` hands a job to an idle worker and waits at most *timeout*
seconds for the answer:

- a job waits for a free worker (at most until *until*), then has *timeout* seconds;
- a worker that overruns is killed, and the next job that needs one starts a fresh process; the
  caller gets :class:`JobTimeout` and the jobs on the other workers go on;
- a worker that grows past *max_memory* on a job is stopped the same way, and one that dies on
  a job (killed by the system, a crash in native code) too: both give :class:`WorkerCrashed`;
- when no worker can start at all (the main program cannot be re-imported by a spawned process,
  as with code read from stdin), :class:`PoolUnavailable` is raised once and :attr:`broken` is
  set, so that the caller does the work itself from then on.

A job is a module-level function and picklable arguments; its result comes back pickled, and so
does a :class:`~pios_ld.errors.PiosError` it raises (raised again in the caller, class, messages
and all); any other exception comes back as :class:`WorkerCrashed` naming it. A worker ends when
its pipe closes (the crawling process is gone or closed the pool).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from pios_ld.errors import PiosError

#: Seconds a new worker may take to start (import the libraries) before the pool is broken.
START_TIMEOUT = 120.0


class JobTimeout(Exception):
    """The job ran past its time limit; its worker was replaced."""


class WorkerCrashed(Exception):
    """The worker died while running the job; it was replaced."""


class PoolUnavailable(Exception):
    """No worker process could be started."""


def _serve(conn: Connection, parent: int) -> None:
    """A worker's life: answer jobs until the pipe closes."""
    from pios_ld.aggregator import digest

    digest.watch_parent(parent)
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args = job
        try:
            answer: tuple[str, Any] = ("ok", fn(*args))
        except PiosError as exc:  # comes back as itself (it pickles)
            answer = ("raised", exc)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller, worker lives on
            answer = ("exception", f"{type(exc).__name__}: {str(exc)[:500]}")
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


def _resident(pid: int | None) -> int:
    """Resident memory of process *pid* in bytes (0 where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _Worker:
    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, os.getpid()), daemon=True,
                                       name="pios-crawl-worker")
        self.process.start()
        child.close()

    def ready(self) -> bool:
        try:
            return bool(self.conn.poll(START_TIMEOUT)) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        except (OSError, ValueError):
            pass
        self.conn.close()


class WorkerPool:
    """Up to *size* worker processes; safe to use from many threads."""

    def __init__(self, size: int, max_memory: int | None = None) -> None:
        self.size = size
        #: bytes of resident memory a worker may use on a job before it is stopped (Linux)
        self.max_memory = max_memory
        self.broken = False
        #: how many workers were replaced after overrunning or dying
        self.replaced = 0
        self._context = multiprocessing.get_context("spawn")
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def run(self, fn: Callable[..., Any], *args: Any, timeout: float,
            until: float | None = None) -> Any:
        """``fn(*args)`` in a worker, within *timeout* seconds once a worker has it, and all
        done (waiting for a free worker included) by *until* (a :func:`time.monotonic`
        instant; default: no limit on the wait)."""
        if not self._slots.acquire(timeout=None if until is None
                                   else max(0.0, until - time.monotonic())):
            raise JobTimeout("no worker was free in time")
        try:
            worker = self._take()  # starting a fresh worker does not count in the job's time
            deadline = time.monotonic() + max(0.0, timeout)
            if until is not None:
                deadline = min(deadline, until)
            try:
                worker.conn.send((fn, args))
                self._wait(worker, deadline, timeout)
                kind, value = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._discard(worker)
                raise WorkerCrashed(f"the worker process ended ({exc or 'no answer'})") from exc
            self._give(worker)
        finally:
            self._slots.release()
        if kind == "raised":
            raise value
        if kind == "exception":
            raise WorkerCrashed(value)
        return value

    def _wait(self, worker: _Worker, deadline: float, timeout: float) -> None:
        """Until the worker answers; stop it past *deadline* or over :attr:`max_memory`."""
        while not worker.conn.poll(max(0.0, min(0.1, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                self._discard(worker)
                raise JobTimeout(f"the job took longer than {timeout:g} s")
            if self.max_memory and _resident(worker.process.pid) > self.max_memory:
                self._discard(worker)
                raise WorkerCrashed(f"the job used more than {self.max_memory // 2**20:,} MiB "
                                    "of memory")

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            if self.broken or self._closed:
                raise PoolUnavailable("worker processes are unavailable")
        worker = _Worker(self._context)
        if not worker.ready():
            worker.kill()
            self.broken = True
            raise PoolUnavailable("a worker process could not start")
        return worker

    def _give(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        self._stop(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self.replaced += 1

    @staticmethod
    def _stop(worker: _Worker) -> None:
        try:
            worker.conn.send(None)
            worker.process.join(5)
        except (OSError, ValueError):
            pass
        if worker.process.is_alive():
            worker.kill()
        else:
            worker.conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            self._stop(worker)
