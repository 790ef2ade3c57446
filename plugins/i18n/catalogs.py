"""Message catalogs and dates for each language.

Catalogs live in the theme as gettext ``.po`` files kept with Babel
(``make translations`` runs pybabel extract/update); each build compiles
them in memory, so no compiled ``.mo`` file is ever stale or committed.
"""

from __future__ import annotations

import functools
import io
import os
import re
import unicodedata

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape


def compile_po(path: str, locale: str) -> Translations:
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


@functools.lru_cache(maxsize=1 << 16)
def _format_date(value, form: str, locale: str) -> str:
    """Babel's date, remembered: a list shows each item's date on many pages, in every build."""
    return format_date(value, form, locale=locale)


# The marker a title gets when the item shows photos; info.gov.hk releases with photos already end with it.
WITH_PHOTOS = "(with photos)"


def N_(message: str) -> str:
    """A message id for ``make translations`` (pybabel's ``-k N_``), translated where it is used."""
    return message


# Markdown's footnotes give each link back to the text this title (``BACKLINK_TITLE``, its default),
# in English whatever the source's language: a body is parsed once, so the title is put in the
# page's language when the page is rendered (:meth:`Catalogs.body`).
FOOTNOTE_BACK = N_("Jump back to footnote %(number)s in the text")
FOOTNOTE_BACK_RE = re.compile(r'(<a class="footnote-backref" href="#fnref[^"]*" title=")Jump back to footnote (\d+) in the text(")')


def _folded(text: str) -> str:
    """For comparing markers: full-width forms as half-width ((附圖) = （附圖）), no spaces, any case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def ends_with_marker(title: str, markers) -> bool:
    """Whether ``title`` already ends with one of ``markers`` (in either width of brackets)."""
    folded = _folded(title)
    return any(folded.endswith(_folded(marker)) for marker in markers if marker)


class Catalogs:
    """The compiled catalog of every language, found by Babel locale name."""

    def __init__(self, folder: str, languages):
        self.languages = {lang.code: lang for lang in languages}
        self.translations: dict[str, NullTranslations] = {}
        for lang in languages:
            path = os.path.join(folder, lang.locale, "LC_MESSAGES", "messages.po")
            self.translations[lang.code] = compile_po(path, lang.locale) if os.path.exists(path) else NullTranslations()

    @functools.cached_property
    def photo_markers(self) -> tuple[str, ...]:
        """"(with photos)" in every language of the site: a title ending with any of them has its marker."""
        return tuple(dict.fromkeys([WITH_PHOTOS, *(self.gettext(code, WITH_PHOTOS) for code in self.translations)]))

    def carries_photo_marker(self, title: str) -> bool:
        return ends_with_marker(title, self.photo_markers)

    def gettext(self, lang: str, message: str) -> str:
        return self.translations[lang].gettext(message)

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        return self.translations[lang].ngettext(singular, plural, n)

    def translator(self, lang: str):
        """``tr("Press releases in %(year)s", year=2025)`` in ``lang``."""

        def tr(message: str, **variables) -> str:
            text = self.gettext(lang, message)
            return text % variables if variables else text

        return tr

    def body(self, lang: str, html: str) -> Markup:
        """An item's body HTML with the words Markdown wrote into it (a footnote's way back to the
        text) in ``lang``; the body as it is when it has none."""
        if "footnote-backref" not in html:
            return Markup(html)
        title = self.gettext(lang, FOOTNOTE_BACK)
        return Markup(FOOTNOTE_BACK_RE.sub(lambda found: f"{found[1]}{escape(title % {'number': found[2]})}{found[3]}", str(html)))

    # -- dates ---------------------------------------------------------------
    def date(self, lang: str, value, form: str = "long") -> str:
        return _format_date(value, form, self.languages[lang].locale)

    def datetime(self, lang: str, value) -> str:
        """Date and 24-hour time: "30 July 2025 14:30", "2025年7月30日 14:30"."""
        return f"{self.date(lang, value)} {value:%H:%M}"
