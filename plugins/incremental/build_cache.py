"""The build's caches, in one object that every stage is handed: :class:`BuildCache`.

The build driver (``outputs.build.SiteBuild``) makes one per build, from the settings and the dev
server's memory (``incremental.memory.BuildMemory``, None in every other build), and puts it in
Pelican's context as ``context["build_cache"]`` (:data:`CONTEXT_KEY`).  A stage takes it from
there with :meth:`BuildCache.of` (``BuildStage.build_cache`` on a generator), and asks it for:

* a cache of values keyed on the bytes they come from, by name (:meth:`BuildCache.keyed`: the
  parses, the conversions, the calendars), one per name for the whole build;
* the one memo of file digests (:attr:`BuildCache.digests`: sources and photos);
* forked workers (:attr:`BuildCache.workers`, :meth:`BuildCache.map`, :meth:`BuildCache.each`);
* the compiled templates of a Jinja environment (:meth:`BuildCache.templates`);
* a folder of its own under ``CACHE_PATH`` (:meth:`BuildCache.folder`: the photos' variants,
  search's kept documents);
* the dev server's memory of its last build (:attr:`BuildCache.memory`).

Each cache is saved when the stage that fills it says so (:meth:`BuildCache.save`): the parses
once every source is read (``contract``), the conversions once derived (``sc``), the rest once
planning ends (``i18n.plan``); in the dev server, after the reload is announced instead
(``BuildMemory.flush``).
"""

from __future__ import annotations

import logging
import os
import shutil

from .cache import TEMPLATES_DIR, KeyedCache, PickledCache, environment_signature
from .digests import FileDigests
from .workers import WorkerDied, cores, each_forked

logger = logging.getLogger(__name__)

CONTEXT_KEY = "build_cache"  # where the build driver puts the build's BuildCache in Pelican's context
DIGESTS = "digests"  # <CACHE_PATH>/digests.pickle: the memo of file digests


