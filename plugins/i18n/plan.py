"""Stage 3 of the build, the plan: every page of every language, and what the renderer needs besides
(``SitePlan``, handed to ``i18n.render.SiteRenderer``).

On ``all_generators_finalized``: ask each page builder for its pages (the content types first, in
the order of ``PLUGINS``, then the builders of site-wide pages), stamp item pages with their
type's ``PageKind``, add the site-wide pages (home, the root language choice, the HTML sitemap),
order the navigation by ``NAV_SECTIONS``, check that no two pages share a URL, warn about
untranslated items and compute the links between languages.  Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from contract.generator import PageBuilder, SourceGenerator
from contract.model import OutputPage, Section, latest_revision
from incremental import BuildCache

from .links import HOME_KEY, check_unique_urls, link_pages, warn_untranslated
from . import status


@dataclass(frozen=True)
class NavLink:
    key: str
    title: str
    url: str


@dataclass
class SitePlan:
    """What the planner hands the renderer, besides the pages it adds to ``site.pages``."""

    undated: dt.datetime | None = None  # what a page with no revision of its own shows (None: the build's date)
    sections: list[Section] = field(default_factory=list)  # of the navigation, in the order of NAV_SECTIONS
    nav: dict[str, list[NavLink]] = field(default_factory=dict)  # language -> the main navigation
    footer: dict[str, list[NavLink]] = field(default_factory=dict)  # language -> the footer's links
    links: dict = field(default_factory=dict)  # page URL -> its links to other languages (i18n.links.PageLinks)
    feeds: dict[str, list[OutputPage]] = field(default_factory=dict)  # language -> its feed pages, for the head


class SitePlanner:
    """Plans the site: fills ``site.pages`` and returns the rest of the plan (:class:`SitePlan`)."""

    def __init__(self, site, catalogs, context):
        self.site = site
        self.catalogs = catalogs
        self.context = context
        self.settings = site.settings
        self.sections: list[Section] = []
        self.nav: dict[str, list[NavLink]] = {}

    def plan(self, generators) -> SitePlan:
        site = self.site
        # Content types first (in the order of PLUGINS), then the builders of site-wide pages, which
        # may read what the content types planned (redirects check their addresses against it).
        builders = sorted((g for g in generators if isinstance(g, PageBuilder)), key=lambda g: not isinstance(g, SourceGenerator))
        for builder in builders:  # cross-references between content types, before any page
            builder.resolve(site)
        build_cache = BuildCache.of(self.context)
        memory = build_cache.memory  # the dev server's (incremental.memory): an unchanged item's pages are kept
        for builder in builders:
            pages = []
            if isinstance(builder, SourceGenerator):
                owner = type(builder).__qualname__
                for item in site.items:
                    if item.kind == builder.kind:
                        make = lambda item=item, builder=builder: builder.item_pages(site, item, self.catalogs)  # noqa: E731
                        pages.extend(make() if memory is None else memory.item_pages(owner, item, make))
            pages.extend(builder.build_pages(site, self.catalogs))
            for page in pages:
                if page.item is not None:  # a content item's page is what its content type declares
                    page.kind = site.page_kinds.get(page.item.kind, page.kind)
                site.pages.append(page)
        build_cache.save()  # the caches the builders shared (calendars, file digests), once all have planned
        self.sections = self._sections(builders)
        # What a page with no revision of its own (an empty list) shows: by the clock, the site's newest
        # revision, which changes only with the content (the build's time would render it again at every
        # build); with SOURCE_DATE_EPOCH, the build's date.
        undated = site.build_date if site.date_fixed else (site.newest_revision() or site.build_date)
        self.nav = {lang.code: self._nav(lang.code) for lang in site.languages}
        footer = {lang.code: self._footer(lang.code) for lang in site.languages}
        # Every page shows the build's year: the first build of the next year changes them all.
        site.future_dates.append(site.build_date.replace(year=site.build_date.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0))
        site.pages.extend(self._site_pages(builders))
        check_unique_urls(site)
        warn_untranslated(site)
        if site.settings.get("CHECK_ONLY") or site.settings.get("TRANSLATION_STATUS"):
            status.check(site, site.settings["PATH"])  # from git: translations older than their original's change
        feeds: dict[str, list[OutputPage]] = {}
        for page in site.pages:
            if page.template == "atom.xml" and page.lang:
                feeds.setdefault(page.lang, []).append(page)
        if memory is None:
            links = link_pages(site)
        else:  # the dev server: the last build's links (the same objects) while every page keeps its key, language and URL
            links = memory.made(("links",), [(page.key, page.lang, page.url) for page in site.pages], lambda: link_pages(site))
        return SitePlan(undated=undated, sections=self.sections, nav=self.nav, footer=footer, links=links, feeds=feeds)

    def _sections(self, builders) -> list[Section]:
        """The sections builders declare, in the order of the setting NAV_SECTIONS; one not listed there,
        or a name listed that no builder declares, is an error naming the setting and the fix."""
        declared = {b.section.name: b.section for b in builders if b.section is not None}
        order = list(self.settings.get("NAV_SECTIONS", ()))
        for name in declared:
            if name not in order:
                self.site.log.error(
                    "pelicanconf.py", f"the section '{name}' is not in NAV_SECTIONS, so the navigation has no place for it.",
                    field="NAV_SECTIONS", fix=f"add '{name}' to NAV_SECTIONS where it should appear (now {order}).",
                )
        for name in order:
            if name not in declared:
                self.site.log.error(
                    "pelicanconf.py", f"'{name}' names no section of this site (they are {', '.join(declared) or 'none'}).",
                    field="NAV_SECTIONS", fix=f"remove '{name}' from NAV_SECTIONS, or add the plugin that declares it to PLUGINS.",
                )
        return [declared[name] for name in order if name in declared]

    def _page_for(self, key: str, lang: str) -> OutputPage | None:
        for page in self.site.pages:
            if page.key == key and page.lang == lang:
                return page
        return None

    def _item_link(self, name: str, lang: str) -> NavLink | None:
        group = self.site.groups.get(f"pages/{name}")
        if group is None:
            return None
        item = group.best(lang, self.site.languages)
        return NavLink(group.key, item.title, item.url)

    def _nav(self, lang: str) -> list[NavLink]:
        tr = self.catalogs.translator(lang)
        links = [NavLink(HOME_KEY, tr("Home"), f"{lang}/")]
        for section in self.sections:
            page = self._page_for(section.key, lang)
            if page is not None:
                links.append(NavLink(section.key, tr(section.title), page.url))
        links += filter(None, (self._item_link(name, lang) for name in self.site.settings["NAV_PAGES"]))
        return links

    def _footer(self, lang: str) -> list[NavLink]:
        tr = self.catalogs.translator(lang)
        links = [link for link in (self._item_link(n, lang) for n in self.site.settings["FOOTER_PAGES"]) if link]
        return links + [NavLink("sitemap", tr("Sitemap"), f"{lang}/sitemap/")]

    def _site_pages(self, builders) -> list[OutputPage]:
        site = self.site
        everything = site.newest_revision()
        pages = [
            OutputPage(
                key=HOME_KEY,
                lang=None,
                url="",
                template="root.html",
                title=" | ".join(lang.sitename for lang in site.languages),
                revised=everything,
            )
        ]
        for lang in site.languages:
            tr = self.catalogs.translator(lang.code)
            blocks = [block for builder in builders for block in builder.home_blocks(site, lang.code, tr)]
            blocks.sort(key=lambda block: block.get("order", 50))
            pages.append(
                OutputPage(
                    key=HOME_KEY,
                    lang=lang.code,
                    url=f"{lang.code}/",
                    template="home.html",
                    title=tr("Home"),
                    data={"blocks": blocks},
                    revised=latest_revision(e.item for block in blocks for e in block.get("entries", ())) or everything,
                )
            )
            standing = sorted(
                (g.best(lang.code, site.languages) for kind in site.kinds_where(standing=True) for g in site.groups_of(kind)),
                key=lambda item: (item.fields.get("order", 999), item.title),
            )
            pages.append(
                OutputPage(
                    key="sitemap",
                    lang=lang.code,
                    url=f"{lang.code}/sitemap/",
                    template="sitemap.html",
                    title=tr("Sitemap"),
                    data={"sections": self.nav[lang.code], "standing": standing,
                          "extra": [link for b in builders for link in b.sitemap_links(site, lang.code, tr)]},
                    revised=everything,
                )
            )
        return pages
