"""Render every language's whole site from the one model, writing each file once.

Stages (all on the model in ``context["site"]``):

1. the plan (on ``all_generators_finalized``; :class:`i18n.plan.SitePlanner`): every page of every
   language in ``site.pages``, and a :class:`i18n.plan.SitePlan` (navigation, footer, links between
   languages, feeds) handed to the renderer as ``site_plan``;
2. ``generate_output`` (here): render each page with the interface in its language (gettext
   catalogs, Babel dates) and write it.
"""

from __future__ import annotations

import logging
import os

from blinker import signal
from jinja2 import pass_context

from incremental.cache import fault_point
from incremental.fingerprint import Fingerprinter, Unfingerprintable
from contract.generator import BuildStage
from contract.model import OutputPage, Site

from .catalogs import Catalogs
from .plan import NavLink, SitePlan  # noqa: F401 (NavLink: the templates' links)

logger = logging.getLogger(__name__)

# Sent by the renderer (``lang=`` a language's code) once every page of an item (``page.item``) in
# that language is in the staging folder; the languages come in the order of ``LANGUAGES``.  In a
# rebuild it comes before the language's other pages (lists, feeds, home) are fingerprinted and
# written: the search index reads item pages only, and starts on them meanwhile.
item_pages_written = signal("i18n.item_pages_written")


