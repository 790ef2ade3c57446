"""iCalendar (RFC 5545) files for forums, built with the icalendar library.

Reproducible: UIDs come from the forum's name, DTSTAMP from its last
revision, never from the clock.  Times carry TZID=Asia/Hong_Kong with the
matching VTIMEZONE.

A rebuild takes each calendar from ``.cache/calendars.pickle`` when what it is
made of is unchanged (:class:`Calendars`), and imports icalendar only when a
calendar has to be made.
"""

from __future__ import annotations

import functools
import hashlib
import os
import zoneinfo
from importlib import metadata

from contract.cache import KeyedCache

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
    """``calendar_bytes`` remembered by what each calendar is made of.

    The key is every value :func:`calendar_bytes` reads (the items' fields it writes, their
    addresses, the language, the name, the settings it uses); the cache's fingerprint is this
    module's code, the icalendar version and the time zone's data, so a change to any of them
    makes every calendar again.  Kept in ``CACHE_PATH``/calendars.pickle when content is cached.
    """

    def __init__(self, settings):
        path = os.path.join(settings["CACHE_PATH"], "calendars.pickle") if settings.get("CACHE_CONTENT") else None
        with open(__file__, "rb") as handle:
            code = hashlib.sha256(handle.read()).hexdigest()
        try:
            version = metadata.version("icalendar")
        except metadata.PackageNotFoundError:
            version = "-"
        zone = hashlib.sha256(_zone_data(TZID)).hexdigest()
        self._cache = KeyedCache(path, f"calendars:{code}:{version}:{zone}")

    def __call__(self, site, items, lang, name: str | None = None) -> bytes:
        made_of = (
            site.settings["CALENDAR_DOMAIN"], site.settings["SITEURL"], lang.code, name,
            [
                (item.key, item.url, item.title, item.revised, item.date,
                 *(item.fields.get(field) for field in ("end", "venue", "theme", "summary")))
                for item in items
            ],
        )
        return self._cache.get(repr(made_of).encode("utf-8"), lambda: calendar_bytes(site, items, lang, name))

    def save(self) -> None:
        self._cache.save()


def _absolute(site, url: str) -> str:
    siteurl = site.settings["SITEURL"].rstrip("/")
    return f"{siteurl}/{url}"


def calendar_bytes(site, items, lang, name: str | None = None) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//{site.settings['CALENDAR_DOMAIN']}//Smart Lab site//{lang.code.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add_component(_vtimezone(TZID))
    for item in items:
        event = Event()
        event.add("uid", f"{item.key.replace('/', '-')}@{site.settings['CALENDAR_DOMAIN']}")
        event.add("dtstamp", item.revised)
        event.add("dtstart", item.date)
        if item.fields.get("end"):
            event.add("dtend", item.fields["end"])
        event.add("summary", item.title)
        if item.fields.get("venue"):
            event.add("location", item.fields["venue"])
        description = [item.fields[k] for k in ("theme", "summary") if item.fields.get(k)]
        if description:
            event.add("description", "\n".join(description))
        event.add("url", _absolute(site, item.url))
        calendar.add_component(event)
    return calendar.to_ical()
