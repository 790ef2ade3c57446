"""iCalendar (RFC 5545) files for forums, built with the icalendar library.

Reproducible: UIDs come from the forum's name, DTSTAMP from its last
revision, never from the clock.  Times carry TZID=Asia/Hong_Kong with the
matching VTIMEZONE.
"""

from __future__ import annotations

import functools

from icalendar import Calendar, Event, Timezone

TZID = "Asia/Hong_Kong"


@functools.lru_cache(maxsize=None)
def _vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE of ``tzid``, derived once per process and shared by every calendar (writing a
    calendar only reads its components)."""
    return Timezone.from_ical(Timezone.from_tzid(tzid).to_ical())


def _absolute(site, url: str) -> str:
    siteurl = site.settings["SITEURL"].rstrip("/")
    return f"{siteurl}/{url}"


def calendar_bytes(site, items, lang, name: str | None = None) -> bytes:
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
