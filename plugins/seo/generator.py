"""The "page not found" pages, and the sitemaps and robots.txt.

The 404 pages are ordinary output pages the i18n renderer writes: one per
language at ``/<lang>/404.html`` (base.html, the site's header and footer) and
a language-neutral ``/404.html`` for static hosts, which serve that one file
for every missing address.  They share the key ``"404"``, so their hreflang
links name one another and no other page.

The sitemaps and robots.txt need the final list of pages, so they are written
in ``generate_output``, when every content type has planned its pages.
"""

from __future__ import annotations

import os

from contract.generator import PageBuilder
from contract.model import OutputPage, Site

from . import sitemaps
from .sitemaps import NOT_FOUND_KEY


class PageFinder:
    """``page_for("search", "tc")``: the page with that key in that language, or None.

    Looked up when a template calls it (at render time), so that it sees pages that
    content types planned after this one.
    """

    def __init__(self, site: Site):
        self.site = site

    def __call__(self, key: str, lang: str | None) -> OutputPage | None:
        return next((p for p in self.site.pages if p.key == key and p.lang == lang), None)

    def __fingerprint__(self):
        """What a template can find through it (for rebuilds that render only what changed)."""
        return [(page.key, page.lang, page.url, page.title) for page in self.site.pages]


class SeoGenerator(PageBuilder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = Site.of(self.context)

    # -- planned with every content type (i18n calls this) -----------------------------
    def build_pages(self, site: Site, catalogs) -> list[OutputPage]:
        revised = site.newest_revision()
        page_for = PageFinder(site)
        pages = []
        choices = []
        for lang in site.languages:
            tr = catalogs.translator(lang.code)
            title = tr("Page not found")
            pages.append(
                OutputPage(
                    key=NOT_FOUND_KEY,
                    lang=lang.code,
                    url=f"{lang.code}/404.html",
                    template="404.html",
                    title=title,
                    data={"page_for": page_for},
                    revised=revised,
                )
            )
            choices.append(
                {
                    "lang": lang,
                    "title": title,
                    "message": tr("Sorry, we cannot find the page you asked for. It may have been moved or removed."),
                }
            )
        pages.append(
            OutputPage(
                key=NOT_FOUND_KEY,
                lang=None,
                url="404.html",
                template="root_404.html",
                title=" | ".join(dict.fromkeys(choice["title"] for choice in choices)),  # once where two agree
                data={
                    "choices": choices,
                    "alternates": [(lang.html_lang, f"{lang.code}/404.html") for lang in site.languages],
                },
                revised=revised,
            )
        )
        return pages

    # -- written once every page is planned ------------------------------------------
    def generate_output(self, writer) -> list[str]:
        if self.site.log.errors:
            return []  # the build fails and its output is thrown away
        files = sitemaps.files(self.site, self.build_cache.memory)
        for path, data in files.items():
            target = os.path.join(self.output_path, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
        return list(files)
