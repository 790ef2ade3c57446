"""Site search: the both-scripts indexing, the Pagefind bundle of the fixture site, and searching it in Chromium."""

from __future__ import annotations

import gzip
import json
import re
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest

import pelicanconf
from contract.model import OutputPage, languages_from_settings
from search.index import Scripts, indexed, main_content, search_document, shard_dir, shards

LANGUAGES = languages_from_settings({"LANGUAGES": pelicanconf.LANGUAGES})
BUNDLE_LANGS = {"en": "en", "zh-hant-hk": "tc", "zh-hans": "sc"}  # Pagefind's index name -> URL prefix


# -- the both-scripts helper ------------------------------------------------------------------
@pytest.fixture(scope="module")
def scripts():
    return Scripts(LANGUAGES, pelicanconf.SC_CONVERSION)


def test_a_traditional_page_is_indexed_in_both_scripts(scripts):
    body = "<h1>新聞公報</h1><p>資訊科技預算</p>"
    document = search_document("zh-Hant-HK", body, scripts.other("tc", body))
    assert '<html lang="zh-Hant-HK">' in document
    assert "<main data-pagefind-body><h1>新聞公報</h1><p>資訊科技預算</p>" in document
    # converted as the sc site is (hk2sp keeps Hong Kong wording: 资讯科技)
    assert "新闻公报" in document and "资讯科技预算" in document


def test_a_converted_simplified_page_is_indexed_with_the_text_it_was_converted_from(scripts):
    body, source = "<p>新闻公报</p>", "<p>新聞公報</p>"
    document = search_document("zh-Hans", body, scripts.other("sc", body, source))
    assert body in document and source in document


def test_a_simplified_page_written_by_an_editor_is_converted_back(scripts):
    body = "<p>这一版由编辑以简体中文撰写</p>"
    other = scripts.other("sc", body)
    assert scripts.to_source_config == "s2hkp"  # the reverse of hk2sp
    assert other == "<p>這一版由編輯以簡體中文撰寫</p>"


def test_an_english_page_is_indexed_as_it_is(scripts):
    body = "<h1>Budget</h1><p>新聞</p>"
    assert scripts.other("en", body) == ""
    document = search_document("en", body, scripts.other("en", body))
    assert '<html lang="en">' in document and "新闻" not in document


def test_only_the_main_element_is_read():
    page = ('<html><body><header><a href="#main">Skip</a></header><main id="main" class="sl-main" tabindex="-1">'
            "<h1>T</h1><p>Body</p></main><footer>Last revision</footer></body></html>")
    assert main_content(page) == "<h1>T</h1><p>Body</p>"
    assert main_content("<html><body><p>no main</p></body></html>") is None


def test_only_content_items_pages_are_indexed():
    item = SimpleNamespace()
    assert indexed(OutputPage(key="press/2024/alpha", lang="en", url="en/press/2024/alpha/", template="release.html", title="A", item=item))
    assert not indexed(OutputPage(key="home", lang=None, url="", template="root.html", title="Root"))
    assert not indexed(OutputPage(key="home", lang="en", url="en/", template="home.html", title="Home"))
    assert not indexed(OutputPage(key="search", lang="en", url="en/search/", template="search.html", title="Search"))
    assert not indexed(OutputPage(key="press:feed", lang="en", url="en/press/feed.xml", template="atom.xml", title="Feed"))
    assert not indexed(OutputPage(key="cal", lang="en", url="en/forums/a.ics", template="", title="Cal", item=item, body=b"x"))


# -- shards ---------------------------------------------------------------------------------------
def _pages(count: int) -> list[OutputPage]:
    return [OutputPage(key=f"press/r{n}", lang="en", url=f"en/press/r{n}/", template="release.html", title=str(n)) for n in range(count)]


def test_shards_hold_every_page_once_in_about_the_size_asked():
    pages = _pages(1000)
    parts = shards(pages, 250)
    assert len(parts) == 4
    assert sorted(page.save_as for part in parts for page in part) == sorted(page.save_as for page in pages)
    assert all(150 <= len(part) <= 350 for part in parts), [len(part) for part in parts]
    assert [len(part) for part in shards(pages[:250], 250)] == [250]  # up to the size: one shard
    assert shards([], 250) == []


def test_a_page_added_or_removed_leaves_the_other_pages_in_their_shards():
    pages = _pages(990)
    where = {page.save_as: number for number, part in enumerate(shards(pages, 250)) for page in part}
    for changed in (pages[:-1], _pages(991)):  # the same number of shards (4): only that page differs
        after = shards(changed, 250)
        assert len(after) == 4
        moved = [page.save_as for number, part in enumerate(after) for page in part
                 if page.save_as in where and where[page.save_as] != number]
        assert not moved
    # past a multiple of the size the number of shards grows, and pages are dealt out again
    assert len(shards(_pages(1001), 250)) == 5


def test_the_first_shard_is_in_the_bundle_folder_and_the_others_below_it():
    assert [shard_dir(n) for n in range(3)] == ["", "shard-2/", "shard-3/"]


