"""Search documents kept between builds, a folder per shard under ``<CACHE_PATH>/search/``: a
rebuild writes again only the documents whose pages changed."""

from __future__ import annotations

import json
import os
import shutil

from contract.model import OutputPage
from incremental.cache import fault_point

from .documents import Documents

KEPT_DIR = "search"  # <CACHE_PATH>/search/<language>#<n>/: a shard's documents, kept between builds


class KeptDocuments:
    """One shard's search documents, kept between builds in the cache folder, and what they were made of.

    ``<CACHE_PATH>/search/<language>#<n>/`` holds the documents Pagefind read for the shard the
    last time it was indexed; ``<language>#<n>.json`` beside it (Pagefind reads the folder only)
    lists them in the order they were made, each with the fingerprint it was written for
    (``Documents.fingerprint``: its page's render fingerprint, and that of the page it was
    converted from; None when unknown), and the code fingerprint of the build that wrote them
    (templates, conversions and settings make a document too).

    Why a kept document can be trusted: the map is removed before the folder is changed, and
    written again only after every document it lists is in the folder as written for the
    fingerprint it gives, and Pagefind has read them.  So a map, when there is one, tells the truth
    about its folder whatever became of the build that wrote it (failed later, killed, committed).
    The output manifest's record could not: a failed build leaves it as the last committed build
    wrote it, while the documents it wrote are in the folder.

    A document is reused when the build is incremental (a cold build starts from an empty folder),
    the map is of this code, it gives the document the page's fingerprint now (never None: a page
    with no fingerprint is written every time) and the file is there.  Every other document is
    written, and whatever else the folder held (pages removed, or dealt to another shard) is
    deleted.

    Pagefind numbers documents in the order the file system lists their files, and some file
    systems (tmpfs, btrfs; not ext4, which lists them by a hash of their names) list them in the
    order they were made: the same documents made in another order give another index (measured).
    So the folder must list its documents as a cold build's would.  When it is to hold the same
    documents as it does, in the same order (pages edited), the documents that changed are written
    over their files, which leaves every folder's listing as it is.  Otherwise (pages added,
    removed or reordered, or nothing trusted) it is made afresh in the order of the shard's pages,
    as a cold build makes it: reused documents are moved into a new folder, the others written, and
    the old folder, with whatever is left in it, deleted.  (Making the folders is most of the
    cost of writing a shard's documents: the in-place path is what makes an edit cheap.)
    """

    def __init__(self, folder: str, code: str, fingerprints: dict, incremental: bool):
        self.folder = folder
        self.map_path = f"{folder}.json"
        self.code = code
        self.fingerprints = fingerprints
        self.incremental = incremental
        self.made: dict[str, str | None] = {}  # the folder's documents, in order: save_as -> fingerprint

    def _recorded(self) -> dict[str, str]:
        """The map of the documents in the folder, when this build may reuse them (else empty)."""
        if not self.incremental:
            return {}
        try:
            with open(self.map_path, encoding="utf-8") as handle:
                recorded = json.load(handle)
        except (OSError, ValueError):
            return {}
        return recorded.get("documents", {}) if isinstance(recorded, dict) and recorded.get("code") == self.code else {}

    def fill(self, documents: Documents, pages: list[OutputPage]) -> tuple[int, int]:
        """Make the folder hold the document of each of ``pages``; (documents written, reused)."""
        recorded = self._recorded()
        if os.path.exists(self.map_path):
            os.unlink(self.map_path)  # the folder changes: no map until it is saved again
        fingerprints = {page.save_as: documents.fingerprint(page, self.fingerprints) for page in pages}
        present = {rel for rel in fingerprints if rel in recorded and os.path.isfile(os.path.join(self.folder, rel))}
        reused = {rel for rel in present if fingerprints[rel] is not None and recorded[rel] == fingerprints[rel]}
        # the documents the folder is to hold, in order (a page with no <main> has none)
        having = [page.save_as for page in pages if page.save_as in reused or documents.main_of(page) is not None]
        in_place = bool(recorded) and having == list(recorded) and present.issuperset(having)
        target = self.folder if in_place else f"{self.folder}.new"
        if not in_place:
            shutil.rmtree(target, ignore_errors=True)  # left by a build that was killed
            os.makedirs(target)
        written = 0
        for page in pages:
            if page.save_as not in reused:
                written += documents.write(target, [page])  # in place: over its file, no folder changed
                if written == 1:
                    fault_point("search:documents", target)
            elif not in_place:
                moved = os.path.join(target, page.save_as)
                os.makedirs(os.path.dirname(moved), exist_ok=True)
                os.rename(os.path.join(self.folder, page.save_as), moved)
        if not in_place:
            shutil.rmtree(self.folder, ignore_errors=True)
            os.rename(target, self.folder)
        self.made = {rel: fingerprints[rel] for rel in having}
        return written, len(reused)

    def save(self) -> None:
        """Record what the folder holds, once Pagefind has read it (see the class's docstring)."""
        temporary = f"{self.map_path}.new"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"code": self.code, "documents": self.made}, handle, separators=(",", ":"))
        fault_point("search:map", temporary)
        os.replace(temporary, self.map_path)


def kept_documents_root(build_cache) -> str | None:
    """Where shards' documents are kept: the search stage's cache folder, ``<CACHE_PATH>/search/``
    (``build_cache``: the build's ``incremental.BuildCache``).  They serve only a rebuild from the
    output they were indexed for: None (not kept) when the build keeps no record of its output, as
    without ``INCREMENTAL_OUTPUT`` or in ``make check``, where each shard's are in a temporary folder."""
    return build_cache.folder(KEPT_DIR, for_rebuilds=True)


def prune_kept_documents(root: str, keys: set[str]) -> None:
    """Delete from ``root`` all but the folders and maps of the shards ``keys``: shards a language
    no longer has (its pages became fewer), and what a killed build left."""
    wanted = keys | {f"{key}.json" for key in keys}
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name in wanted:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
