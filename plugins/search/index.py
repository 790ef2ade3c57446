"""Indexing the written site with Pagefind, in the staging folder, before it is swapped in.

Which pages: those of content items (releases, forums, standing pages, …) in
every language.  The root language chooser, homes, lists, year archives,
sitemaps, the search pages, feeds and calendars are not items' pages, so they
are left out: a search lists each item once, not the lists that show it.

What Pagefind reads of a page is a *search document* made for it in a folder
of its shard, at the same relative path (so the result URL is the page's): the
page's title and text as :mod:`search.text` reads them from its ``<main>``
(furniture left out, blocks joined with the language's punctuation).

Languages share an index when their ``<html lang>`` has the same primary subtag:
English is one index (``en``), Traditional and Simplified Chinese one (``zh``).
In the Chinese index each text is indexed once: a Traditional page and the
Simplified page of the same item (converted from it, or written by an editor)
are one record, whose indexed text is the Simplified page's (Chinese is matched
folded to Simplified, each Han character a word: see :mod:`search.text`), with
the Traditional page's title and text kept in its metadata for the Traditional
search page's results, and a filter (``tc:y``) on the records that have a
Traditional page.  A Simplified item with no Traditional one has a record of its
own, without the filter.

The published pages stay exactly as written.  Pagefind keeps one index per
``<html lang>`` of the documents (``en``, ``zh``) and ``pagefind.js`` picks the
one of the page the search runs on (``zh-Hant-HK`` → ``zh``).  Each index's
records are split into shards of about ``SEARCH_SHARD_SIZE`` (by a hash of each
page's file name), each shard is indexed by a Pagefind run of its own (side by
side, one per core), and the browser merges an index's shards; a rebuild runs
Pagefind only for the shards whose documents changed, so an edit costs one
shard, and no run holds a whole index in memory.  A shard's documents are kept between builds in the cache
(:class:`KeptDocuments`), so re-indexing it after an edit writes only the
documents of the pages that changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time

from incremental.cache import fault_point
from contract.model import OutputPage, Site

from .pages import search_of_build
from .text import Folding, page_text, search_document

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"  # /pagefind/pagefind.js
SHARDS_FILE = "shards.json"  # /pagefind/shards.json: {index: number of shards}
FOLD_FILE = "fold.json"  # /pagefind/fold.json: the Traditional characters the Chinese index folds, and their Simplified ones
PAGEFIND_TIMEOUT = 300  # seconds; the sample site (97 pages) takes about 1.5
# The filter of the Chinese records that have a page in the language the others are converted
# from (tc): "<code>:y".  One filter with one value, as Pagefind writes its filter files and their
# list in an order of its own when there are more (measured: the same documents gave other bytes).
FILTER_VALUE = "y"
MAIN_RE = re.compile(r"<main\b[^>]*>(.*)</main>", re.S | re.I)


def main_content(document: str) -> str | None:
    """The inner HTML of a page's ``<main>`` element, or None."""
    match = MAIN_RE.search(document)
    return match.group(1) if match else None


class IndexingCancelled(Exception):
    """The indexing was abandoned (``Indexing.cancelled``): Pagefind stopped, nothing reported."""


class SearchIndex:
    """One Pagefind index: the languages whose ``<html lang>`` share a primary subtag (``zh``)."""

    def __init__(self, name: str, languages: list):
        self.name, self.languages = name, languages
        self.code = name  # how the build's log names it
        self.codes = [lang.code for lang in languages]
        self.chinese = name.split("-")[0] == "zh"
        self.label = " and ".join(lang.label for lang in languages)


def search_indexes(languages) -> list[SearchIndex]:
    """The site's languages grouped into indexes, in the order of their first language.

    A language alone keeps its own ``<html lang>`` as its index's name (``en``); languages that
    share a primary subtag share an index named by it (``zh-Hant-HK`` and ``zh-Hans``: ``zh``).
    """
    groups: dict[str, list] = {}
    for lang in languages:
        groups.setdefault(lang.html_lang.split("-")[0].lower(), []).append(lang)
    return [SearchIndex(_html_lang_key(group[0].html_lang) if len(group) == 1 else primary, group)
            for primary, group in groups.items()]


