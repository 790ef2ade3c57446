"""Encoded variants kept between builds, keyed on the source's bytes and the spec.

Layout: ``<cache>/<key>/photo.json`` plus one file per variant
(``960.webp``).  An entry is written in a temporary folder and renamed into
place, so an entry that exists is complete; processes working at the same
time can share a cache folder.  Entries are never served stale: the key
changes with every byte of the photo and every setting of the spec.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile

from .spec import EXTENSIONS, VariantSpec

ENTRY_VERSION = 1


def photo_key(data: bytes, spec: VariantSpec) -> str:
    """sha256 of the source bytes' sha256 and the spec's fingerprint (hex)."""
    source = hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"{source}:{spec.fingerprint()}".encode("ascii")).hexdigest()


def variant_file(fmt: str, width: int) -> str:
    """A variant's file name inside a cache entry."""
    return f"{width}.{EXTENSIONS[fmt]}"


class PhotoCache:
    """A folder of encoded variants (e.g. ``.cache/images``) and this run's counts.

    ``encoded``: photos encoded in this run; ``reused``: photos whose variants
    came from the cache.  :func:`process_all` adds the counts of its worker
    processes here.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self.encoded = 0
        self.reused = 0

    def __repr__(self):
        return f"PhotoCache({self.path!r}, encoded={self.encoded}, reused={self.reused})"

    def entry_dir(self, key: str) -> str:
        return os.path.join(self.path, key)

    def lookup(self, key: str) -> dict | None:
        """The stored record of an entry whose files are all present, else None."""
        folder = self.entry_dir(key)
        try:
            with open(os.path.join(folder, "photo.json"), encoding="utf-8") as handle:
                record = json.load(handle)
        except (OSError, ValueError):
            return None
        if record.get("version") != ENTRY_VERSION:
            return None
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
            if os.path.isdir(folder):  # an incomplete or outdated entry
                shutil.rmtree(folder, ignore_errors=True)
            try:
                os.rename(building, folder)
            except OSError:  # another process stored the same entry meanwhile
                if self.lookup(key) is None:
                    raise
        finally:
            if os.path.isdir(building):
                shutil.rmtree(building, ignore_errors=True)
        return folder
