"""Search indexing after the pages: the dev server's reload does not wait for Pagefind.

With ``SEARCH_IN_BACKGROUND`` (the dev server sets it; ``make html`` and ``make
publish`` do not, and index before their commit as always), a *rebuild* whose
``output/`` has a search index commits its pages with ``/pagefind/`` exactly as
it was: every file of the last index is kept, and the manifest records the last
index's shards as what ``output/`` holds.  The pages are swapped in and announced;
a search made meanwhile uses the previous index, whole.

Then :class:`LaterIndex` indexes the new pages in a thread of the dev server, as
the build would have, but reading the committed pages in ``output/`` and putting
the index together in a folder of its own beside the spare
(``CACHE_PATH``/``search-next``): the unchanged shards' files hard links to those
in ``output/pagefind/``, the changed shards indexed by Pagefind.  It holds the
build lock while it works, so no other build (``make html`` beside the server)
can change the output folder or the kept search documents meanwhile; and it gives
the lock back at once, abandoning its work, when the dev server starts the next
rebuild (:meth:`LaterIndex.cancel`): a reload never waits for it.  That rebuild
finds ``output/pagefind`` still the old index, recorded as such, so it indexes the
changed shards again (the kept documents' map protocol makes any half-written
shard folder be written afresh).

The index reaches ``output/`` in a second small commit, under the lock:

1. the manifest is rewritten with no record of the search index and of
   ``output/``'s files (``outputs``): true whatever follows, and a build that reads
   it indexes every shard and scans ``output/`` instead of trusting inodes;
2. ``renameat2(RENAME_EXCHANGE)`` swaps the new ``pagefind`` folder with
   ``output/pagefind``: a request sees the whole old index or the whole new one;
3. the manifest is rewritten with the new index's record and ``output/``'s files
   as they now are.

Until step 3 the manifest of the rebuild marks its index as pending (``search_pending``), so
that a build after a kill (the dev server restarted) never finds "nothing changed"
(``OutputState.nothing_changed``) and indexes what is missing.  A kill at any step leaves a
manifest that tells the truth about ``output/`` (``LATER_FAULT_STEPS``).  When
``output/`` is no longer the folder this build committed (another build swapped a
site in meanwhile), nothing is swapped: that build indexed its own pages.
"""

from __future__ import annotations

import errno
import os
import pickle
import shutil
import threading
import time

from incremental.cache import fault_point, replace_whole
from outputs.lock import BuildBusy, BuildLock, LockUnavailable, lock_path
from outputs.state import MANIFEST, MANIFEST_VERSION, _identity, exchange, scan, tree_stats

from . import index as _index


class Cancelled(Exception):
    """The dev server starts a rebuild: the indexing is abandoned."""


NEXT_DIR = "search-next"  # <CACHE_PATH>/search-next/pagefind: the next index, put together
PENDING = "search_pending"  # in the manifest's extra: output/pagefind is older than the pages
# Where BUILD_FAULT may kill the dev server in the index's commit (tests/test_devserver_search.py)
LATER_FAULT_STEPS = (
    "search:cleared",  # the manifest without the index's record: written, not yet renamed
    "search:exchanged",  # the new index swapped in; the manifest still the cleared one
    "search:recorded",  # the manifest with the new index's record: written, not yet renamed
)


def deferrable(settings, state) -> bool:
    """Whether this build commits its pages first and leaves the index to :class:`LaterIndex`."""
    if not settings.get("SEARCH_IN_BACKGROUND") or state is None or not state.incremental or not state.manifest_path:
        return False
    if not state.previous_extra.get("search") or not os.path.isdir(os.path.join(state.final, _index.BUNDLE_DIR)):
        return False
    try:  # the index is put together beside the spare: it must be on the output folder's file system
        return os.stat(os.path.dirname(state.manifest_path)).st_dev == os.stat(os.path.dirname(state.final)).st_dev
    except OSError:
        return False


def keep_last_index(state) -> None:
    """Commit ``output/pagefind`` as it is, recorded as the index the manifest last described."""
    files, _folders = scan(os.path.join(state.final, _index.BUNDLE_DIR))
    for rel in files:
        state.keep(f"{_index.BUNDLE_DIR}/{rel}")
    state.extra["search"] = state.previous_extra["search"]
    state.extra[PENDING] = True  # so the next build never finds "nothing changed" before it is indexed


