"""The built site: building it, its pages, their types, and their parsed HTML."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from .failures import Failure
from .tools import ROOT

LANG = r"(?P<lang>[a-z]{2,3})"


@dataclass(frozen=True)
class PageType:
    """A kind of page, recognised by its URL path (a regular expression; "{lang}" = the language code).

    screenshot: photographed at 320 px and 1280 px in every language;
    lighthouse: audited by Lighthouse (in the default language only: it is slow);
    chrome: carries the site's header (skip link, switcher, text size, navigation);
    the root language chooser is the one page without it;
    sources: a folder of the content: the page is of this type only when the pattern's ``name``
    group is the name of a source there (a standing page is one of content/pages/, so that a new
    list page at /<lang>/<something>/ is reported as of no type rather than taken for one).
    """

    name: str
    pattern: str
    screenshot: bool = False
    lighthouse: bool = False
    chrome: bool = True
    sources: str | None = None

    @functools.cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern.replace("{lang}", LANG) + r"\Z")


# One line per page type. The first pattern that matches a path wins, so put specific ones first.
PAGE_TYPES = [
    PageType("root", r"/", chrome=False),
    PageType("home", r"/{lang}/", screenshot=True, lighthouse=True),
    PageType("press-list", r"/{lang}/press/"),
    PageType("press-list-page", r"/{lang}/press/page/\d+/"),
    PageType("press-year", r"/{lang}/press/\d{4}/"),
    PageType("release", r"/{lang}/press/\d{4}/[^/]+/", screenshot=True, lighthouse=True),
    PageType("sitemap", r"/{lang}/sitemap/"),
    PageType("not-found", r"/{lang}/404\.html"),
    PageType("root-not-found", r"/404\.html", chrome=False),
    PageType("forum-list", r"/{lang}/forums/"),
    PageType("forum", r"/{lang}/forums/[^/]+/", screenshot=True),
    PageType("workshop-list", r"/{lang}/workshops/"),
    PageType("workshop", r"/{lang}/workshops/[^/]+/", screenshot=True),
    PageType("gallery-list", r"/{lang}/galleries/"),
    PageType("gallery", r"/{lang}/galleries/[^/]+/", screenshot=True),
    PageType("search", r"/{lang}/search/"),
    PageType("standing", r"/{lang}/(?P<name>[^/]+)/", screenshot=True, sources="pages"),
]


#: Redirect pages (plugins/redirects, from Aliases) sit at old addresses that look like any other page's,
#: so they are recognised by their content, not their path: no site header, and no browser checks
#: (the instant refresh would leave the page before a check could run). Markup, links and HTML still apply.
REDIRECT = PageType("redirect", r"(?!)", chrome=False)
REFRESH = re.compile(rb"<meta\s+http-equiv=\"refresh\"", re.IGNORECASE)


@functools.lru_cache(maxsize=None)
def source_names(content: Path | None, folder: str) -> frozenset[str]:
    """The names of the sources in ``content``/``folder`` ("about" for about.en.md), none without ``content``."""
    if content is None or not (content / folder).is_dir():
        return frozenset()
    return frozenset(file.name.split(".", 1)[0] for file in (content / folder).glob("*.md"))


@functools.lru_cache(maxsize=None)
def content_type_pages(content: Path | None) -> tuple[PageType, ...]:
    """Page types for the content folders of ``content`` that no line of PAGE_TYPES covers yet.

    A folder of sources (a content type added since the list was written, say content/workshops/)
    whose list page ``/{lang}/<folder>/`` no line matches gets two types of its own: that list page,
    and the pages below it.  So the browser checks cover a new content type's pages at once, without
    a line written for it; a line added later (for screenshots, or a finer split) takes over.
    """
    if content is None or not content.is_dir():
        return ()
    standing = {kind.sources for kind in PAGE_TYPES if kind.sources}  # folders whose pages sit at /{lang}/<name>/
    derived = []
    for folder in sorted(path.name for path in content.iterdir() if path.is_dir() and path.name not in standing):
        if not any((content / folder).rglob("*.md")):
            continue  # not a folder of sources (downloads)
        if any(kind.sources is None and kind.regex.match(f"/en/{folder}/") for kind in PAGE_TYPES):
            continue  # listed already
        escaped = re.escape(folder)
        derived += [PageType(f"{folder}-list", rf"/{{lang}}/{escaped}/"), PageType(f"{folder}-page", rf"/{{lang}}/{escaped}/.+/")]
    return tuple(derived)


def page_type(path: str, content: Path | None = ROOT / "content") -> tuple[PageType | None, str | None]:
    """The type of the page at ``path`` of a site built from ``content``, and its language."""
    for kind in (*PAGE_TYPES, *content_type_pages(content)):
        match = kind.regex.match(path)
        if match and (kind.sources is None or match.group("name") in source_names(content, kind.sources)):
            return kind, match.groupdict().get("lang")
    return None, None


@dataclass(frozen=True)
class SitePage:
    path: str  # URL path from the site root: "/en/press/"
    file: Path
    type: PageType | None
    lang: str | None

    @property
    def chrome(self) -> bool:
        return self.type.chrome if self.type else True  # an unknown page is held to the full rules

    @property
    def label(self) -> str:
        kind = self.type.name if self.type else "unknown"
        return f"{self.lang}-{kind}" if self.lang else kind


class Site:
    """An output folder: its HTML pages and the files that links may point to."""

    def __init__(self, root: Path | str, site_url: str = "", content: Path | None = ROOT / "content"):
        self.root = Path(root).resolve()
        self.content = content  # what the site was built from: its standing pages are content/pages/
        # A site built with an absolute SITEURL links to itself with it: such links are internal.
        self.site_url = site_url.rstrip("/")
        self.pages = [self._page(file) for file in sorted(self.root.rglob("*.html"))]
        self._by_path = {page.path: page for page in self.pages}

    def _page(self, file: Path) -> SitePage:
        relative = file.relative_to(self.root).as_posix()
        path = "/" + (relative[: -len("index.html")] if file.name == "index.html" else relative)
        if REFRESH.search(file.read_bytes()[:4096]):
            return SitePage(path, file, REDIRECT, None)
        kind, lang = page_type(path, self.content)
        return SitePage(path, file, kind, lang)

    def page(self, path: str) -> SitePage | None:
        return self._by_path.get(path)

    # -- files behind URLs ----------------------------------------------------------
    def file_for(self, path: str) -> Path | None:
        """The file a local HTTP server sends for a URL path ("/x/" is /x/index.html), or None."""
        relative = unquote(path).lstrip("/")
        candidate = (self.root / relative).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            return None  # outside the site
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def local_path(self, url: str) -> str | None:
        """The path of an absolute URL that points into this site (its SITEURL), else None."""
        if self.site_url and (url == self.site_url or url.startswith(self.site_url + "/")):
            return urlsplit(url).path or "/"
        return None

    # -- parsed HTML --------------------------------------------------------------------
    @functools.lru_cache(maxsize=64)
    def soup(self, file: Path) -> BeautifulSoup:
        return BeautifulSoup(file.read_bytes(), "lxml")

    @functools.lru_cache(maxsize=None)
    def ids(self, file: Path) -> frozenset[str]:
        return frozenset(tag["id"] for tag in self.soup(file).find_all(id=True))

    @functools.lru_cache(maxsize=None)
    def html_lang(self, file: Path) -> str | None:
        html = self.soup(file).find("html")
        return html.get("lang") if html else None

    @functools.lru_cache(maxsize=None)
    def alternates(self, file: Path) -> tuple[tuple[str, str], ...]:
        """(hreflang, href) of the page's <link rel="alternate" hreflang> elements."""
        return tuple(
            (link["hreflang"], link.get("href", ""))
            for link in self.soup(file).select('link[rel~="alternate"][hreflang]')
        )

    # -- the pages a browser check looks at -------------------------------------------
    @property
    def browsable(self) -> list[SitePage]:
        """The pages a browser can audit: all but redirects."""
        return [page for page in self.pages if page.type is not REDIRECT]

    @property
    def languages(self) -> list[str]:
        return sorted({page.lang for page in self.pages if page.lang})

    def representatives(self) -> list[SitePage]:
        """One page of every type in every language: the largest file, the one with the most to check."""
        chosen: dict[tuple[str, str | None], SitePage] = {}
        for page in self.pages:
            if page.type is None or page.type is REDIRECT:
                continue
            key = (page.type.name, page.lang)
            if key not in chosen or page.file.stat().st_size > chosen[key].file.stat().st_size:
                chosen[key] = page
        order = {kind.name: index for index, kind in enumerate((*PAGE_TYPES, *content_type_pages(self.content)))}
        return sorted(chosen.values(), key=lambda page: (order[page.type.name], page.lang or ""))

    def catalogue_failures(self) -> list[Failure]:
        """Pages of no known type, and page types missing from a language of the sample site."""
        failures = [
            Failure(page.path, "unknown-page-type", f"{page.file.name} matches no PageType in tests/quality/site.py: "
                    "add a line to PAGE_TYPES so the browser checks cover it")
            for page in self.pages
            if page.type is None
        ]
        present = {(page.type.name, page.lang) for page in self.pages if page.type}
        for kind in PAGE_TYPES:  # a type content_type_pages gives has pages: it is made for them
            with_lang = "{lang}" in kind.pattern
            for lang in self.languages if with_lang else [None]:
                if (kind.name, lang) not in present:
                    where = f"/{lang}/" if lang else "/"
                    failures.append(Failure(where, "page-type-missing",
                                            f"no page of type {kind.name!r} (pattern {kind.pattern}) was built"))
        return failures


# -- building -----------------------------------------------------------------------------
def build(output: Path, content: Path = ROOT / "content") -> Path:
    """Build the site with the project's settings into ``output`` (with its own cache) and return it."""
    cache = output.parent / f"{output.name}-cache"
    command = [
        sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output),
        "--log-handler", "plain", "-e", f'CACHE_PATH="{cache}"',
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"The site did not build (exit {done.returncode}): {' '.join(command)}\n"
                           f"{done.stdout}{done.stderr}")
    return output


def tag_label(tag, text: bool = True) -> str:
    """A short, recognisable form of an element: <a class="sl-nav__link" href="/en/"> "Home"."""
    attrs = []
    for name in ("id", "class", "href", "src", "hreflang", "type", "rel"):
        value = tag.get(name)
        if value:
            value = " ".join(value) if isinstance(value, list) else value
            attrs.append(f'{name}="{value[:60]}"')
    label = "<" + " ".join([tag.name, *attrs]) + ">"
    words = " ".join(tag.get_text(" ", strip=True).split()) if text else ""
    if words:
        label += f' "{words[:50]}{"…" if len(words) > 50 else ""}"'
    return label
