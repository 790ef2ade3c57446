"""Dated events as a concept: what every kind of event (forums, workshops) shares.

A library, not a plugin of its own: an event type is a content type (``contract.SourceGenerator``)
built on :class:`EventType`, which plans, in every language,

* a page per event (``event.html``): its facts (date and time, venue, the fields the type lists in
  ``facts``, registration while it is upcoming), a calendar file (``event.ics``) and schema.org
  Event data;
* the series (``event_list.html`` at ``/<lang>/<folder>/``): upcoming events (soonest first), then
  past ones by year (newest first);
* an Atom feed (``feed.xml``) and a calendar of the whole series (``<folder>.ics``);
* a block on the home page: the next event, else the latest.

A type declares its folder (also its section's name in ``NAV_SECTIONS``), schema (:func:`event_schema`), the words its pages
use (:class:`Words`, message ids marked with :func:`N_` so that ``make translations`` finds them)
and what is its own (``item_data``, ``list_data``, templates extending the shared ones).
Calendars are made through ``events.calendar.Calendars``, cached by what they are made of.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from contract import DateTime, OutputPage, PageKind, Schema, Section, SourceGenerator, Text, Url, latest_revision
from i18n import listing

from .calendar import Calendars
from .jsonld import event_jsonld


def N_(message: str) -> str:
    """Mark a message id for ``make translations``; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Words:
    """What an event type's pages call its events (message ids; the theme's catalogs translate them)."""

    events: str  # the section and list title: "Forums"
    lead: str  # the sentence under the list's title
    upcoming: str  # "Upcoming forums"
    none_upcoming: str  # "No forum is scheduled at the moment."
    past: str  # "Past forums"
    calendar_all: str  # "Add all forums to your calendar"
    next: str  # "Next forum" (home page)
    latest: str  # "Latest forum" (home page)
    all: str  # "All forums" (home page)
    register: str  # "Register for this forum"


def event_schema(label: str, fields: list) -> Schema:
    """The fields every event has (Title, Date, End, Venue, Registration, Summary, Modified,
    Checked-Against), with the type's own ``fields`` after Venue."""
    return Schema(
        label,
        [
            Text("Title", required=True, example="Open Data Workshop"),
            DateTime("Date", required=True, example="2026-03-12 14:30"),
            DateTime("End", example="2026-03-12 17:00"),
            Text("Venue", example="Smart Government Innovation Lab, Cyberport"),
            *fields,
            Url("Registration", example="https://www.example.gov.hk/register"),
            Text("Summary", example="One sentence for lists and search results."),
            DateTime("Modified", example="2026-03-13 09:00"),
            # a translation checked against its original's change of that time (plugins/i18n/status.py)
            DateTime("Checked-Against", example="2026-12-03 14:05"),
        ],
    )


