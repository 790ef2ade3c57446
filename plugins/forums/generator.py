"""Forums: an event type (``events.EventType``) and what only forums have: a number in the
series, the archive's totals and the series' official figures, and the press releases that name
a forum (``Forum: <name>``)."""

from __future__ import annotations

import re
from collections import defaultdict

from contract import CommaList, Field, Name, Text, WholeNumber
from contract.fields import FieldError
from events import EventType, N_, Words, event_schema
from i18n import listing


class Figure(Field):
    """An official figure as a release states it: digits, with ``+`` for "more than" (``7000+``)."""

    def parse(self, raw: str):
        value = super().parse(raw)
        match = re.fullmatch(r"(\d{1,9})\s*(\+?)", value.replace(",", "").replace(" ", ""))
        if not match:
            raise FieldError(f'"{value}" is not a figure.', f"write digits, and + after them for 'more than'{self._eg()}.")
        return int(match.group(1)), bool(match.group(2))


SCHEMA = event_schema(
    "forum page",
    [
        WholeNumber("Number", example="19"),
        Text("Theme", example="Empower Public Service Development through National Self-developed Diversified Technologies"),
        CommaList("Organisers", example="Smart Lab, Hong Kong Science Park, Cyberport"),
        WholeNumber("Participants", example="230"),
        WholeNumber("Exhibitors", example="14"),
        # the whole series up to this forum, as officially stated (its press release): shown on the
        # forums page with this forum's date, as the series' figures
        WholeNumber("Series-Forums", example="19"),
        Figure("Series-Participants", example="7000+"),
        Name("Gallery", example="technology-forum-19"),  # checked by the galleries plugin
    ],
)


def number_runs(numbers) -> list[tuple[int, int]]:
    """Ordinals as runs of consecutive numbers: 1, 16, 17, 18 -> [(1, 1), (16, 18)]; None left out."""
    runs: list[list[int]] = []
    for number in sorted({n for n in numbers if n is not None}):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return [(first, last) for first, last in runs]


class ForumsGenerator(EventType):
    kind = "forum"
    folder = "forums"
    schema = SCHEMA
    item_template = "forum.html"
    list_template = "forum_list.html"
    about = "theme"
    facts = (
        ("theme", N_("Theme")),
        ("organisers", N_("Organisers")),
        ("participants", N_("Participants")),
        ("exhibitors", N_("Exhibitors")),
    )
    words = Words(
        events=N_("Forums"),
        lead=N_("The Technology Forums bring bureaux and departments together with the technology industry, about four times a year since 2019."),
        upcoming=N_("Upcoming forums"),
        none_upcoming=N_("No forum is scheduled at the moment."),
        past=N_("Past forums"),
        calendar_all=N_("Add all forums to your calendar"),
        next=N_("Next forum"),
        latest=N_("Latest forum"),
        all=N_("All forums"),
        register=N_("Register for this forum"),
    )

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

    def item_data(self, site, item, upcoming):
        releases = sorted(self.releases.get(item.key, []), key=lambda g: g.primary.date, reverse=True)
        return {"releases": listing(site, releases, item.lang)}

    def list_data(self, site, upcoming, past, lang):
        return {"totals": self.totals(site, past), "official": self.official(site, past, lang)}

    # -- the series' figures ---------------------------------------------------------
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
