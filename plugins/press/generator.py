from __future__ import annotations

import re

from contract import CommaList, DateTime, Name, OutputPage, PageKind, Schema, Section, SourceGenerator, Text, latest_revision
from i18n import listing

YEAR_RE = re.compile(r"^press/(\d{4})$")

SCHEMA = Schema(
    "press release",
    [
        Text("Title", required=True, example="Smart Lab hosts its 19th Technology Forum"),
        DateTime("Date", required=True, example="2025-07-30 14:30"),
        Text("Summary", example="One sentence for lists and search results."),
        CommaList("Tags", example="Technology Forum, Innovation"),
        DateTime("Modified", example="2025-08-01 09:00"),
        Name("Forum", example="technology-forum-19"),  # checked by the forums plugin
        Name("Gallery", example="technology-forum-19"),  # checked by the galleries plugin
        # a translation checked against its original's change of that time (plugins/i18n/status.py)
        DateTime("Checked-Against", example="2026-12-03 14:05"),
    ],
)

LIST_KEY = "press:list"


def _pages(entries, size):
    size = max(1, size)
    return [entries[start : start + size] for start in range(0, len(entries), size)] or [[]]


class PressGenerator(SourceGenerator):
    kind = "press"
    folder = "press"
    schema = SCHEMA
    page_kind = PageKind(og_type="article", news_article=True)
    section = Section("press", key=f"{LIST_KEY}:1", title="Press releases")

    def locate(self, rel_dir, name, shown):
        match = YEAR_RE.match(rel_dir)
        if not match:
            self.log.error(
                shown,
                "a press release must be in the folder of its year.",
                field="folder",
                fix="move it to content/press/<YYYY>/, where YYYY is the year of its Date.",
            )
            return None
        return f"press/{match.group(1)}/{name}"

    def url(self, lang, key, fields):
        _, year, name = key.split("/")
        return f"{lang}/press/{year}/{name}/"

    def check(self, item):
        folder_year = item.key.split("/")[1]
        if str(item.date.year) != folder_year:
            self.log.error(
                item.path,
                f"is in {item.date.year} but the file is in the {folder_year} folder.",
                line=None,
                field="Date",
                fix=f"move the file to content/press/{item.date.year}/ or correct the Date.",
            )
            return False
        return True

    # -- pages --------------------------------------------------------------
    def groups(self, site):
        """Newest first; a group's date is that of its first language (sorted once per build: the
        generator is made again for each)."""
        if getattr(self, "_groups", None) is None:
            self._groups = sorted(site.groups_of(self.kind), key=lambda g: (g.primary.date, g.key), reverse=True)
        return self._groups

    def item_pages(self, site, item, catalogs):
        year = item.date.year
        return [
            OutputPage.of_item(
                item,
                "release.html",
                {"item": item, "section": f"{LIST_KEY}:1"},
                crumbs=[(catalogs.translator(item.lang)("Press releases"), f"{item.lang}/press/"), (str(year), f"{item.lang}/press/{year}/")],
            )
        ]

    def build_pages(self, site, catalogs):
        groups = self.groups(site)
        per_page = site.settings["PRESS_PER_PAGE"]
        pages = []
        years = sorted({g.key.split("/")[1] for g in groups}, reverse=True)
        for lang in site.languages:
            code = lang.code
            tr = catalogs.translator(code)
            entries = listing(site, groups, code)
            chunks = _pages(entries, per_page)
            for number, chunk in enumerate(chunks, start=1):
                pages.append(
                    OutputPage(
                        key=f"{LIST_KEY}:{number}",
                        lang=code,
                        url=f"{code}/press/" if number == 1 else f"{code}/press/page/{number}/",
                        template="press_list.html",
                        title=tr("Press releases") if number == 1 else tr("Press releases, page %(number)s", number=number),
                        data={
                            "entries": chunk,
                            "years": [(y, f"{code}/press/{y}/") for y in years],
                            "pagination": {
                                "number": number,
                                "count": len(chunks),
                                "previous": (f"{code}/press/" if number == 2 else f"{code}/press/page/{number - 1}/") if number > 1 else None,
                                "next": f"{code}/press/page/{number + 1}/" if number < len(chunks) else None,
                            },
                            "section": f"{LIST_KEY}:1",
                        },
                        revised=latest_revision(e.item for e in chunk),
                        crumbs=[] if number == 1 else [(tr("Press releases"), f"{code}/press/")],
                    )
                )
            own = [g.items[code] for g in groups if code in g.items][: site.settings["FEED_ITEMS"]]
            pages.append(
                OutputPage(
                    key="press:feed",
                    lang=code,
                    url=f"{code}/press/feed.xml",
                    template="atom.xml",
                    title=tr("Press releases"),
                    data={"items": own, "feed_id": f"tag:smartlab,2019:{code}/press", "html_url": f"{code}/press/"},
                    revised=latest_revision(own),
                )
            )
            by_year: dict[str, list] = {year: [] for year in years}
            for entry in entries:
                by_year[entry.item.key.split("/")[1]].append(entry)
            for year in years:
                in_year = by_year[year]
                pages.append(
                    OutputPage(
                        key=f"press:year:{year}",
                        lang=code,
                        url=f"{code}/press/{year}/",
                        template="press_list.html",
                        title=tr("Press releases in %(year)s", year=year),
                        data={
                            "entries": in_year,
                            "years": [(y, f"{code}/press/{y}/") for y in years],
                            "year": year,
                            "section": f"{LIST_KEY}:1",
                        },
                        revised=latest_revision(e.item for e in in_year),
                        crumbs=[(tr("Press releases"), f"{code}/press/")],
                    )
                )
        return pages

    def home_blocks(self, site, lang, tr):
        entries = listing(site, self.groups(site)[: site.settings["HOME_LATEST"]], lang)
        return [
            {
                "order": 20,
                "title": tr("Latest press releases"),
                "entries": entries,
                "more": (tr("All press releases"), f"{lang}/press/"),
            }
        ]

    def sitemap_links(self, site, lang, tr):
        years = sorted({g.key.split("/")[1] for g in site.groups_of(self.kind)}, reverse=True)
        return [(tr("Press releases in %(year)s", year=y), f"{lang}/press/{y}/") for y in years]