class EventType(SourceGenerator):
    """A content type of dated events: ``content/<folder>/<name>.<lang>.md``, one page each at
    ``/<lang>/<folder>/<name>/``.  Declare ``kind``, ``folder``, ``schema``, ``words`` (the navigation section follows);
    optionally ``about``, ``facts``, ``item_template``, ``list_template``, ``home_order``, and
    override ``item_data``/``list_data`` for what only this type shows."""

    page_kind = PageKind(og_type="article")
    words: Words = None
    about = None  # the field that says what an event is about: its calendar and JSON-LD description
    facts: tuple[tuple[str, str], ...] = ()  # (field, label msgid) shown after the venue, when set
    item_template = "event.html"
    list_template = "event_list.html"
    home_order = 10

    @property
    def list_key(self) -> str:
        return f"{self.folder}:list"

    @property
    def section(self) -> Section:
        """Its place in the navigation, named by its folder in NAV_SECTIONS: its list page, titled as its events."""
        return Section(self.folder, key=self.list_key, title=self.words.events)

    # -- where sources are and what their pages are called -------------------------------
    def locate(self, rel_dir, name, shown):
        if rel_dir != self.folder:
            self.log.error(shown, f"{self.schema.label}s cannot be in sub-folders.", field="folder", fix=f"move the file to content/{self.folder}/.")
            return None
        return f"{self.folder}/{name}"

    def url(self, lang, key, fields):
        return f"{lang}/{key}/"

    def check(self, item):
        end = item.fields.get("end")
        if end is not None and end <= item.date:
            self.log.error(
                item.path,
                f"is before the start ({item.fields['date']:%Y-%m-%d %H:%M}).",
                line=item.lines.get("end"),
                field="End",
                fix=f"write the time the {self.kind} ends, after its Date, or remove the End line.",
            )
            return False
        return True

    # -- the model of the series ---------------------------------------------------------
    def split(self, site):
        """Upcoming (soonest first) and past (newest first) groups of this type, at the build date."""
        groups = site.groups_of(self.kind)
        start = lambda g: g.primary.date  # noqa: E731
        upcoming = sorted((g for g in groups if start(g) >= site.build_date), key=start)
        past = sorted((g for g in groups if start(g) < site.build_date), key=start, reverse=True)
        return upcoming, past

    def shown_facts(self, item, tr) -> list[tuple[str, str]]:
        """The declared ``facts`` that ``item`` states, as (label, text) in its language."""
        shown = []
        for name, label in self.facts:
            value = item.fields.get(name)
            if value is None or value in ("", ()):
                continue
            if isinstance(value, tuple):
                value = tr(", ").join(value)
            elif isinstance(value, int):
                value = f"{value:,}"
            shown.append((tr(label), value))
        return shown

    # -- what only a type shows -------------------------------------------------------
    def item_data(self, site, item, upcoming: bool) -> dict:
        """More data for the page of ``item`` (its template reads it).  Default: none."""
        return {}

    def list_data(self, site, upcoming, past, lang: str) -> dict:
        """More data for the series page in ``lang``.  Default: none."""
        return {}

    # -- the pages ----------------------------------------------------------------------
    def build_pages(self, site, catalogs):
        calendars = Calendars(self.build_cache)  # from the build's calendar cache when unchanged
        about = tuple(f for f in (self.about, "summary") if f)
        upcoming, past = self.split(site)
        upcoming_keys = {g.key for g in upcoming}
        pages = []
        for item in site.items:
            if item.kind != self.kind:
                continue
            tr = catalogs.translator(item.lang)
            is_upcoming = item.key in upcoming_keys
            calendar_url = f"{item.url}event.ics"
            data = {
                "item": item,
                "upcoming": is_upcoming,
                "facts": self.shown_facts(item, tr),
                "words": self.words,
                "calendar_url": calendar_url,
                "jsonld": event_jsonld(site, item, is_upcoming, self.about),
                "section": self.list_key,
            }
            data.update(self.item_data(site, item, is_upcoming))
            pages.append(
                OutputPage.of_item(item, self.item_template, data, crumbs=[(tr(self.words.events), f"{item.lang}/{self.folder}/")])
            )
            pages.append(
                OutputPage(
                    key=f"{item.key}:ics",
                    lang=item.lang,
                    url=calendar_url,
                    template="",
                    title=item.title,
                    body=calendars(site, [item], site.language[item.lang], about=about),
                    source=item.path,
                )
            )
        for lang in site.languages:
            code = lang.code
            tr = catalogs.translator(code)
            title = tr(self.words.events)
            past_by_year = defaultdict(list)
            for entry in listing(site, past, code):
                past_by_year[entry.item.date.year].append(entry)
            shown = listing(site, upcoming + past, code)
            data = {
                "upcoming": listing(site, upcoming, code),
                "past_by_year": sorted(past_by_year.items(), reverse=True),
                "words": self.words,
                "calendar_url": f"{code}/{self.folder}/{self.folder}.ics",
                "name": self.folder,
            }
            data.update(self.list_data(site, upcoming, past, code))
            pages.append(
                OutputPage(
                    key=self.list_key,
                    lang=code,
                    url=f"{code}/{self.folder}/",
                    template=self.list_template,
                    title=title,
                    data=data,
                    revised=latest_revision(e.item for e in shown),
                )
            )
            own = sorted((g.items[code] for g in upcoming + past if code in g.items), key=lambda i: i.date, reverse=True)
            pages.append(
                OutputPage(
                    key=f"{self.list_key}:feed",
                    lang=code,
                    url=f"{code}/{self.folder}/feed.xml",
                    template="atom.xml",
                    title=title,
                    data={"items": own, "feed_id": f"tag:smartlab,2019:{code}/{self.folder}", "html_url": f"{code}/{self.folder}/"},
                    revised=latest_revision(own),
                )
            )
            in_lang = [g.best(code, site.languages) for g in upcoming + past]
            pages.append(
                OutputPage(
                    key=f"{self.list_key}:ics",
                    lang=code,
                    url=f"{code}/{self.folder}/{self.folder}.ics",
                    template="",
                    title=title,
                    body=calendars(site, in_lang, lang, name=f"{lang.sitename}: {title}", about=about),
                )
            )
        return pages

    def home_blocks(self, site, lang, tr):
        upcoming, past = self.split(site)
        if not upcoming and not past:
            return []
        return [
            {
                "order": self.home_order,
                "modifier": self.kind,
                "title": tr(self.words.next) if upcoming else tr(self.words.latest),
                "entries": listing(site, [upcoming[0] if upcoming else past[0]], lang),
                "more": (tr(self.words.all), f"{lang}/{self.folder}/"),
            }
        ]
