"""Indexing the written site with Pagefind, in the staging folder, before it is swapped in.

Which pages: those of content items (releases, forums, standing pages, …) in
every language.  The root language chooser, homes, lists, year archives,
sitemaps, the search pages, feeds and calendars are not items' pages, so they
are left out: a search lists each item once, not the lists that show it.

What Pagefind reads of a page is a copy made for it in a temporary folder at
the same relative path (so the result URL is the page's): the page's
``<main>``, then, for a Chinese page, the same content in the other script:

* a Traditional Chinese page (``tc``, a language others are derived from):
  converted with ``SC_CONVERSION`` (``hk2sp``), as the ``sc`` site is;
* a Simplified Chinese page converted from ``tc``: the ``tc`` page's own
  ``<main>``, the exact text it was converted from;
* a Simplified Chinese page an editor wrote: converted back with the reverse
  configuration (``hk2sp`` → ``s2hkp``; ``SEARCH_TC_CONVERSION`` overrides).

The published pages stay exactly as written.  Pagefind keeps one index per
``<html lang>`` (``en``, ``zh-hant-hk``, ``zh-hans``) and ``pagefind.js``
picks the one of the page the search runs on, so results are in the page's
language only.  Its extended build segments Chinese: Simplified text into words,
Traditional text (whose words its dictionary lacks) into characters, so a
Traditional query also finds pages that hold its characters apart.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import tempfile
import time
from html import escape

from contract.model import OutputPage, Site

from .pages import site_of_build

BUNDLE_DIR = "pagefind"  # /pagefind/pagefind.js
PAGEFIND_TIMEOUT = 300  # seconds; the sample site (97 pages) takes about 1.5
# Traditional -> Simplified (SC_CONVERSION) and the way back, for Simplified pages editors wrote.
REVERSE_CONVERSION = {"hk2s": "s2hk", "hk2sp": "s2hkp", "t2s": "s2t", "tw2s": "s2tw", "tw2sp": "s2twp"}
# Not worth finding: the notice that every converted page carries.
EXCLUDED = [".sl-notice"]
MAIN_RE = re.compile(r"<main\b[^>]*>(.*)</main>", re.S | re.I)


def main_content(document: str) -> str | None:
    """The inner HTML of a page's ``<main>`` element, or None."""
    match = MAIN_RE.search(document)
    return match.group(1) if match else None


def search_document(html_lang: str, body: str, other: str = "") -> str:
    """What Pagefind indexes for one page: its main content, then the same in the other script."""
    extra = f'\n<div class="sl-other-script">{other}</div>' if other else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(html_lang)}">\n<head><meta charset="utf-8"></head>\n'
        f"<body>\n<main data-pagefind-body>{body}{extra}</main>\n</body>\n</html>\n"
    )


class Scripts:
    """Traditional and Simplified Chinese: a language others are derived from, and those derived.

    ``other(lang, body, source_body)`` is the same content in the other script: ``""`` for a
    language with no other script (English).
    """

    def __init__(self, languages, to_derived: str, to_source: str | None = None):
        self.derived = {lang.code: lang.derived_from for lang in languages if lang.derived_from}  # sc -> tc
        self.sources = set(self.derived.values())
        self.to_derived_config = to_derived
        self.to_source_config = to_source or REVERSE_CONVERSION.get(to_derived, "s2t")
        self._converters: dict[str, object] = {}

    def _convert(self, config: str, text: str) -> str:
        if config not in self._converters:
            import opencc

            self._converters[config] = opencc.OpenCC(config)
        return self._converters[config].convert(text)

    def other(self, lang: str, body: str, source_body: str | None = None) -> str:
        if lang in self.sources:
            return self._convert(self.to_derived_config, body)
        if lang in self.derived:
            if source_body is not None:  # converted from this text: index the text itself
                return source_body
            return self._convert(self.to_source_config, body)
        return ""


