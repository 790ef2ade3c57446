"""Full-text search of each language with Pagefind.

* ``/<lang>/search/`` in every language (key ``search``, so the switcher
  links them), added to the plan by :class:`pages.SearchPages`;
* after every page is written into the staging folder (``finalized``), the
  pages of content items are indexed with Pagefind into ``/pagefind/``
  (:mod:`search.index`).  Pagefind keeps one index per ``<html lang>``, so a
  search on ``/tc/`` finds ``tc`` pages only.  Only each page's ``<main>`` is
  read, and a Chinese page is indexed in both scripts, so that a word typed in
  Simplified characters finds a Traditional page and the other way round;
* ``theme/static/js/search.js`` asks the index from the browser and lists the
  results with the site's own markup (Pagefind's ready-made UI sets inline
  styles, which the site's Content Security Policy forbids).
"""

from pelican import signals

from i18n import item_pages_written

from .index import index_build, index_language
from .pages import SearchPages


def _generators(pelican):
    return SearchPages


def register():
    signals.get_generators.connect(_generators)
    item_pages_written.connect(index_language)
    signals.finalized.connect(index_build)
