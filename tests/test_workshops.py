"""Workshops, the second event type (plugins/workshops on plugins/events): the fixture site with
three workshops added, built on 2026-01-01 (one upcoming, two past), and the fixture site without."""

import json
import xml.etree.ElementTree as ET

import pytest
from icalendar import Calendar

from tests.conftest import BUILD_EPOCH
from tests.helpers import FIXTURE_SETTINGS, build, environ, fixture_content

WORKSHOPS = {
    "data-apis.en.md": """Title: Publishing Data Through APIs
Date: 2027-02-04 10:00
End: 2027-02-04 12:30
Venue: Cyberport
Topic: Open data interfaces
Registration: https://www.example.gov.hk/register/data-apis?lang=en
Summary: Turning a dataset into an API.

What the morning covers.
""",
    "data-apis.tc.md": """Title: 以應用程式介面發放數據
Date: 2027-02-04 10:00
End: 2027-02-04 12:30
Venue: 數碼港
Topic: 開放數據介面
Registration: https://www.example.gov.hk/register/data-apis?lang=tc
Summary: 把數據集轉為應用程式介面。

上午的內容。
""",
    "chatbots.en.md": """Title: Chatbots for Enquiries
Date: 2025-05-06 14:30
Venue: Hong Kong Science Park
Topic: Conversational services
Summary: Where a chatbot helps an enquiry line.

The afternoon's programme.
""",
    "chatbots.tc.md": """Title: 聊天機械人與查詢服務
Date: 2025-05-06 14:30
Venue: 香港科學園
Topic: 對話式服務
Summary: 聊天機械人如何協助查詢熱線。

下午的程序。
""",
    "sensors.en.md": """Title: Sensors in the Street
Date: 2024-11-20 09:30
Topic: Internet of things
Summary: Low-power sensors for public works.

The morning's programme.
""",
}


@pytest.fixture(scope="module")
def workshop_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("workshop-site")
    content = fixture_content(work / "content")
    (content / "workshops").mkdir()
    for name, text in WORKSHOPS.items():
        (content / "workshops" / name).write_text(text, encoding="utf-8")
    result = build(content, work / "output", *FIXTURE_SETTINGS, env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert result.returncode == 0, result.text
    return result


def links(page, selector):
    return [a["href"] for a in page.select(selector)]


def test_the_list_shows_upcoming_workshops_first_then_past_ones_by_year(workshop_site):
    page = workshop_site.page("/en/workshops/")
    assert page.select_one("h1").get_text() == "Workshops"
    upcoming = page.select_one("#workshops-upcoming").find_parent("section")
    assert links(upcoming, "a.sl-entry__link") == ["/en/workshops/data-apis/"]
    past = page.select_one("#workshops-past").find_parent("section")
    assert [h.get_text() for h in past.select("h3")] == ["2025", "2024"]
    assert links(past, "a.sl-entry__link") == ["/en/workshops/chatbots/", "/en/workshops/sensors/"]
    tc = workshop_site.page("/tc/workshops/")
    assert tc.select_one("h1").get_text() == "專題工作坊"
    assert tc.select_one("#workshops-upcoming").get_text() == "即將舉行的工作坊"
    # the English-only workshop is listed on the Chinese page, marked as such
    assert "/en/workshops/sensors/" in links(tc, "a.sl-entry__link")


def test_a_workshop_page_shows_its_facts_and_registration_while_upcoming(workshop_site):
    page = workshop_site.page("/en/workshops/data-apis/")
    facts = {dt.get_text(): dd.get_text() for dt, dd in zip(page.select(".sl-facts dt"), page.select(".sl-facts dd"))}
    assert facts["Venue"] == "Cyberport" and facts["Topic"] == "Open data interfaces"
    assert facts["Date and time"] == "4 February 2027 10:00 – 12:30"
    assert page.select_one(".sl-facts a")["href"] == "https://www.example.gov.hk/register/data-apis?lang=en"
    assert page.select_one(".sl-facts a").get_text() == "Register for this workshop"
    assert page.select_one(".sl-calendar-link a")["href"] == "/en/workshops/data-apis/event.ics"
    past = workshop_site.page("/en/workshops/chatbots/")
    assert past.select(".sl-calendar-link") == [] and "Registration" not in past.select_one(".sl-facts").get_text()
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "Event" and data["description"] == "Open data interfaces"
    assert data["offers"]["url"] == "https://www.example.gov.hk/register/data-apis?lang=en"


def test_simplified_pages_are_converted_but_the_registration_address_is_not(workshop_site):
    page = workshop_site.page("/sc/workshops/data-apis/")
    assert page.select_one("h1").get_text() == "以应用程式介面发放数据"  # hk2sp keeps Hong Kong wording
    assert page.select_one(".sl-facts a")["href"] == "https://www.example.gov.hk/register/data-apis?lang=tc"
    assert page.select_one(".sl-facts a").get_text() == "登记参加本工作坊"


def test_each_workshop_and_each_language_has_a_calendar_and_a_feed(workshop_site):
    out = workshop_site.output
    one = Calendar.from_ical((out / "en/workshops/data-apis/event.ics").read_bytes())
    [event] = one.walk("VEVENT")
    assert str(event["summary"]) == "Publishing Data Through APIs" and str(event["location"]) == "Cyberport"
    assert str(event["description"]) == "Open data interfaces\nTurning a dataset into an API."
    for lang, count in (("en", 3), ("tc", 3), ("sc", 3)):
        series = Calendar.from_ical((out / f"{lang}/workshops/workshops.ics").read_bytes())
        assert len(series.walk("VEVENT")) == count
        feed = ET.parse(out / f"{lang}/workshops/feed.xml").getroot()
        entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
        # a feed holds the workshops written (or converted) in its language: sensors is English only
        assert len(entries) == (3 if lang == "en" else 2)


def test_workshops_come_after_forums_in_the_navigation_and_are_in_the_sitemaps(workshop_site):
    home = workshop_site.page("/en/")
    nav = links(home, "nav .sl-nav__list a")
    assert nav.index("/en/workshops/") == nav.index("/en/forums/") + 1
    sitemap = ET.parse(workshop_site.output / "en/sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    [entry] = [u for u in sitemap.findall("s:url", ns) if u.findtext("s:loc", namespaces=ns).endswith("/en/workshops/chatbots/")]
    alternates = {link.get("hreflang"): link.get("href").split("/", 3)[3] for link in entry.findall("x:link", ns)}
    assert alternates == {"en": "en/workshops/chatbots/", "zh-Hant-HK": "tc/workshops/chatbots/",
                          "zh-Hans": "sc/workshops/chatbots/", "x-default": "en/workshops/chatbots/"}
    block = [h.get_text() for h in home.select(".sl-block__title")]
    assert "Next workshop" in block


def test_a_site_without_workshops_says_none_is_scheduled_and_offers_no_home_block(fixture_site):
    """A declared section is always there (as the forums' has always been), empty until the first workshop."""
    page = fixture_site.page("/en/workshops/")
    assert page.select_one("#workshops-upcoming").find_parent("section").select_one("p").get_text() == "No workshop is scheduled at the moment."
    assert page.select("a.sl-entry__link") == []
    assert not any(title.get_text() in ("Next workshop", "Latest workshop") for title in fixture_site.page("/en/").select(".sl-block__title"))