def indexed(page: OutputPage) -> bool:
    """A content item's page in one language, written from a template as HTML."""
    return page.lang is not None and page.item is not None and page.body is None and page.save_as.endswith(".html")


def write_copies(site: Site, output: str, folder: str, scripts: Scripts) -> dict[str, int]:
    """Write into ``folder`` what Pagefind should read of every indexed page of ``output``.

    Returns the number of pages written in each language.
    """
    mains: dict[str, str | None] = {}

    def main_of(page: OutputPage) -> str | None:
        if page.save_as not in mains:
            with open(os.path.join(output, page.save_as), encoding="utf-8") as handle:
                mains[page.save_as] = main_content(handle.read())
        return mains[page.save_as]

    by_key = {(page.key, page.lang): page for page in site.pages}
    written: dict[str, int] = {}
    for page in site.pages:
        if not indexed(page):
            continue
        body = main_of(page)
        if body is None:
            site.log.warning(page.source or f"/{page.url}", "has no <main> element, so search does not find it.")
            continue
        source_body = None
        source_item = page.item.derived_from
        if source_item is not None:
            source_page = by_key.get((page.key, source_item.lang))
            source_body = main_of(source_page) if source_page is not None and indexed(source_page) else None
        html_lang = site.language[page.lang].html_lang
        target = os.path.join(folder, page.save_as)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(search_document(html_lang, body, scripts.other(page.lang, body, source_body)))
        written[page.lang] = written.get(page.lang, 0) + 1
    return written


async def run_pagefind(folder: str, bundle: str) -> int:
    """Index the HTML files of ``folder`` into the bundle folder ``bundle``; the number of pages."""
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"exclude_selectors": EXCLUDED, "output_path": bundle}) as index:
        result = await index.add_directory(folder)
    return result["page_count"]


def index_site(site: Site, output: str, settings) -> None:
    """Write ``output``/pagefind/ for the pages of ``site`` written into ``output``."""
    started = time.perf_counter()
    conversion = settings.get("SC_CONVERSION", "hk2sp")
    scripts = Scripts(site.languages, conversion, settings.get("SEARCH_TC_CONVERSION"))
    bundle = os.path.join(os.path.abspath(output), BUNDLE_DIR)
    with tempfile.TemporaryDirectory(prefix="search-") as folder:
        written = write_copies(site, output, folder, scripts)
        try:
            indexed_count = asyncio.run(asyncio.wait_for(run_pagefind(folder, bundle), PAGEFIND_TIMEOUT))
        except ImportError:
            site.log.error(
                "search",
                "Pagefind is not installed, so the site cannot be indexed for search.",
                fix="install the pinned requirements: .venv/bin/pip install -r requirements.txt.",
            )
            return
        except Exception as error:  # noqa: BLE001 - reported as a build error, one line
            shutil.rmtree(bundle, ignore_errors=True)
            site.log.error(
                "search",
                f"Pagefind could not index the site: {type(error).__name__}: {error}",
                fix="run the build again; if it fails again, check that the pagefind packages of requirements.txt are installed.",
            )
            return
    if indexed_count != sum(written.values()):
        site.log.error("search", f"Pagefind indexed {indexed_count} of the {sum(written.values())} pages given to it.")
        return
    _sort_entry(bundle)
    print(f"search: indexed {indexed_count} pages in {len(written)} languages in {time.perf_counter() - started:.1f} s")


def _sort_entry(bundle: str) -> None:
    """Pagefind lists the languages of pagefind-entry.json in a random order: sort them (reproducible builds)."""
    entry = os.path.join(bundle, "pagefind-entry.json")
    with open(entry, encoding="utf-8") as handle:
        data = json.load(handle)
    data["languages"] = dict(sorted(data["languages"].items()))
    with open(entry, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))


def index_build(pelican) -> None:
    """``finalized``: every page is in the staging folder ``pelican.output_path``."""
    site = site_of_build(pelican)
    if site is None or site.log.errors:
        return
    index_site(site, pelican.output_path, pelican.settings)
