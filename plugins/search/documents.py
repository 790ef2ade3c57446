"""What Pagefind reads: the search indexes of the site's languages, which pages are records, and
the document written for each record (its title and text, and its companion's)."""

from __future__ import annotations

import re

import hashlib
import os

from contract.model import OutputPage, Site

from .text import Folding, page_text, search_document

# The filter of the Chinese records that have a page in the language the others are converted
# from (tc): "<code>:y".  One filter with one value, as Pagefind writes its filter files and their
# list in an order of its own when there are more (measured: the same documents gave other bytes).
FILTER_VALUE = "y"
MAIN_RE = re.compile(r"<main\b[^>]*>(.*)</main>", re.S | re.I)


def main_content(document: str) -> str | None:
    """The inner HTML of a page's ``<main>`` element, or None."""
    match = MAIN_RE.search(document)
    return match.group(1) if match else None


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


class IndexingCancelled(Exception):
    """The indexing was abandoned (``Indexing.cancelled``): Pagefind stopped, nothing reported."""


class _Reader:
    """Reads this build's pages: from the staging folder, or from output/ where a page was kept."""

    def __init__(self, output: str, ledger):
        self.output = output
        self.ledger = ledger  # outputs.ledger.OutputLedger, or None (make check)
        self.cancelled = None  # a function: True when the indexing is abandoned (search.later): checked per page

    def __call__(self, save_as: str) -> str:
        if self.cancelled is not None and self.cancelled():
            raise IndexingCancelled
        path = self.ledger.current(save_as) if self.ledger is not None else os.path.join(self.output, save_as)
        with open(path, encoding="utf-8") as handle:
            return handle.read()