class _CommittedPages:
    """What :class:`Indexing` needs of the build's state, once its pages are in ``output/``."""

    def __init__(self, state, bundle: str):
        self.final, self.code, self.fingerprints = state.final, state.code, state.fingerprints
        self.manifest_path = state.manifest_path
        self.incremental = True
        self.previous_extra = {"search": state.extra["search"]}  # what output/pagefind holds
        self.extra: dict = {}
        self.bundle = bundle

    def current(self, rel: str) -> str:
        return os.path.join(self.final, rel)

    def keep(self, rel: str, fingerprint=None) -> None:
        """A file of the last index that this one has as it is: linked into the new one."""
        target = os.path.join(self.bundle, os.path.relpath(rel, _index.BUNDLE_DIR))
        if os.path.lexists(target):
            # the first shards of both indexes list the files of /pagefind/ itself (pagefind.js, the
            # UI, the WebAssembly): the same file of output/, kept once (as the build's keep() does)
            return
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(os.path.join(self.final, rel), target)


class LaterIndex:
    """The search index of a committed rebuild, made in a thread (see the module's docstring)."""

    def __init__(self, site, settings, state):
        self.site, self.settings = site, settings
        self.final = state.final
        self.cache = os.path.dirname(state.manifest_path)
        self.tree = None  # output/ as this build committed it (read under the lock)
        self.state = state
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
        later = LaterIndex(self.site, self.settings, self.state)
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

    def _lock(self) -> BuildLock:
        """The build lock, taken as soon as no build holds it (Cancelled when the dev server needs it)."""
        while True:
            lock = BuildLock(lock_path(self.cache, self.final), wait=False, output=os.path.relpath(self.final))
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
            if not self._still_ours():
                return "" if self.retry else "search: another build replaced the site meanwhile; it indexed its own pages"
            next_root = os.path.join(self.cache, NEXT_DIR)
            shutil.rmtree(next_root, ignore_errors=True)
            bundle = os.path.join(next_root, _index.BUNDLE_DIR)
            os.makedirs(bundle)
            pages = _CommittedPages(self.state, bundle)
            indexing = _index.Indexing(self.site, self.final, self.settings, pages)
            indexing.bundle = bundle
            indexing.cancelled = self._cancelled
            indexing.reader.cancelled = self._cancelled  # the pages of a shard are read one by one: stop between two
            indexing.finish()
            if self._cancelled():
                raise Cancelled
            if len(self.site.log.errors) > self.errors_before:
                problems = self.site.log.errors[self.errors_before:]
                return f"search: error: the index was not updated: {problems[0].format()}"
            if "search" not in pages.extra:
                return "search: nothing to index"
            self._commit(bundle, pages.extra["search"])
            shutil.rmtree(next_root, ignore_errors=True)
            return f"search: index updated in {time.perf_counter() - started:.2f} s"
        finally:
            lock.__exit__(None, None, None)

    def _still_ours(self) -> bool:
        """Whether ``output/`` is the site this build committed, as the manifest describes it."""
        try:
            with open(os.path.join(self.cache, MANIFEST), "rb") as handle:
                manifest = pickle.load(handle)
            tree = _identity(self.final)
        except Exception:  # noqa: BLE001 - missing or damaged: not ours to change
            return False
        if manifest.get("version") != MANIFEST_VERSION or manifest.get("tree") != tree or manifest.get("outputs") != self.state.outputs:
            return False
        self.tree = tree
        return True

    def _commit(self, bundle: str, record: dict) -> None:
        """Swap the new index in as ``output/pagefind`` (the three steps of the module's docstring)."""
        path = os.path.join(self.cache, MANIFEST)
        with open(path, "rb") as handle:
            manifest = pickle.load(handle)
        if manifest.get("version") != MANIFEST_VERSION or manifest.get("tree") != self.tree:
            raise OSError(errno.ESTALE, "the output manifest does not describe the site", path)
        manifest["extra"] = {**manifest.get("extra", {}), "search": {}}
        manifest["outputs"] = {}
        _write(path, manifest, "search:cleared")
        target = os.path.join(self.final, _index.BUNDLE_DIR)
        if not exchange(bundle, target):  # no RENAME_EXCHANGE here: two renames
            aside = bundle + ".old"
            os.rename(target, aside)
            os.rename(bundle, target)
        fault_point("search:exchanged", target)
        outputs = self.state.outputs
        outputs = {rel: stats for rel, stats in outputs.items() if not rel.startswith(_index.BUNDLE_DIR + "/")}
        outputs.update({f"{_index.BUNDLE_DIR}/{rel}": stats for rel, stats in tree_stats(target).items()})
        manifest["extra"]["search"] = record
        manifest["extra"].pop(PENDING, None)
        manifest["outputs"] = outputs
        _write(path, manifest, "search:recorded")
        self.state.outputs = outputs


def _write(path: str, manifest: dict, step: str) -> None:
    replace_whole(path, step, lambda handle: pickle.dump(manifest, handle, protocol=pickle.HIGHEST_PROTOCOL))
