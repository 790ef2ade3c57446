from __future__ import annotations

from collections import defaultdict

import re

from contract import CommaList, DateTime, Field, Name, OutputPage, PageKind, Schema, Section, SourceGenerator, Text, Url, WholeNumber
from contract.fields import FieldError
from i18n import listing

from .calendar import Calendars
from .jsonld import event_jsonld

class Figure(Field):
    """An official figure as a release states it: digits, with ``+`` for "more than" (``7000+``)."""

    def parse(self, raw: str):
        value = super().parse(raw)
        match = re.fullmatch(r"(\d{1,9})\s*(\+?)", value.replace(",", "").replace(" ", ""))
        if not match:
            raise FieldError(f'"{value}" is not a figure.', f"write digits, and + after them for 'more than'{self._eg()}.")
        return int(match.group(1)), bool(match.group(2))


SCHEMA = Schema(
    "forum page",
    [
        Text("Title", required=True, example="19th Technology Forum"),
        DateTime("Date", required=True, example="2025-07-30 14:30"),
        DateTime("End", example="2025-07-30 17:30"),
        WholeNumber("Number", example="19"),
        Text("Theme", example="Empower Public Service Development through National Self-developed Diversified Technologies"),
        Text("Venue", example="Hong Kong Science Park"),
        CommaList("Organisers", example="Smart Lab, Hong Kong Science Park, Cyberport"),
        WholeNumber("Participants", example="230"),
        WholeNumber("Exhibitors", example="14"),
        # the whole series up to this forum, as officially stated (its press release): shown on the
        # forums page with this forum's date, as the series' figures
        WholeNumber("Series-Forums", example="19"),
        Figure("Series-Participants", example="7000+"),
        Url("Registration", example="https://www.example.gov.hk/register"),
        Name("Gallery", example="technology-forum-19"),  # checked by the galleries plugin
        Text("Summary", example="One sentence for lists and search results."),
        DateTime("Modified", example="2025-08-01 09:00"),
        # a translation checked against its original's change of that time (plugins/i18n/status.py)
        DateTime("Checked-Against", example="2026-12-03 14:05"),
    ],
)

LIST_KEY = "forums:list"


def number_runs(numbers) -> list[tuple[int, int]]:
    """Ordinals as runs of consecutive numbers: 1, 16, 17, 18 -> [(1, 1), (16, 18)]; None left out."""
    runs: list[list[int]] = []
    for number in sorted({n for n in numbers if n is not None}):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return [(first, last) for first, last in runs]


