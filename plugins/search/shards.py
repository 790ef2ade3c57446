"""Records dealt into shards by a hash of their page's file name, and where each shard's files go."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for the annotations only
    from contract.model import OutputPage

    from .kept import KeptDocuments
    from .pagefind import PagefindRun

def shard_of(save_as: str, count: int) -> int:
    """Which of ``count`` shards a page's document goes to: by its file, so it stays there."""
    return int.from_bytes(hashlib.blake2b(save_as.encode("utf-8"), digest_size=8).digest(), "big") % count


def shards(pages: list[OutputPage], size: int) -> list[list[OutputPage]]:
    """One language's ``pages`` in shards of about ``size`` documents each (none empty).

    The number of shards is set by the number of pages only, and each page's shard by its file
    name, so an edit changes one shard, and a cold build shards the way a rebuild does.
    """
    count = max(1, -(-len(pages) // max(1, size)))
    groups: list[list[OutputPage]] = [[] for _ in range(count)]
    for page in pages:
        groups[shard_of(page.save_as, count)].append(page)
    return [group for group in groups if group]


def shard_dir(number: int) -> str:
    """Where shard ``number`` (0, 1, …) of every language lives inside ``/pagefind/``."""
    return "" if number == 0 else f"shard-{number + 1}/"


# What a shard's folder needs: its own index (pagefind.js, the WebAssembly and the
# ready-made interfaces come with the first shard, in /pagefind/ itself).
SHARD_FILE_RE = re.compile(r"^(?:pagefind\.[^/]+\.pf_meta|(?:index|fragment|filter)/.+)$")


class _Shard:
    """One shard of an index: its records' pages, and what the last build made of them (``lang``: its :class:`SearchIndex`)."""

    def __init__(self, lang, name: str, number: int, pages: list[OutputPage]):
        self.lang, self.name, self.number, self.pages = lang, name, number, pages
        self.key = f"{name}#{number}"  # in the record, and the name of its kept documents' folder
        self.dir = shard_dir(number)
        self.digest = self.quick = None
        self.kept: KeptDocuments | None = None  # None: its documents go into a temporary folder
        self.folder = ""  # where its documents are
        self.written = self.reused = 0  # documents written for this build, and kept from the last
        self.writing = 0.0  # seconds spent writing them
        self.fold = ""  # a Chinese shard: the characters the search page must fold
        self.run: PagefindRun | None = None
