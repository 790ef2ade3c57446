"""Search indexing after the pages: the dev server's reload does not wait for Pagefind.

With ``SEARCH_IN_BACKGROUND`` (the dev server sets it; ``make html`` and ``make
publish`` do not, and index before their commit as always), a *rebuild* whose
``output/`` has a search index commits its pages with ``/pagefind/`` exactly as
it was: the output ledger (``outputs.ledger.OutputLedger.later``) keeps every file
of the last index and the search stage's record of it, marked pending.  The pages
are swapped in and announced; a search made meanwhile uses the previous index, whole.

Then :class:`LaterIndex` indexes the new pages in a thread of the dev server, as
the build would have, but reading the committed pages in ``output/`` and putting
the index together in a folder of its own beside the spare
(``outputs.ledger.LaterFolder``, ``CACHE_PATH``/``search-next``): the unchanged
shards' files hard links to those in ``output/pagefind/``, the changed shards
indexed by Pagefind.  It holds the build lock while it works, so no other build
(``make html`` beside the server) can change the output folder or the kept search
documents meanwhile; and it gives the lock back at once, abandoning its work, when
the dev server starts the next rebuild (:meth:`LaterIndex.cancel`): a reload never
waits for it.  That rebuild finds ``output/pagefind`` still the old index, recorded
as such, so it indexes the changed shards again (the kept documents' map protocol
makes any half-written shard folder be written afresh).

The index reaches ``output/`` in a second small commit, under the lock
(``LaterFolder.commit``): the manifest without the search record and ``output/``'s
files, the new ``pagefind`` folder swapped with ``output/pagefind`` in one
``renameat2(RENAME_EXCHANGE)``, the manifest with the new record.  Until then the
search stage is pending, so that a build after a kill (the dev server restarted)
never finds "nothing changed" and indexes what is
missing.  A kill at any step leaves a manifest that tells the truth about ``output/``
(``LATER_FAULT_STEPS``).  When ``output/`` is no longer the folder this build
committed (another build swapped a site in meanwhile), nothing is swapped: that
build indexed its own pages.
"""

from __future__ import annotations

import threading
import time

from outputs.lock import BuildBusy, LockUnavailable

from . import index as _index


class Cancelled(Exception):
    """The dev server starts a rebuild: the indexing is abandoned."""


# Where BUILD_FAULT may kill the dev server in the index's commit (tests/test_devserver_search.py)
LATER_FAULT_STEPS = (
    "search:cleared",  # the manifest without the index's record: written, not yet renamed
    "search:exchanged",  # the new index swapped in; the manifest still the cleared one
    "search:recorded",  # the manifest with the new index's record: written, not yet renamed
)


def deferrable(settings, ledger) -> bool:
    """Whether this build commits its pages first and leaves the index to :class:`LaterIndex`."""
    return bool(settings.get("SEARCH_IN_BACKGROUND")) and ledger is not None and ledger.can_defer(_index.STAGE, _index.BUNDLE_DIR)


class LaterIndex:
    """The search index of a committed rebuild, made in a thread (see the module's docstring)."""

    def __init__(self, site, settings, folder, build_cache):
        self.site, self.settings = site, settings
        self.folder = folder  # outputs.ledger.LaterFolder: output/pagefind, to replace
        self.build_cache = build_cache  # the build's (incremental.BuildCache): workers, the kept documents' folder
        self.errors_before = len(site.log.errors)
        self.report = print  # how the outcome's line is printed (flushed)
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.done = threading.Event()
        self.outcome = ""  # the line the dev server prints when it ends
        self.abandoned = False  # cancelled before its index was committed
        self.retry = False  # started again after a rebuild: silent when that rebuild replaced the site

    def again(self) -> LaterIndex:
        """The same work, to start afresh (after a rebuild that left ``output/`` as it was)."""
        later = LaterIndex(self.site, self.settings, self.folder, self.build_cache)
        later.retry = True
        return later
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="search index", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        """Abandon the work (Pagefind stopped, the lock given back) and wait until it is."""
        self._cancel.set()
        if self._thread is not None:
            self._thread.join()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def _cancelled(self) -> bool:
        return self._cancel.is_set()

    def _run(self) -> None:
        try:
            self.outcome = self._index()
        except (Cancelled, _index.IndexingCancelled):
            self.abandoned = True
            self.outcome = "search: indexing abandoned for the next rebuild"
        except OSError as error:
            self.outcome = f"search: error: the index was not updated ({error.strerror}: {error.filename}); the next build indexes again"
        except Exception as error:  # noqa: BLE001 - one line, never a traceback from a thread
            self.outcome = f"search: error: the index was not updated ({type(error).__name__}: {error}); the next build indexes again"
        finally:
            self.done.set()
        try:
            if self.outcome:
                self.report(self.outcome)
        except (OSError, ValueError):
            pass

    def _lock(self):
        """The build lock, taken as soon as no build holds it (Cancelled when the dev server needs it)."""
        while True:
            lock = self.folder.lock()
            try:
                lock.__enter__()
                return lock
            except BuildBusy:
                if self._cancel.wait(0.05):
                    raise Cancelled from None

    def _index(self) -> str:
        started = time.perf_counter()
        try:
            lock = self._lock()
        except LockUnavailable as problem:
            return str(problem)
        try:
            if self._cancelled():
                raise Cancelled
            if not self.folder.still_current():
                return "" if self.retry else "search: another build replaced the site meanwhile; it indexed its own pages"
            ledger = self.folder.begin()
            indexing = _index.Indexing(self.site, self.folder.output, self.settings, ledger, self.build_cache)
            indexing.bundle = self.folder.workspace
            indexing.cancelled = self._cancelled
            indexing.reader.cancelled = self._cancelled  # the pages of a shard are read one by one: stop between two
            indexing.finish()
            if self._cancelled():
                raise Cancelled
            if len(self.site.log.errors) > self.errors_before:
                problems = self.site.log.errors[self.errors_before:]
                return f"search: error: the index was not updated: {problems[0].format()}"
            if not self.folder.commit(ledger):
                return "search: nothing to index"
            return f"search: index updated in {time.perf_counter() - started:.2f} s"
        finally:
            lock.__exit__(None, None, None)
