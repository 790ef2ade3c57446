"""Forums on the fixture site, built on 2026-01-01: upcoming/past split, totals, calendars, JSON-LD, back-links.

Which forums a list, a total or a calendar holds is computed from the forums the build read (the
model's typed fields, fixture_plan), so that a forum added to the fixture changes no test here.
"""

import json

import pytest
from icalendar import Calendar

from tests.helpers import address


def forums(plan):
    """The fixture's forums at the build date: upcoming (soonest first) and past (newest first) groups."""
    site = plan.site
    groups = site.groups_of("forum")
    upcoming = sorted((g for g in groups if g.primary.date >= site.build_date), key=lambda g: g.primary.date)
    past = sorted((g for g in groups if g.primary.date < site.build_date), key=lambda g: g.primary.date, reverse=True)
    return upcoming, past


def shown_in(plan, groups, lang):
    """The addresses a list of ``lang`` links for ``groups``: each in ``lang`` where translated."""
    return ["/" + group.best(lang, plan.site.languages).url for group in groups]


def test_upcoming_first_then_past_by_year_newest_first(fixture_site, fixture_plan):
    upcoming, past = forums(fixture_plan)
    assert upcoming and past  # the fixture has both (forum-b is dated 2027)
    page = fixture_site.page("/en/forums/")
    shown = page.select_one("#forums-upcoming").find_parent("section")
    assert [a["href"] for a in shown.select("a.sl-entry__link")] == shown_in(fixture_plan, upcoming, "en")
    shown = page.select_one("#forums-past").find_parent("section")
    years = [str(g.primary.date.year) for g in past]
    assert [h.get_text() for h in shown.select("h3")] == sorted(set(years), reverse=True)
    assert [a["href"] for a in shown.select("a.sl-entry__link")] == shown_in(fixture_plan, past, "en")
    assert "/en/forums/forum-b/" in shown_in(fixture_plan, upcoming, "en")


def test_official_series_figures_are_shown_with_their_date_and_source(fixture_site):
    """forum-a (30 July 2025) states the series' figures: 19 forums, more than 7,000 participants."""
    page = fixture_site.page("/en/forums/")
    official = page.select_one('dl[aria-describedby="forums-official-scope"]')
    assert [dd.get_text() for dd in official.select("dd")] == ["19", "more than 7,000"]
    assert page.select_one("#forums-official-scope").get_text() == "Official figures for the whole series, as of 30 July 2025:"
    assert page.select_one(".sl-stats__source a")["href"] == "/en/forums/forum-a/"
    # the tc page of forum-a does not repeat the figures: the group's other language gives them
    tc = fixture_site.page("/tc/forums/")
    assert [dd.get_text() for dd in tc.select('dl[aria-describedby="forums-official-scope"] dd')] == ["19", "超過7,000"]
    assert tc.select_one("#forums-official-scope").get_text() == "整個論壇系列的官方數字（截至2025年7月30日）："
    assert tc.select_one(".sl-stats__source").get_text().startswith("資料來源：")


def test_an_official_figure_is_digits_with_a_plus_for_more_than():
    from contract.fields import FieldError
    from forums.generator import Figure

    figure = Figure("Series-Participants")
    assert figure.parse("7000+") == (7000, True) and figure.parse("7 000") == (7000, False) and figure.parse("7,000 +") == (7000, True)
    with pytest.raises(FieldError):
        figure.parse("over 7000")


def test_series_totals_say_they_count_the_archive_not_the_series(fixture_site, fixture_plan):
    _upcoming, past = forums(fixture_plan)
    firsts = [group.primary.fields for group in past]  # a forum's figures are those of its first language
    participants = sum(fields.get("participants") or 0 for fields in firsts)
    exhibitors = sum(fields.get("exhibitors") or 0 for fields in firsts)
    assert participants and exhibitors  # the fixture states some
    page = fixture_site.page("/en/forums/")
    stats = page.select('dl[aria-describedby="forums-stats-scope"] dd:not(.sl-stats__note)')
    assert [dd.get_text() for dd in stats] == [f"{len(past):,}", f"{participants:,}", f"{exhibitors:,}"]
    assert [dt.get_text() for dt in page.select('dl[aria-describedby="forums-stats-scope"] dt')] == [
        "Past forums in this archive", "Participants at these forums", "Exhibitors at these forums"]
    assert "not totals of the whole series" in page.select_one("#forums-stats-scope").get_text()
    # forum-c has no Number: the ordinals are not shown rather than shown incomplete
    assert page.select(".sl-stats__note") == []
    tc = fixture_site.page("/tc/forums/")
    assert [dt.get_text() for dt in tc.select('dl[aria-describedby="forums-stats-scope"] dt')][0] == "本網站收錄的已舉行論壇"


