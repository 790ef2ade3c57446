"""Links between languages: translation groups of pages, hreflang, the switcher.

Every output page carries a key shared by the same page in each language
(a release and its translation, or page 2 of the press list in each
language).  From those keys this module computes, for every page, its
alternates (hreflang), its x-default and the language switcher, which falls
back to the other language's home where a page has no translation.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass

from contract.model import Group, Item, OutputPage, Site


@dataclass(frozen=True)
class Entry:
    """An item as shown in a list in ``lang``: possibly in another language."""

    item: Item
    lang: str  # the list's language

    @property
    def foreign(self) -> bool:
        return self.item.lang != self.lang


def listing(site: Site, groups: list[Group], lang: str) -> list[Entry]:
    """Every group once, in ``lang`` where it is translated, else in the language it has."""
    return [Entry(group.best(lang, site.languages), lang) for group in groups]


@dataclass(frozen=True)
class Switch:
    """One language in the language switcher (the template leaves out the page's own)."""

    code: str
    name: str
    html_lang: str
    url: str
    translated: bool  # False when it leads to that language's home instead


@dataclass(frozen=True)
class PageLinks:
    """The links between a page and its translations: the same for every language of the page."""

    alternates: tuple[tuple[str, str], ...]  # (hreflang, url) of each language the page is in
    x_default: str
    switcher: tuple[Switch, ...]


HOME_KEY = "home"


def link_pages(site: Site) -> dict[str, PageLinks]:
    """For each page URL: its alternates, x-default and switcher, one object for all its languages."""
    by_key: dict[str, dict[str | None, OutputPage]] = defaultdict(dict)
    for page in site.pages:
        by_key[page.key][page.lang] = page
    homes = by_key[HOME_KEY]
    shared: dict[str, PageLinks] = {}
    for key, siblings in by_key.items():
        if None in siblings:  # a language-neutral page for this key (the root chooser)
            x_default = siblings[None].url
        else:
            default = siblings.get(site.default_lang) or next(p for code, p in siblings.items() if code)
            x_default = default.url
        shared[key] = PageLinks(
            alternates=tuple((site.language[code].html_lang, p.url) for code, p in siblings.items() if code is not None),
            x_default=x_default,
            switcher=tuple(
                Switch(lang.code, lang.name, lang.html_lang, (siblings.get(lang.code) or homes[lang.code]).url, lang.code in siblings)
                for lang in site.languages
            ),
        )
    return {page.url: shared[page.key] for page in site.pages if page.lang is not None}


def check_unique_urls(site: Site) -> None:
    claimed: dict[str, OutputPage] = {}
    for page in site.pages:
        first = claimed.setdefault(page.save_as, page)
        if first is not page:
            site.log.error(
                page.source or first.source or "content",
                f"two pages would be written to /{page.url}: "
                f"{first.source or 'the ' + first.template + ' page'} and {page.source or 'the ' + page.template + ' page'}.",
                fix="rename one of the two source files.",
            )


def warn_untranslated(site: Site) -> None:
    for group in site.groups.values():
        # a derived language (sc) follows its source (tc): only the source is worth a warning
        missing = [lang for lang in site.languages if lang.code not in group.items and not lang.derived_from]
        if not missing:
            continue
        item = group.primary
        for lang in missing:
            site.log.warning(
                item.path,
                f"has no {lang.label} ({lang.code}) translation; the {lang.code} site lists it "
                f"marked as available in {site.language[item.lang].label} only.",
                fix=f"to translate it, add {posixpath.join(posixpath.dirname(item.path), item.name)}.{lang.code}.md.",
            )
