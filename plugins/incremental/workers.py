"""Work shared between forked processes: parsing sources, rendering pages, encoding photos.

Once the model is built, a batch of independent jobs (sources to parse, pages to
render, photos to encode) can be split between workers forked from the build process:
they inherit the model, the reader and the compiled templates, so nothing needs
pickling on the way in.  A stage of the build asks the build's cache for them
(``incremental.build_cache.BuildCache``: ``workers``, ``map``, ``each``), where
``BUILD_WORKERS`` caps their number (0: one per core) and a batch smaller than
``BUILD_PARALLEL_FROM`` stays in the build process, where starting workers would cost
more than it saves (photos, each costly, are shared from two on).

One pool serves every stage (:func:`each_forked`): results come back as their jobs
end, and a worker that dies (killed, out of memory) does not stop the batch with a
traceback: each job it had not finished comes back as a :class:`WorkerDied`.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator

_JOB: tuple = ()  # (function, items) for the forked workers; set only while a pool runs


class WorkerDied(Exception):
    """The process running a job ended before the job did (a kill, the kernel's out-of-memory killer)."""


def cores() -> int:
    """How many cores this process may run on (a build's workers, unless ``BUILD_WORKERS`` says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run_share(indices: range) -> list:
    function, items = _JOB
    return [function(items[index]) for index in indices]


def each_forked(function: Callable, items: list, count: int, step: int = 1) -> Iterator[tuple[int, object]]:
    """``(index, function(items[index]))`` for every item, in the order the jobs end.

    ``count`` workers at most, forked from this process (in it when ``count`` is 1 or this
    system cannot fork); ``step`` items make one task.  An exception ``function`` raises in a
    worker is raised here; a worker that dies gives ``(index, WorkerDied(...))`` for each item it
    had not finished (the pool is then broken: the items not yet started get the same).
    """
    shares = [range(start, min(start + step, len(items))) for start in range(0, len(items), step)]
    count = min(count, len(shares))
    if count < 2 or not can_fork():
        for index, item in enumerate(items):
            yield index, function(item)
        return
    global _JOB
    _JOB = (function, items)
    # Workers collect their own garbage, but not the model they inherit: frozen objects are
    # left out of every collection, so no worker touches (and copies) the parent's pages.
    gc.freeze()
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), initializer=gc.enable)
    try:
        futures = {pool.submit(_run_share, share): share for share in shares}
        for future in as_completed(futures):
            share = futures[future]
            try:
                results = future.result()
            except BrokenProcessPool as error:
                died = WorkerDied(f"a worker process ended before its job did ({error})")
                results = [died] * len(share)
            yield from zip(share, results)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
        _JOB = ()
