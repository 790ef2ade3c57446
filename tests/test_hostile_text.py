"""Hostile and careless input, built: each bad source stops the build with one line naming it, no
traceback, the previous output untouched; odd but allowed text keeps every feed, sitemap and
calendar well-formed, and links to other sites are marked in each page's language.

Many bad sources go into one build (problems are collected), so the suite stays fast.
"""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import icalendar
import pytest
from bs4 import BeautifulSoup

from tests.helpers import build, fixture_content, no_traceback, tree_digest

HEAD = "Title: {title}\nDate: 2025-07-30 14:30\n\n"

# file name (below content/press/2025/) -> (source, what its one error line says)
BAD = {
    "nul-title.en.md": (b"Title: A\x00B\nDate: 2025-07-30 14:30\n\nBody.\n", ":1: error: the line holds the invisible control character U+0000"),
    "escape-summary.en.md": (b"Title: T\nDate: 2025-07-30 14:30\nSummary: a\x1b[31mred\n\nBody.\n", ":3: error: the line holds the invisible control character U+001B"),
    "c1-body.en.md": ("Title: T\nDate: 2025-07-30 14:30\n\nOne\u0085two.\n".encode(), ":4: error: the line holds the invisible control character U+0085"),
    "del-body.en.md": (b"Title: T\nDate: 2025-07-30 14:30\n\nOne\x7ftwo.\n", ":4: error: the line holds the invisible control character U+007F"),
    "bom-twice.en.md": ("\ufeff\ufeffTitle: T\nDate: 2025-07-30 14:30\n\nBody.\n".encode(), ":1: error: the line holds an invisible byte-order mark"),
    "wide-colon.tc.md": ("Title: 標題\nDate: 2025-07-30 14:30\nSummary：摘要\n\n內文。\n".encode(),
                         ":3: error: Summary: is followed by the full-width colon '：'"),
    "meta-refresh.en.md": (b'<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">\n', ":4: error: the text contains <meta>"),
    "iframe.en.md": (b'Watch:\n\n<iframe src="https://www.youtube.com/embed/x"></iframe>\n', ":6: error: the text contains <iframe>"),
    "object.en.md": (b'<object data="x.swf"></object>\n', ":4: error: the text contains <object>"),
    "embed.en.md": (b'<embed src="x.swf">\n', ":4: error: the text contains <embed>"),
    "form.en.md": (b'<form action="https://elsewhere.example/"><input name=q><button>Go</button></form>\n', ":4: error: the text contains <form>"),
    "base.en.md": (b'<base href="https://elsewhere.example/">\n', ":4: error: the text contains <base>"),
    "stylesheet.en.md": (b'<link rel="stylesheet" href="https://elsewhere.example/x.css">\n', ":4: error: the text contains <link>"),
    "svg-script.en.md": (b"<svg><script>alert(1)</script></svg>\n", ":4: error: the text contains <svg>"),
    "style-block.en.md": (b"<style>body{display:none}</style>\n", ":4: error: the text contains <style>"),
    "foreign-image.en.md": (b"Text.\n\n![A chart](https://elsewhere.example/chart.png)\n", ':6: error: the image "https://elsewhere.example/chart.png" is on another site'),
    "javascript-link.en.md": (b"[Click](javascript:alert(1))\n", ":4: error: <a> href=\"javascript:alert(1)\" uses 'javascript:'"),
    "data-link.en.md": (b"[Open](data:text/html;base64,PHNjcmlwdD4=)\n", "uses 'data:'"),
    "hidden-scheme.en.md": (b'<a href="&#x6A;ava&#x09;script&colon;alert(1)">x</a>\n', "uses 'javascript:'"),
    "attr-list-handler.en.md": (b'A paragraph.\n{: onclick="alert(1)" }\n', ":5: error: <p> has the event handler 'onclick'"),
    "deep-list.en.md": (b"- " * 5000 + b"x\n", ":4: error: the line starts more than 50 quotes or lists inside one another"),
    "deep-quote.en.md": (b"> " * 5000 + b"x\n", ":4: error: the line starts more than 50 quotes or lists inside one another"),
    "deep-emphasis.en.md": (b"*" * 5000 + b"x" + b"*" * 5000 + b"\n", ":4: error: the text nests elements more than 100 deep"),
    "huge-line.en.md": (b"word " * 10000 + b"\n", ":4: error: the line is 50,000 characters long"),
}


def source(name: str, data: bytes) -> bytes:
    """A release: a header (unless ``data`` brings its own), then ``data``."""
    if data.lstrip(b"\xef\xbb\xbf").startswith(b"Title"):
        return data
    return HEAD.format(title=name).encode() + data


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    content = work / "content"
    fixture_content(content)
    return work, content