class ForumsGenerator(SourceGenerator):
    kind = "forum"
    folder = "forums"
    schema = SCHEMA
    page_kind = PageKind(og_type="article")
    section = Section("forums", key=LIST_KEY, title="Forums")

    def locate(self, rel_dir, name, shown):
        if rel_dir != "forums":
            self.log.error(shown, "forum pages cannot be in sub-folders.", field="folder", fix="move the file to content/forums/.")
            return None
        return f"forums/{name}"

    def url(self, lang, key, fields):
        return f"{lang}/forums/{key.split('/', 1)[1]}/"

    def check(self, item):
        end = item.fields.get("end")
        if end is not None and end <= item.date:
            self.log.error(
                item.path,
                f"is before the start ({item.fields['date']:%Y-%m-%d %H:%M}).",
                line=item.lines.get("end"),
                field="End",
                fix="write the time the forum ends, after its Date, or remove the End line.",
            )
            return False
        return True

    # -- cross-references: releases name the forum they report --------------
    def resolve(self, site):
        self.releases = defaultdict(list)  # forum key -> release groups
        names = sorted(g.key.split("/", 1)[1] for g in site.groups_of(self.kind))
        for item in site.items:
            name = item.fields.get("forum")
            if name is None:
                continue
            key = f"forums/{name}"
            if key not in site.groups:
                site.log.error(
                    item.path,
                    f"'{name}' names no forum in content/forums/.",
                    line=item.lines.get("forum"),
                    field="Forum",
                    fix=f"use the file name of a forum page without its language suffix ({', '.join(names) or 'none yet'}).",
                )
                continue
            item.links["forum"] = site.groups[key]
            if item.key not in [g.key for g in self.releases[key]]:
                self.releases[key].append(site.groups[item.key])

    # -- the model of the series -------------------------------------------------
    def split(self, site):
        """Upcoming (soonest first) and past (newest first) forum groups, at the build date."""
        groups = site.groups_of(self.kind)
        start = lambda g: g.primary.date  # noqa: E731
        upcoming = sorted((g for g in groups if start(g) >= site.build_date), key=start)
        past = sorted((g for g in groups if start(g) < site.build_date), key=start, reverse=True)
        return upcoming, past

    @staticmethod
    def totals(site, past):
        """What the archive holds of the past forums, said as such: the series may be longer than the
        archive, so these are never the series' own totals.

        ``held``: past forums with a page; ``numbers``: their ordinals as runs ``["1", "16–21"]`` (none
        when a forum has no Number);
        ``participants``/``exhibitors``: sums over the forums whose page states the figure, and
        ``participants_reported``/``exhibitors_reported``: how many of them do.
        """
        firsts = [g.primary for g in past]
        numbers = [i.fields["number"] for i in firsts if i.fields.get("number") is not None]
        # the ordinals are shown only when every forum counted has one
        runs = [str(a) if a == b else f"{a}–{b}" for a, b in number_runs(numbers)]
        totals = {"held": len(firsts), "numbers": runs if len(numbers) == len(firsts) else []}
        for field in ("participants", "exhibitors"):
            stated = [i.fields[field] for i in firsts if i.fields.get(field) is not None]
            totals[field] = sum(stated)
            totals[f"{field}_reported"] = len(stated)
        return totals

    @staticmethod
    def official(site, past, lang):
        """The series' official figures stated by the newest past forum that states them, or None:
        ``forum`` (in ``lang`` where translated), ``date``, ``forums``, ``participants``, ``more``."""
        for group in past:  # newest first
            for item in [group.best(lang, site.languages), *group.items.values()]:
                forums, participants = item.fields.get("series-forums"), item.fields.get("series-participants")
                if forums is not None or participants is not None:
                    return {"forum": group.best(lang, site.languages), "date": item.date, "forums": forums,
                            "participants": participants[0] if participants else None,
                            "more": bool(participants and participants[1])}
        return None

    def build_pages(self, site, catalogs):
        calendars = Calendars(self.context)  # from the build's calendar cache when unchanged
        upcoming, past = self.split(site)
        upcoming_keys = {g.key for g in upcoming}
        totals = self.totals(site, past)
        pages = []
        for item in site.items:
            if item.kind != self.kind:
                continue
            tr = catalogs.translator(item.lang)
            is_upcoming = item.key in upcoming_keys
            releases = sorted(self.releases.get(item.key, []), key=lambda g: g.primary.date, reverse=True)
            calendar_url = f"{item.url}event.ics"
            pages.append(
                OutputPage(
                    key=item.key,
                    lang=item.lang,
                    url=item.url,
                    template="forum.html",
                    title=item.title,
                    data={
                        "item": item,
                        "upcoming": is_upcoming,
                        "releases": listing(site, releases, item.lang),
                        "calendar_url": calendar_url,
                        "jsonld": event_jsonld(site, item, is_upcoming),
                        "section": LIST_KEY,
                    },
                    revised=item.revised,
                    crumbs=[(tr("Forums"), f"{item.lang}/forums/")],
                    source=item.path,
                    item=item,
                )
            )
            pages.append(
                OutputPage(
                    key=f"{item.key}:ics",
                    lang=item.lang,
                    url=calendar_url,
                    template="",
                    title=item.title,
                    body=calendars(site, [item], site.language[item.lang]),
                    source=item.path,
                )
            )
        for lang in site.languages:
            code = lang.code
            tr = catalogs.translator(code)
            past_by_year = defaultdict(list)
            for entry in listing(site, past, code):
                past_by_year[entry.item.date.year].append(entry)
            shown = listing(site, upcoming + past, code)
            pages.append(
                OutputPage(
                    key=LIST_KEY,
                    lang=code,
                    url=f"{code}/forums/",
                    template="forum_list.html",
                    title=tr("Forums"),
                    data={
                        "upcoming": listing(site, upcoming, code),
                        "past_by_year": sorted(past_by_year.items(), reverse=True),
                        "totals": totals,
                        "official": self.official(site, past, code),
                        "calendar_url": f"{code}/forums/forums.ics",
                    },
                    revised=max((e.item.revised for e in shown), default=None),
                )
            )
            own = sorted((g.items[code] for g in upcoming + past if code in g.items), key=lambda i: i.date, reverse=True)
            pages.append(
                OutputPage(
                    key=f"{LIST_KEY}:feed",
                    lang=code,
                    url=f"{code}/forums/feed.xml",
                    template="atom.xml",
                    title=tr("Forums"),
                    data={"items": own, "feed_id": f"tag:smartlab,2019:{code}/forums", "html_url": f"{code}/forums/"},
                    revised=min(max((i.revised for i in own), default=site.build_date), site.build_date),
                )
            )
            in_lang = [g.best(code, site.languages) for g in upcoming + past]
            pages.append(
                OutputPage(
                    key=f"{LIST_KEY}:ics",
                    lang=code,
                    url=f"{code}/forums/forums.ics",
                    template="",
                    title=tr("Forums"),
                    body=calendars(site, in_lang, lang, name=f"{lang.sitename}: {tr('Forums')}"),
                )
            )
        return pages

    def home_blocks(self, site, lang, tr):
        upcoming, past = self.split(site)
        if not upcoming and not past:
            return []
        group = upcoming[0] if upcoming else past[0]
        return [
            {
                "order": 10,
                "modifier": "forum",
                "title": tr("Next forum") if upcoming else tr("Latest forum"),
                "entries": listing(site, [group], lang),
                "more": (tr("All forums"), f"{lang}/forums/"),
            }
        ]
