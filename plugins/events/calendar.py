"""iCalendar (RFC 5545) files for events, built with the icalendar library.

Reproducible: UIDs come from the event's key, DTSTAMP from its last
revision, never from the clock.  Times carry TZID=Asia/Hong_Kong with the
matching VTIMEZONE.

A rebuild takes each calendar from ``.cache/calendars.pickle`` when what it is
made of is unchanged (:class:`Calendars`), and imports icalendar only when a
calendar has to be made.  Any content type with dated items may use it (``events.EventType`` does).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import zoneinfo
from dataclasses import dataclass
from importlib import metadata


TZID = "Asia/Hong_Kong"


@functools.lru_cache(maxsize=None)
def _vtimezone(tzid: str):
    """The VTIMEZONE of ``tzid``, derived once per process and shared by every calendar (writing a
    calendar only reads its components)."""
    from icalendar import Timezone

    return Timezone.from_ical(Timezone.from_tzid(tzid).to_ical())


def _zone_data(tzid: str) -> bytes:
    """The time zone database's entry for ``tzid`` (the VTIMEZONE is derived from it)."""
    for root in zoneinfo.TZPATH:
        path = os.path.join(root, tzid)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                return handle.read()
    try:
        return metadata.version("tzdata").encode()
    except metadata.PackageNotFoundError:
        return b"-"


class Calendars:
    """Calendar files, each remembered by exactly what it is made of.

    :func:`made_of` gathers every value a calendar shows (:class:`Event` for each item);
    :func:`calendar_bytes` writes the file from those values alone, so the key (their ``repr``)
    cannot leave out a value the file carries.  The cache's fingerprint is this module's code, the
    icalendar version and the time zone's data, so a change to any of them makes every calendar
    again.  The cache is the build's shared ``calendars`` cache (``build_cache.keyed``, from the
    build's ``incremental.BuildCache``, which a generator has as ``build_cache``;
    ``CACHE_PATH``/calendars.pickle when content is cached): any content type may make calendars
    through it, and the pipeline saves it once, after planning, with what every owner used.
    """

    def __init__(self, build_cache):
        with open(__file__, "rb") as handle:
            code = hashlib.sha256(handle.read()).hexdigest()
        try:
            version = metadata.version("icalendar")
        except metadata.PackageNotFoundError:
            version = "-"
        zone = hashlib.sha256(_zone_data(TZID)).hexdigest()
        self._cache = build_cache.keyed("calendars", f"calendars:{code}:{version}:{zone}")

    def __call__(self, site, items, lang, name: str | None = None, about=("summary",)) -> bytes:
        made = made_of(site, items, lang, name, about)
        return self._cache.get(repr(made).encode("utf-8"), lambda: calendar_bytes(made))


@dataclass(frozen=True)
class Event:
    """One VEVENT, as written: every value it shows."""

    uid: str
    stamp: dt.datetime  # DTSTAMP: the item's last revision, never the clock
    start: dt.datetime
    end: dt.datetime | None
    summary: str
    location: str | None
    description: str | None
    url: str


@dataclass(frozen=True)
class Calendar:
    """One calendar file, as written: every value it shows."""

    prodid: str
    name: str | None  # X-WR-CALNAME, for a series
    events: tuple[Event, ...]


def made_of(site, items, lang, name: str | None = None, about=("summary",)) -> Calendar:
    """What the calendar of ``items`` in ``lang`` shows (``name``: the series' name, for a series;
    ``about``: the fields whose values, one per line, describe an event)."""
    domain = site.settings["CALENDAR_DOMAIN"]
    siteurl = site.settings["SITEURL"].rstrip("/")
    events = []
    for item in items:
        description = [item.fields[k] for k in about if item.fields.get(k)]
        events.append(Event(
            uid=f"{item.key.replace('/', '-')}@{domain}",
            stamp=item.revised,
            start=item.date,
            end=item.fields.get("end"),
            summary=item.title,
            location=item.fields.get("venue"),
            description="\n".join(description) or None,
            url=f"{siteurl}/{item.url}",
        ))
    return Calendar(prodid=f"-//{domain}//Smart Lab site//{lang.code.upper()}", name=name, events=tuple(events))


def calendar_bytes(made: Calendar) -> bytes:
    """The iCalendar file of ``made``, from its values alone."""
    from icalendar import Calendar as ICalendar, Event as IEvent

    calendar = ICalendar()
    calendar.add("prodid", made.prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if made.name:
        calendar.add("x-wr-calname", made.name)
    calendar.add_component(_vtimezone(TZID))
    for one in made.events:
        event = IEvent()
        event.add("uid", one.uid)
        event.add("dtstamp", one.stamp)
        event.add("dtstart", one.start)
        if one.end:
            event.add("dtend", one.end)
        event.add("summary", one.summary)
        if one.location:
            event.add("location", one.location)
        if one.description:
            event.add("description", one.description)
        event.add("url", one.url)
        calendar.add_component(event)
    return calendar.to_ical()
