"""What the dev server keeps in memory between its builds, so that a rebuild does what the change needs.

The CLI build (``make html``) starts from nothing but its caches on disk; the dev server builds
again and again in one process (``tools/devserver.py``) and hands each of its builds the same
:class:`BuildMemory` (``SiteBuild.memory``; a stage reads it as the build cache's ``memory``,
``incremental.build_cache.BuildCache``, None in every other build).  It holds these, each used by
one stage and each keyed so that a stale entry is never used:

* **read** (``contract.generator.SourceGenerator.read_source``): the item made from each
  source, reused as the very same object when the source's bytes are the same (the key the
  parse cache uses), its file time stands for the same revision (``Item.saved``), and its body
  links no file or source (``{static}``, ``{attach}``, ``{filename}``, relative addresses:
  Pelican resolves those inside the body object once, against the build that made it).  What
  a source's reading reports or adds to the build (a draft's warning, a content type's checks,
  its references, its future dates) is done again for a reused item, and its cross-references
  (``Item.links``) start empty, as a fresh item's do, for the plan to set again.
* **derive** (``sc``): the item converted from a reused Traditional item, reused with it.
* **fingerprint** (``i18n.render``): each page's render fingerprint, with what it was computed
  from: the planned page and what the renderer adds to it (links between languages, revision
  date, page kind), its language's shared digest, and every item the fingerprint reached, with
  that item's digest.  A page planned equal (``==``: unchanged items are the same objects, so
  the comparison stops at them) to the last build's, in the same surroundings, whose items
  all digest as they did, has the same fingerprint: it is taken, not computed again.  An
  item's own part (fields, body, address) is digested once for as long as the item is reused.
* **caches on disk** (``BuildCache.keyed``: parses, conversions, calendars, the memo of file
  digests): continued from the last build's entries instead of read again, as long as their file
  is the one that build read or wrote (a ``make html`` beside the server writes its own: then it
  is read); and written after the reload is announced (:meth:`BuildMemory.flush`), not before the
  commit.
* **compiled templates** (:attr:`BuildMemory.templates`, ``BuildCache.templates``): Jinja's, in
  memory; each is checked against its template's source when loaded.
* **output made from plain values** (:meth:`BuildMemory.made`: the sitemaps): taken from the
  last build when its inputs are equal.

Nothing here decides what is written: a kept fingerprint goes through the same test against
the output manifest as a computed one (``OutputState.reusable``).  The memory is emptied when
the code or the settings change (the code fingerprint), and forgets whatever the last build
did not use.  ``tests/test_devserver_replay.py`` replays a series of edits through the dev
server's builder and compares its output with a cold build's after each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .cache import KeyedCache, MemoryBytecodeCache
from .digests import RECENT_NS, file_identity as _file_identity
from .fingerprint import Fingerprinter
from contract.model import Item


@dataclass
class _Read:
    digest: bytes  # of the source's bytes
    item: Item
    header: object  # the parsed header (lines of the fields, for the warnings said again)
    found: list  # the body's addresses, as the parse found them


@dataclass
class _Fingerprinted:
    page: object  # the OutputPage as planned
    around: tuple  # (links, revised, page kind): what the renderer gives the page besides itself
    shared: bytes  # its language's shared digest (navigation, footer, feeds, year)
    fingerprint: bytes
    reached: tuple  # ((item, depth, digest), ...): every item the fingerprint followed


class TrackingFingerprinter(Fingerprinter):
    """A :class:`Fingerprinter` that notes, for each page, every item its digest reached.

    Items are noted wherever they are met (a page's own fields, a list's entries, what an item
    refers to).  A record or a described object (``__fingerprint__``) is digested once per
    build; the items met while digesting it are kept with it, and noted again for each page
    that shows it.
    """

    def __init__(self, own: dict | None = None, deep: dict | None = None):
        super().__init__()
        self._noting: list[list] = []
        self._within = 0  # > 0 while an item's digest follows what it refers to (covered by that item's)
        self._met: dict[int, tuple[object, tuple]] = {}  # id(record) -> (record, items met in it)
        self._seeded: set[int] = set()
        for key, (_item, digest) in (own or {}).items():  # items reused since the last build
            self._items[(key, -1)] = digest
            self._seeded.add(key)
        # (id, depth) -> (item, digest, digest of the item it was converted from): digests of the last
        # build's items that referred to nothing (no links), and this build's
        self._deep_last = deep or {}
        self.deep: dict[tuple[int, int], tuple] = {}

    def begin(self) -> None:
        self._noting.append([])

    def end(self) -> tuple:
        """The items the page's digest reached since :meth:`begin`, each (item, depth) once."""
        return tuple({(id(item), depth): (item, depth, digest) for item, depth, digest in self._noting.pop()}.values())

    def _item(self, item, depth: int) -> bytes:
        if self._within:  # what an item refers to counts in that item's digest: not noted apart
            return self._item_digest(item, depth)
        self._within += 1
        try:
            digest = self._item_digest(item, depth)
        finally:
            self._within -= 1
        if self._noting:
            self._noting[-1].append((item, depth, digest))
        return digest

    def _item_digest(self, item, depth: int) -> bytes:
        """``Fingerprinter._item``; for a reused item that refers to nothing now and did not then, the
        last build's digest when what it was converted from digests as it did (its inputs are then
        the same: its own part, that item's digest, no links)."""
        key = (id(item), depth)
        known = self._items.get(key)
        if known is not None:
            return known
        if item.links:
            return super()._item(item, depth)
        derived = item.derived_from
        last = self._deep_last.get(key)
        if last is not None and last[0] is item and id(item) in self._seeded:
            if depth == 0 or (derived is None) == (last[2] is None):
                if depth == 0 or derived is None or self._item_digest(derived, depth - 1) == last[2]:
                    self._items[key] = last[1]
                    self.deep[key] = last
                    return last[1]
        digest = super()._item(item, depth)
        below = None if derived is None or depth == 0 else self._items.get((id(derived), depth - 1))
        self.deep[key] = (item, digest, below)
        return digest

    def _feed(self, out, value, depth: int) -> None:
        kind = type(value)
        if kind is Item or not (hasattr(value, "__fingerprint__") or _frozen(kind)):
            return super()._feed(out, value, depth)
        known = self._met.get(id(value))
        if known is not None and known[0] is value:
            super()._feed(out, value, depth)  # its digest is remembered: nothing is met again
            met = known[1]
        else:
            # the items met in it are noted with it, wherever it is met first (a page, or within an item)
            self._noting.append([])
            within, self._within = self._within, 0
            try:
                super()._feed(out, value, depth)
            finally:
                self._within = within
                met = tuple(self._noting.pop())
            self._met[id(value)] = (value, met)
        if self._noting and not self._within:
            self._noting[-1].extend(met)

    def own_digests(self, items) -> dict:
        """id -> (item, digest of its own part), for ``items`` whose own part was digested."""
        found = {}
        for item in items:
            digest = self._items.get((id(item), -1))
            if digest is not None:
                found[id(item)] = (item, digest)
        return found


