"""The hash of a file's bytes, remembered by the file's identity: one memo for every file a build
hashes (sources, photos).

A file whose size, modification time, inode and device are those it had when it was hashed is
not read again, as ``make`` and ``rsync`` trust.  A file modified in the last few seconds before
the memo was opened (``RECENT_NS``) is not remembered: it could change again within the same tick
of the file system's clock and keep its identity, so it is read again by the next build.

The build has one memo (``BuildCache.digests``, ``<CACHE_PATH>/digests.pickle``: see
``incremental.build_cache``), saved with the caches the builders share once planning ends; the dev
server continues it in memory from one build to the next (``incremental.memory``).  Only the files
a build hashed or trusted are kept.
"""

from __future__ import annotations

import hashlib
import os
import time

from .cache import PickledCache, read_bytes

DIGESTS_VERSION = 1
RECENT_NS = 3_000_000_000  # files modified this close to the memo's opening are hashed again next time


def file_identity(path: str) -> tuple | None:
    """(size, modification time in ns, inode, device) of the file at ``path``; None when it cannot be stat'ed."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino, status.st_dev


class FileDigests(PickledCache):
    """The sha256 of files' bytes by their identity, saved at ``path`` (None: for this run only):
    path -> (size, mtime_ns, inode, device, digest)."""

    version = DIGESTS_VERSION

    def __init__(self, path: str | None, fingerprint: str = "", previous: "FileDigests | None" = None):
        super().__init__(path, fingerprint, previous)
        self._started_ns = time.time_ns()

    def known(self, path: str) -> bytes | None:
        """The digest of the file's bytes when its file is unchanged since it was hashed, without reading it."""
        known = self._new.get(path)
        if known is not None:
            return known[4]
        return self._trusted(path, file_identity(path))

    def digest(self, path: str) -> tuple[bytes, bytes | None]:
        """(the digest of the file's bytes, the bytes if they had to be read); OSError if it cannot be read.

        Asked twice in a build, the second answer is the first's (without the bytes).
        """
        known = self._new.get(path)
        if known is not None:
            return known[4], None
        identity = file_identity(path)
        known = self._trusted(path, identity)
        if known is not None:
            return known, None
        data = read_bytes(path)
        digest = hashlib.sha256(data).digest()
        self.remember(path, digest, identity)
        return digest, data

    def _trusted(self, path: str, identity: tuple | None) -> bytes | None:
        known = self._old.get(path)
        if known is None or identity is None or known[:4] != identity:
            return None
        self._new[path] = known
        return known[4]

    def remember(self, path: str, digest: bytes, identity: tuple | None) -> None:
        """Keep ``digest``, of the bytes read (here or in a worker) when the file had ``identity``
        (taken before reading: a change while it was read gives the file another identity)."""
        if identity is not None and identity[1] < self._started_ns - RECENT_NS:
            self._new[path] = (*identity, digest)
