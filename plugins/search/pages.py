"""The search page of every language: ``/<lang>/search/``."""

from __future__ import annotations

import weakref

from pelican.generators import Generator

from contract.model import OutputPage, Site

SEARCH_KEY = "search"

# The SearchPages of builds under way; the ``finalized`` signal only carries the Pelican object,
# so the indexer finds the model of its build through the generator that shares its settings.
_BUILDS: weakref.WeakSet = weakref.WeakSet()


def search_url(lang: str) -> str:
    return f"{lang}/{SEARCH_KEY}/"


class SearchPages(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = Site.of(self.context)
        for earlier in list(_BUILDS):  # a rebuild (autoreload) with the same settings replaces it
            if earlier.settings is self.settings:
                _BUILDS.discard(earlier)
        _BUILDS.add(self)

    def build_pages(self, site, catalogs):
        dates = [item.revised for item in site.items if item.revised]
        revised = max(dates) if dates else None  # the index changes with any item
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
                )
            )
        return pages


def site_of_build(pelican):
    """(the model, the output state) of the build that ``pelican`` runs, or None (no SearchPages in it)."""
    for generator in list(_BUILDS):
        if generator.settings is pelican.settings:
            _BUILDS.discard(generator)
            return generator.site, generator.context.get("output_state")
    return None
