"""The redirect pages of every item's ``Aliases``, planned with the content types.

``RedirectPages.build_pages`` is called by the i18n planner like any content
type's.  Each alias is checked (a path on this site, no ``..``, not the
address of a page) and becomes one :class:`OutputPage` whose ``body`` is the
finished HTML, so the renderer writes it without a template.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, unquote

from jinja2 import TemplateError

from contract.generator import PageBuilder
from contract.model import Item, OutputPage, Site

FIELD = "Aliases"
EXAMPLE = "/en/press/2025/old-name/"
KEY_PREFIX = "redirect:"
HEAD_META = "partials/head_meta.html"  # charset, the Content Security Policy, viewport: as every page
FAVICON = "images/favicon.svg"  # in the theme's static folder; linked so that browsers do not ask for /favicon.ico
# Folders of the output that hold the site's own files, never pages: an alias may not point into them.
RESERVED_FOLDERS = ("pagefind", "media")
PAGE_SUFFIXES = (".html", ".htm")
BAD_CHARACTER = re.compile(r"[\s\\\x00-\x1f\x7f]")


class AliasError(ValueError):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


def alias_url(raw: str, reserved: tuple[str, ...] = RESERVED_FOLDERS) -> str:
    """The Pelican-style URL an alias is written at: "/en/press/old/" -> "en/press/old/".

    An address ending in ``/`` is a folder (its ``index.html``), one ending in ``.html`` or
    ``.htm`` a file, one with no extension in its last part the folder of that name (servers
    answer ``/old`` with ``/old/``).  Anything else raises :class:`AliasError`.
    """
    value = raw.strip()
    example = f"e.g. '{FIELD}: {EXAMPLE}'"
    if "://" in value or value.startswith("//"):
        raise AliasError(f'"{value}" is a full web address; an alias is an old address on this site.',
                         f"write only the path, starting with '/', {example}.")
    if not value.startswith("/"):
        raise AliasError(f'"{value}" does not start with "/".',
                         f"write the old address as a path from the site's root, {example}.")
    if "?" in value or "#" in value:
        raise AliasError(f'"{value}" has a query (?…) or a fragment (#…), which a static page cannot answer.',
                         "remove everything from the '?' or '#' on.")
    path = unquote(value)
    if BAD_CHARACTER.search(path) or "?" in path or "#" in path:
        raise AliasError(f'"{value}" holds a space or a character that cannot be in a web address.',
                         f"write the address as the browser shows it, {example}.")
    parts = path[1:].split("/")
    folder = path.endswith("/")
    if folder:
        parts.pop()  # the empty part after the last "/"
    if not parts:
        raise AliasError(f'"{value}" is the address of the site\'s root.', f"write the old address of this item, {example}.")
    if any(part in (".", "..") for part in parts):
        raise AliasError(f'"{value}" contains "." or ".." parts.', f"write the address without them, {example}.")
    if any(part == "" for part in parts):
        raise AliasError(f'"{value}" contains "//".', f"write the address with single slashes, {example}.")
    if parts[0] in reserved:
        raise AliasError(f'"{value}" is inside /{parts[0]}/, which holds the site\'s own files, not pages.',
                         "remove it from Aliases.")
    url = "/".join(parts)
    if folder:
        return url + "/"
    last = parts[-1]
    if last.lower().endswith(PAGE_SUFFIXES):
        return url
    if "." not in last:
        return url + "/"
    raise AliasError(
        f'"{value}" ends in "{last[last.rindex("."):]}": a static site can answer only an address ending in "/" or ".html" with a page.',
        f"write the address with '/' or '.html' at the end, {example}, or leave it out.",
    )


def save_as(url: str) -> str:
    return url + "index.html" if url.endswith("/") or not url else url


@dataclass(frozen=True)
class Alias:
    url: str  # where the redirect page is written, Pelican style: "en/press/2025/old-name/"
    item: Item  # the item it leads to
    owner: Item  # the file whose Aliases line names it (the source of a converted item)
    shown: str  # as messages quote it: "/en/press/2025/old-name/"


def redirect_page(head_meta: str, html_lang: str, title: str, target: str, icon: str | None = None) -> bytes:
    """A standalone page that sends the visitor to ``target`` (addresses not yet escaped)."""
    href = escape(target, quote=True)
    text = escape(title)
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(html_lang, quote=True)}">',
        "<head>",
        head_meta.strip("\n"),
        f'  <meta http-equiv="refresh" content="0; url={href}">',
        '  <meta name="robots" content="noindex">',
        f"  <title>{text}</title>",
        f'  <link rel="canonical" href="{href}">',
        *([f'  <link rel="icon" href="{escape(icon, quote=True)}" type="image/svg+xml">'] if icon else []),
        "</head>",
        "<body>",
        f'  <main><p><a href="{href}">{text}</a></p></main>',
        "</body>",
        "</html>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


class RedirectPages(PageBuilder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = Site.of(self.context)

    # -- which aliases: each item's own, and those its converted versions follow ----------
    def _aliases(self, item: Item, reserved: tuple[str, ...]):
        """(Alias, None) for every good alias of ``item``; (None, error) for a bad one."""
        seen = set()
        source = item.derived_from
        owner = source or item
        for raw in owner.fields.get("aliases", ()):
            try:
                url = alias_url(raw, reserved)
            except AliasError as error:
                if source is None:  # reported once, on the file that holds it
                    yield None, error
                continue
            if source is not None:
                # A converted item moved with its source: /tc/… becomes /sc/…; other aliases stay the source's.
                prefix = f"{source.lang}/"
                if not url.startswith(prefix):
                    continue
                url = f"{item.lang}/{url[len(prefix):]}"
            if url not in seen:
                seen.add(url)
                yield Alias(url, item, owner, f"/{url}"), None

    def _reserved(self) -> tuple[str, ...]:
        static = [self.settings.get("THEME_STATIC_DIR", "theme"), *self.settings.get("STATIC_PATHS", [])]
        return (*RESERVED_FOLDERS, *(folder.strip("/").split("/")[0] for folder in static if folder.strip("/")))

    # -- planned with every content type ---------------------------------------------
    def build_pages(self, site: Site, catalogs) -> list[OutputPage]:
        taken: dict[str, str] = {}  # save_as -> what is published there
        for page in site.pages:
            taken.setdefault(page.save_as, page.source or f"the {page.template} page")
        for item in site.items:
            taken.setdefault(save_as(item.url), item.path)
        taken.setdefault("index.html", "the language choice page")
        for lang in site.languages:  # planned by i18n after every content type
            taken.setdefault(f"{lang.code}/index.html", f"the {lang.label} home page")
            taken.setdefault(f"{lang.code}/sitemap/index.html", f"the {lang.label} sitemap page")

        reserved = self._reserved()
        head_meta = None
        siteurl = self.settings.get("SITEURL", "").rstrip("/")
        icon = None
        if os.path.isfile(os.path.join(self.theme, "static", *FAVICON.split("/"))):
            icon = f"{siteurl}/{self.settings.get('THEME_STATIC_DIR', 'theme')}/{FAVICON}"
        claimed: dict[str, Alias] = {}
        pages = []
        for item in site.items:
            for alias, error in self._aliases(item, reserved):
                if error is not None:
                    self._error(site, item, error.message, error.fix)
                    continue
                target = save_as(alias.url)
                if target == save_as(item.url):
                    self._error(site, alias.owner, f'"{alias.shown}" is the present address of this item.',
                                "remove it from Aliases: an alias is an address the item had before.")
                    continue
                if target in taken:
                    self._error(site, alias.owner, f'"{alias.shown}" is the address of {taken[target]}, which is published there.',
                                "remove it from Aliases: an alias must be an address that no page has any more.")
                    continue
                first = claimed.setdefault(target, alias)
                if first is not alias:
                    if first.item.key != alias.item.key:  # translations of one item may share it: the first wins
                        self._error(site, alias.owner, f'"{alias.shown}" is also an alias of {first.owner.path}.',
                                    "keep it in one file only: an old address can lead to one page.")
                    continue
                head_meta = head_meta if head_meta is not None else self._head_meta(site)
                if head_meta is None:
                    return []
                html_lang = site.language[item.lang].html_lang
                pages.append(
                    OutputPage(
                        key=f"{KEY_PREFIX}{alias.shown}",
                        lang=None,  # no language group: no hreflang, switcher, sitemap or search entry
                        url=alias.url,
                        template="redirect",  # not rendered: the page is ``body``
                        title=item.title,
                        data={"redirect_to": item},
                        source=alias.owner.path,
                        body=redirect_page(head_meta, html_lang, item.title, f"{siteurl}/{quote(item.url, safe='/%')}", icon),
                    )
                )
        return pages

    def _head_meta(self, site: Site) -> str | None:
        try:
            return self.env.get_template(HEAD_META).render()
        except TemplateError as error:
            site.log.error("theme", f"the redirect pages need theme/templates/{HEAD_META}: {error}",
                           fix="restore the partial (charset, Content Security Policy and viewport of every page).")
            return None

    @staticmethod
    def _error(site: Site, item: Item, message: str, fix: str) -> None:
        site.log.error(item.path, message, field=FIELD, line=item.lines.get("aliases"), fix=fix)