class BuildCache:
    """What one build keeps for the next and shares between its stages (see the module's docstring).

    ``settings``: the build's (``CACHE_PATH``, ``CACHE_CONTENT``, ``BUILD_WORKERS``,
    ``BUILD_PARALLEL_FROM``); ``memory``: the dev server's ``BuildMemory``, else None;
    ``records_output``: whether the build keeps a record of its output for the next one to build
    on (``INCREMENTAL_OUTPUT``, in a build that writes the site).
    """

    def __init__(self, settings, memory=None, records_output: bool = False):
        self.root: str | None = settings.get("CACHE_PATH") or None
        self.on_disk = bool(settings.get("CACHE_CONTENT")) and self.root is not None  # keyed caches and templates in files
        self.memory = memory
        self.records_output = records_output
        wanted = settings.get("BUILD_WORKERS") or 0
        self.workers: int = max(1, wanted if wanted > 0 else cores())
        self.parallel_from: int = settings.get("BUILD_PARALLEL_FROM", 100)
        self._keyed: dict[str, PickledCache] = {}  # name -> the cache given out in this build
        self._saved: set[str] = set()

    @classmethod
    def of(cls, context) -> BuildCache:
        """The build's cache, from Pelican's ``context``.  The build driver always puts one there; a
        stage run without the driver (a unit test's hand-made context) gets one made from the
        context's settings, with no memory and no record of the output, kept in the context for
        the other stages.  This is the only place one is made outside the driver."""
        cache = context.get(CONTEXT_KEY)
        if cache is None:
            cache = context[CONTEXT_KEY] = cls(context)
        return cache

    # -- caches keyed on content ------------------------------------------------------------------
    def keyed(self, name: str, fingerprint: str, kind=KeyedCache) -> KeyedCache:
        """The build's one cache ``name``: ``<CACHE_PATH>/<name>.pickle`` when content is cached, else
        for this build only; in the dev server, continued from its last build's in memory
        (``BuildMemory.keyed_cache``).  Every stage that asks for ``name`` in this build gets the same
        cache, and only reads and fills it: :meth:`save` writes it, with exactly the entries some
        stage used, so one owner never evicts another's.  ``fingerprint`` names what every value
        depends on besides its key (the code that makes it): a cache saved under another is ignored,
        and owners of one cache must give the same.  ``kind``: the class of cache
        (:class:`KeyedCache`, or ``FileDigests`` for :attr:`digests`)."""
        cache = self._keyed.get(name)
        if cache is None:
            path = os.path.join(self.root, f"{name}.pickle") if self.on_disk else None
            if self.memory is None:
                cache = kind(path, fingerprint)
            else:
                cache = self.memory.keyed_cache(path, fingerprint, kind)
            self._keyed[name] = cache
        elif cache.fingerprint != f"{cache.version}:{fingerprint}":
            raise ValueError(f"the cache {name!r} is asked for with two fingerprints: its owners must make its values with the same code")
        return cache

    @property
    def digests(self) -> FileDigests:
        """The build's one memo of file digests (``<CACHE_PATH>/digests.pickle``), for every stage that
        hashes files (``incremental.digests``); saved once planning ends."""
        return self.keyed(DIGESTS, "", kind=FileDigests)

    def save(self, *names: str) -> None:
        """Save the caches ``names`` gave out in this build; with no name, every one not saved yet.

        Each is saved once a build, when its owner has filled it: the parses once every source
        is read, the conversions once derived, the others once every builder has planned.  A cache
        is written whole (``incremental.cache.replace_whole``) unless its file holds exactly what
        this build used; in the dev server it is written after the reload instead."""
        for name in names or list(self._keyed):
            cache = self._keyed.get(name)
            if cache is not None and name not in self._saved:
                self._saved.add(name)
                cache.save()

    # -- forked workers -----------------------------------------------------------------------------
    def each(self, function, items: list, step: int = 1):
        """``(index, function(items[index]))`` for every item, in the order the jobs end, on
        :attr:`workers` forked processes (``incremental.workers.each_forked``: a worker that dies gives
        a ``WorkerDied`` for each job it had not finished)."""
        return each_forked(function, items, self.workers, step)

    def map(self, function, items: list, step: int = 32) -> list:
        """``[function(item) for item in items]``, shared between forked workers when there are at least
        ``BUILD_PARALLEL_FROM`` items (fewer are done in this process, where starting workers would
        cost more than it saves).  Results come back in order; ``step`` items make one task.  A
        worker that dies raises ``WorkerDied``."""
        if len(items) < self.parallel_from:
            return [function(item) for item in items]
        results: list = [None] * len(items)
        for index, result in each_forked(function, items, self.workers, step):
            if isinstance(result, WorkerDied):
                raise result
            results[index] = result
        return results

    # -- compiled templates -----------------------------------------------------------------------
    def templates(self, env, use: str) -> None:
        """Keep ``env``'s compiled templates between builds: in the dev server's memory (for as long as
        it runs), else under ``<CACHE_PATH>/templates/<use>-<signature>/`` when content is cached.

        Compiling the theme's templates costs a build more than rendering a few pages does; a
        rebuild loads them instead (a template whose source changed is compiled again).  Call it
        once the environment's filters and tests are all in place: the folder's name is a digest of
        what compiled code depends on besides the source (``incremental.cache.environment_signature``),
        and the folders of other signatures of the same ``use`` (older code, another Jinja) are
        removed.  An environment given a cache of its own (``JINJA_ENVIRONMENT``) keeps it.
        """
        if env.bytecode_cache is not None:
            return
        if self.memory is not None:
            env.bytecode_cache = self.memory.templates
            return
        if not self.on_disk:
            return
        from jinja2 import FileSystemBytecodeCache

        parent = os.path.join(self.root, TEMPLATES_DIR)
        name = f"{use}-{environment_signature(env)}"
        folder = os.path.join(parent, name)
        try:
            os.makedirs(folder, exist_ok=True)
            for other in os.listdir(parent):
                if other.startswith(f"{use}-") and other != name:
                    shutil.rmtree(os.path.join(parent, other), ignore_errors=True)
        except OSError as error:  # no cache is only a slower build
            logger.info("compiled templates not kept: %s", error)
            return
        env.bytecode_cache = FileSystemBytecodeCache(folder, "%s.jinja")

    # -- folders of a stage's own files -------------------------------------------------------
    def folder(self, name: str, for_rebuilds: bool = False) -> str | None:
        """``<CACHE_PATH>/<name>``, a folder for a stage's own files (the photos' encoded variants:
        ``images``), which the stage makes and keeps; None without a ``CACHE_PATH``.

        ``for_rebuilds``: the files serve only a build that starts from this one's output (search's
        kept documents): None also when this build keeps no record of its output (``make check``,
        ``INCREMENTAL_OUTPUT`` off)."""
        if self.root is None or (for_rebuilds and not self.records_output):
            return None
        return os.path.join(self.root, name)