def test_forum_totals_count_only_forums_that_state_a_figure():
    from types import SimpleNamespace

    from forums.generator import ForumsGenerator

    def group(number=None, **fields):
        return SimpleNamespace(primary=SimpleNamespace(fields={"number": number, **fields}))

    totals = ForumsGenerator.totals(None, [group(19, participants=300), group(18, participants=200, exhibitors=4), group(1)])
    assert totals == {"held": 3, "numbers": ["1", "18–19"], "participants": 500, "participants_reported": 2,
                      "exhibitors": 4, "exhibitors_reported": 1}
    assert ForumsGenerator.totals(None, [group(19), group(None)])["numbers"] == []


def test_only_an_upcoming_forum_offers_add_to_calendar(fixture_site):
    for lang in ("en", "tc"):
        assert fixture_site.page(f"/{lang}/forums/forum-a/").select(".sl-calendar-link") == []
    link = fixture_site.page("/en/forums/forum-b/").select_one(".sl-calendar-link a")
    assert link["href"] == "/en/forums/forum-b/event.ics"


def test_forum_facts_are_localized(fixture_site):
    facts = fixture_site.page("/tc/forums/forum-a/").select_one(".sl-facts")
    text = facts.get_text(" ", strip=True)
    assert "2025年7月30日 14:30 – 17:30" in text
    assert "香港科學園" in text and "智慧政府創新實驗室、數碼港" in text
    assert "日期及時間" in text  # interface string from the tc catalog


def test_registration_shows_only_for_upcoming_forums(fixture_site):
    upcoming = fixture_site.page("/en/forums/forum-b/")
    assert upcoming.select_one('.sl-facts a[href="https://www.example.gov.hk/register"]') is not None
    assert "Registration" not in fixture_site.page("/en/forums/forum-a/").select_one(".sl-facts").get_text()


@pytest.mark.parametrize("lang", ["en", "tc"])
def test_event_calendar_parses_back_with_its_fields(fixture_site, lang):
    data = (fixture_site.output / lang / "forums" / "forum-a" / "event.ics").read_bytes()
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == "forums-forum-a@smartlab.gov.hk"
    assert event.decoded("dtstart").isoformat() == "2025-07-30T14:30:00+08:00"
    assert event["dtstart"].params["TZID"] == "Asia/Hong_Kong"
    assert event.decoded("dtend").isoformat() == "2025-07-30T17:30:00+08:00"
    assert str(event["summary"]) == {"en": "Forum A", "tc": "甲論壇"}[lang]
    assert str(event["location"]) == {"en": "Hong Kong Science Park", "tc": "香港科學園"}[lang]
    assert list(calendar.walk("VTIMEZONE"))[0]["tzid"] == "Asia/Hong_Kong"
    assert b"\r\n" in data


def test_series_calendar_lists_every_forum_in_the_language(fixture_site, fixture_plan):
    calendar = Calendar.from_ical((fixture_site.output / "tc" / "forums" / "forums.ics").read_bytes())
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    upcoming, past = forums(fixture_plan)
    # untranslated ones in their language
    assert summaries == sorted(group.best("tc", fixture_plan.site.languages).title for group in upcoming + past)
    assert "甲論壇" in summaries and "Forum B upcoming" in summaries
    link = fixture_site.page("/tc/forums/").select_one(".sl-calendar-link a")
    assert link["href"] == "/tc/forums/forums.ics"


def test_event_json_ld(fixture_site):
    script = fixture_site.page("/en/forums/forum-a/").select_one('script[type="application/ld+json"]')
    data = json.loads(script.string)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2025-07-30T14:30:00+08:00"
    assert data["endDate"] == "2025-07-30T17:30:00+08:00"
    assert data["location"]["name"] == "Hong Kong Science Park"
    assert [o["name"] for o in data["organizer"]] == ["Smart Lab", "Cyberport"]


def test_releases_naming_a_forum_are_listed_on_it_and_link_back(fixture_site, fixture_plan):
    site = fixture_plan.site
    naming = [g for g in site.groups_of("press") if any(i.fields.get("forum") == "forum-a" for i in g.items.values())]
    naming.sort(key=lambda g: g.primary.date, reverse=True)
    assert "press/2025/beta" in [g.key for g in naming]
    forum = fixture_site.page("/en/forums/forum-a/")
    assert [a["href"] for a in forum.select("#forum-releases ~ ol a.sl-entry__link")] == shown_in(fixture_plan, naming, "en")
    release = fixture_site.page("/en/press/2025/beta/")
    assert release.select_one(".sl-article__forum a")["href"] == "/en/forums/forum-a/"
    # on the tc forum page the English-only release is listed, marked
    tc_forum = fixture_site.page("/tc/forums/forum-a/")
    assert tc_forum.select_one("a.sl-entry__link .sl-entry__only").get_text() == "（只有英文版）"


def test_home_shows_the_next_upcoming_forum(fixture_site, fixture_plan):
    upcoming, _past = forums(fixture_plan)
    block = fixture_site.page("/en/").select_one(".sl-block--forum")
    assert [a["href"] for a in block.select("a.sl-entry__link")] == shown_in(fixture_plan, upcoming[:1], "en")
    assert block.h2.get_text() == "Next forum"


