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

This module runs the indexing (:class:`Indexing`); each of its jobs has a module of its own:
:mod:`search.documents` (indexes, records, the document of each), :mod:`search.shards` (records
dealt into shards), :mod:`search.kept` (documents kept between builds), :mod:`search.pagefind`
(one Pagefind run) and :mod:`search.later` (the dev server's indexing after the reload).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time

from contract.model import Site

from .documents import Documents, IndexingCancelled, SearchIndex, _Reader
from .kept import KeptDocuments, kept_documents_root, prune_kept_documents
from .pagefind import PagefindRun
from .pages import search_of_build
from .shards import SHARD_FILE_RE, _Shard, shard_dir, shards
from .text import Folding

logger = logging.getLogger(__name__)

STAGE = "search"  # its name in the output ledger (outputs.ledger): its record
BUNDLE_DIR = "pagefind"  # /pagefind/pagefind.js
SHARDS_FILE = "shards.json"  # /pagefind/shards.json: {index: number of shards}
FOLD_FILE = "fold.json"  # /pagefind/fold.json: the Traditional characters the Chinese index folds, and their Simplified ones


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

    def __init__(self, site: Site, output: str, settings, ledger, build_cache):
        self.started = time.perf_counter()
        self.site, self.ledger = site, ledger  # outputs.ledger.OutputLedger (None: make check)
        self.early = ledger is not None and ledger.incremental
        conversion = settings.get("SC_CONVERSION", "hk2sp")
        self.size = int(settings.get("SEARCH_SHARD_SIZE", 500))
        self.limit = build_cache.workers  # incremental.BuildCache: BUILD_WORKERS
        self.bundle = os.path.join(os.path.abspath(output), BUNDLE_DIR)
        self.reader = _Reader(output, ledger)
        self.documents = Documents(site, self.reader, Folding(conversion))
        self.previous = (ledger.recall(STAGE) if ledger is not None else None) or {}
        self.record: dict[str, dict] = {}  # "<index>#<number>" -> what the next build needs to know
        self.counts: dict[str, int] = {}
        self.kept_root = kept_documents_root(build_cache)
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
        ledger, documents = self.ledger, self.documents
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
            shard.quick = documents.quick_digest(part, ledger.fingerprints) if ledger is not None else None
            if shard.quick is not None and earlier and earlier.get("quick") == shard.quick:
                shard.digest = earlier["digest"]
            elif earlier:  # else compare what the indexer would read (with no record: when it reads it)
                shard.digest = documents.digest(part)
            if earlier and earlier["digest"] == shard.digest and all(
                os.path.isfile(ledger.last_output(f"{BUNDLE_DIR}/{rel}")) for rel in earlier["files"]
            ):
                for rel in earlier["files"]:
                    ledger.reused(f"{BUNDLE_DIR}/{rel}")
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
            ledger = self.ledger
            shard.kept = KeptDocuments(os.path.join(self.kept_root, shard.key), ledger.code, ledger.fingerprints, ledger.incremental)
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
        site, ledger, record, counts, todo = self.site, self.ledger, self.record, self.counts, self.todo
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
        written = _write_entries(self.bundle, record, counts, top, self.documents.folding.table)
        if ledger is not None:
            for rel in [*(file for shard in todo for file in record[shard.key]["files"]), *written]:
                ledger.produced(f"{BUNDLE_DIR}/{rel}")
            ledger.remember(STAGE, {"shards": record, "_top": top})
        again = sorted({shard.lang.code for shard in todo}, key=[index.code for index in self.documents.indexes].index)
        total = sum(counts.values())
        print(
            f"search: {sum(entry['entry']['page_count'] for entry in record.values())} records in {len(counts)} indexes "
            f"({total} shard{'s' if total != 1 else ''}); indexed "
            + (", ".join(f"{code} {sum(s.lang.code == code for s in todo)}/{counts[code]}" for code in again) or "none")
            + (f", kept {total - len(todo)} unchanged" if total > len(todo) else "")
            + f" in {time.perf_counter() - self.started:.1f} s"
        )


def _write_entries(bundle: str, record: dict, counts: dict[str, int], top: dict, table: dict[str, str]) -> list[str]:
    """Each shard folder's ``pagefind-entry.json`` (its languages), ``shards.json`` and ``fold.json`` for
    the search page; the files written, relative to ``bundle``.

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
    return [f"{folder}pagefind-entry.json" for folder in by_dir] + [SHARDS_FILE, FOLD_FILE]


def index_language(renderer, lang: str) -> None:
    """``i18n.item_pages_written``: every item page of ``lang`` (all it indexes) is in the staging folder; start on its shards."""
    search = search_of_build(renderer.settings)
    if search is None or search.site.log.errors:
        return
    ledger = search.context.get("output_ledger")
    if deferrable(renderer.settings, ledger):
        return  # indexed after the commit (search.later)
    if search.indexing is None:
        search.indexing = Indexing(search.site, renderer.output_path, renderer.settings, ledger, search.build_cache)
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
    ledger = search.context.get("output_ledger")
    if indexing is None and deferrable(pelican.settings, ledger):
        # the pages first, with the last index as it is: the new one follows (search.later)
        pelican.search_later = LaterIndex(search.site, pelican.settings, ledger.later(STAGE, BUNDLE_DIR), search.build_cache)
        return
    if indexing is None:  # no language announced its pages
        indexing = Indexing(search.site, pelican.output_path, pelican.settings, ledger, search.build_cache)
    indexing.finish()


from .later import LaterIndex, deferrable  # noqa: E402 - it uses Indexing, above
