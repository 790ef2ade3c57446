"""The site model every later stage reads.

One build fills one :class:`Site` (kept in Pelican's shared context under
``"site"``): the languages, every source item, translation groups of items,
and finally the output pages of every language.  Templates only read it.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field

from markupsafe import Markup

from .fields import HONG_KONG
from .problems import ProblemLog


@dataclass(frozen=True)
class Language:
    code: str  # in file names and URLs: "en", "tc"
    locale: str  # Babel locale: "en_HK", "zh_Hant_HK"
    html_lang: str  # BCP 47 for <html lang> and hreflang: "en", "zh-Hant-HK"
    name: str  # its own name, for the switcher: "English", "繁體"
    label: str  # its English name, for build messages: "Traditional Chinese"
    og_locale: str  # "en_HK", "zh_HK"
    sitename: str  # the site's name in this language
    only_label: str  # "(English only)": an item listed elsewhere that exists only in this language
    derived_from: str | None = None  # "tc" for "sc": built by conversion where no source is written
    external_label: str = ""  # "(external link)": read after a link to another site, visually hidden
    footnote_back: str = ""  # "Jump back to footnote %(number)s in the text": a footnote's link back, its title


def languages_from_settings(settings) -> list[Language]:
    return [Language(code=code, **spec) for code, spec in settings["LANGUAGES"].items()]



def latest_revision(items):
    """The newest revision (``Item.revised``) among ``items``, or None when none has one: what a page
    listing them shows as its own revision."""
    return max(filter(None, (item.revised for item in items)), default=None)

@dataclass
class Item:
    """One source file: one content item in one language."""

    kind: str  # "press", "page"
    key: str  # translation key, shared by translations: "press/2025/forum-19"
    name: str  # "forum-19"
    lang: str
    path: str  # as shown to editors: "content/press/2025/forum-19.en.md"
    fields: dict  # typed header values, lower-case keys
    url: str  # Pelican style, no leading slash: "en/press/2025/forum-19/"
    content: object = None  # the pelican Content object holding the body
    body_line: int = 1
    lines: dict = field(default_factory=dict)  # header line of each field, lower-case keys
    derived_from: Item | None = None  # the source item this one was converted from (sc from tc)
    links: dict = field(default_factory=dict)  # cross-references resolved in the plan stage: {"forum": Group}
    # For an undated item (a standing page) or one dated after the build (an upcoming forum), in a
    # build without SOURCE_DATE_EPOCH: when its file was last saved, which is then its last revision.
    saved: dt.datetime | None = None

    @property
    def title(self) -> str:
        return self.fields["title"]

    @property
    def date(self) -> dt.datetime | None:
        return self.fields.get("date")

    @property
    def modified(self) -> dt.datetime | None:
        return self.fields.get("modified")

    @property
    def revised(self) -> dt.datetime | None:
        """Last revision: Modified, else Date; when there is none yet, when the file was saved (``saved``)."""
        fields = self.fields  # read here, not through the properties: lists ask it of every item they show
        return self.saved or fields.get("modified") or fields.get("date")

    @property
    def summary(self) -> str:
        return self.fields.get("summary", "")

    @property
    def html(self) -> Markup:
        return Markup(self.content.content)


@dataclass
class Group:
    """An item and its translations."""

    key: str
    kind: str
    items: dict[str, Item] = field(default_factory=dict)  # by language code

    @property
    def primary(self) -> Item:
        """The item in the first language the group has (items are kept in language order)."""
        return next(iter(self.items.values()))

    def ordered(self, languages) -> list[Item]:
        return [self.items[lang.code] for lang in languages if lang.code in self.items]

    def best(self, lang: str, languages) -> Item:
        """The item in ``lang``, else the first translation in language order."""
        return self.items.get(lang) or self.primary


@dataclass(frozen=True)
class PageKind:
    """What the item pages of a content type are, for link previews and search engines
    (theme/templates/partials/seo_meta.html reads it as ``page_kind``)."""

    og_type: str = "website"  # Open Graph og:type: "article" for dated news and events
    news_article: bool = False  # article:published_time/modified_time and schema.org NewsArticle data
    searched: bool = True  # its item pages are in the site's search (plugins/search)
    in_sitemaps: bool = True  # its item pages are in the XML sitemaps (plugins/seo); False also gives them robots noindex
    standing: bool = False  # pages of the site itself (About, Contact): the HTML sitemap lists them apart


@dataclass
class OutputPage:
    """One file the build writes, in one language."""

    key: str  # shared by the same page in every language: "press:list:2"
    lang: str | None  # None for language-neutral pages (the root chooser)
    url: str  # Pelican style: "en/press/", "" for the root
    template: str
    title: str
    data: dict = field(default_factory=dict)
    revised: dt.datetime | None = None
    crumbs: list = field(default_factory=list)  # [(title, url)] between home and this page
    source: str = ""  # the source file behind it, for messages
    item: Item | None = None
    body: bytes | None = None  # written as it is, without a template (calendars)
    kind: PageKind = PageKind()  # what the page is: its item's content type's, stamped by the planner

    @classmethod
    def of_item(cls, item: Item, template: str, data: dict, crumbs: list | None = None) -> OutputPage:
        """The page of ``item`` itself, at its address, with its title and revision (a content
        type's ``item_pages``)."""
        return cls(key=item.key, lang=item.lang, url=item.url, template=template, title=item.title, data=data,
                   revised=item.revised, crumbs=crumbs or [], source=item.path, item=item)

    @property
    def save_as(self) -> str:
        return self.url + "index.html" if self.url.endswith("/") or not self.url else self.url


@dataclass(frozen=True)
class Section:
    """A top-level section in the main navigation, declared by a content type (``section``).

    Sections are shown in the order of the setting ``NAV_SECTIONS``, which lists their names.
    """

    name: str  # as NAV_SECTIONS lists it: "press"
    key: str  # the key of its first page: "press:list:1"
    title: str  # a msgid, translated by the theme


class Site:
    def __init__(self, settings):
        self.settings = settings
        self.languages = languages_from_settings(settings)
        self.language = {lang.code: lang for lang in self.languages}
        self.default_lang = settings["DEFAULT_LANG"]
        self.log = ProblemLog()
        self.items: list[Item] = []
        self.groups: dict[str, Group] = {}
        self.pages: list[OutputPage] = []
        self.page_kinds: dict[str, PageKind] = {}  # each content type's kind -> its PageKind (SourceGenerator)
        self.claimed: set[str] = set()  # source paths some content type took
        self.build_date = build_date()
        self.date_fixed = date_fixed()  # SOURCE_DATE_EPOCH: nothing may depend on the clock or file times
        self.future_dates: list[dt.datetime] = []  # dates after the build that sources carry (held back or not)
        self.linked_sources: list[tuple[Item, str, str]] = []  # ({filename} links: item, target's rel path, as written)
        self.linked_addresses: list[tuple[Item, str]] = []  # addresses from the site's root a body links: item, as written
        # In a rebuild, output/ as the last build left it (set by the build driver, None in a cold build):
        # a stage may reuse a file from there as it is, and says so in ``reused_files`` (paths relative to
        # it), which the build keeps in the new site.  No content type touches the record of the output.
        self.previous_output: str | None = None
        self.reused_files: set[str] = set()
        self._newest: tuple[int, dt.datetime | None] | None = None  # (items counted, their newest revision)

    def newest_revision(self) -> dt.datetime | None:
        """``latest_revision(self.items)``: what every page that changes with any item shows (made
        once for as long as no item is added; items are only ever added)."""
        if self._newest is None or self._newest[0] != len(self.items):
            self._newest = (len(self.items), latest_revision(self.items))
        return self._newest[1]

    def kinds_where(self, **wanted) -> list[str]:
        """The content kinds whose PageKind has every attribute of ``wanted`` (``standing=True``)."""
        return [kind for kind, declared in self.page_kinds.items() if all(getattr(declared, k) == v for k, v in wanted.items())]

    @classmethod
    def of(cls, context) -> Site:
        if "site" not in context:
            context["site"] = cls(context)
        return context["site"]

    def add(self, item: Item) -> bool:
        """Add an item to its translation group; False if its language is taken."""
        group = self.groups.setdefault(item.key, Group(item.key, item.kind))
        other = group.items.get(item.lang)
        if other is not None:
            self.log.error(
                item.path,
                f"is a second {self.language[item.lang].label} ({item.lang}) version of {other.path}; "
                f"both would be /{item.url}.",
                field="file name",
                fix=f"remove one of the two files (a file with no language suffix is {self.default_lang}).",
            )
            return False
        self.items.append(item)
        group.items[item.lang] = item
        group.items = {lang.code: group.items[lang.code] for lang in self.languages if lang.code in group.items}
        return True

    def groups_of(self, kind: str) -> list[Group]:
        return [g for g in self.groups.values() if g.kind == kind]


def date_fixed() -> bool:
    """Whether the build's date comes from SOURCE_DATE_EPOCH (publish builds, tests, the benchmark)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return bool(epoch and epoch.isdigit())


def build_date() -> dt.datetime:
    """Now in Hong Kong, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    seconds = int(os.environ["SOURCE_DATE_EPOCH"]) if date_fixed() else int(time.time())
    return dt.datetime.fromtimestamp(seconds, HONG_KONG)