class SiteRenderer(BuildStage):
    """Renders and writes every page of the site, as planned (``site.pages`` and ``site_plan``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._memory = None
        self.site = Site.of(self.context)
        self.catalogs = Catalogs(os.path.join(self.theme, "translations"), self.site.languages)
        self.site_plan = SitePlan()  # the planner's (i18n.plan), given on all_generators_finalized
        self._install_template_helpers()
        self.build_cache.templates(self.env, "pages")  # compiling costs more than a few pages

    def _install_template_helpers(self) -> None:
        catalogs = self.catalogs
        site = self.site

        @pass_context
        def gettext(ctx, message):
            return catalogs.gettext(ctx["LANG"].code, message)

        @pass_context
        def ngettext(ctx, singular, plural, n):
            return catalogs.ngettext(ctx["LANG"].code, singular, plural, n)

        @pass_context
        def date(ctx, value, form="long"):
            return catalogs.date(ctx["LANG"].code, value, form)

        @pass_context
        def datetime(ctx, value):
            return catalogs.datetime(ctx["LANG"].code, value)

        siteurl = self.settings["SITEURL"].rstrip("/")

        def url(path: str) -> str:
            return f"{siteurl}/{path}"

        self.env.install_gettext_callables(gettext, ngettext, newstyle=True)
        self.env.filters.update(date=date, datetime=datetime, isodate=lambda value: value.isoformat())
        # {% if item.title is carrying_photo_marker %}: the title already ends "(with photos)" or "（附圖）"
        self.env.tests["carrying_photo_marker"] = catalogs.carries_photo_marker
        self.env.globals.update(
            url=url,
            language=site.language,
            languages=site.languages,
            SITEURL=siteurl,
        )

    def _language_of(self, page: OutputPage):
        return self.site.language.get(page.lang) or self.site.language[self.site.default_lang]

    def _shared(self, code: str) -> dict:
        """What every page of a language shows around its own content."""
        lang = self.site.language[code]
        return {
            "LANG": lang,
            "SITENAME": lang.sitename,
            "nav": self.site_plan.nav[code],
            "footer": self.site_plan.footer[code],
            # one copyright year on every page: the build's (not each page's revision)
            "build_year": self.site.build_date.year,
            # the head links each feed by its address and title
            "feeds": [NavLink(feed.key, feed.title, feed.url) for feed in self.site_plan.feeds.get(code, [])],
        }

    def _own(self, page: OutputPage) -> dict:
        """What the page itself brings to its template."""
        return {
            "page": page,
            "links": self.site_plan.links.get(page.url, {}),
            # never in the future: an upcoming forum's Date is not a revision
            "revised": min(page.revised or self.site_plan.undated or self.site.build_date, self.site.build_date),
            # what the page is for link previews (og:type, …): its item's content type declares it
            "page_kind": page.kind,
        }

    def render(self, page: OutputPage) -> str:
        context = {**self._shared(self._language_of(page).code), **self._own(page), "section": page.data.get("section", page.key)}
        context.update(page.data)
        return self.env.get_template(page.template).render(context)

    def fingerprint(self, page: OutputPage, fingerprinter: Fingerprinter) -> bytes | None:
        """A digest of everything ``render(page)`` reads but the code and settings; None: always render it.

        Raises :class:`Unfingerprintable` for a page whose inputs it cannot describe.
        """
        if page.body is not None:
            return None  # written as it is: compared with the last build's file instead
        return fingerprinter.digest((page.template, self.shared_digest(page, fingerprinter), self._own(page)))

    def shared_digest(self, page: OutputPage, fingerprinter: Fingerprinter) -> bytes:
        """The digest of what every page of ``page``'s language shows around its own content (made once)."""
        code = self._language_of(page).code
        shared = self._shared_digests.get(code)
        if shared is None:
            shared = self._shared_digests[code] = fingerprinter.digest(self._shared(code))
        return shared

    def _fingerprint_or_why_not(self, page: OutputPage) -> tuple[bytes | None, str | None]:
        """(fingerprint, None), or (None, why the page has none).  In the dev server, a fingerprint
        whose inputs did not change since its last build is taken from its memory (``incremental.memory``)."""
        try:
            if self._memory is not None:
                return self._memory.fingerprint(self, page), None
            return self.fingerprint(page, self._fingerprinter), None
        except Unfingerprintable as error:
            return None, f"/{page.url}: {error}"

    def _by_language(self) -> list[tuple[str | None, list[OutputPage]]]:
        """The pages, one language after another in the order of ``LANGUAGES`` (a language
        converted from another comes after it), then the pages of no language (the root ones)."""
        groups: dict[str | None, list[OutputPage]] = {lang.code: [] for lang in self.site.languages}
        groups[None] = []
        for page in self.site.pages:
            groups.setdefault(page.lang, []).append(page)
        return [(code, pages) for code, pages in groups.items() if pages]

    def generate_output(self, writer) -> None:
        if self.site.log.errors:
            return  # the build fails; rendering a wrong site would only cost time
        ledger = self.context.get("output_ledger")  # outputs.ledger: what this build writes and reuses
        if ledger is not None:
            # In this process, not in forked workers: measured at N = 1 000 and 5 000, two workers
            # took 1.6-2x the time of one process (each worker hashes the items its pages show
            # again, and touching the whole model copies it page by page), so the digests of
            # items and records are made once and shared by every page that shows them.
            self._memory = self.build_cache.memory  # the dev server's (incremental.memory), else None
            self._fingerprinter = Fingerprinter() if self._memory is None else self._memory.fingerprinter()
            self._shared_digests: dict[str, bytes] = {}
        self._unfingerprintable: list[str] = []
        if ledger is not None and ledger.incremental:
            # A rebuild renders one language at a time, its items' pages first, and announces those
            # once written, so that later stages start on them (the search index reads item pages
            # only) while the language's lists and feeds and the next languages are rendered.
            for code, pages in self._by_language():
                self._write_all(self._to_render([p for p in pages if p.item is not None], ledger), code, "item pages")
                if code is not None:
                    item_pages_written.send(self, lang=code)
                self._write_all(self._to_render([p for p in pages if p.item is None], ledger), code, "other pages")
        else:
            # A cold build renders every page in one batch (one set of forked workers), then announces them.
            self._write_all(self._to_render(self.site.pages, ledger), None, "every page")
            for code, _pages in self._by_language():
                if code is not None:
                    item_pages_written.send(self, lang=code)
        if self._unfingerprintable:
            logger.info("rendered at every build (no fingerprint): %s", "; ".join(self._unfingerprintable))

    def _to_render(self, pages: list[OutputPage], ledger) -> list[OutputPage]:
        """The pages of ``pages`` whose file in ``output/`` cannot be kept (all of them without a ``ledger``)."""
        if ledger is None:
            return list(pages)
        todo = []
        for page in pages:
            fingerprint, why = self._fingerprint_or_why_not(page)
            if why:
                self._unfingerprintable.append(why)
            if ledger.reusable(page.save_as, fingerprint):
                ledger.reused(page.save_as, fingerprint)
                continue
            todo.append(page)
            ledger.produced(page.save_as, fingerprint, rendered=page.body is None)
        return todo

    def _write_all(self, todo: list[OutputPage], code: str | None, what: str) -> None:
        """Render and write ``todo`` (``what`` of language ``code``, for the log)."""
        # Pages are independent once planned: forked workers render and write them (BuildCache.map).
        self.build_cache.map(self.write, todo)
        logger.info("render: %s, %s: %d written", code or "no language", what, len(todo))

    def write(self, page: OutputPage) -> None:
        """Render ``page`` (unless it is written as it is) into the staging folder."""
        path = os.path.join(self.output_path, page.save_as)
        fault_point("render:page", path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = page.body if page.body is not None else self.render(page).encode("utf-8")
        with open(path, "wb") as handle:
            handle.write(data)
