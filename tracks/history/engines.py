"""Where the pieces of an ingest or a query run: a local process pool (the embedded default, every core),
or Dask distributed (an existing scheduler, or a local cluster of N worker processes started for the call).

Both hand back futures with `.result()`, so the callers are the same code whichever engine runs them, and
the pieces are the same functions: results are identical by construction (tests compare them anyway).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol


class Future(Protocol):
    def result(self) -> Any: ...


class Engine(Protocol):
    """What callers need: submit a function, know how many run at once."""

    workers: int
    name: str

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future: ...


class LocalPool:
    """A process pool on this machine (forkserver: workers start from a clean process that has imported
    the work functions once, not from a fork of a process with threads)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tracks.history.batches", "tracks.history.scan"])
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """A Dask distributed client: the pieces run on its workers, which must see the dataset's path (a shared
    filesystem or an object store URL)."""

    name = "dask"

    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self.client.submit(fn, *args, pure=False)


@contextmanager
def engine(*, jobs: int | None = None, workers: int | None = None, scheduler: str | None = None,
           client: Any = None) -> Iterator[Engine]:
    """The engine for one call: `client` (a distributed.Client), `scheduler` (address of a running Dask
    scheduler, e.g. tcp://host:8786), `workers` (start a local Dask cluster of that many worker processes,
    stopped afterwards), else a local process pool of `jobs` processes (default: every core)."""
    if client is not None:
        yield DaskEngine(client)
        return
    if scheduler or workers:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            from tracks.errors import TracksError

            raise TracksError('running on Dask needs the cluster extra: pip install "tracks[cluster]"') from None

        if scheduler:
            with Client(scheduler) as c:
                yield DaskEngine(c)
            return
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as c:
            yield DaskEngine(c)
        return
    pool = LocalPool(jobs)
    try:
        yield pool
    finally:
        pool.close()
