"""The search page of every language: ``/<lang>/search/``."""

from __future__ import annotations

import weakref

from contract.generator import PageBuilder
from contract.model import OutputPage, Site

SEARCH_KEY = "search"

# The SearchPages of builds under way; the ``finalized`` signal only carries the Pelican object,
# so the indexer finds the model of its build through the generator that shares its settings.
_BUILDS: weakref.WeakSet = weakref.WeakSet()


def search_url(lang: str) -> str:
    return f"{lang}/{SEARCH_KEY}/"


class SearchPages(PageBuilder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = Site.of(self.context)
        self.indexing = None  # the search index, started when the first language is written (search.index)
        for earlier in list(_BUILDS):  # a rebuild (autoreload) with the same settings replaces it
            if earlier.settings is self.settings:
                _BUILDS.discard(earlier)
        _BUILDS.add(self)

    def build_pages(self, site, catalogs):
        revised = site.newest_revision()  # the index changes with any item
        pages = []
        for lang in site.languages:
            tr = catalogs.translator(lang.code)
            pages.append(
                OutputPage(
                    key=SEARCH_KEY,
                    lang=lang.code,
                    url=search_url(lang.code),
                    template="search.html",
                    title=tr("Search"),
                    revised=revised,
                    data={"noindex": True},  # a page of results, not content: <meta name="robots">, no sitemap entry
                )
            )
        return pages


def search_of_build(settings, done: bool = False):
    """The :class:`SearchPages` of the build with these ``settings``, or None (no search in it).

    ``done``: the build is ending, and forgets it.
    """
    for generator in list(_BUILDS):
        if generator.settings is settings:
            if done:
                _BUILDS.discard(generator)
            return generator
    return None
