"""The output ledger: how a stage that writes into the new site says what it produces and reuses.

The build driver (``outputs.build``) makes one :class:`OutputLedger` per build and puts it in
Pelican's context as ``context["output_ledger"]`` (None in ``make check``, which writes nothing).
Only the stages that write the site and reuse the last output use it: the renderer
(``i18n.render``) and search (``search.index``, ``search.later``).  The others never see it: the
files a stage's ``generate_output`` writes it returns (``contract.BuildStage``), and the driver
declares them ``produced``; a file of the last output that a content type reuses as it is (a
gallery's photo variants) goes into ``Site.reused_files``, and the driver declares those
``reused`` once the plan is made.  The commit checks that the staging folder holds exactly the
files declared produced (``outputs.state.undeclared``; files with a suffix of
``OUTPUT_COMPANIONS`` beside a declared one, which another package's finalizer writes, count as
declared).

What a stage may ask and say, and nothing more (the manifest, its path, its format and the
commit stay in ``outputs.state``):

* ``incremental``: whether there is a last output to build on;
* ``reusable(rel, fingerprint)``: whether the file of the last output is what this build would
  write for ``fingerprint``; then ``reused(rel, fingerprint)``, else it writes the file into the
  staging folder and says ``produced(rel, fingerprint, rendered=…)``.  A file of the last output
  that no stage declares reused is not part of the new site;
* ``fingerprints``: this build's fingerprint of each page declared so far (read-only);
* ``current(rel)``: where this build's version of ``rel`` is (staged, else reused);
  ``last_output(rel)``: where the last output's file is;
* ``recall(stage)`` / ``remember(stage, value)``: the stage's own small record, kept in the
  manifest for the next build (``recall`` gives None when the build is cold);
  ``pending(stage)``: what the stage committed is not final yet (its record says what the site
  holds, but more is to come), so that the next build never ends as "nothing changed";
* ``code``: the digest of the code and settings, to key what the stage keeps on (a folder of its
  own under ``CACHE_PATH`` is the build cache's, ``incremental.BuildCache.folder``);
* ``later(stage, folder)``: after the commit, replace ``folder`` of the committed site in one
  atomic step (:class:`LaterFolder`; the dev server's search index, ``search.later``), when
  ``can_defer(stage, folder)``.
"""

from __future__ import annotations

import errno
import os
import pickle
import shutil
from types import MappingProxyType

from incremental.cache import fault_point, replace_whole

from .lock import BuildLock, lock_path
from .state import MANIFEST_VERSION, OutputState, _identity, exchange, files_under, scan, tree_stats, undeclared


class OutputLedger:
    """What this build writes into the new site and keeps for the next (see the module's docstring)."""

    def __init__(self, state: OutputState):
        self._state = state

    @property
    def incremental(self) -> bool:
        return self._state.incremental

    @property
    def code(self) -> str:
        return self._state.code

    @property
    def fingerprints(self):
        return MappingProxyType(self._state.fingerprints)

    def reusable(self, rel: str, fingerprint: bytes | None) -> bool:
        return self._state.reusable(rel, fingerprint)

    def reused(self, rel: str, fingerprint: bytes | None = None) -> None:
        """``rel`` of the last output is part of the new site as it is."""
        self._state.keep(rel, fingerprint)

    def produced(self, rel: str, fingerprint: bytes | None = None, rendered: bool = False) -> None:
        """``rel`` is written into the staging folder (``rendered``: from a template, counted)."""
        self._state.staged(rel, fingerprint, rendered)

    def current(self, rel: str) -> str:
        return self._state.current(rel)

    def last_output(self, rel: str) -> str:
        return os.path.join(self._state.final, rel)

    def recall(self, stage: str):
        return self._state.previous_records.get(stage) if self._state.incremental else None

    def remember(self, stage: str, value) -> None:
        self._state.records[stage] = value

    def pending(self, stage: str) -> None:
        self._state.pending.add(stage)

    # -- after the commit ---------------------------------------------------------------------
    def can_defer(self, stage: str, folder: str) -> bool:
        """Whether ``folder`` of the last output can be committed as it is and replaced after the
        commit: a rebuild, the stage's record of it there, and the build caches on the output
        folder's file system (the new folder is put together there and swapped in)."""
        state = self._state
        if not state.incremental or not state.cache or not self.recall(stage):
            return False
        if not os.path.isdir(os.path.join(state.final, folder)):
            return False
        try:
            return os.stat(state.cache).st_dev == os.stat(os.path.dirname(state.final)).st_dev
        except OSError:
            return False

    def later(self, stage: str, folder: str) -> LaterFolder:
        """Commit ``folder`` of the last output as it is, with the stage's record of it, marked
        pending; the returned :class:`LaterFolder` replaces it after the commit."""
        files, _folders = scan(os.path.join(self._state.final, folder))
        for rel in files:
            self.reused(f"{folder}/{rel}")
        self.remember(stage, self.recall(stage))
        self.pending(stage)
        return LaterFolder(self._state, stage, folder)


