"""A cache of derived values (parsed sources, conversions), keyed on the bytes they come from.

Keying on content (not on modification times) means a cache can never
serve a stale value, and a file touched without change costs only a hash.
Entries a build did not use are dropped when the cache is saved.  The
fingerprint names everything else the values depend on (settings, code):
a cache saved under another fingerprint is ignored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle

logger = logging.getLogger(__name__)

CACHE_VERSION = 1


class KeyedCache:
    def __init__(self, path: str | None, fingerprint: str):
        self.path = path
        self.fingerprint = f"{CACHE_VERSION}:{fingerprint}"
        self._old: dict = {}
        self._new: dict = {}
        self.hits = self.misses = 0
        if path and os.path.exists(path):
            try:
                with open(path, "rb") as handle:
                    stored_fingerprint, entries = pickle.load(handle)
                if stored_fingerprint == self.fingerprint:
                    self._old = entries
            except Exception:  # a damaged cache is only a slower build
                logger.info("cache %s unreadable; rebuilding it", path)

    def get(self, data: bytes, compute):
        """The value for ``data``: from this build, the saved cache, or ``compute()``."""
        key = hashlib.sha256(data).digest()
        if key in self._new:
            value = self._new[key]
        elif key in self._old:
            value = self._new[key] = self._old[key]
            self.hits += 1
        else:
            value = self._new[key] = compute()
            self.misses += 1
        return value

    def has(self, data: bytes) -> bool:
        key = hashlib.sha256(data).digest()
        return key in self._new or key in self._old

    def put(self, data: bytes, value) -> None:
        """Store a value computed elsewhere (a worker process) for ``data``."""
        self._new[hashlib.sha256(data).digest()] = value
        self.misses += 1

    def save(self) -> None:
        if not self.path:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        temporary = f"{self.path}.{os.getpid()}"
        with open(temporary, "wb") as handle:
            pickle.dump((self.fingerprint, self._new), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)