def test_each_hostile_source_stops_the_build_with_one_line_naming_it(good):
    work, content = good
    output = work / "output"
    result = build(content, output)
    assert result.returncode == 0, result.text
    before = tree_digest(output)
    folder = content / "press" / "2025"
    for name, (data, _) in BAD.items():
        (folder / name).write_bytes(source(name, data))
    try:
        result = build(content, output)
    finally:
        for name in BAD:
            (folder / name).unlink()
    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text[:3000]
    assert tree_digest(output) == before, "the previous output changed"
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    for name, (_, expected) in BAD.items():
        mine = [line for line in errors if f"/press/2025/{name}" in line]
        assert len(mine) == 1, (name, mine)
        assert expected in mine[0], (name, mine[0])
        assert " Fix: " in mine[0], mine[0]
    # one line per problem, nothing dumped: besides the warnings the good sources give, a few lines per bad source
    said = [line for line in result.text.splitlines() if ": warning: " not in line]
    assert len(said) < 2 * len(BAD) + 10, said[:50]


ODD_TITLE = 'Fish & chips <b>not bold</b> "quoted" ]]> {{ x }} %s \\ 😀 \u202eevil\u202c \u2028next'
ODD_RELEASE = f"""Title: {ODD_TITLE}
Date: 2025-08-01 09:00
Summary: </script><script>alert(1)</script> & <!-- --> ]]>
Tags: a&b, <c>, "d"

Read [the Digital Policy Office's site](https://www.digitalpolicy.gov.hk/) or [ours](/en/about/).

A table cell with a pipe \\| and text: 1 < 2 & 3 > 2, ]]> and \u00a0.
"""
ODD_RELEASE_TC = """Title: 奇怪的標題 & <標記> ]]>
Date: 2025-08-01 09:00

請看[數字政策辦公室的網站](https://www.digitalpolicy.gov.hk/)。
"""
ODD_FORUM = f"""Title: {ODD_TITLE}
Date: 2025-09-01 14:30
End: 2025-09-01 17:30
Venue: Room 1; Building 2, Floor 3 \\ "East" <wing> &
Theme: {"A very long theme that must be folded in the calendar file " * 4}
Organisers: A; B, C\\D

Text.
"""


def test_odd_but_allowed_text_keeps_feeds_sitemaps_calendars_and_data_well_formed(good):
    work, content = good
    output = work / "output-odd"
    (content / "press/2025/odd.en.md").write_text(ODD_RELEASE, encoding="utf-8")
    (content / "press/2025/odd.tc.md").write_text(ODD_RELEASE_TC, encoding="utf-8")
    (content / "forums/odd.en.md").write_text(ODD_FORUM, encoding="utf-8")
    try:
        result = build(content, output)
    finally:
        for path in ("press/2025/odd.en.md", "press/2025/odd.tc.md", "forums/odd.en.md"):
            (content / path).unlink()
    assert result.returncode == 0, result.text
    feeds = sorted(output.rglob("*.xml"))
    # every feed a page names, and the sitemaps (the index and the one of each language it names)
    named = {link.get("href") for page in output.rglob("*.html")
             for link in BeautifulSoup(page.read_bytes(), "html.parser").select('link[type="application/atom+xml"]')}
    sitemap = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    sitemaps = [urlsplit(loc.text).path for loc in ET.parse(output / "sitemap.xml").getroot().iter(f"{sitemap}loc")]
    assert named and sitemaps and {"/en/press/feed.xml", "/en/forums/feed.xml"} <= named
    assert {"/" + path.relative_to(output).as_posix() for path in feeds} >= named | set(sitemaps) | {"/sitemap.xml"}
    for path in feeds:
        ET.parse(path)  # raises on anything not well-formed
    calendars = sorted(output.rglob("*.ics"))
    assert calendars
    for path in calendars:
        data = path.read_bytes()
        assert all(len(line) <= 75 for line in data.split(b"\r\n")), path
        icalendar.Calendar.from_ical(data)
    odd_calendar = (output / "en/forums/odd/event.ics").read_bytes().decode()
    assert "Room 1\\; Building 2\\, Floor 3 \\\\" in odd_calendar.replace("\r\n ", "")
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [title.text for title in ET.parse(output / "en/press/feed.xml").getroot().iter(f"{atom}title")]
    assert ODD_TITLE in titles
    for page in output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
            json.loads(block)  # a </script> in a field cannot end the block early
        assert "<script>alert(1)" not in text

    # the link to another site, marked in each page's language (Simplified converted from Traditional)
    expected = {
        "en": '<a href="https://www.digitalpolicy.gov.hk/" rel="external noopener">the Digital Policy Office\'s site'
              '<span class="sl-visually-hidden" data-pagefind-ignore> (external link)</span></a>',
        "tc": '<a href="https://www.digitalpolicy.gov.hk/" rel="external noopener">數字政策辦公室的網站'
              '<span class="sl-visually-hidden" data-pagefind-ignore>（外部網站）</span></a>',
        "sc": '<a href="https://www.digitalpolicy.gov.hk/" rel="external noopener">数字政策办公室的网站'
              '<span class="sl-visually-hidden" data-pagefind-ignore>（外部网站）</span></a>',
    }
    for lang, link in expected.items():
        page = (output / lang / "press/2025/odd/index.html").read_text(encoding="utf-8")
        assert link in page, (lang, re.findall(r"<a href=\"https://www.digitalpolicy[^\n]*", page))
    english = (output / "en/press/2025/odd/index.html").read_text(encoding="utf-8")
    assert '<a href="/en/about/">ours</a>' in english  # a link within the site is not marked