# -- the bundle of the fixture site ---------------------------------------------------------------
def fragments(output):
    """Every page Pagefind indexed, in every shard: (index name, URL, title, content without its word breaks)."""
    pages = []
    for path in sorted((output / "pagefind").glob("**/fragment/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        data = data[len(b"pagefind_dcd"):] if data.startswith(b"pagefind_dcd") else data
        fragment = json.loads(data)
        language = path.name.split("_")[0]  # "zh-hant-hk_2b724d8.pf_fragment"
        pages.append((language, fragment["url"], fragment["meta"].get("title"), fragment["content"].replace("\u200b", "")))
    return pages


def test_each_language_has_its_own_index_in_shards(fixture_site):
    bundle = fixture_site.output / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    counts = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    assert set(counts) == set(BUNDLE_LANGS)
    assert all(count >= 2 for count in counts.values()), counts  # SEARCH_SHARD_SIZE=3 in the fixture
    indexed_pages = {}
    for language, count in counts.items():
        for number in range(count):
            entry = json.loads((bundle / shard_dir(number) / "pagefind-entry.json").read_text(encoding="utf-8"))
            assert 1 <= entry["languages"][language]["page_count"] <= 6, (language, number)
            indexed_pages[language] = indexed_pages.get(language, 0) + entry["languages"][language]["page_count"]
        assert not (bundle / shard_dir(count) / "pagefind-entry.json").exists() or language not in json.loads(
            (bundle / shard_dir(count) / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    found = fragments(fixture_site.output)
    urls = [url for _language, url, _title, _content in found]
    assert len(urls) == len(set(urls)) == sum(indexed_pages.values())  # every page in one shard only
    for language, url, _title, _content in found:
        assert url.startswith(f"/{BUNDLE_LANGS[language]}/"), (language, url)
    assert not list(bundle.glob("shard-*/*.js")) and not list(bundle.glob("shard-*/wasm.*"))  # loaded once, from /pagefind/


def test_only_content_pages_are_indexed_and_only_their_main(fixture_site):
    pages = {url: (title, content) for _language, url, title, content in fragments(fixture_site.output)}
    for url in ["/en/press/2024/alpha/", "/tc/press/2024/alpha/", "/sc/press/2024/alpha/", "/sc/press/2025/gamma/",
                "/en/forums/forum-a/", "/tc/about/", "/en/contact/"]:
        assert url in pages, url
    for url in ["/", "/en/", "/tc/", "/en/press/", "/en/press/2024/", "/en/sitemap/", "/en/search/", "/tc/search/"]:
        assert url not in pages, url
    assert not [url for url in pages if not url.endswith("/")]  # no feed, no calendar
    title, content = pages["/en/press/2024/alpha/"]
    assert title == "Alpha release in English"
    assert "The body of the alpha release" in content
    assert "Skip to main content" not in content and "Last revision date" not in content  # header, footer


def test_chinese_pages_are_indexed_in_both_scripts(fixture_site):
    pages = {url: content for _language, url, _title, content in fragments(fixture_site.output)}
    assert "甲新聞公報的內文" in pages["/tc/press/2024/alpha/"] and "甲新闻公报的内文" in pages["/tc/press/2024/alpha/"]
    # converted from tc: its tc source; written in sc by an editor: converted back
    assert "丁的內文" in pages["/sc/press/2025/delta/"] and "丁的内文" in pages["/sc/press/2025/delta/"]
    assert "编辑以简体中文撰写" in pages["/sc/press/2024/alpha/"] and "編輯以簡體中文撰寫" in pages["/sc/press/2024/alpha/"]
    # the "converted automatically" notice of every sc page is not worth finding
    assert "自动转换" not in pages["/sc/press/2025/delta/"]


@pytest.mark.parametrize("lang", ["en", "tc", "sc"])
def test_search_page_form_and_messages_without_javascript(fixture_site, lang):
    page = fixture_site.page(f"/{lang}/search/")
    form = page.select_one("main form[role=search]")
    assert form["action"] == f"/{lang}/search/" and form.get("method") == "get"
    field = form.select_one("input[name=q]")
    assert page.select_one(f'label[for="{field["id"]}"]').get_text(strip=True)
    assert page.select_one("[aria-live=polite]") is not None
    assert page.select_one("noscript a")["href"] == f"/{lang}/sitemap/"
    assert page.select_one("header form[role=search]") is None  # one search form on the search page
    switcher = {a["hreflang"]: a["href"] for a in page.select("nav.sl-switcher a")}
    assert sorted(switcher.values()) == sorted(f"/{other}/search/" for other in ["en", "tc", "sc"] if other != lang)


def test_every_other_page_has_the_search_form_in_its_header(fixture_site):
    for url in ["/en/", "/tc/press/2024/alpha/", "/sc/sitemap/"]:
        page = fixture_site.page(url)
        lang = url.split("/")[1]
        form = page.select_one("header form[role=search]")
        assert form["action"] == f"/{lang}/search/", url
        field = form.select_one("input[name=q]")
        assert page.select_one(f'label[for="{field["id"]}"]').get_text(strip=True), url


# -- searching in a browser -----------------------------------------------------------------------
SETTLED = """() => {
    const root = document.querySelector('.js-search');
    const status = root.querySelector('.js-search-status').textContent;
    return (status && status !== root.dataset.searching) || !root.querySelector('.js-search-failure').hidden;
}"""


@pytest.fixture(scope="module")
def browser(fixture_site, chromium_browser):
    from tests.quality.server import serve

    with serve(fixture_site.output) as base_url:
        yield chromium_browser, base_url


@pytest.fixture
def tab(browser):
    from tests.quality.browser import new_tab

    chromium, base_url = browser
    with new_tab(chromium, base_url) as tab:
        yield tab


def results(tab) -> tuple[str, list[str]]:
    """Wait for the search to finish: the announced status and the result links."""
    tab.page.wait_for_function(SETTLED, timeout=10_000)
    assert tab.page.locator(".js-search-failure").is_hidden(), tab.console
    status = tab.page.locator(".js-search-status").text_content()
    return status, [link.get_attribute("href") for link in tab.page.locator(".sl-search__result a").all()]


def search(tab, lang, query):
    tab.open(f"/{lang}/search/?q={quote(query)}")
    return results(tab)


@pytest.mark.browser
def test_english_search_finds_english_pages_only_and_passes_axe(tab):
    from tests.quality.browser import axe_failures

    status, links = search(tab, "en", "forum")
    assert "/en/forums/forum-a/" in links
    assert all(link.startswith("/en/") for link in links), links
    assert status == f"{len(links)} pages match “forum”."
    excerpt = tab.page.locator(".sl-search__excerpt").first
    assert excerpt.locator("mark").count() >= 1
    failures = axe_failures("/en/search/?q=forum", tab.run_axe())
    assert not failures, "\n".join(f"{f}" for f in failures)
    assert not tab.console and not tab.external, (tab.console, tab.external)


@pytest.mark.browser
def test_a_search_counts_the_pages_of_every_shard(tab, fixture_site):
    bundle = fixture_site.output / "pagefind"
    shard_of_url = {}
    for number in range(json.loads((bundle / "shards.json").read_text(encoding="utf-8"))["en"]):
        for path in (bundle / shard_dir(number) / "fragment").glob("en_*.pf_fragment"):
            fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            shard_of_url[fragment["url"]] = (number, fragment["content"].lower())
    having = {url: number for url, (number, content) in shard_of_url.items() if re.search(r"\bthe\b", content)}
    assert len(set(having.values())) >= 2  # the word is in more than one shard
    _status, links = search(tab, "en", "the")
    assert set(having) <= set(links), (sorted(having), links)  # found in each shard that has it


@pytest.mark.browser
@pytest.mark.parametrize("lang, query, found", [
    ("tc", "新聞公報", "/tc/press/2024/alpha/"),  # Traditional, as written
    ("tc", "新闻公报", "/tc/press/2024/alpha/"),  # the same word typed in Simplified
    ("sc", "新聞公報", "/sc/press/2024/alpha/"),  # Traditional typed on the Simplified site
    ("tc", "論壇", "/tc/forums/forum-a/"),
])
def test_chinese_search_finds_pages_in_either_script(tab, lang, query, found):
    status, links = search(tab, lang, query)
    assert found in links, (status, links)
    assert all(link.startswith(f"/{lang}/") for link in links), links
    assert not tab.console, tab.console


@pytest.mark.browser
def test_the_header_form_and_the_search_page_form_by_keyboard(tab):
    tab.open("/en/")
    tab.page.focus("header input[name=q]")
    tab.page.keyboard.type("alpha")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_url(re.compile(r"/en/search/\?q=alpha$"))
    status, links = results(tab)
    assert links[0] == "/en/press/2024/alpha/", links
    # a second search from the page's own form replaces the results and the address
    field = tab.page.locator("main input[name=q]")
    assert field.input_value() == "alpha"
    field.fill("zzzzqqq")
    field.press("Enter")
    tab.page.wait_for_function("() => document.querySelector('.js-search-status').textContent.startsWith('No pages')")
    assert tab.page.locator(".sl-search__result").count() == 0
    assert urlsplit(tab.page.url).query == "q=zzzzqqq"
    assert tab.page.locator(".js-search-status").text_content() == "No pages match “zzzzqqq”."
    assert not tab.console, tab.console


@pytest.mark.browser
def test_without_javascript_the_search_page_points_to_the_sitemap(browser):
    chromium, base_url = browser
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/tc/search/?q=x")
        notice = page.locator("main p.sl-search__notice").first
        assert notice.is_visible()
        assert "JavaScript" in notice.text_content()
        assert notice.locator("a").get_attribute("href") == "/tc/sitemap/"
    finally:
        context.close()