def _frozen(kind) -> bool:
    params = getattr(kind, "__dataclass_params__", None)
    return params is not None and params.frozen


class BuildMemory:
    """The dev server's memory of its last build (see the module's docstring)."""

    def __init__(self):
        self.code: str | None = None
        self._caches: dict[str, tuple[KeyedCache, tuple | None]] = {}  # path -> (cache, its file's identity)
        self.unsaved: list[KeyedCache] = []  # caches the last build used and changed, to write after the reload
        self._reads: dict[str, _Read] = {}
        self._derived: dict[tuple[int, str], tuple[Item, Item]] = {}
        self._item_pages: dict[tuple[str, int], tuple[Item, list]] = {}
        self._pages: dict[str, _Fingerprinted] = {}
        self._own: dict[int, tuple[Item, bytes]] = {}
        self._made: dict = {}
        self._deep: dict = {}
        self._sources: dict | None = None  # the content folder's files (size, time, inode) when the last build began
        self._began = 0  # when it began (time.time_ns())
        self.changed: set[str] | None = None  # the files of the content folder changed since then (None: not known)
        # what the output state saw of the output this process committed last (outputs.state.Witness),
        # carried here from one build to the next; the memory never reads it
        self.output_witness = None
        self.templates = MemoryBytecodeCache()  # the compiled templates of every build of this process
        self.clear_build()
        self.counts = {"items reused": 0, "item pages kept": 0, "fingerprints kept": 0, "fingerprints computed": 0}

    def clear_build(self) -> None:
        """What one build fills, to replace the memory's when it ends."""
        self._next_reads: dict[str, _Read] = {}
        self._next_derived: dict[tuple[int, str], tuple[Item, Item]] = {}
        self._next_item_pages: dict[tuple[str, int], tuple[Item, list]] = {}
        self._next_pages: dict[str, _Fingerprinted] = {}
        self._next_made: dict = {}
        self._fingerprinter: TrackingFingerprinter | None = None

    def begin(self, code: str, sources: dict | None = None) -> None:
        """A build starts with ``code`` (its code fingerprint): anything remembered under other code is dropped.

        ``sources``: every file of the content folder with its size, time and inode, as the build
        listed them; :attr:`changed` is then the files that differ from the last build's listing
        (added, removed or saved again), None for the first build."""
        if code != self.code:
            self._reads, self._derived, self._pages, self._own, self._made, self._deep = {}, {}, {}, {}, {}, {}
            self._item_pages = {}
            self._sources = None
            self.code = code
        last, began = self._sources, self._began
        self._began = time.time_ns()
        if last is None or sources is None:
            self.changed = None
        else:
            # A file saved close to the last build's start may have been saved again within the same tick
            # of the file system's clock, keeping its size, time and inode: counted changed, as the memo of
            # file digests counts it (incremental.digests.RECENT_NS).
            recent = began - RECENT_NS
            self.changed = {rel for rel in last.keys() | sources.keys() if last.get(rel) != sources.get(rel)}
            self.changed.update(rel for rel, (_size, mtime, _inode) in sources.items() if mtime >= recent)
        self._sources = sources
        self.clear_build()
        self.counts = {"items reused": 0, "item pages kept": 0, "fingerprints kept": 0, "fingerprints computed": 0}

    # -- caches on disk ----------------------------------------------------------------------
    def keyed_cache(self, path: str | None, fingerprint: str, kind=KeyedCache) -> KeyedCache:
        """The cache (of ``kind``) saved at ``path``, continued from the last build's in memory when its file is still
        the one that build read or wrote (else read again: a ``make html`` beside the server wrote it);
        its saving is deferred to :meth:`flush`."""
        last, identity = self._caches.get(path, (None, None)) if path else (None, None)
        if last is not None and (identity is None or _file_identity(path) != identity):
            last = None
        if last is None and path:
            identity = _file_identity(path)  # before reading it: a change meanwhile only reads it again
        cache = kind(path, fingerprint, previous=last)
        cache.deferred = self.unsaved
        if path:
            self._caches[path] = (cache, identity)
        return cache

    def flush(self) -> None:
        """Write the caches the last build changed (the dev server calls it once the reload is announced)."""
        unsaved, self.unsaved = self.unsaved, []
        for cache in unsaved:
            try:
                cache.write()
                identity = _file_identity(cache.path)
            except OSError:  # not written: only a slower start next time; read from the file again
                identity = None
            if self._caches.get(cache.path, (None,))[0] is cache:
                self._caches[cache.path] = (cache, identity)

    # -- read ------------------------------------------------------------------------------
    def read(self, rel: str, digest: bytes):
        """(item, header, found) of the last reading of ``rel`` when its bytes were these, else None."""
        known = self._reads.get(rel)
        if known is None or known.digest != digest:
            return None
        return known.item, known.header, known.found

    def unchanged(self, rel: str) -> _Read | None:
        """The last reading of ``rel`` when its file is not among :attr:`changed` (its size, time and
        inode as when the last build listed it, and not saved close to then): the same bytes, known
        without reading or hashing them."""
        if self.changed is None or rel in self.changed:
            return None
        return self._reads.get(rel)

    def reused(self, rel: str) -> None:
        self._next_reads[rel] = self._reads[rel]
        self.counts["items reused"] += 1

    def remember_read(self, rel: str, digest: bytes, item: Item, header, found: list) -> None:
        self._next_reads[rel] = _Read(digest, item, header, found)

    # -- derive ----------------------------------------------------------------------------
    def derived(self, source: Item, lang: str, make) -> Item:
        """The ``lang`` item converted from ``source``: the last build's when ``source`` is the same object."""
        key = (id(source), lang)
        known = self._derived.get(key)
        if known is not None and known[0] is source:
            item = known[1]
            item.links = {}  # set again by the plan, as on a fresh item
        else:
            item = make()
        self._next_derived[key] = (source, item)
        return item

    # -- plan ------------------------------------------------------------------------------
    def item_pages(self, owner: str, item: Item, make) -> list:
        """``make()``, the pages of ``item`` alone (``SourceGenerator.item_pages`` of content type
        ``owner``): the last build's, the very same objects, when ``item`` is the same object."""
        key = (owner, id(item))
        known = self._item_pages.get(key)
        if known is not None and known[0] is item:
            pages = known[1]
            self.counts["item pages kept"] += 1
        else:
            pages = make()
        self._next_item_pages[key] = (item, pages)
        return pages

    # -- fingerprint -----------------------------------------------------------------------
    def fingerprinter(self) -> TrackingFingerprinter:
        self._fingerprinter = TrackingFingerprinter(self._own, self._deep)
        return self._fingerprinter

    def fingerprint(self, renderer, page) -> bytes | None:
        """``renderer.fingerprint(page)``, taken from the last build when nothing it depends on changed.

        Raises ``Unfingerprintable`` as ``renderer.fingerprint`` does.
        """
        fingerprinter = self._fingerprinter
        if page.body is not None:
            return renderer.fingerprint(page, fingerprinter)
        shared = renderer.shared_digest(page, fingerprinter)
        own = renderer._own(page)
        around = (own["links"], own["revised"], own["page_kind"])
        last = self._pages.get(page.save_as)
        if last is not None and last.shared == shared and self._same(last, page, around):
            self._next_pages[page.save_as] = _Fingerprinted(page, around, shared, last.fingerprint, last.reached)
            self.counts["fingerprints kept"] += 1
            return last.fingerprint
        fingerprinter.begin()
        try:
            fingerprint = renderer.fingerprint(page, fingerprinter)
        finally:
            reached = fingerprinter.end()
        if fingerprint is not None:
            self._next_pages[page.save_as] = _Fingerprinted(page, around, shared, fingerprint, reached)
        self.counts["fingerprints computed"] += 1
        return fingerprint

    def _same(self, last: _Fingerprinted, page, around: tuple) -> bool:
        try:
            if last.page != page or last.around != around:
                return False
        except RecursionError:  # items that refer to each other, compared as values: not known equal
            return False
        fingerprinter = self._fingerprinter
        made = fingerprinter._items  # digests of this build, each made once (by the first page to reach it)
        for item, depth, digest in last.reached:
            if made.get((id(item), depth)) != digest and fingerprinter._item(item, depth) != digest:
                return False
        return True

    # -- anything else made from values ----------------------------------------------------
    def made(self, key, inputs, make):
        """``make()``, or what it returned in the last build when ``inputs`` were equal (``==``) then.

        For output made from plain values (strings, numbers, dates, frozen records of them) only:
        equal values must stand for equal output."""
        last = self._made.get(key)
        if last is not None and last[0] == inputs:
            value = last[1]
        else:
            value = make()
        self._next_made[key] = (inputs, value)
        return value

    # -- the end of a build ----------------------------------------------------------------
    def end(self, site, fingerprinted: bool) -> None:
        """Keep what this build read, derived and (``fingerprinted``: when it got so far) fingerprinted."""
        self._reads, self._derived, self._item_pages = self._next_reads, self._next_derived, self._next_item_pages
        if fingerprinted and self._fingerprinter is not None:
            self._pages, self._made = self._next_pages, self._next_made
            self._own = self._fingerprinter.own_digests(site.items)
            self._deep = self._fingerprinter.deep
        self.clear_build()