class LaterFolder:
    """``folder`` of the committed site, replaced by its stage after the commit, in a thread.

    The stage takes the build lock (:meth:`lock`), checks that ``output/`` is still the site its
    build committed (:meth:`still_current`), makes the new folder in :attr:`workspace` with the
    ledger :meth:`begin` gives (it reads the committed site, and a file it reuses is linked into
    the workspace), then :meth:`commit` swaps it in, in three steps each of which leaves a manifest
    that tells the truth (fault steps ``<stage>:cleared``, ``<stage>:exchanged``, ``<stage>:recorded``):

    1. the manifest is rewritten with no record of the stage and of ``output/``'s files: true
       whatever follows, and a build that reads it does the stage's work whole and lists
       ``output/`` itself instead of trusting inodes;
    2. ``renameat2(RENAME_EXCHANGE)`` swaps the workspace with ``output/<folder>``;
    3. the manifest is rewritten with the stage's new record and ``output/``'s files as they now
       are, and the stage no longer pending.
    """

    def __init__(self, state: OutputState, stage: str, folder: str):
        self._state = state
        self.stage, self.folder = stage, folder
        self._root = os.path.join(state.cache, f"{stage}-next")  # <CACHE_PATH>/search-next
        self.workspace = os.path.join(self._root, folder)  # <CACHE_PATH>/search-next/pagefind
        self._tree = None  # output/ as the build committed it (read under the lock)

    @property
    def output(self) -> str:
        return self._state.final

    def lock(self) -> BuildLock:
        """The build lock, not waiting (enter it: BuildBusy while a build holds it)."""
        final = self._state.final
        return BuildLock(lock_path(self._state.cache, final), wait=False, output=os.path.relpath(final))

    def still_current(self) -> bool:
        """Whether ``output/`` is the site this build committed, as the manifest describes it."""
        try:
            manifest = self._manifest()
            tree = _identity(self._state.final)
        except Exception:  # noqa: BLE001 - missing or damaged: not ours to change
            return False
        if manifest.get("version") != MANIFEST_VERSION or manifest.get("tree") != tree or manifest.get("outputs") != self._state.outputs:
            return False
        self._tree = tree
        return True

    def begin(self) -> OutputLedger:
        """An empty workspace, and the ledger of the work that fills it."""
        shutil.rmtree(self._root, ignore_errors=True)
        os.makedirs(self.workspace)
        return _LaterLedger(self._state, self)

    def commit(self, ledger: OutputLedger) -> bool:
        """Swap the workspace in as ``output/<folder>`` (the three steps above); False when the work
        remembered nothing (nothing to swap in)."""
        if self.stage not in ledger._records:
            return False
        undeclared(files_under(self.workspace), ledger._declared, os.path.join(self._state.final, self.folder))
        stage, path = self.stage, self._state.manifest_path
        manifest = self._manifest()
        if manifest.get("version") != MANIFEST_VERSION or manifest.get("tree") != self._tree:
            raise OSError(errno.ESTALE, "the output manifest does not describe the site", path)
        manifest["records"] = {**manifest.get("records", {}), stage: None}
        manifest["outputs"] = {}
        _write(path, manifest, f"{stage}:cleared")
        target = os.path.join(self._state.final, self.folder)
        if not exchange(self.workspace, target):  # no RENAME_EXCHANGE here: two renames
            os.rename(target, self.workspace + ".old")
            os.rename(self.workspace, target)
        fault_point(f"{stage}:exchanged", target)
        inside = self.folder + "/"
        outputs = {rel: stats for rel, stats in self._state.outputs.items() if not rel.startswith(inside)}
        outputs.update({inside + rel: stats for rel, stats in tree_stats(target).items()})
        manifest["records"][stage] = ledger._records[stage]
        manifest["pending"] = [name for name in manifest.get("pending", []) if name != stage]
        manifest["outputs"] = outputs
        _write(path, manifest, f"{stage}:recorded")
        self._state.outputs = outputs
        self._state.witnessed(manifest)  # the dev server's next build may trust it (outputs.state.Witness)
        shutil.rmtree(self._root, ignore_errors=True)
        return True

    def _manifest(self) -> dict:
        with open(self._state.manifest_path, "rb") as handle:
            return pickle.load(handle)


class _LaterLedger(OutputLedger):
    """The ledger of a :class:`LaterFolder`'s work: the committed site is the last output and the
    current one; a file reused is linked into the workspace; the stage's record is the one committed."""

    def __init__(self, state: OutputState, later: LaterFolder):
        super().__init__(state)
        self._later = later
        self._committed = state.records.get(later.stage)  # what output/<folder> holds
        self._records: dict = {}
        self._declared: set[str] = set()  # the workspace's files declared reused or produced (relative to it)

    @property
    def incremental(self) -> bool:
        return True

    def reusable(self, rel: str, fingerprint: bytes | None) -> bool:
        return False

    def reused(self, rel: str, fingerprint: bytes | None = None) -> None:
        """A file of the committed folder that the new one has as it is: linked into the workspace."""
        inside = self._inside(rel)
        target = os.path.join(self._later.workspace, inside)
        if inside in self._declared:
            return  # declared twice (the first shards of both search indexes list /pagefind/'s own files)
        self._declared.add(inside)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(os.path.join(self._state.final, rel), target)

    def produced(self, rel: str, fingerprint: bytes | None = None, rendered: bool = False) -> None:
        """``rel`` is written into the workspace (which is swapped in whole)."""
        self._declared.add(self._inside(rel))

    def _inside(self, rel: str) -> str:
        """``rel`` (of the site) relative to the folder this ledger's work replaces."""
        inside = self._later.folder + "/"
        if not rel.startswith(inside):
            raise ValueError(f"{rel} is not in {inside}")
        return rel[len(inside):]

    def current(self, rel: str) -> str:
        return os.path.join(self._state.final, rel)

    def recall(self, stage: str):
        return self._committed if stage == self._later.stage else None

    def remember(self, stage: str, value) -> None:
        self._records[stage] = value

    def pending(self, stage: str) -> None:
        pass

    def can_defer(self, stage: str, folder: str) -> bool:
        return False


def _write(path: str, manifest: dict, step: str) -> None:
    replace_whole(path, step, lambda handle: pickle.dump(manifest, handle, protocol=pickle.HIGHEST_PROTOCOL))
