"""Reading sources into the site model: the base of every content type.

A content type (``press``, ``pages``, later forums and galleries) is a
generator subclassing :class:`SourceGenerator`.  It names its folder, its
schema and how a source path maps to a translation key and URL; this class
does the rest, the same way for all of them: find files, take the language
from the file name, read each file once (through the content-keyed cache),
check its header, and add an :class:`Item` to the site.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import hashlib
import os
import re
import shutil
from collections.abc import Iterable

from pelican.contents import Content
from pelican.generators import Generator, StaticGenerator

from incremental import BuildCache
from incremental.cache import KeyedCache, read_bytes
from .files import MAX_SOURCE_BYTES, ContentFiles
from .model import Item, OutputPage, PageKind, Site
from .problems import SourceError, _normal_below, shown_path  # noqa: F401 (shown_path: contract's API)
from .references import References, addresses, reference_line
from . import reader as reader_module
from . import references as references_module
from .htmlpolicy import localize
from .reader import SourceReader
from images.location import CHECKED_SUFFIXES, JPEG_SUFFIXES, has_location, without_location

NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_READ_AFRESH = object()  # SourceGenerator._read_again: the remembered item cannot stand for this reading


_DEFAULT_LINK_REGEX = "[{|](?P<what>.*?)[|}]"  # Pelican's INTRASITE_LINK_REGEX


class Body(Content):
    """The Pelican content object behind an item: gives ``{filename}`` links.

    Two of Pelican's steps are made cheaper for the many bodies that have no such link, with
    the same result: its regular expressions are not run over a text that cannot match (every
    match starts with ``{`` or ``|``), and a source's path is cut from the content folder's
    instead of going through ``os.path.relpath``.  The files a body links are found by
    ``contract.references``, not by Pelican's ``get_static_links``.
    """

    mandatory_properties = ()
    default_template = None

    def _may_link(self, content: str) -> bool:
        return self.settings.get("INTRASITE_LINK_REGEX", _DEFAULT_LINK_REGEX) != _DEFAULT_LINK_REGEX or "{" in content or "|" in content

    def _update_content(self, content, siteurl):
        return super()._update_content(content, siteurl) if content and self._may_link(content) else content

    def get_relative_source_path(self, source_path=None):
        source_path = source_path or self.source_path
        root = self.settings["PATH"].rstrip(os.sep) + os.sep
        if source_path and _normal_below(source_path, root):
            return source_path[len(root):].replace(os.sep, "/")
        return super().get_relative_source_path(source_path)


def suggest_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "name"


def reader_for(context) -> SourceReader:
    if "_source_reader" not in context:
        context["_source_reader"] = SourceReader(context["MARKDOWN"])
    return context["_source_reader"]


def files_for(context) -> ContentFiles:
    """The build's one view of the content folder: what may be read, and names for "did you mean"."""
    if "_content_files" not in context:
        context["_content_files"] = ContentFiles(context["PATH"], context.get("MAX_SOURCE_BYTES") or MAX_SOURCE_BYTES)
    return context["_content_files"]


def references_for(context) -> References:
    if "_references" not in context:
        context["_references"] = References(files_for(context))
    return context["_references"]


PARSES = "sources"  # the build's cache of parses: <CACHE_PATH>/sources.pickle


def parse_cache(context) -> KeyedCache:
    """The build's cache of parses (``BuildCache.keyed``), keyed on a source's bytes: its HTML, header
    and body line, and the body's addresses.  A parse depends besides on the Markdown settings and
    on the reader's own code, which its fingerprint names (read again at each call: a stage asks
    once)."""
    digest = hashlib.sha256()
    for code_file in (*reader_module.CODE_FILES, references_module.__file__):  # a body's addresses are kept with its parse
        with open(code_file, "rb") as handle:
            digest.update(handle.read())
    return BuildCache.of(context).keyed(PARSES, f"{digest.hexdigest()}:{sorted(context['MARKDOWN'].items())!r}")


@functools.lru_cache(maxsize=8)
def _ignore_pattern(patterns: tuple[str, ...]) -> re.Pattern:
    """One expression for all of IGNORE_FILES, as ``fnmatch`` reads each (never matches when empty)."""
    return re.compile("|".join(fnmatch.translate(os.path.normcase(pattern)) for pattern in patterns) or r"(?!)")


class BuildStage(Generator):
    """A generator of this project's build: the two calls the build driver (``outputs.build``) makes on
    every generator, with their defaults.  Every generator a plugin gives Pelican (``get_generators``)
    is one, or Pelican's ``StaticGenerator`` (which has both); the driver checks it at start-up."""

    def generate_context(self) -> None:
        """Read: add this generator's sources to the model (content types).  Default: nothing."""

    def generate_output(self, writer) -> Iterable[str]:
        """Render and write this generator's files into the staging folder; return the files written
        (paths relative to the folder, ``/``-separated), which the driver declares to the output
        ledger (a file written and not declared fails the commit: ``outputs.state.undeclared``).
        Default: nothing written, ``()``."""
        return ()

    @property
    def build_cache(self) -> BuildCache:
        """The build's caches, forked workers and the dev server's memory (``incremental.BuildCache``)."""
        return BuildCache.of(self.context)


class PageBuilder(BuildStage):
    """A generator the planner asks for pages: every hook the plan stage calls, with its default.

    The planner (``i18n.plan.SitePlanner.plan``) calls these on every generator that is a
    ``PageBuilder``, and nothing else: a content type (:class:`SourceGenerator`) and the
    generators of site-wide pages (``seo``, ``redirects``, ``search``) override what they need.
    Order of the calls: ``resolve`` of every builder, then ``build_pages`` of every content type,
    then of the other builders (which may read the pages planned before them), then the navigation
    (``section``), ``home_blocks`` and ``sitemap_links``.
    """

    # The main navigation's entry for this builder's pages, or None: a contract.model.Section. Its
    # place among the sections is its name's in the setting NAV_SECTIONS (checked at the plan).
    section = None

    def resolve(self, site: Site) -> None:
        """Cross-references between content types (a release's ``Forum``), before any page is planned.

        Reads and annotates the model (``Item.links``); problems go to ``site.log``.  Default: nothing.
        """

    def build_pages(self, site: Site, catalogs) -> list[OutputPage]:
        """The output pages of every language (item pages, lists, feeds, calendars).

        ``catalogs`` (``i18n.Catalogs``) translates interface text: ``catalogs.translator(lang)``.
        Default: none.
        """
        return []

    def home_blocks(self, site: Site, lang: str, tr) -> list[dict]:
        """Blocks of the home page of language ``lang`` (``tr``: its translator).

        Each a dict: ``order`` (smaller first, 50 when missing), ``title``, ``entries``
        (``i18n.Entry``), ``more`` (``(text, url)``), optionally ``modifier``.  Default: none.
        """
        return []

    def sitemap_links(self, site: Site, lang: str, tr) -> list[tuple[str, str]]:
        """Extra ``(title, url)`` links of the HTML sitemap of ``lang`` (year archives, say).  Default: none."""
        return []


class SourceGenerator(PageBuilder):
    """A content type: the sources of one folder, read into items of one kind, and their pages.

    Declares ``kind``, ``folder``, ``schema`` and ``page_kind``; defines ``locate`` and ``url``, the
    pages of one item (``item_pages``) and the others (``build_pages``, :class:`PageBuilder`: lists,
    feeds), optionally ``check``, ``resolve``, ``home_blocks``, ``sitemap_links`` and ``section``.
    """

    kind = ""  # "press"
    folder = ""  # below content/: "press"
    schema = None  # a contract.fields.Schema
    page_kind = PageKind()  # what its item pages are for link previews and search engines (og:type, …)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = Site.of(self.context)
        self.log = self.site.log
        self.site.page_kinds[self.kind] = self.page_kind
        self._parses: KeyedCache | None = None  # the build's cache of parses, once a source is read

    @property
    def parses(self) -> KeyedCache:
        """The build's cache of parses (:func:`parse_cache`), which every content type shares."""
        if self._parses is None:
            self._parses = parse_cache(self.context)
        return self._parses

    # -- what a content type defines ------------------------------------
    def locate(self, rel_dir: str, name: str, shown: str):
        """Check where a source lies; return its translation key, or None."""
        raise NotImplementedError

    def url(self, lang: str, key: str, fields: dict) -> str:
        raise NotImplementedError

    def check(self, item: Item) -> bool:
        """Checks that need the typed fields; False drops the item."""
        return True

    def item_pages(self, site: Site, item: Item, catalogs) -> list[OutputPage]:
        """The pages of one item of this kind (its page; a calendar file of its own), made from the item,
        the settings and the catalogs alone: nothing else of the site (what it refers to is read from the
        item by the template, ``Item.links``).  The planner calls it for every item of the kind, in the
        order of ``site.items``, before ``build_pages``; the dev server may keep the pages of an item
        that did not change (``incremental.memory``).  Default: none."""
        return []

    # -- the same for every content type ----------------------------------
    def held_back(self, fields: dict, header, shown: str) -> bool:
        """Whether a draft or a scheduled item stays unpublished; either is listed as a warning.

        A scheduled item is one of a kind in ``SCHEDULED_KINDS`` (press releases)
        dated after the build date.  With ``PREVIEW`` (the development server)
        both are published, and still listed so that the preview is not mistaken
        for the site as it will be published.
        """
        preview = bool(self.settings.get("PREVIEW"))
        if fields.get("status") == "draft":
            line = header.fields["status"].line
            if preview:
                self.log.warning(shown, "is a draft: shown in this preview only, not published.", line=line, field="Status")
                return False
            self.log.warning(
                shown,
                "is a draft, so it is not published.",
                line=line,
                field="Status",
                fix="remove the Status line (or write 'Status: published') when it is ready.",
            )
            return True
        date = fields.get("date")
        if date is None or self.kind not in self.settings.get("SCHEDULED_KINDS", ()) or date <= self.site.build_date:
            return False
        line = header.fields["date"].line
        when = f"{date:%Y-%m-%d %H:%M}"
        if preview:
            self.log.warning(shown, f"scheduled for {when}: shown in this preview only, not published yet.", line=line, field="Date")
            return False
        self.log.warning(
            shown,
            f"scheduled for {when}: not published yet.",
            line=line,
            field="Date",
            fix="nothing to do if the date is right: the first build after that time publishes it; "
            "to see it now, preview it with 'make devserver'.",
        )
        return True

    def saved(self, full: str, item: Item) -> dt.datetime | None:
        """For an undated item (a standing page) or one dated after the build (an upcoming forum):
        when its file was saved, at the latest now.

        It has no revision date of its own yet, and the build's own time would change its pages at
        every build.  Builds with SOURCE_DATE_EPOCH keep to that date alone (file times vary
        between checkouts): the pages then show the build's date, as before.
        """
        revision = item.modified or item.date
        if self.site.date_fixed or (revision is not None and revision <= self.site.build_date):
            return None
        saved = dt.datetime.fromtimestamp(os.stat(full).st_mtime, self.site.build_date.tzinfo).replace(microsecond=0)
        return min(saved, self.site.build_date)

    def _include_path(self, path, extensions=None):
        """Pelican's rule (IGNORE_FILES, then the extension), with the patterns compiled once.

        ``get_files`` asks it for every file under the content type's folder: with galleries'
        photos, tens of thousands of files, each tried against every pattern by ``fnmatch``.
        """
        if extensions is None:
            extensions = tuple(self.readers.extensions)
        basename = os.path.basename(path)
        if _ignore_pattern(tuple(self.settings["IGNORE_FILES"])).match(os.path.normcase(basename)):
            return False
        return extensions is False or os.path.splitext(basename)[1][1:] in extensions

    def sources(self) -> list[str]:
        """The Markdown files of this content type that may be read, relative to the content folder (listed once).

        The folder is walked by :class:`contract.files.ContentFiles`: a file that is not a regular
        file inside the content folder (a link leading out, a pipe, a loop of links) or that is too
        large is not read; ``generate_context`` reports it.
        """
        if getattr(self, "_sources", None) is None:
            self._sources, self._refused = [], []
            for listed in files_for(self.context).listing(self.folder):
                if not (listed.rel.endswith(".md") or listed.folder) or not self._include_path(listed.rel, extensions=False):
                    continue
                refusal = listed.refusal or files_for(self.context).too_large(listed)
                (self._sources if refusal is None else self._refused).append(listed.rel if refusal is None else (listed.rel, refusal))
        return self._sources

    def generate_context(self):
        for rel in self.sources():
            self.site.claimed.add(rel)
            self.read_source(rel)
        for rel, refusal in self._refused:
            self.site.claimed.add(rel)
            self.log.error(shown_path(os.path.join(self.path, rel)), refusal.message, field="file", fix=refusal.fix)

    def split_name(self, filename: str, shown: str):
        """``name.lang.md`` -> (name, lang); problems are logged."""
        stem = filename[: -len(".md")]
        name, dot, suffix = stem.rpartition(".")
        if not dot:
            name, suffix = stem, self.site.default_lang
        codes = [lang.code for lang in self.site.languages]
        if suffix not in codes:
            wanted = " or ".join(f"{name}.{code}.md" for code in codes)
            self.log.error(
                shown,
                f"'.{suffix}' is not a language of this site (it has {', '.join(codes)}).",
                field="file name",
                fix=f"rename the file to {wanted}; a file with no language suffix is {self.site.default_lang}.",
            )
            return None
        if not NAME_RE.match(name):
            self.log.error(
                shown,
                f"'{name}' cannot be used in a web address.",
                field="file name",
                fix=f"use lower-case letters, digits and hyphens only, e.g. {suggest_name(name)}.{suffix}.md.",
            )
            return None
        return name, suffix

    def read_source(self, rel: str) -> Item | None:
        full = os.path.join(self.path, rel)
        memory = self.build_cache.memory  # the dev server's (incremental.memory), else None
        if memory is not None:
            again = self._read_unchanged(rel, full, memory)
            if again is not _READ_AFRESH:
                return again
        shown = shown_path(full)
        rel_dir, filename = os.path.split(rel)
        named = self.split_name(filename, shown)
        if named is None:
            return None
        name, lang = named
        key = self.locate(rel_dir, name, shown)
        if key is None:
            return None
        reader = reader_for(self.context)
        cache = self.parses
        try:
            digest, data = self.build_cache.digests.digest(full)
            html, header, body_line = cache.get_keyed(digest, lambda: reader.parse(read_bytes(full) if data is None else data, shown))
        except SourceError as err:
            self.log.extend(err.problems)
            if err.parsed is not None:  # only its HTML is refused: what else is wrong is said now too
                html, header, body_line = err.parsed
                self.schema.check(header, shown, self.log)
                refused = {problem.line for problem in err.problems}  # an address in refused HTML is that problem
                self._report_references(shown, full, body_line, self._resolve(addresses(html), rel), skip_lines=refused)
            return None
        found = cache.get_keyed(digest + b"/addresses", lambda: addresses(html))
        if memory is not None:
            last = memory.read(rel, digest)
            if last is not None:
                again = self._read_again(rel, full, shown, *last)
                if again is not _READ_AFRESH:
                    memory.reused(rel)
                    return again
        language = self.site.language[lang]
        html = localize(html, language.external_label, language.footnote_back)  # the parse is the same in every language
        problems = len(self.log.problems)
        fields = self.schema.check(header, shown, self.log)
        if fields is None:
            return None
        quiet = len(self.log.problems) == problems  # the header's checks said nothing (said again only by reading it)
        for dated in ("date", "modified"):  # when the clock passes it, what is built changes
            if isinstance(fields.get(dated), dt.datetime) and fields[dated] > self.site.build_date:
                self.site.future_dates.append(fields[dated])
        if self.held_back(fields, header, shown):
            return None
        url = self.url(lang, key, fields)
        body = Body(
            content=html,
            metadata={"title": fields["title"], "lang": lang, "slug": name, "url": url, "save_as": url + "index.html"},
            settings=self.settings,
            source_path=full,
            context=self.context,
        )
        item = Item(
            kind=self.kind,
            key=key,
            name=name,
            lang=lang,
            path=shown,
            fields=fields,
            url=url,
            content=body,
            body_line=body_line,
            lines={key: raw.line for key, raw in header.fields.items()},
        )
        item.saved = self.saved(full, item)
        if not self.check(item):
            return None
        if not self.site.add(item):
            return None
        self.context["generated_content"][rel] = body  # add_source_path(body), without its relpath
        resolved = self.check_references(item, rel, full, found)
        if memory is not None and quiet and not (resolved.problems or resolved.static or resolved.sources):
            # a body that links files or sources is resolved inside its Pelican object, once: read afresh
            memory.remember_read(rel, digest, item, header, found)
        return item

    def _read_unchanged(self, rel: str, full: str, memory):
        """In the dev server, the item of a source whose file did not change since its last build
        (``memory.unchanged``), taken without hashing or parsing it (it is still listed with the others):
        its name, folder and bytes are those that made the item.  The caches' entries for it are kept for this build as they are.
        ``_READ_AFRESH`` when it must be read as usual (changed, or an entry is missing)."""
        known = memory.unchanged(rel)
        if known is None:
            return _READ_AFRESH
        cache = self.parses
        if not (cache.carry(known.digest) and cache.carry(known.digest + b"/addresses") and self.build_cache.digests.carry(full)):
            return _READ_AFRESH
        again = self._read_again(rel, full, known.item.path, known.item, known.header, known.found)
        if again is not _READ_AFRESH:
            memory.reused(rel)
        return again

    def _read_again(self, rel: str, full: str, shown: str, item: Item, header, found: list):
        """The item the dev server's last build read from these same bytes (``incremental.memory``), with
        what reading a source reports and adds done again; None when it is not published in this
        build, ``_READ_AFRESH`` when its file's time stands for another revision now."""
        if self.saved(full, item) != item.saved:
            return _READ_AFRESH
        fields = item.fields
        for dated in ("date", "modified"):
            if isinstance(fields.get(dated), dt.datetime) and fields[dated] > self.site.build_date:
                self.site.future_dates.append(fields[dated])
        if self.held_back(fields, header, shown):
            return None
        item.links = {}  # cross-references are set again by the plan
        if not self.check(item):
            return None
        if not self.site.add(item):
            return None
        self.context["generated_content"][rel] = item.content
        self.check_references(item, rel, full, found)
        return item

    # Galleries list their photos by file name (checked by the galleries plugin).
    photos_by_name = False

    def _resolve(self, found: list, rel: str):
        """What the addresses ``found`` in the body of ``rel`` resolve to (``contract.references``)."""
        return references_for(self.context).resolve(found, rel, photos_by_name=self.photos_by_name)

    def _report_references(self, shown: str, full: str, body_line: int, resolved, skip_lines=frozenset()) -> None:
        """One error for each address of a body that does not resolve, on its line (none on ``skip_lines``)."""
        for problem in resolved.problems:
            line = reference_line(full, problem.written, body_line)
            if line in skip_lines:
                continue
            self.log.error(
                shown,
                f"'{problem.written}' {problem.message}",
                line=line,
                field="link",
                fix=problem.fix,
            )

    def check_references(self, item: Item, rel: str, full: str, found: list):
        """Resolve the body's addresses (``found``) to files: report each that fails; the files it may publish go to Pelican.

        Returns what they resolved to (``contract.references.Resolved``)."""
        resolved = self._resolve(found, rel)
        self._report_references(item.path, full, item.body_line, resolved)
        self.context["static_links"].update(resolved.static)  # Pelican's StaticGenerator copies these
        for target, written in resolved.sources.items():
            self.site.linked_sources.append((item, target, written))
        self.site.linked_addresses.extend((item, written) for written in resolved.site_addresses)
        return resolved


class StaticFiles(StaticGenerator):
    """Pelican's generator of files copied as they are (``STATIC_PATHS``), listing them safely.

    Pelican's own listing follows every symbolic link: a link to a folder outside the content
    folder would be published, and a link to a parent folder never ends.  Here the folders are
    walked by :class:`contract.files.ContentFiles`; a file that may not be read is an error
    (a line in the build's report) and is never copied.  Files linked with ``{static}`` or
    ``{attach}`` were checked when the body that links them was read.
    """

    def get_files(self, paths, exclude=None, extensions=None):
        files = files_for(self.context)
        site = Site.of(self.context)
        excluded = tuple(f"{os.path.normpath(path).replace(os.sep, '/')}/" for path in exclude or ())
        found = set()
        for path in [paths] if isinstance(paths, str) else paths:
            path = os.path.normpath(path).replace(os.sep, "/").strip("/")
            for listed in files.listing(path):
                if listed.rel.startswith(excluded) or not self._include_path(listed.rel, extensions):
                    continue
                if listed.refusal is not None:
                    site.claimed.add(listed.rel)  # reported here, not again as a stray file
                    site.log.error(shown_path(os.path.join(self.path, listed.rel)), listed.refusal.message, field="file", fix=listed.refusal.fix)
                    continue
                found.add(listed.rel)
        return found

    # -- where a photo was taken is not published -------------------------------------------------
    def generate_context(self):
        super().generate_context()
        site = Site.of(self.context)
        for static in self.staticfiles:  # a JPEG loses its location when written (below); others cannot
            rel = static.source_path
            if rel.lower().endswith(CHECKED_SUFFIXES) and not rel.lower().endswith(JPEG_SUFFIXES):
                full = os.path.join(self.path, rel)
                if has_location(full):
                    site.log.error(
                        shown_path(full), "its metadata gives the place it was taken (GPS), which would be published with it.",
                        field="file", fix="export it again without location data (or as a JPEG, whose location the build removes), "
                        "or put it in a gallery, whose photos are published without metadata.",
                    )

    def generate_output(self, writer) -> list[str]:
        """Copy the theme's static files (``THEME_STATIC_PATHS``, into ``THEME_STATIC_DIR``) and the
        content's (``STATIC_PATHS``) into the staging folder; return the files written.

        Copied here rather than by Pelican, whose copy logs a file it could not copy and goes on
        (a page would be published with a broken link): here such a file is an error naming it."""
        content = [(os.path.join(self.path, sc.source_path), sc.save_as.replace(os.sep, "/")) for sc in self.context["staticfiles"]]
        return [rel for full, rel in [*self._theme_static(), *content] if self._write(full, rel)]

    def _theme_static(self) -> list[tuple[str, str]]:
        """(file, where it goes) for each file of ``THEME_STATIC_PATHS`` (a folder's files at any depth,
        ``IGNORE_FILES`` left out), below ``THEME_STATIC_DIR``; a symbolic link or anything but a
        regular file there is an error naming it (it might lead out of the theme)."""
        ignored = _ignore_pattern(tuple(self.settings.get("IGNORE_FILES", ())))
        destination = self.settings["THEME_STATIC_DIR"].strip("/")
        found = []
        for path in self.settings["THEME_STATIC_PATHS"]:
            source = os.path.join(self.theme, path)
            if os.path.isfile(source):
                found.append((source, os.path.basename(source)))
                continue
            for folder, subfolders, names in os.walk(source):  # links to folders are listed, not walked:
                linked = [name for name in subfolders if os.path.islink(os.path.join(folder, name))]  # errors below
                subfolders[:] = sorted(name for name in subfolders if not ignored.match(os.path.normcase(name)) and name not in linked)
                inside = os.path.relpath(folder, source)
                for name in sorted([*names, *linked]):
                    full = os.path.join(folder, name)
                    if ignored.match(os.path.normcase(name)):
                        continue
                    if os.path.islink(full) or not os.path.isfile(full):
                        Site.of(self.context).log.error(
                            shown_path(full), "is not a regular file of the theme (a symbolic link, a pipe…), so it is not published.",
                            field="file", fix="put the file itself in the theme's static folder, or remove it.",
                        )
                        continue
                    found.append((full, os.path.normpath(os.path.join(inside, name))))
        return [(full, f"{destination}/{rel.replace(os.sep, '/')}".lstrip("/")) for full, rel in found]

    def _write(self, full: str, rel: str) -> bool:
        """Copy ``full`` to ``rel`` of the staging folder (a JPEG without the place it was taken:
        ``images.location``); False, with an error naming it, when it cannot be."""
        target = os.path.join(self.output_path, rel)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.lexists(target):
                os.unlink(target)  # never write through a link
            stripped = without_location(read_bytes(full)) if full.lower().endswith(JPEG_SUFFIXES) else None
            if stripped is None:
                shutil.copyfile(full, target)
            else:
                with open(target, "wb") as handle:
                    handle.write(stripped)
        except OSError as error:
            Site.of(self.context).log.error(
                shown_path(full), f"could not be copied into the site: {error.strerror or error}.", field="file",
                fix="make it a readable file (or remove it), then build again.",
            )
            return False
        return True


# -- parsing on every core ---------------------------------------------------------------------
# A cold build parses every source: Markdown is the larger part of reading, and sources are
# independent, so the parses the cache lacks are shared between forked workers first.  The
# content types then read every source as usual and find each parse in the cache.


def parse_ahead(generators, context) -> int:
    """Parse, on every core, the sources of ``generators`` the cache lacks; the number parsed.

    Not in a rebuild of the dev server that saw fewer files change than make forking worth it
    (``incremental.memory``: the content types then parse them as they read them)."""
    build_cache = BuildCache.of(context)
    memory = build_cache.memory
    if memory is not None and memory.changed is not None and len(memory.changed) < build_cache.parallel_from:
        return 0
    cache = parse_cache(context)
    digests = build_cache.digests
    todo = []
    for generator in generators:
        if isinstance(generator, SourceGenerator):
            for rel in generator.sources():
                full = os.path.join(generator.path, rel)
                try:
                    key, data = digests.digest(full)
                    if not cache.has_key(key):
                        todo.append((key, read_bytes(full) if data is None else data, shown_path(full)))
                except OSError:
                    continue  # reported when its content type reads it
    if build_cache.workers < 2 or len(todo) < build_cache.parallel_from:
        return 0  # the content types parse them as they read them
    reader = reader_for(context)

    def parse(job):
        try:
            return reader.parse(*job[1:])
        except SourceError:
            return None  # read again by its content type, which reports it

    for (key, _data, _shown), value in zip(todo, build_cache.map(parse, todo, step=25)):
        if value is not None:
            cache.put_keyed(key, value)
    return len(todo)