def indexed(page: OutputPage) -> bool:
    """A content item's page in one language, written from a template as HTML, of a content type whose
    pages are searched (``PageKind.searched``)."""
    return (page.lang is not None and page.item is not None and page.body is None and page.save_as.endswith(".html")
            and page.kind.searched)


def _html_lang_key(html_lang: str) -> str:
    """How Pagefind names a language: ``zh-Hant-HK`` -> ``zh-hant-hk``."""
    return html_lang.lower()


class Documents:
    """What Pagefind reads of each record: the title and text of its page (and of its companion).

    ``read(save_as)`` gives a written page's HTML (from the staging folder or the kept output);
    each page is read once.  A page of a language converted from another (``sc``) whose item has
    an indexed page in that language (``tc``; the ``sc`` page converted from it or written by an
    editor) has no record of its own: it is that page's *companion*, in its record.
    """

    def __init__(self, site: Site, read, folding: Folding):
        self.site = site
        self.read = read
        self.folding = folding
        self.indexes = search_indexes(site.languages)
        self._index_of = {code: index for index in self.indexes for code in index.codes}
        self._mains: dict[str, str | None] = {}
        self.folded: dict[str, set[str]] = {}  # a Chinese record written: the characters the search page must fold
        self._companions: dict[str, OutputPage] = {}  # a source page's save_as -> the page converted from it
        self.covered: set[str] = set()  # pages in their source page's record
        by_key = {(page.key, page.lang): page for page in site.pages}
        derived = {lang.code: lang.derived_from for lang in site.languages if lang.derived_from}  # sc -> tc
        for page in site.pages:
            if not indexed(page) or page.lang not in derived:
                continue
            source = by_key.get((page.key, derived[page.lang]))
            if source is not None and indexed(source) and self._index_of.get(source.lang) is self._index_of.get(page.lang):
                self._companions[source.save_as] = page
                self.covered.add(page.save_as)

    def index_of(self, lang_code: str) -> SearchIndex:
        return self._index_of[lang_code]

    def records(self, index: SearchIndex) -> list[OutputPage]:
        """The pages of ``index`` with a record of their own (each with its companion, if any)."""
        codes = set(index.codes)
        return [page for page in self.site.pages if indexed(page) and page.lang in codes and page.save_as not in self.covered]

    def main_of(self, page: OutputPage) -> str | None:
        if page.save_as not in self._mains:
            self._mains[page.save_as] = main_content(self.read(page.save_as))
        return self._mains[page.save_as]

    def forget(self, pages: list[OutputPage]) -> None:
        """Drop what was read of ``pages`` and their companions: a shard's documents are written,
        so memory holds one shard at a time, not every page of the site."""
        for page in pages:
            self._mains.pop(page.save_as, None)
            companion = self._companions.get(page.save_as)
            if companion is not None:
                self._mains.pop(companion.save_as, None)

    def companion(self, page: OutputPage) -> OutputPage | None:
        """The page of ``page``'s item in the language converted from ``page``'s (its record's other page), or None."""
        return self._companions.get(page.save_as)

    def fingerprint(self, page: OutputPage, fingerprints: dict) -> str | None:
        """What the document of ``page`` is made of: the render fingerprints of the page and of the
        page it was converted from (hex), or None when one of them is unknown.

        Equal fingerprints mean equal pages, so an equal document: nothing needs reading.
        """
        out = hashlib.blake2b(digest_size=16)
        for quoted in (page, self.companion(page)):
            if quoted is None:
                continue
            fingerprint = fingerprints.get(quoted.save_as)
            if fingerprint is None:
                return None
            out.update(quoted.save_as.encode() + fingerprint)
        return out.hexdigest()

    def quick_digest(self, pages: list[OutputPage], fingerprints: dict) -> bytes | None:
        """A digest of the documents' fingerprints of ``pages``, or None when one is unknown."""
        out = hashlib.blake2b(digest_size=16)
        for page in pages:
            fingerprint = self.fingerprint(page, fingerprints)
            if fingerprint is None:
                return None
            out.update(fingerprint.encode())
        return out.digest()

    def digest(self, pages: list[OutputPage]) -> bytes:
        """What an index of ``pages`` is made of: equal digests, equal indexes.

        (Pagefind's version, :mod:`search.text` and the conversion are code and settings: a change
        to them makes the whole build cold, so they need not count here.)
        """
        out = hashlib.blake2b(digest_size=16)
        for page in pages:
            companion = self.companion(page)
            for part in (page.save_as, self.main_of(page), self.main_of(companion) if companion is not None else None):
                data = (part or "").encode("utf-8", "surrogatepass")
                out.update(b"%d:" % len(data) + data)
        return out.digest()

    def document(self, page: OutputPage, body: str) -> str:
        """The search document of the record of ``page``, whose ``<main>`` is ``body``."""
        index = self.index_of(page.lang)
        title, text = page_text(body, index.chinese)
        if not index.chinese:
            return search_document(index.name, title, text, meta={"title": title})
        lang = self.site.language[page.lang]
        if lang.derived_from is not None:  # a Simplified item with no Traditional page: its own text, as it is
            return search_document(index.name, title, text, meta={"title": title})
        # a source page (Traditional): the record's text is its Simplified page's, as that page shows it
        filters = [(page.lang, FILTER_VALUE)]
        companion = self.companion(page)
        companion_body = self.main_of(companion) if companion is not None else None
        meta = {"title": title, "text": text}
        self.folded[page.save_as] = self.folding.used(title + text)
        if companion_body is not None:
            shown_title, shown_text = page_text(companion_body, True)
            meta.update({f"title_{companion.lang}": shown_title, f"url_{companion.lang}": f"/{companion.url}"})
        else:  # no converted page to show: converted here, only to be matched
            shown_title, shown_text = self.folding.convert(title), self.folding.convert(text)
        variants = self.folding.variants(f"{title}\n{text}", f"{shown_title}\n{shown_text}")
        return search_document(index.name, shown_title, shown_text, variants=variants, meta=meta, filters=filters)

    def write(self, folder: str, pages: list[OutputPage]) -> int:
        """Write the document of each of ``pages`` into ``folder``; the number written."""
        written = 0
        for page in pages:
            body = self.main_of(page)
            if body is None:
                self.site.log.warning(page.source or f"/{page.url}", "has no <main> element, so search does not find it.")
                continue
            target = os.path.join(folder, page.save_as)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(self.document(page, body))
            written += 1
        return written


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


