"""Full-text search of each language with Pagefind.

* ``/<lang>/search/`` in every language (key ``search``, so the switcher
  links them), added to the plan by :class:`pages.SearchPages`;
* as each language's item pages are written (``i18n.item_pages_written``) and at
  the end (``finalized``), the pages of content items are indexed with Pagefind
  into ``/pagefind/`` (:mod:`search.index`), from what :mod:`search.text` reads
  of each page's ``<main>``: English in one index, Chinese in another, where a
  Traditional page and the Simplified page converted from it are one record,
  matched folded to Simplified, each Han character a word;
* ``theme/static/js/search.js`` asks the index from the browser (a Chinese
  query folded with ``/pagefind/fold.json``, each word as a phrase) and lists
  the results with the site's own markup, each record's title and excerpt in the
  page's own language and script (Pagefind's ready-made UI sets inline styles,
  which the site's Content Security Policy forbids).
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
