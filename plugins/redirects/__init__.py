"""Redirect pages at the old addresses of moved content.

Any item may list, in its ``Aliases`` header field, addresses it was once
published at (``Aliases: /en/press/2025/old-name/``).  For each one this
plugin plans a small standalone HTML page at that address that sends the
visitor on to the item's present address: an immediate ``<meta refresh>``, a
canonical link for search engines, ``noindex``, and a plain link for anyone
whose browser does not follow the refresh.

A redirect page is written as it is (``OutputPage.body``) and belongs to no
language group (``lang=None``, a key of its own), so the sitemaps, the search
index, hreflang and the language switcher all leave it out.  An alias that is
not a path on this site, or that is already the address of a page, is an
error naming the file, the ``Aliases`` line and the fix.
"""

from pelican import signals

from .generator import RedirectPages


def _generators(pelican):
    return RedirectPages


def register():
    signals.get_generators.connect(_generators)
