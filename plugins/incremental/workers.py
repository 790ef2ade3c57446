"""Work shared between forked processes: parsing sources, rendering pages.

Once the model is built, a batch of independent jobs (sources to parse, pages to
render) can be split between workers forked from the build process: they inherit
the model, the reader and the compiled templates, so nothing needs pickling on
the way in.  ``BUILD_WORKERS`` caps their number (0: one per core), and a batch
smaller than ``BUILD_PARALLEL_FROM`` stays in the build process, where starting
workers would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os

_JOB: tuple = ()  # (function, items) for the forked workers; set only while a pool runs


def workers(settings) -> int:
    """How many processes a stage may use: ``BUILD_WORKERS``, or every core this process may run on."""
    wanted = settings.get("BUILD_WORKERS") or 0
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, wanted if wanted > 0 else cores)


def _run_share(indices: range) -> list:
    function, items = _JOB
    return [function(items[index]) for index in indices]


def map_forked(function, items: list, settings, step: int = 32) -> list:
    """``[function(item) for item in items]``, shared between forked workers when worth it.

    Results come back in order (they are pickled on the way back).  ``step`` items make
    one task: small enough to keep every worker busy to the end.
    """
    count = workers(settings)
    if count < 2 or len(items) < settings.get("BUILD_PARALLEL_FROM", 100) or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    global _JOB
    _JOB = (function, items)
    try:
        shares = [range(start, min(start + step, len(items))) for start in range(0, len(items), step)]
        # Workers collect their own garbage, but not the model they inherit: frozen objects are
        # left out of every collection, so no worker touches (and copies) the parent's pages.
        gc.freeze()
        with multiprocessing.get_context("fork").Pool(min(count, len(shares)), initializer=gc.enable) as pool:
            return [result for share in pool.imap(_run_share, shares) for result in share]
    finally:
        gc.unfreeze()
        _JOB = ()
