"""Site search: the search documents, the Pagefind bundle of the fixture site, and searching it in Chromium."""

from __future__ import annotations

import gzip
import json
import re
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest

import pelicanconf
from contract.model import OutputPage, Site, languages_from_settings
from search.documents import Documents, indexed, main_content, search_indexes
from search.shards import shard_dir, shards
from search.text import VARIANTS_MARK, Folding, page_text, spaced
from tests.helpers import SEARCH_SETTLED, address, written_languages

LANGUAGES = languages_from_settings({"LANGUAGES": pelicanconf.LANGUAGES})
INDEXES = {"en": ["en"], "zh": ["tc", "sc"]}  # Pagefind's index name -> the languages in it
FOLDING = Folding(pelicanconf.SC_CONVERSION)


# -- what search reads of a page ------------------------------------------------------------------
RELEASE_TC = """
<article class="sl-article">
  <h1 class="sl-article__title">數字政策新聞公報</h1>
  <p class="sl-article__meta"><time datetime="2026-09-23T10:00:00+08:00">2026年9月23日 10:00</time></p>
  <div class="sl-prose"><p>第一段
  的內文</p><h2>小標題</h2><p>第二段。</p>
  <table><tr><th>時間</th><th>環節</th></tr><tr><td>14:30</td><td>開幕</td></tr></table></div>
  <dl class="sl-facts"><div class="sl-facts__row"><dt>地點</dt><dd>數碼港</dd></div></dl>
  <p class="sl-tags"><span class="sl-tags__label">標籤:</span>
<span class="sl-tag">科技論壇</span><span class="sl-tag">人工智能</span>  </p>
  <section aria-labelledby="forum-releases"><h2 id="forum-releases">關於本論壇的新聞公報</h2>
    <ol class="sl-entries"><li class="sl-entry"><a href="/tc/x/">另一份 <span class="sl-with-photos">（附圖）</span></a>
    <p class="sl-entry__meta"><time>2026年9月23日</time></p></li></ol></section>
</article>"""

RELEASE_EN = """<article><h1>Digital policy</h1><p class="sl-article__meta"><time>23 September 2026</time></p>
<div class="sl-prose"><p>First paragraph</p><h2>A heading</h2><p>Second one.</p></div>
<p class="sl-tags"><span class="sl-tags__label">Tags:</span> <span class="sl-tag">Forum</span><span class="sl-tag">AI</span></p>
<ol class="sl-entries"><li class="sl-entry"><a href="/en/x/">Another release <span class="sl-with-photos">(with photos)</span></a>
<p class="sl-entry__meta"><time>23 September 2026</time></p></li></ol></article>"""


def test_a_chinese_page_reads_with_chinese_punctuation_and_without_its_furniture():
    title, text = page_text(RELEASE_TC, chinese=True)
    assert title == "數字政策新聞公報"
    assert text == "第一段的內文。小標題。第二段。時間、環節。14:30、開幕。地點：數碼港。標籤：科技論壇、人工智能。"


def test_an_english_page_reads_without_its_furniture():
    title, text = page_text(RELEASE_EN, chinese=False)
    assert title == "Digital policy"
    assert text == "First paragraph. A heading. Second one. Tags: Forum, AI."
    assert "with photos" not in text and "September" not in text


def test_each_han_character_is_a_word_of_its_own():
    assert spaced("AI論壇 2024年") == "AI\u200b論\u200b壇 2024\u200b年"


def test_folding_keeps_the_text_in_line_and_finds_the_wordings_the_conversion_changes():
    assert FOLDING.fold("數碼港論壇") == "数码港论坛"  # one character for one
    assert FOLDING.convert("回覆查詢") == "回复查询"  # the site's conversion words it otherwise
    assert FOLDING.variants("回覆查詢", "回复查询") == ["回覆查"]  # so the folded wording is indexed too
    assert FOLDING.variants("數據", "数据") == []
    assert FOLDING.used("數碼港 data") == {"數", "碼"}


def test_english_is_one_index_and_chinese_another():
    assert {index.name: index.codes for index in search_indexes(LANGUAGES)} == INDEXES


