"""XML sitemaps and robots.txt, written from the planned pages of the model.

``/sitemap.xml`` is a sitemap index pointing to one sitemap per language
(``/<lang>/sitemap.xml``).  Each entry lists, as ``xhtml:link`` elements, the
page in every language it exists in (itself included) and its x-default, the
way Google reads hreflang from a sitemap.  Only HTML pages are listed: feeds
and calendars are not, nor the "page not found" pages.

The translations of a page are found from the model alone: pages that share a
``key`` are the same page in different languages, and a language-neutral page
of that key (the root language chooser for the home pages) is its x-default,
else the page in the default language.  That is the rule the head's hreflang
links follow (docs/architecture.md, stage 3); tests/test_seo.py checks the two
agree on every page.
"""

from __future__ import annotations

import functools
import posixpath
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from contract.model import OutputPage, Site

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# Sitemaps and robots.txt must give absolute URLs.  A development build has no SITEURL
# (links are root-relative), so its sitemaps point to where `make serve` serves the site;
# publishconf.py always sets SITEURL.
DEV_SITEURL = "http://127.0.0.1:8000"

NOT_FOUND_KEY = "404"  # the "page not found" pages: a translation group of their own, never listed


def site_base(settings) -> str:
    """The absolute address of the site's root, without a trailing slash."""
    return (settings.get("SITEURL") or DEV_SITEURL).rstrip("/")


@functools.lru_cache(maxsize=65536)  # each page's address is asked for in every language's sitemap
def normal_path(url: str) -> str:
    """A Pelican-style URL ("en/press/", "") as a clean path from the root: "/en/press/", "/".

    Dot segments and doubled slashes are removed; a trailing slash is kept; characters
    outside the URL syntax are percent-encoded (existing %XX escapes are kept).
    """
    trailing = url.endswith("/") or url in ("", ".")
    path = posixpath.normpath("/" + url.lstrip("/"))
    path = "/" + path.lstrip("/")  # normpath keeps a leading "//"
    if trailing and not path.endswith("/"):
        path += "/"
    return quote(path, safe="/%:@!$&'()*+,;=-._~")


def absolute(base: str, url: str) -> str:
    return base + normal_path(url)


def is_html(page: OutputPage) -> bool:
    return page.body is None and page.save_as.endswith(".html")


def listed(page: OutputPage) -> bool:
    """Whether a page belongs in the sitemaps: not a "page not found" page, nor one that asks
    search engines not to index it (``data["noindex"]``: the search pages), nor an item page of a
    content type that keeps its pages out (``PageKind.in_sitemaps``)."""
    return is_html(page) and page.key != NOT_FOUND_KEY and not page.data.get("noindex") and page.kind.in_sitemaps


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: str | None
    alternates: tuple[tuple[str, str], ...]  # (hreflang, absolute URL), "x-default" last


def lastmod(site: Site, page: OutputPage) -> str | None:
    """The page's revision date, as its footer shows it: never later than the build.

    A page with no revision date of its own (an empty list) gets no <lastmod>
    rather than the build time, so that a rebuild of the same content writes the same file.
    """
    if page.revised is None:
        return None
    return min(page.revised, site.build_date).isoformat()


def entries_by_language(site: Site) -> dict[str, list[Entry]]:
    """The sitemap entries of every language, in the order the pages were planned.

    A language-neutral page (the root chooser) goes in the default language's sitemap.
    """
    base = site_base(site.settings)
    pages = [page for page in site.pages if listed(page)]
    groups: dict[str, dict[str | None, OutputPage]] = defaultdict(dict)
    for page in pages:
        groups[page.key].setdefault(page.lang, page)
    order = [lang.code for lang in site.languages]

    def alternates_of(key: str) -> tuple[tuple[str, str], ...]:
        group = groups[key]
        translated = [(site.language[code].html_lang, absolute(base, group[code].url)) for code in order if code in group]
        if None in group:
            default = group[None]
        else:
            default = group.get(site.default_lang) or next(group[code] for code in order if code in group)
        return (*translated, ("x-default", absolute(base, default.url)))

    result: dict[str, list[Entry]] = {code: [] for code in order}
    cache: dict[str, tuple] = {}
    for page in pages:
        if page.key not in cache:
            cache[page.key] = alternates_of(page.key)
        code = page.lang if page.lang in result else site.default_lang
        result[code].append(Entry(absolute(base, page.url), lastmod(site, page), cache[page.key]))
    return result


def urlset(entries: list[Entry], links: dict[tuple, str] | None = None) -> bytes:
    """A sitemap of ``entries``; ``links`` keeps the written alternates of each page between calls
    (a page's translations, in the other languages' sitemaps, have the same)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    links = {} if links is None else links
    for entry in entries:
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(entry.loc)}</loc>")
        if entry.lastmod:
            lines.append(f"    <lastmod>{entry.lastmod}</lastmod>")
        # after <lastmod>: the schema allows elements of other namespaces only at the end of <url>
        block = links.get(entry.alternates)
        if block is None:
            block = links[entry.alternates] = "\n".join(
                f'    <xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} href={quoteattr(href)}/>'
                for hreflang, href in entry.alternates
            )
        if block:
            lines.append(block)
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_index(sitemaps: list[tuple[str, str | None]]) -> bytes:
    """``sitemaps``: (absolute URL, newest lastmod of its entries) of each sitemap."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for loc, newest in sitemaps:
        lines.append("  <sitemap>")
        lines.append(f"    <loc>{escape(loc)}</loc>")
        if newest:
            lines.append(f"    <lastmod>{newest}</lastmod>")
        lines.append("  </sitemap>")
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def newest(entries: list[Entry]) -> str | None:
    # compared as times, not as strings: two dates could carry different UTC offsets
    stamps = [entry.lastmod for entry in entries if entry.lastmod]
    return max(stamps, key=datetime.fromisoformat) if stamps else None


def robots_txt(base: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n".encode("utf-8")


def files(site: Site, memory=None) -> dict[str, bytes]:
    """Every file this module writes: its path in the output folder and its bytes.

    ``memory``: the dev server's (``incremental.memory``), where the files are taken from when every
    page is planned as in its last build as far as the sitemaps read it (``sitemap_inputs``), else a
    sitemap whose entries are those of its last build."""
    if memory is None:
        return _files(site)
    return memory.made(("sitemaps",), sitemap_inputs(site), lambda: _files(site, memory))


def sitemap_inputs(site: Site) -> tuple:
    """What the sitemaps are made from, as plain values: the build's date and, for every page in the
    order planned, what ``listed``, ``lastmod`` and the alternates read of it."""
    return site.build_date, [
        (page.key, page.lang, page.url, page.revised, page.body is None, bool(page.data.get("noindex")), page.kind.in_sitemaps)
        for page in site.pages
    ]


def _files(site: Site, memory=None) -> dict[str, bytes]:
    base = site_base(site.settings)
    written: dict[str, bytes] = {}
    index = []
    links: dict[tuple, str] = {}
    for code, entries in entries_by_language(site).items():
        path = f"{code}/sitemap.xml"
        if memory is None:
            written[path] = urlset(entries, links)
        else:
            written[path] = memory.made(("sitemap", path), entries, lambda entries=entries: urlset(entries, links))
        index.append((absolute(base, path), newest(entries)))
    written["sitemap.xml"] = sitemap_index(index)
    written["robots.txt"] = robots_txt(base)
    return written