def kept_documents_root(state) -> str | None:
    """Where shards' documents are kept: ``search/`` beside the output manifest (None: not kept,
    as without ``INCREMENTAL_OUTPUT`` or in ``make check``, where each shard's are in a temporary folder)."""
    if state is None or not state.manifest_path:
        return None
    return os.path.join(os.path.dirname(state.manifest_path), KEPT_DIR)


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


def pagefind_executable() -> str:
    """The extended Pagefind binary (it segments Chinese) of the pinned ``pagefind[extended]``
    packages, or ``PAGEFIND_BINARY_PATH`` as Pagefind's own wrapper reads it; ImportError when missing.

    The binary's own package is asked directly: ``pagefind.service`` would import asyncio and the
    service's client (≈ 35 ms of every build) only to ask it.
    """
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given:
        return given
    from pagefind_bin_extended import get_executable  # ImportError: not installed

    try:
        return str(get_executable())
    except FileNotFoundError as error:  # the package without its binary
        raise ImportError(f"no Pagefind binary: {error}") from None


class PagefindRun:
    """One Pagefind process indexing the HTML files of ``folder`` into the bundle folder ``bundle``.

    The binary runs as its command-line tool, not through the Python package's service: the
    service reads its answers from the same pipe the binary prints warnings to, and a warning
    arriving at the wrong moment breaks the exchange (it failed so once in this project's benchmark
    runs, with a JSONDecodeError).  What it prints goes to a file (a pipe nobody reads while the
    build goes on could fill and stop it).  Raises ImportError when Pagefind is not installed.
    """

    def __init__(self, folder: str, bundle: str, said: str):
        command = [pagefind_executable(), "--site", folder, "--output-path", bundle, "--quiet"]
        self.started = time.perf_counter()
        self._said = open(said, "w+b")  # noqa: SIM115 - closed by wait() or kill()
        try:
            self.process = subprocess.Popen(command, stdout=self._said, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError:
            self._said.close()
            raise

    def done(self) -> bool:
        return self.process.poll() is not None

    def overdue(self) -> bool:
        return time.perf_counter() - self.started >= PAGEFIND_TIMEOUT

    def wait(self) -> None:
        """Wait for the end (at most ``PAGEFIND_TIMEOUT`` from the start); RuntimeError if it failed."""
        try:
            self.process.wait(timeout=max(0.0, PAGEFIND_TIMEOUT - (time.perf_counter() - self.started)))
        except subprocess.TimeoutExpired:
            self.kill()
            raise TimeoutError(f"pagefind ran for more than {PAGEFIND_TIMEOUT} s") from None
        self._said.seek(0)
        output = self._said.read()
        self._said.close()
        if self.process.returncode != 0:
            said = " ".join(output.decode("utf-8", "replace").split())[-300:]
            raise RuntimeError(f"pagefind exited with status {self.process.returncode}: {said}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._said.close()


class _Reader:
    """Reads this build's pages: from the staging folder, or from output/ where a page was kept."""

    def __init__(self, output: str, state):
        self.output = output
        self.state = state
        self.cancelled = None  # a function: True when the indexing is abandoned (search.later): checked per page

    def __call__(self, save_as: str) -> str:
        if self.cancelled is not None and self.cancelled():
            raise IndexingCancelled
        path = self.state.current(save_as) if self.state is not None else os.path.join(self.output, save_as)
        with open(path, encoding="utf-8") as handle:
            return handle.read()


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


class Indexing:
    """The search index of one build: shards started as their pages are written, finished on ``finalized``.

    Each index's records (:class:`SearchIndex`: ``en``, ``zh``) are split into shards of about
    ``SEARCH_SHARD_SIZE`` documents; each shard is indexed by a Pagefind run of its own, side by
    side (one per core, ``BUILD_WORKERS``), and the runs' files are merged: shard 1 of every index
    in ``/pagefind/``, shard *k* in ``/pagefind/shard-k/`` (every file Pagefind writes carries its
    index's language in its name, and each folder's ``pagefind-entry.json`` lists them).
    ``/pagefind/shards.json`` tells the search page how many shards its index has, and
    ``/pagefind/fold.json`` the characters a Chinese query is folded with; the browser merges the
    shards (``mergeIndex``), loading the WebAssembly once.  While a run goes on, the documents of
    the next shard are written.  In a rebuild, a shard whose documents are all unchanged keeps its files
    from the last build instead of being indexed again: an edit re-indexes one shard, and writes
    only the documents of that shard whose pages changed (:class:`KeptDocuments`).

    :meth:`written` is called when a language's item pages, the only ones indexed, are all written
    (``i18n.item_pages_written``: the languages in order, a language converted from another after
    it).  In a rebuild, once every language of an index is written, it starts Pagefind for that
    index's changed shards at once, so that
    Pagefind, a process of its own, indexes on the other core while the build goes on with the
    language's lists and the other languages; a cold
    build starts every shard at the end, as before (its pages are rendered on every core already,
    and Pagefind runs beside render workers would raise the build's peak memory).  Everything but
    Pagefind runs in the build's own thread.  :meth:`finish` starts what is left, waits for
    every run and writes what the search page and the next build read.
    """

    def __init__(self, site: Site, output: str, settings, state=None):
        from incremental.workers import workers

        self.started = time.perf_counter()
        self.site, self.state = site, state
        self.early = state is not None and state.incremental
        conversion = settings.get("SC_CONVERSION", "hk2sp")
        self.size = int(settings.get("SEARCH_SHARD_SIZE", 500))
        self.limit = workers(settings)
        self.bundle = os.path.join(os.path.abspath(output), BUNDLE_DIR)
        self.reader = _Reader(output, state)
        self.documents = Documents(site, self.reader, Folding(conversion))
        self.previous = state.previous_extra.get("search", {}) if state is not None and state.incremental else {}
        self.record: dict[str, dict] = {}  # "<index>#<number>" -> what the next build needs to know
        self.counts: dict[str, int] = {}
        self.kept_root = kept_documents_root(state)
        self.keys: set[str] = set()
        self.todo: list[_Shard] = []  # shards indexed by this build, in order
        self._planned: set[str] = set()  # indexes whose shards are decided
        self._written: set[str] = set()  # languages whose item pages are all written
        self._queue: list[_Shard] = []  # to index, Pagefind not started yet
        self._running: list[_Shard] = []
        self._temporary = tempfile.mkdtemp(prefix="search-")
        self.missing = False  # Pagefind is not installed
        self.cancelled = None  # a function: True when the indexing is to be abandoned (search.later)
        self._failed: dict[str, BaseException] = {}  # shards whose Pagefind could not even start

    # -- as languages are written ------------------------------------------------------------
    def written(self, lang_code: str) -> None:
        """Every item page of ``lang_code`` is written."""
        self._written.add(lang_code)
        self.start(lang_code)

    def start(self, lang_code: str | None = None) -> None:
        """Decide the shards of the index of language ``lang_code`` once all its languages are
        written (None: every index not yet decided); in a rebuild, or at the end, start Pagefind on
        those to index (:meth:`_launch`)."""
        for index in self.documents.indexes:
            if index.name in self._planned or (lang_code is not None and lang_code not in index.codes):
                continue
            if lang_code is not None and not set(index.codes) <= self._written:
                continue  # a record quotes the pages of each of its languages: when all are written
            self._planned.add(index.name)
            self._plan(index)
        if self.early or lang_code is None:
            self._launch()

    def _plan(self, index: SearchIndex) -> None:
        state, documents = self.state, self.documents
        pages = documents.records(index)
        if not pages:
            return
        name = index.name
        parts = shards(pages, self.size)
        self.counts[name] = len(parts)
        earlier_shards = self.previous.get("shards", {})
        for number, part in enumerate(parts):
            shard = _Shard(index, name, number, part)
            self.keys.add(shard.key)
            earlier = earlier_shards.get(shard.key)
            # Fast: the same pages with the same render fingerprints as last time (nothing to read).
            shard.quick = documents.quick_digest(part, state.fingerprints) if state is not None else None
            if shard.quick is not None and earlier and earlier.get("quick") == shard.quick:
                shard.digest = earlier["digest"]
            elif earlier:  # else compare what the indexer would read (with no record: when it reads it)
                shard.digest = documents.digest(part)
            if earlier and earlier["digest"] == shard.digest and all(
                os.path.isfile(os.path.join(state.final, BUNDLE_DIR, rel)) for rel in earlier["files"]
            ):
                for rel in earlier["files"]:
                    state.keep(f"{BUNDLE_DIR}/{rel}")
                self.record[shard.key] = {**earlier, "quick": shard.quick}
                documents.forget(part)
                continue
            self.todo.append(shard)
            self._queue.append(shard)

    def _write_documents(self, shard: _Shard) -> None:
        """Write the documents of a shard about to be indexed (the pages it read are then forgotten)."""
        if shard.folder:
            return
        began = time.perf_counter()
        if shard.digest is None:
            shard.digest = self.documents.digest(shard.pages)
        if self.kept_root is not None:
            state = self.state
            shard.kept = KeptDocuments(os.path.join(self.kept_root, shard.key), state.code, state.fingerprints, state.incremental)
            shard.folder = shard.kept.folder
            shard.written, shard.reused = shard.kept.fill(self.documents, shard.pages)
        else:
            shard.folder = os.path.join(self._temporary, shard.key, "pages")
            shard.written, shard.reused = self.documents.write(shard.folder, shard.pages), 0
        if shard.lang.chinese:
            shard.fold = self._folded_characters(shard)
        self.documents.forget(shard.pages)
        shard.writing = time.perf_counter() - began

    def _launch(self) -> None:
        """Write the documents of queued shards and start Pagefind on them, while fewer than ``limit`` run."""
        while self._queue and len(self._running) < self.limit and not self.missing:
            shard = self._queue[0]
            self._write_documents(shard)
            folder = os.path.join(self._temporary, shard.key)
            os.makedirs(folder, exist_ok=True)
            try:
                shard.run = PagefindRun(shard.folder, os.path.join(folder, "bundle"), os.path.join(folder, "said.txt"))
            except ImportError:
                self.missing = True
                return
            except OSError as error:  # the binary cannot be run: reported with the others by finish()
                self._queue.pop(0)
                self._failed[shard.key] = error
                continue
            self._queue.pop(0)
            self._running.append(shard)
            waiting = [lang.code for lang in self.site.languages if lang.code not in self._written]
            logger.info("search: %s shard %d: Pagefind started; item pages not yet written: %s",
                        shard.lang.code, shard.number + 1, ", ".join(waiting) or "none")

    # -- at the end ------------------------------------------------------------------------------
    def finish(self) -> None:
        """Start what is left, wait for Pagefind, then write what the search page and the next build read."""
        try:
            self.start(None)
            if self.kept_root is not None:
                prune_kept_documents(self.kept_root, self.keys)
            results: dict[str, object] = dict(self._failed)
            while self._running:
                # ended, or out of time (its wait() then stops it with a TimeoutError)
                finished = [shard for shard in self._running if shard.run.done() or shard.run.overdue()]
                if self.cancelled is not None and self.cancelled():
                    raise IndexingCancelled
                if not finished:
                    waiting = next((shard for shard in self._queue if not shard.folder), None)
                    if waiting is not None:  # its documents are ready when a run ends
                        self._write_documents(waiting)
                    else:
                        time.sleep(0.02)
                    continue
                for shard in finished:
                    self._running.remove(shard)
                    try:
                        shard.run.wait()
                        results[shard.key] = self._collect(shard)
                    except (OSError, RuntimeError, ValueError, KeyError) as error:  # TimeoutError is an OSError
                        results[shard.key] = error
                self._launch()
            self._report(results)
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Stop any Pagefind still running and remove the temporary folders (a failed build calls it)."""
        for shard in self._running:
            shard.run.kill()
        self._running, self._queue = [], []
        shutil.rmtree(self._temporary, ignore_errors=True)

    def _collect(self, shard: _Shard):
        """A shard Pagefind indexed: its files moved into the bundle; (documents, files, language entry, other keys)."""
        if shard.kept is not None:
            shard.kept.save()
        logger.info(
            "search: %s shard %d: %d documents written (%d kept from the last build) in %.2f s, indexed by Pagefind in %.1f s",
            shard.lang.code, shard.number + 1, shard.written, shard.reused, shard.writing, time.perf_counter() - shard.run.started,
        )
        own_bundle = os.path.join(self._temporary, shard.key, "bundle")
        with open(os.path.join(own_bundle, "pagefind-entry.json"), encoding="utf-8") as handle:
            own_entry = json.load(handle)
        (language_entry,) = own_entry.pop("languages").values()
        files = []
        for dirpath, _dirs, names in os.walk(own_bundle):
            for file_name in names:
                source = os.path.join(dirpath, file_name)
                rel = os.path.relpath(source, own_bundle).replace(os.sep, "/")
                if rel == "pagefind-entry.json" or (shard.dir and not SHARD_FILE_RE.match(rel)):
                    continue
                target = os.path.join(self.bundle, shard.dir, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.move(source, target)
                files.append(shard.dir + rel)
        return shard.written + shard.reused, sorted(files), language_entry, own_entry, shard.fold

    def _folded_characters(self, shard: _Shard) -> str:
        """The characters of a Chinese shard's records that the search page must fold (sorted): noted
        as its documents were written, read from the kept ones."""
        used: set[str] = set()
        for page in shard.pages:
            noted = self.documents.folded.pop(page.save_as, None)
            if noted is not None:
                used |= noted
                continue
            path = os.path.join(shard.folder, page.save_as)
            if os.path.isfile(path):  # a document kept from the last build
                with open(path, encoding="utf-8") as handle:
                    used |= self.documents.folding.used(handle.read())
        return "".join(sorted(used))

    def _report(self, results: dict) -> None:
        site, state, record, counts, todo = self.site, self.state, self.record, self.counts, self.todo
        top = self.previous.get("_top")
        if self.missing:
            site.log.error(
                "search",
                "Pagefind is not installed, so the site cannot be indexed for search.",
                fix="install the pinned requirements: .venv/bin/pip install -r requirements.txt.",
            )
            return
        for shard in todo:
            result = results[shard.key]
            if isinstance(result, BaseException):
                site.log.error(
                    "search",
                    f"Pagefind could not index the {shard.lang.label} pages: {type(result).__name__}: {result}",
                    fix="run the build again; if it fails again, check that the pagefind packages of requirements.txt are installed.",
                )
                return
            given, files, language_entry, top, folded = result
            if language_entry["page_count"] != given:
                site.log.error("search", f"Pagefind indexed {language_entry['page_count']} of the {given} {shard.lang.label} pages given to it.")
                return
            record[shard.key] = {"digest": shard.digest, "quick": shard.quick, "files": files, "entry": language_entry, "fold": folded}
        if not record or top is None:
            return
        _write_entries(self.bundle, record, counts, top, self.documents.folding.table)
        if state is not None:
            state.extra["search"] = {"shards": record, "_top": top}
        again = sorted({shard.lang.code for shard in todo}, key=[index.code for index in self.documents.indexes].index)
        total = sum(counts.values())
        print(
            f"search: {sum(entry['entry']['page_count'] for entry in record.values())} records in {len(counts)} indexes "
            f"({total} shard{'s' if total != 1 else ''}); indexed "
            + (", ".join(f"{code} {sum(s.lang.code == code for s in todo)}/{counts[code]}" for code in again) or "none")
            + (f", kept {total - len(todo)} unchanged" if total > len(todo) else "")
            + f" in {time.perf_counter() - self.started:.1f} s"
        )


def _write_entries(bundle: str, record: dict, counts: dict[str, int], top: dict, table: dict[str, str]) -> None:
    """Each shard folder's ``pagefind-entry.json`` (its languages), ``shards.json`` and ``fold.json`` for the search page.

    ``fold.json``: the Traditional characters the Chinese index's records hold, each followed by
    the Simplified one it folds to (a query is folded with them; a character no record holds
    needs no folding, since no record could match it either way).
    """
    by_dir: dict[str, dict] = {}
    folded: set[str] = set()
    for key in sorted(record):
        name, number = key.rsplit("#", 1)
        by_dir.setdefault(shard_dir(int(number)), {})[name] = record[key]["entry"]
        folded.update(record[key].get("fold", ""))
    for folder, languages in by_dir.items():
        os.makedirs(os.path.join(bundle, folder), exist_ok=True)
        with open(os.path.join(bundle, folder, "pagefind-entry.json"), "w", encoding="utf-8") as handle:
            json.dump({**top, "languages": languages}, handle, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(bundle, SHARDS_FILE), "w", encoding="utf-8") as handle:
        json.dump(dict(sorted(counts.items())), handle, separators=(",", ":"))
    with open(os.path.join(bundle, FOLD_FILE), "w", encoding="utf-8") as handle:
        json.dump("".join(character + table[character] for character in sorted(folded) if character in table), handle, ensure_ascii=False)


def index_language(renderer, lang: str) -> None:
    """``i18n.item_pages_written``: every item page of ``lang`` (all it indexes) is in the staging folder; start on its shards."""
    search = search_of_build(renderer.settings)
    if search is None or search.site.log.errors:
        return
    if deferrable(renderer.settings, search.context.get("output_state")):
        return  # indexed after the commit (search.later)
    if search.indexing is None:
        search.indexing = Indexing(search.site, renderer.output_path, renderer.settings, search.context.get("output_state"))
    search.indexing.written(lang)


def index_build(pelican) -> None:
    """``finalized``: every file is in the staging folder ``pelican.output_path``; finish the index."""
    search = search_of_build(pelican.settings, done=True)
    if search is None:
        return
    indexing, search.indexing = search.indexing, None
    if search.site.log.errors:  # the build fails: no index, and nothing left running
        if indexing is not None:
            indexing.abandon()
        return
    state = search.context.get("output_state")
    if indexing is None and deferrable(pelican.settings, state):
        keep_last_index(state)  # the pages first: the index follows (search.later)
        pelican.search_later = LaterIndex(search.site, pelican.settings, state)
        return
    if indexing is None:  # no language announced its pages
        indexing = Indexing(search.site, pelican.output_path, pelican.settings, search.context.get("output_state"))
    indexing.finish()


from .later import LaterIndex, deferrable, keep_last_index  # noqa: E402 - it uses Indexing, above
