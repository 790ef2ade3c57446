"""A cache of derived values (parsed sources, conversions, calendars), keyed on the bytes they come from.

Keying on content (not on modification times) means a cache can never
serve a stale value, and a file touched without change costs only a hash.
Entries a build did not use are dropped when the cache is saved.  The
fingerprint names everything else the values depend on (settings, code):
a cache saved under another fingerprint is ignored.

The hash of a file's bytes (the key of what is made from it) is remembered by the file's
identity in one memo for the whole build: ``incremental.digests``.  The build's caches are given
out, by name, and saved by ``incremental.build_cache.BuildCache``; this module is what each is, the
compiled templates' signature, and how every cache file is written (:func:`replace_whole`, with
the fault points of tests/test_crash_safety.py).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import pickle
import shutil
import signal

import jinja2

logger = logging.getLogger(__name__)

CACHE_VERSION = 3

# -- fault injection (tests/test_crash_safety.py) ---------------------------------------------------
# BUILD_FAULT=<step> kills the build process (SIGKILL: no clean-up of any kind) when it reaches the
# named step of its commit or of writing a cache; BUILD_FAULT=<step>:<ERRNO> (ENOSPC, EACCES, …)
# makes the step fail with that error instead, as a full disk or a read-only folder would;
# BUILD_FAULT=<step>:remove deletes the folder the step works on, as another program might; and
# BUILD_FAULT=<step>:worker kills the forked worker that reaches it (nothing in the build's own process).
# Read by the build only; unset, a step costs one dictionary look-up.
FAULT_ENV = "BUILD_FAULT"
FAULT_STEPS = (
    "cache:write",  # a content cache (sources, conversions, calendars): written, not yet renamed
    "images:entry",  # a photo's encoded variants: written in their folder, not yet renamed into place
    "images:records",  # the records of the photos' cache entries a build used: written, not yet renamed
    "search:documents",  # a shard's kept search documents: its map removed, half of them written
    "search:map",  # that shard's map: written, not yet renamed
    "render:page",  # a page about to be written (by a forked worker when rendering is shared: ``:worker`` kills that worker alone)
    "commit:start",  # every page is staged; nothing of the commit done
    "commit:linking",  # the new site's folder: half of its files in place
    "commit:manifest",  # the new site complete; its manifest written, not yet renamed
    "commit:swap",  # the new site and its manifest ready; the swap not done
    "commit:swapped",  # the new site visible; the manifest not yet the current one
    "commit:retiring",  # the new site visible and recorded; the folders no longer needed half removed
)
_BUILD_PID = os.getpid()  # the build's own process: forked workers inherit it


def fault_point(step: str, path: str | None = None) -> None:
    """Where ``BUILD_FAULT`` may stop the build (see ``FAULT_STEPS``); nothing when it is unset."""
    wanted = os.environ.get(FAULT_ENV)
    if not wanted or (wanted != step and not wanted.startswith(step + ":")):
        return
    action = wanted[len(step) + 1:]
    if action == "worker":  # a forked worker dies (killed, out of memory); the build itself goes on
        if os.getpid() != _BUILD_PID:
            os.kill(os.getpid(), signal.SIGKILL)
        return
    if not action:
        if os.getpid() != _BUILD_PID:  # a worker: the whole build goes, as on a kill -9 of the build
            os.kill(_BUILD_PID, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "remove":
        shutil.rmtree(path, ignore_errors=True)
    else:
        number = getattr(errno, action)
        raise OSError(number, os.strerror(number), path)


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def replace_whole(path: str, step: str, dump) -> None:
    """Write the file ``path`` whole or not at all: ``dump(handle)`` writes it into a temporary file
    beside it (``<path>.<pid>``), which is renamed over it.  Whatever instant the build is killed at,
    ``path`` is the old file or the new one; the temporaries of killed builds are removed first (the
    build lock is held: no other build is writing one).  ``step``: the fault point before the rename.
    """
    folder, name = os.path.split(path)
    for other in os.listdir(folder or "."):
        if other.startswith(name + ".") and other[len(name) + 1:].isdigit():
            os.unlink(os.path.join(folder, other))
    temporary = f"{path}.{os.getpid()}"
    try:
        with open(temporary, "wb") as handle:
            dump(handle)
        fault_point(step, temporary)
        os.replace(temporary, path)
    except OSError:  # a full disk, say: no half-written file left
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class PickledCache:
    """A cache written whole in one pickle file at ``path`` (None: this run only), with the
    ``fingerprint`` of what its values depend on: a file saved under another is ignored.  What
    this build used is written, entries no build uses any more are dropped."""

    version = CACHE_VERSION

    def __init__(self, path: str | None, fingerprint: str, previous: "PickledCache | None" = None):
        """The cache saved at ``path``; or, given ``previous`` (the same cache as the last build of this
        process left it, when the file is still what that build read or wrote: ``incremental.memory``),
        that build's entries, without reading the file."""
        self.path = path
        self.fingerprint = f"{self.version}:{fingerprint}"
        self._old: dict = {}
        self._new: dict = {}
        self.deferred: list | None = None  # when a list, save() puts the cache there to be written later
        if previous is not None and previous.fingerprint == self.fingerprint and previous.path == path:
            self._old = previous._new
        elif path and os.path.exists(path):
            try:
                with open(path, "rb") as handle:
                    stored_fingerprint, entries = pickle.load(handle)
                if stored_fingerprint == self.fingerprint:
                    self._old = entries
            except Exception:  # a damaged cache is only a slower build
                logger.info("cache %s unreadable; rebuilding it", path)

    def carry(self, key) -> bool:
        """Keep the last build's entry ``key`` in this build's, as it is, without asking whether it
        still holds (the caller knows: ``incremental.memory``); False when there is none."""
        if key in self._new:
            return True
        if key not in self._old:
            return False
        self._new[key] = self._old[key]
        return True

    def save(self) -> None:
        """Write the entries this build used, unless the saved cache is exactly that.

        With ``deferred`` set (the dev server), the cache is put there instead, for :meth:`write` to
        be called once the build's pages are served."""
        if not self.unsaved():
            return
        if self.deferred is not None:
            if self not in self.deferred:
                self.deferred.append(self)
            return
        self.write()

    def unsaved(self) -> bool:
        """Whether the saved cache is not what this build used."""
        return bool(self.path) and self._new != self._old

    def write(self) -> None:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        replace_whole(
            self.path, "cache:write",
            lambda handle: pickle.dump((self.fingerprint, self._new), handle, protocol=pickle.HIGHEST_PROTOCOL),
        )