def _page(lang, name, source=None):
    item = SimpleNamespace(lang=lang, derived_from=source.item if source else None)
    return OutputPage(key=f"press/{name}", lang=lang, url=f"{lang}/press/{name}/", template="release.html", title=name, item=item)


def test_a_traditional_page_and_the_simplified_page_of_its_item_are_one_record():
    site = Site({"LANGUAGES": pelicanconf.LANGUAGES, "DEFAULT_LANG": "en"})
    tc = _page("tc", "x")
    sc = _page("sc", "x", tc)  # converted from it
    tc_z, sc_z = _page("tc", "z"), _page("sc", "z")  # both written by editors
    own_sc = _page("sc", "y")  # a Simplified item with no Traditional page
    site.pages = [tc, sc, tc_z, sc_z, own_sc, _page("en", "x")]
    html = {
        tc.save_as: "<main><h1>數據新聞</h1><p>我們會回覆查詢。</p></main>",
        sc.save_as: "<main><h1>数据新闻</h1><p>我们会回复查询。</p></main>",
        own_sc.save_as: "<main><h1>编辑撰写</h1><p>简体内文。</p></main>",
        tc_z.save_as: "<main><h1>編輯版本</h1><p>繁體的內文。</p></main>",
        sc_z.save_as: "<main><h1>编辑版本</h1><p>另一种写法。</p></main>",
    }
    documents = Documents(site, html.__getitem__, FOLDING)
    zh = documents.index_of("tc")
    assert documents.records(zh) == [tc, tc_z, own_sc]  # a Simplified page with a Traditional one has no record of its own
    document = documents.document(tc, documents.main_of(tc))
    assert '<html lang="zh">' in document
    indexed_text = re.search(r"<main data-pagefind-body><p>(.*)</p></main>", document).group(1).replace("\u200b", "")
    assert "数据新闻" in indexed_text and "我们会回复查询" in indexed_text  # the Simplified page's text …
    assert indexed_text.split(VARIANTS_MARK)[1].strip() == "回覆查"  # … and the folded wording it lacks
    assert "數" not in indexed_text.split(VARIANTS_MARK)[0]  # the Traditional text, once, in the metadata
    assert '<div data-pagefind-meta="title">數據新聞</div>' in document
    assert '<div data-pagefind-meta="text">我們會回覆查詢。</div>' in document
    assert '<div data-pagefind-meta="title_sc">数据新闻</div>' in document
    assert '<div data-pagefind-meta="url_sc">/sc/press/x/</div>' in document
    assert document.count("data-pagefind-filter") == 1 and '<span data-pagefind-filter="tc:y"></span>' in document
    own = documents.document(own_sc, documents.main_of(own_sc))
    assert "data-pagefind-filter" not in own and "url_" not in own  # not shown on the Traditional search page
    edited = documents.document(tc_z, documents.main_of(tc_z)).replace("\u200b", "")
    assert "另一种写法" in edited and '<div data-pagefind-meta="url_sc">/sc/press/z/</div>' in edited
    assert "繁体的内文" in edited.split(VARIANTS_MARK)[1]  # the Traditional text is found too, folded


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
    """Every record Pagefind indexed, in every shard: (index name, URL, metadata, content without its word breaks)."""
    pages = []
    for path in sorted((output / "pagefind").glob("**/fragment/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        data = data[len(b"pagefind_dcd"):] if data.startswith(b"pagefind_dcd") else data
        fragment = json.loads(data)
        language = path.name.split("_")[0]  # "zh_2b724d8.pf_fragment"
        pages.append((language, fragment["url"], fragment["meta"], fragment["content"].replace("\u200b", "")))
    return pages


def test_each_index_is_in_shards(fixture_site):
    bundle = fixture_site.output / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    counts = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    assert set(counts) == set(INDEXES)
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
    urls = [url for _language, url, _meta, _content in found]
    assert len(urls) == len(set(urls)) == sum(indexed_pages.values())  # every record in one shard only
    for language, url, _meta, _content in found:
        assert url.split("/")[1] in INDEXES[language], (language, url)
    assert not list(bundle.glob("shard-*/*.js")) and not list(bundle.glob("shard-*/wasm.*"))  # loaded once, from /pagefind/


def test_only_content_pages_are_indexed_and_only_their_text(fixture_site, fixture_plan):
    records = {url: (meta, content) for _language, url, meta, content in fragments(fixture_site.output)}
    converted = {meta["url_sc"]: url for url, (meta, _content) in records.items() if "url_sc" in meta}
    # every content item's page, and nothing else: those of a converted language in the record of their source's page
    written = written_languages()
    assert set(records) == {address(page) for page in fixture_plan.item_pages() if page.lang in written}
    assert set(converted) == {address(page) for page in fixture_plan.item_pages() if page.lang not in written}
    for url in ["/en/press/2024/alpha/", "/tc/press/2024/alpha/", "/en/forums/forum-a/", "/tc/about/", "/en/contact/"]:
        assert url in records, url
    assert converted["/sc/press/2025/gamma/"] == "/tc/press/2025/gamma/"  # in the record of its Traditional page
    assert converted["/sc/press/2024/alpha/"] == "/tc/press/2024/alpha/"  # written by an editor, the same
    for url in ["/", "/en/", "/tc/", "/en/press/", "/en/press/2024/", "/en/sitemap/", "/en/search/", "/tc/search/"]:
        assert url not in records and url not in converted, url
    assert not [url for url in records if not url.endswith("/")]  # no feed, no calendar
    meta, content = records["/en/press/2024/alpha/"]
    assert meta["title"] == "Alpha release in English"
    assert "The body of the alpha release" in content
    assert "Skip to main content" not in content and "Last revision date" not in content  # header, footer
    assert "March 2024" not in content  # the date line is furniture
    assert "Tags: Testing, Fixtures." in content  # tags apart


def test_each_chinese_text_is_indexed_once(fixture_site):
    records = {url: (meta, content) for language, url, meta, content in fragments(fixture_site.output) if language == "zh"}
    assert not [url for url in records if url.startswith("/sc/")]  # every Simplified page has a Traditional one
    meta, content = records["/tc/press/2025/delta/"]
    # the Simplified page's text is indexed; the Traditional page's title and text are its metadata
    assert content.startswith("丁新闻公报") and "丁的内文" in content and "丁的內文" not in content
    assert (meta["title"], meta["text"], meta["title_sc"], meta["url_sc"]) == ("丁新聞公報", "丁的內文。", "丁新闻公报", "/sc/press/2025/delta/")
    meta, content = records["/tc/press/2024/alpha/"]
    shown = content.split(VARIANTS_MARK)[0]
    assert "编辑以简体中文撰写" in shown and "甲新闻公报的内文" not in shown  # the Simplified page an editor wrote …
    assert meta["text"].startswith("甲新聞公報的內文") and meta["url_sc"] == "/sc/press/2024/alpha/"
    assert "甲新闻公报的内文" in content.split(VARIANTS_MARK)[1]  # … and the Traditional one, folded, to be found
    assert "自动转换" not in records["/tc/press/2025/delta/"][1]  # the "converted automatically" notice of every sc page
    for _url, (_meta, content) in records.items():
        assert ". " not in content, content  # Chinese punctuation, not Pagefind's ". "
    fold = json.loads((fixture_site.output / "pagefind" / "fold.json").read_text(encoding="utf-8"))
    assert fold[fold.index("聞") + 1] == "闻" and "丁" not in fold


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


def test_search_pages_are_not_for_search_engines(fixture_site):
    for lang in ["en", "tc", "sc"]:
        page = fixture_site.page(f"/{lang}/search/")
        assert page.select_one('head meta[name=robots]')["content"] == "noindex"
        sitemap = (fixture_site.output / lang / "sitemap.xml").read_text(encoding="utf-8")
        assert "/search/" not in sitemap and f"/{lang}/press/" in sitemap
        assert fixture_site.page(f"/{lang}/press/").select_one("head meta[name=robots]") is None


def test_every_other_page_has_the_search_form_in_its_header(fixture_site):
    for url in ["/en/", "/tc/press/2024/alpha/", "/sc/sitemap/"]:
        page = fixture_site.page(url)
        lang = url.split("/")[1]
        form = page.select_one("header form[role=search]")
        assert form["action"] == f"/{lang}/search/", url
        field = form.select_one("input[name=q]")
        assert page.select_one(f'label[for="{field["id"]}"]').get_text(strip=True), url


# -- searching in a browser -----------------------------------------------------------------------


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
    tab.page.wait_for_function(SEARCH_SETTLED, timeout=10_000)
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


def shown(tab) -> list[tuple[str, str, str, list[str]]]:
    """Each result as the page shows it: (address, title, excerpt, the words marked in both)."""
    items = []
    for item in tab.page.locator(".sl-search__result").all():
        excerpt = item.locator(".sl-search__excerpt")
        items.append((item.locator("h2 a").get_attribute("href"), item.locator("h2").text_content(),
                      excerpt.text_content() if excerpt.count() else "", [mark.text_content() for mark in item.locator("mark").all()]))
    return items


@pytest.mark.browser
@pytest.mark.parametrize("lang, query", [("tc", "新聞公報"), ("tc", "新闻公报"), ("sc", "新聞公報"), ("sc", "新闻公报")])
def test_chinese_results_are_shown_in_the_pages_own_script(tab, fixture_site, lang, query):
    _status, links = search(tab, lang, query)
    assert len(links) >= 3, links
    for url, title, excerpt, _marks in shown(tab):
        page_title, page_body = page_text(main_content(str(fixture_site.page(url))), chinese=True)
        assert title == page_title, (url, title)  # the page's own title, in its script
        assert excerpt.strip("…") in page_body, (url, excerpt)  # and a part of its own text
        assert FOLDING.used(title + excerpt) if lang == "tc" else not FOLDING.used(title + excerpt), (title, excerpt)
    assert {"新聞公報" if lang == "tc" else "新闻公报"} == {mark for *_shown, marks in shown(tab) for mark in marks}


def having(fixture_site, fixture_plan, lang, found) -> list[str]:
    """The item pages of ``lang`` whose title or text ``found(text)`` says hold the query, as the build wrote them."""
    pages = []
    for page in fixture_plan.item_pages(lang):
        title, body = page_text(main_content(str(fixture_site.page(address(page)))), chinese=lang != "en")
        if found(f"{title}\n{body}"):
            pages.append(address(page))
    return pages


@pytest.mark.browser
def test_a_chinese_query_is_found_where_its_characters_stand_together(tab, fixture_site, fixture_plan):
    _status, links = search(tab, "tc", "甲新聞")
    together = having(fixture_site, fixture_plan, "tc", lambda text: FOLDING.fold("甲新聞") in FOLDING.fold(text))
    assert "/tc/press/2024/alpha/" in together
    assert sorted(links) == sorted(together), links
    status, links = search(tab, "tc", "甲公報")  # 甲 and 公報 are both in that release, but apart
    assert links == [], (status, links)
    assert status == "沒有與「甲公報」相符的網頁。"
    _status, links = search(tab, "tc", "論壇")
    marks = {mark for *_shown, marks in shown(tab) for mark in marks}
    assert marks == {"論壇"}, marks  # the whole word marked
    assert not tab.console, tab.console


@pytest.mark.browser
def test_an_english_query_lists_only_pages_that_have_it(tab, fixture_site, fixture_plan):
    _status, links = search(tab, "en", "alpha")
    holding = having(fixture_site, fixture_plan, "en", lambda text: re.search(r"\balpha\b", text, re.I))
    assert "/en/press/2024/alpha/" in holding and "/en/galleries/forum-a/" not in holding  # not the gallery of "Forum A"
    assert sorted(links) == sorted(holding), links
    assert links[0] == "/en/press/2024/alpha/"
    (_url, title, excerpt, marks) = shown(tab)[0]
    assert "March 2024" not in excerpt and marks == ["Alpha", "alpha"], (title, excerpt, marks)
    _status, links = search(tab, "en", "releases")
    assert "/en/press/2024/alpha/" in links  # as Pagefind stems it
    assert "release" in {mark.lower() for *_shown, marks in shown(tab) for mark in marks}


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