def test_last_revision_date_is_never_in_the_future(fixture_site):
    # forum-b is dated 2027; the build date is 2026-01-01
    footer = fixture_site.page("/en/forums/forum-b/").select_one(".sl-footer__revised time")
    assert footer.get_text() == "1 January 2026"


def test_forums_have_an_atom_feed_per_language_linked_from_every_page(fixture_site, fixture_plan):
    import feedparser

    feed = feedparser.parse((fixture_site.output / "tc" / "forums" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    upcoming, past = forums(fixture_plan)
    written = sorted((g.items["tc"] for g in upcoming + past if "tc" in g.items), key=lambda item: item.date, reverse=True)
    assert [e.link for e in feed.entries] == ["/" + item.url for item in written]  # those written in tc, newest first
    assert "/tc/forums/forum-a/" in [e.link for e in feed.entries]
    heads = [link["href"] for link in fixture_site.page("/tc/about/").select('link[type="application/atom+xml"]')]
    assert "/tc/forums/feed.xml" in heads
    assert heads == [address(page) for page in fixture_plan.feeds("tc")]


def _calendar_site(tmp_path):
    import datetime as dt
    from types import SimpleNamespace

    from contract.model import Language

    hk = dt.timezone(dt.timedelta(hours=8))
    settings = {"CALENDAR_DOMAIN": "lab.example", "SITEURL": "https://lab.example", "CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path)}
    lang = Language("en", "en_HK", "en", "English", "English", "en_HK", "Lab", "(English only)")

    def event(key, title, **fields):
        return SimpleNamespace(key=key, url=f"en/{key}/", title=title, revised=dt.datetime(2025, 8, 1, tzinfo=hk),
                               date=dt.datetime(2025, 7, 30, 14, 30, tzinfo=hk), fields=fields)

    return SimpleNamespace(settings=settings), lang, event


def _count_made(monkeypatch):
    import events.calendar as calendar_module

    made = []
    real = calendar_module.calendar_bytes
    monkeypatch.setattr(calendar_module, "calendar_bytes", lambda calendar: made.append(calendar.events[0].summary) or real(calendar))
    return made


def test_a_calendar_is_made_again_only_when_what_it_is_made_of_changed(tmp_path, monkeypatch):
    import events.calendar as calendar_module
    from incremental import BuildCache

    site, lang, event = _calendar_site(tmp_path)
    forum = event("forums/forum-a", "Forum A", venue="Science Park")
    made = _count_made(monkeypatch)

    def build():
        build_cache = BuildCache(site.settings)  # one build's
        data = calendar_module.Calendars(build_cache)(site, [forum], lang)
        build_cache.save()
        return data

    first = build()
    assert b"LOCATION:Science Park" in first and made == ["Forum A"]
    assert build() == first and made == ["Forum A"]  # the next build takes it from the cache
    forum.fields = {"venue": "Cyberport"}
    assert b"LOCATION:Cyberport" in build() and made == ["Forum A", "Forum A"]
    monkeypatch.setattr(calendar_module, "_zone_data", lambda tzid: b"another version of the zone")
    build()
    assert len(made) == 3  # new time zone data: made again


def test_a_calendar_key_is_exactly_what_the_file_shows(tmp_path):
    """The key is the values the file is written from: any field the calendar writes changes it, a field it does not write does not."""
    import dataclasses

    import events.calendar as calendar_module

    site, lang, event = _calendar_site(tmp_path)
    forum = event("forums/forum-a", "Forum A", venue="Science Park", theme="AI", summary="One line.")
    made = calendar_module.made_of(site, [forum], lang)
    written = calendar_module.calendar_bytes(made).decode()
    for field in dataclasses.fields(calendar_module.Event):  # every value the key holds is in the file
        value = getattr(made.events[0], field.name)
        if isinstance(value, str):
            assert value.replace("\n", "\\n") in written.replace("\r\n ", ""), field.name
    forum.fields["participants"] = 230  # not in the calendar: same key
    assert calendar_module.made_of(site, [forum], lang) == made
    forum.fields["summary"] = "Another line."
    assert calendar_module.made_of(site, [forum], lang) != made


def test_owners_of_the_calendar_cache_keep_each_others_entries_and_unused_ones_are_dropped(tmp_path, monkeypatch):
    """Forums and a second content type share .cache/calendars.pickle: neither evicts the other's calendars."""
    import events.calendar as calendar_module
    from incremental import BuildCache

    site, lang, event = _calendar_site(tmp_path)
    forum, workshop = event("forums/forum-a", "Forum A"), event("workshops/w-1", "Workshop 1")
    made = _count_made(monkeypatch)

    def build(*items):
        build_cache = BuildCache(site.settings)
        for item in items:  # each owner makes its own Calendars, as each content type does
            calendar_module.Calendars(build_cache)(site, [item], lang)
        build_cache.save()

    build(forum, workshop)
    build(forum, workshop)
    assert made == ["Forum A", "Workshop 1"]  # the second build took both from the cache
    build(forum)  # the workshop is gone: its calendar is no longer kept
    build(forum, workshop)
    assert made == ["Forum A", "Workshop 1", "Workshop 1"]