class KeyedCache(PickledCache):
    def __init__(self, path: str | None, fingerprint: str, previous: "KeyedCache | None" = None):
        super().__init__(path, fingerprint, previous)
        self.hits = self.misses = 0

    @staticmethod
    def key(data: bytes) -> bytes:
        return hashlib.sha256(data).digest()

    def get(self, data: bytes, compute):
        """The value for ``data``: from this build, the saved cache, or ``compute()``."""
        return self.get_keyed(self.key(data), compute)

    def get_keyed(self, key: bytes, compute):
        """The value for the bytes whose ``key`` this is; ``compute()`` makes it when it is missing."""
        if key in self._new:
            value = self._new[key]
        elif key in self._old:
            value = self._new[key] = self._old[key]
            self.hits += 1
        else:
            value = self._new[key] = compute()
            self.misses += 1
        return value

    def has_key(self, key: bytes) -> bool:
        return key in self._new or key in self._old

    def put_keyed(self, key: bytes, value) -> None:
        """Store a value computed elsewhere (a worker process) for the bytes whose ``key`` this is."""
        self._new[key] = value
        self.misses += 1

    def unsaved(self) -> bool:
        return bool(self.path) and not (self.misses == 0 and self._new.keys() == self._old.keys())


TEMPLATES_DIR = "templates"  # <CACHE_PATH>/templates/<use>-<environment signature>/: compiled templates


def environment_signature(env) -> str:
    """A short name for what a template's compiled code depends on besides its source.

    Jinja keys a compiled template on its name and checks its source's hash and the Python
    version; the environment's syntax options, extensions, filters and tests (a filter's name is
    checked when the template is compiled) are named here, so that a compiled template is only
    ever loaded by an environment that would compile it the same way.
    """
    import jinja2

    def name(value) -> str:
        return getattr(value, "__qualname__", None) or repr(value) if callable(value) else repr(value)

    options = [
        jinja2.__version__,
        *(repr(getattr(env, option)) for option in (
            "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
            "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
            "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
        )),
        name(env.autoescape),
        name(env.finalize),
        *sorted(env.extensions),
        *sorted(env.filters),
        "|",
        *sorted(env.tests),
    ]
    return hashlib.sha256("\n".join(options).encode()).hexdigest()[:16]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory between the builds of one process (the dev
    server's, ``BuildMemory.templates``; every other build keeps them on disk:
    ``incremental.build_cache.BuildCache.templates``).

    Jinja checks each against its template's source, so an edited template is compiled again.
    """

    def __init__(self):
        self.stored: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.stored:
            bucket.bytecode_from_string(self.stored[bucket.key])

    def dump_bytecode(self, bucket):
        self.stored[bucket.key] = bucket.bytecode_to_string()
