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

    # -- dates ---------------------------------------------------------------
    def date(self, lang: str, value, form: str = "long") -> str:
        return _format_date(value, form, self.languages[lang].locale)

    def datetime(self, lang: str, value) -> str:
        """Date and 24-hour time: "30 July 2025 14:30", "2025年7月30日 14:30"."""
        return f"{self.date(lang, value)} {value:%H:%M}"
