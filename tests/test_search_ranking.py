"""The search page ranks what it finds: a page that names the word in its title before pages that
only mention it, in English and in Chinese (through the search page in Chromium).

Which pages answer is asked of Pagefind as a phrase, and Pagefind scores every page of a phrase
search alike; ranked by those scores the results came in the index's own order.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import FIXTURE_SETTINGS, SEARCH_SETTLED, build, environ, fixture_content

# Seven releases hold the word: six mention it in their text, once or twice; one names it in its title only.
TITLED = "mirror-trial"
RELEASES = {f"note-{n}": (f"Rooftop note {n}", f"屋頂筆記{n}", 1 + n % 2) for n in range(1, 7)}
RELEASES[TITLED] = ("Heliostat trial on a government roof", "政府屋頂定日鏡試驗", 0)
WORD = {"en": "heliostat", "tc": "定日鏡"}


def _release(title: str, mentions: int, lang: str) -> str:
    filler = ("A note on the department's plans for the coming year and its buildings." if lang == "en"
              else "部門就來年計劃及其建築物發出的簡報。")
    mention = f"The team also looked at a {WORD[lang]} for the roof." if lang == "en" else f"團隊亦研究了在屋頂裝設{WORD[lang]}。"
    body = "\n\n".join([filler, *([mention] * mentions), filler])
    return f"Title: {title}\nDate: 2025-03-01 10:00\nSummary: {filler}\n\n{body}\n"


@pytest.fixture(scope="module")
def ranked_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("search-ranking")
    content = fixture_content(work / "content")
    for name, (title_en, title_tc, mentions) in RELEASES.items():
        (content / "press" / "2025" / f"{name}.en.md").write_text(_release(title_en, mentions, "en"), encoding="utf-8")
        (content / "press" / "2025" / f"{name}.tc.md").write_text(_release(title_tc, mentions, "tc"), encoding="utf-8")
    result = build(content, work / "output", *FIXTURE_SETTINGS, env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert result.returncode == 0, result.text
    return result


@pytest.mark.browser
@pytest.mark.parametrize("lang, query", [("en", "heliostat"), ("tc", "定日鏡"), ("sc", "定日镜")])
def test_the_page_with_the_word_in_its_title_comes_first(ranked_site, chromium_browser, lang, query):
    from tests.quality.browser import new_tab
    from tests.quality.server import serve

    with serve(ranked_site.output) as base_url, new_tab(chromium_browser, base_url) as tab:
        tab.open(f"/{lang}/search/?q={quote(query)}")
        tab.page.wait_for_function(SEARCH_SETTLED, timeout=10_000)
        found = [link.get_attribute("href") for link in tab.page.locator(".sl-search__result h2 a").all()]
        assert not tab.console, tab.console
    assert sorted(found) == sorted(f"/{lang}/press/2025/{name}/" for name in RELEASES), found
    assert found[0] == f"/{lang}/press/2025/{TITLED}/", found
