"""Encoded variants kept between builds, keyed on the source's bytes and the spec.

Layout: ``<cache>/<key>/photo.json`` plus one file per variant
(``960.webp``).  An entry is written in a temporary folder and renamed into
place, so an entry that exists is complete; processes working at the same
time can share a cache folder.  Entries are never served stale: the key
changes with every byte of the photo and every setting of the spec.

Hashing a photo means reading all of it (megabytes).  The hash of each photo's
bytes is remembered by its file's identity in the memo every file of a build shares
(``incremental.digests.FileDigests``: the build's, given to :class:`PhotoCache`, else
one of its own in ``<cache>/digests.pickle``), so a rebuild reads again only the
photos whose file changed, and those modified in the few seconds before.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time

from incremental.cache import fault_point, replace_whole
from incremental.digests import FileDigests

from .spec import EXTENSIONS, VariantSpec

ENTRY_VERSION = 1
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}")  # an entry's folder: its key


def _older_than(path: str, when: float) -> bool:
    try:
        return os.stat(path).st_mtime < when
    except OSError:
        return False


def source_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_key(digest: str, spec: VariantSpec) -> str:
    """sha256 of the source bytes' sha256 (``digest``) and the spec's fingerprint (hex)."""
    return hashlib.sha256(f"{digest}:{spec.fingerprint()}".encode("ascii")).hexdigest()


def photo_key(data: bytes, spec: VariantSpec) -> str:
    return entry_key(source_digest(data), spec)


def variant_file(fmt: str, width: int) -> str:
    """A variant's file name inside a cache entry."""
    return f"{width}.{EXTENSIONS[fmt]}"


def _load_json(path: str) -> dict:
    """A JSON object kept by an earlier run; empty when missing or damaged (only a slower run)."""
    try:
        with open(path, encoding="utf-8") as handle:
            value = json.load(handle)
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _save_json(path: str, value: dict) -> None:
    replace_whole(path, "images:records", lambda handle: handle.write(json.dumps(dict(sorted(value.items()))).encode("utf-8")))


class PhotoCache:
    """A folder of encoded variants (e.g. ``.cache/images``) and this run's counts.

    ``encoded``: photos encoded in this run; ``reused``: photos whose variants
    came from the cache.  :func:`process_all` adds the counts of its worker
    processes here.
    """

    def __init__(self, path, digests: FileDigests | None = None):
        """``digests``: the memo of file digests the photos' hashes go in (the build's, which it saves);
        by default one of the cache's own (``<path>/digests.pickle``), saved with the records."""
        self.path = os.fspath(path)
        self.encoded = 0
        self.reused = 0
        self._own_digests = digests is None
        self._asked = False  # whether this run asked for or remembered a photo's hash
        self.digests = digests if digests is not None else FileDigests(os.path.join(self.path, "digests.pickle"))
        self._records: dict | None = None  # entry key -> its photo.json, as records.json kept them
        self._records_seen: dict = {}

    # -- the hashes of the photos' bytes, by file identity (``incremental.digests``) ----------------
    def known_digest(self, source: str) -> str | None:
        """The hash (hex) of ``source``'s bytes if its file is unchanged since it was remembered."""
        self._asked = True
        known = self.digests.known(os.path.abspath(source))
        return known.hex() if known is not None else None

    def remember_digest(self, source: str, digest: str, identity: tuple | None) -> None:
        """Remember the hash (hex) of ``source``'s bytes, read (in a worker) when the file had ``identity``."""
        self._asked = True
        self.digests.remember(os.path.abspath(source), bytes.fromhex(digest), identity)

    def known_record(self, key: str) -> dict | None:
        """The record of entry ``key`` without checking its files (a caller that uses them meets a
        missing one itself): from ``records.json``, where the last run kept those it used, else
        from the entry's ``photo.json``.  Records never change: an entry's key names its content."""
        if self._records is None:
            self._records = _load_json(os.path.join(self.path, "records.json"))
        record = self._records.get(key)
        if record is None or record.get("version") != ENTRY_VERSION:
            record = self.lookup(key, check_files=False)
        if record is not None:
            self._records_seen[key] = record
        return record

    def save_records(self) -> None:
        """Keep the records this run used (others are dropped), and the photos' hashes when the memo is the cache's own."""
        if self._own_digests:
            self.digests.save()
        if not self._asked:  # no photo in this run
            return
        os.makedirs(self.path, exist_ok=True)
        _save_json(os.path.join(self.path, "records.json"), self._records_seen)

    def __repr__(self):
        return f"PhotoCache({self.path!r}, encoded={self.encoded}, reused={self.reused})"

    def prune(self, keep: set[str]) -> int:
        """Remove the entries not in ``keep`` (photos no longer published, older specs) and folders
        left half-written by a run that was stopped more than an hour ago; the number removed.

        For the caller that has just published every photo of its site (``BatchResult.keys``):
        as the content caches do, the cache then holds what the last build used, not every
        photo the site ever had.
        """
        removed = 0
        try:
            names = os.listdir(self.path)
        except OSError:
            return 0
        stale = time.time() - 3600
        for name in names:
            folder = os.path.join(self.path, name)
            if _ENTRY_NAME.fullmatch(name):
                if name in keep:
                    continue
            elif not (name.startswith(".new-") and _older_than(folder, stale)):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        return removed

    def entry_dir(self, key: str) -> str:
        return os.path.join(self.path, key)

    def lookup(self, key: str, check_files: bool = True) -> dict | None:
        """The stored record of an entry whose files are all present, else None.

        ``check_files=False``: the record alone, for a caller that meets a missing file itself.
        """
        folder = self.entry_dir(key)
        try:
            with open(os.path.join(folder, "photo.json"), encoding="utf-8") as handle:
                record = json.load(handle)
        except (OSError, ValueError):
            return None
        if record.get("version") != ENTRY_VERSION:
            return None
        if not check_files:
            return record
        for fmt, width, _height in record["variants"]:
            if not os.path.isfile(os.path.join(folder, variant_file(fmt, width))):
                return None
        return record

    def store(self, key: str, record: dict, files: dict[str, bytes]) -> str:
        """Write an entry (record and variant files); return its folder."""
        os.makedirs(self.path, exist_ok=True)
        folder = self.entry_dir(key)
        building = tempfile.mkdtemp(prefix=".new-", dir=self.path)
        try:
            for name, content in files.items():
                with open(os.path.join(building, name), "wb") as handle:
                    handle.write(content)
            with open(os.path.join(building, "photo.json"), "w", encoding="utf-8") as handle:
                json.dump({**record, "version": ENTRY_VERSION}, handle)
            fault_point("images:entry", building)
            if os.path.isdir(folder):
                if self.lookup(key) is not None:
                    # stored whole meanwhile by another worker (the same bytes under another path):
                    # used as it is, never removed, since a job may be placing its files
                    return folder
                shutil.rmtree(folder, ignore_errors=True)  # an incomplete or outdated entry
            try:
                os.rename(building, folder)
            except OSError:  # another process stored the same entry meanwhile
                if self.lookup(key) is None:
                    raise
        finally:
            if os.path.isdir(building):
                shutil.rmtree(building, ignore_errors=True)
        return folder
