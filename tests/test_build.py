"""Build the fixture site and check what a visitor gets, in both languages."""

import re
from urllib.parse import urljoin

import pytest

from tests.helpers import FIXTURE

HTML_LANG = {"en": "en", "tc": "zh-Hant-HK", "sc": "zh-Hans"}


def expected_url(source):
    """Where the content contract says a source is published."""
    rel = source.relative_to(FIXTURE)
    stem = rel.name[: -len(".md")]
    name, _, lang = stem.rpartition(".")
    if not name:
        name, lang = stem, "en"
    if rel.parts[0] == "press":
        return lang, f"/{lang}/press/{rel.parts[1]}/{name}/"
    if rel.parts[0] == "forums":
        return lang, f"/{lang}/forums/{name}/"
    if rel.parts[0] == "galleries":
        return lang, f"/{lang}/galleries/{rel.parts[1]}/"
    return lang, f"/{lang}/{name}/"


def links_of(soup, selector):
    return [a["href"] for a in soup.select(selector)]


def test_every_source_has_its_page_at_its_url_in_its_language(fixture_site):
    sources = sorted(FIXTURE.rglob("*.md"))
    assert len(sources) == 16
    for source in sources:
        lang, url = expected_url(source)
        page = fixture_site.page(url)
        title = source.read_text(encoding="utf-8").splitlines()[0].removeprefix("Title: ")
        assert page.html["lang"] == HTML_LANG[lang], url
        for marker in page.h1.select(".sl-with-photos"):
            marker.extract()
        assert page.h1.get_text(strip=True) == title, url


def test_translations_link_both_ways_through_switcher_and_hreflang(fixture_site):
    en = fixture_site.page("/en/press/2024/alpha/")
    tc = fixture_site.page("/tc/press/2024/alpha/")
    assert links_of(en, "nav.sl-switcher a[lang=zh-Hant-HK]") == ["/tc/press/2024/alpha/"]
    assert links_of(tc, "nav.sl-switcher a[lang=en]") == ["/en/press/2024/alpha/"]
    for soup in (en, tc):
        alternates = {link["hreflang"]: link["href"] for link in soup.select('link[rel=alternate][hreflang]')}
        assert alternates == {
            "en": "/en/press/2024/alpha/",
            "zh-Hant-HK": "/tc/press/2024/alpha/",
            "zh-Hans": "/sc/press/2024/alpha/",
            "x-default": "/en/press/2024/alpha/",
        }


def test_hreflang_is_reciprocal_on_every_page(fixture_site):
    alternates = {}
    for path in fixture_site.html_files():
        url = "/" + str(path.relative_to(fixture_site.output)).removesuffix("index.html")
        soup = fixture_site.page(url)
        alternates[url] = {link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")}
    assert len(alternates) == 53  # the root, its 404, and 51 pages in one language or more
    for url, links in alternates.items():
        assert url in links.values(), f"{url} does not list itself among its alternates"
        for hreflang, target in links.items():
            if hreflang == "x-default":
                continue
            assert target in alternates, f"{url}: hreflang {hreflang} points to missing {target}"
            assert url in alternates[target].values(), f"{target} does not link back to {url}"


def test_switcher_leads_to_the_other_home_when_an_item_is_untranslated(fixture_site):
    beta = fixture_site.page("/en/press/2025/beta/")
    assert links_of(beta, "nav.sl-switcher a[lang=zh-Hant-HK]") == ["/tc/"]
    gamma = fixture_site.page("/tc/press/2025/gamma/")
    assert links_of(gamma, "nav.sl-switcher a[lang=en]") == ["/en/"]
    # an untranslated page lists only itself as an alternate
    assert [link["hreflang"] for link in beta.select("link[rel=alternate][hreflang]")] == ["en", "x-default"]


def test_untranslated_items_are_listed_in_the_other_language_marked(fixture_site):
    listed = {}
    for lang in ("en", "tc"):
        for url in (f"/{lang}/press/", f"/{lang}/press/page/2/"):
            for link in fixture_site.page(url).select("a.sl-entry__link"):
                listed[(lang, link["href"])] = link
    # the title in its own language; the markers in the list's (a screen reader reads them in its voice)
    gamma_on_en = listed[("en", "/tc/press/2025/gamma/")]
    assert gamma_on_en["hreflang"] == "zh-Hant-HK" and gamma_on_en.select_one("[lang]")["lang"] == "zh-Hant-HK"
    assert gamma_on_en.select_one(".sl-entry__only").get_text() == "(Chinese only)"
    beta_on_tc = listed[("tc", "/en/press/2025/beta/")]
    assert beta_on_tc["hreflang"] == "en" and beta_on_tc.select_one("[lang]").get_text() == "Beta release only in English"
    assert beta_on_tc.select_one(".sl-entry__only").get_text() == "（只有英文版）"
    assert beta_on_tc.select_one(".sl-with-photos").get_text() == "（附圖）"
    for link in (gamma_on_en, beta_on_tc):
        for marker in link.select(".sl-entry__only, .sl-with-photos"):
            assert marker.find_parent(attrs={"lang": True}).name == "html", marker
    # translated items link to the list's own language, unmarked
    assert listed[("tc", "/tc/press/2024/alpha/")].select_one(".sl-entry__only") is None
    assert len([key for key in listed if key[0] == "en"]) == 4


def test_build_warns_once_per_untranslated_item(fixture_site):
    warnings = [line for line in fixture_site.text.splitlines() if ": warning: " in line]
    assert len(warnings) == 6, warnings  # beta, gamma, contact, forum-b, forum-c; and one unlisted photo
    assert any("press/2025/beta.en.md" in line and "beta.tc.md" in line for line in warnings)
    assert any("press/2025/gamma.tc.md" in line and "gamma.en.md" in line for line in warnings)


def test_press_list_is_newest_first_and_paginated(fixture_site):
    first = fixture_site.page("/en/press/")
    titles = [a.get_text(" ", strip=True) for a in first.select("a.sl-entry__link")]
    assert titles[0] == "Delta release with no language suffix"
    assert titles[1].startswith("丙新聞公報只有中文")
    assert first.select_one("a[rel=next]")["href"] == "/en/press/page/2/"
    last = fixture_site.page("/en/press/page/2/")
    assert [a["href"] for a in last.select("a.sl-entry__link")] == ["/en/press/2025/beta/", "/en/press/2024/alpha/"]
    assert last.select_one("a[rel=next]") is None
    assert last.select_one("a[rel=prev]")["href"] == "/en/press/"


def test_year_archives_hold_their_year_only(fixture_site):
    year = fixture_site.page("/tc/press/2024/")
    assert [a["href"] for a in year.select("a.sl-entry__link")] == ["/tc/press/2024/alpha/"]
    assert year.h1.get_text() == "2024年新聞公報"


def test_interface_strings_on_tc_are_chinese(fixture_site):
    page = fixture_site.page("/tc/press/2024/alpha/")
    assert page.select_one(".sl-skip-link").get_text() == "跳至主要內容"
    nav = [a.get_text(strip=True) for a in page.select("nav.sl-nav a")]
    assert nav[:2] == ["首頁", "新聞公報"]
    assert "最近修訂日期" in page.select_one(".sl-footer__revised").get_text()
    assert page.title.get_text().endswith("| 智慧政府創新實驗室")


def test_dates_are_localized(fixture_site):
    en = fixture_site.page("/en/press/2025/beta/")
    assert en.select_one(".sl-article__meta time").get_text() == "30 July 2025 14:30"
    tc = fixture_site.page("/tc/press/2025/gamma/")
    assert tc.select_one(".sl-article__meta time").get_text() == "2025年8月1日 09:00"
    assert tc.select_one(".sl-article__meta time")["datetime"] == "2025-08-01T09:00:00+08:00"


def test_last_revision_date_uses_modified_then_date(fixture_site):
    alpha = fixture_site.page("/en/press/2024/alpha/")
    assert alpha.select_one(".sl-footer__revised time").get_text() == "6 March 2024"
    beta = fixture_site.page("/en/press/2025/beta/")
    assert beta.select_one(".sl-footer__revised time").get_text() == "30 July 2025"


def test_no_url_contains_dot_segments(fixture_site):
    for path in fixture_site.html_files():
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|src)="([^"]*)"', text):
            assert "/../" not in url and "/./" not in url, f"{path}: {url}"


def test_internal_links_resolve_to_files(fixture_site):
    for path in fixture_site.html_files():
        base = "/" + str(path.relative_to(fixture_site.output))
        soup = fixture_site.page(base.removesuffix("index.html"))
        for tag in soup.select("[href], [src]"):
            url = urljoin(base, tag.get("href") or tag.get("src")).split("#")[0]
            if url.startswith(("https://", "http://")):
                continue  # external: the fixture's registration link
            target = fixture_site.output / url.lstrip("/")
            if url.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{base}: broken link {url}"


def test_filename_links_resolve_to_the_linked_release(fixture_site):
    alpha = fixture_site.page("/en/press/2024/alpha/")
    assert alpha.select_one(".sl-prose a")["href"] == "/en/press/2025/beta/"


def test_static_files_are_written_once_for_all_languages(fixture_site):
    css = list(fixture_site.output.rglob("site.css"))
    assert [str(p.relative_to(fixture_site.output)) for p in css] == ["theme/css/site.css"]
    assert not (fixture_site.output / "en" / "theme").exists()


def test_root_offers_every_language(fixture_site):
    root = fixture_site.page("/")
    assert {a["href"]: a["lang"] for a in root.select("a.sl-root__link")} == {"/en/": "en", "/tc/": "zh-Hant-HK", "/sc/": "zh-Hans"}
    homes = fixture_site.page("/en/")
    assert homes.select_one('link[hreflang="x-default"]')["href"] == "/"


@pytest.mark.parametrize("lang", ["en", "tc", "sc"])
def test_every_page_has_skip_link_first_and_csp(fixture_site, lang):
    for path in (fixture_site.output / lang).rglob("index.html"):
        soup = fixture_site.page("/" + str(path.relative_to(fixture_site.output)).removesuffix("index.html"))
        first_link = soup.body.find("a")
        assert "sl-skip-link" in first_link["class"] and first_link["href"] == "#main", path
        csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert csp.startswith("default-src 'self'"), path
        assert soup.select_one("main#main") is not None, path


@pytest.mark.parametrize("lang, count", [("en", 3), ("tc", 3)])
def test_each_language_has_a_valid_atom_feed_of_its_own_releases(fixture_site, lang, count):
    import feedparser

    feed = feedparser.parse((fixture_site.output / lang / "press" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == count
    assert all(entry.link.startswith(f"/{lang}/press/") for entry in feed.entries)
    assert "<p>" in feed.entries[0].content[0].value  # full entry, HTML escaped in the XML
    head = fixture_site.page(f"/{lang}/").select_one('link[type="application/atom+xml"]')
    assert head["href"] == f"/{lang}/press/feed.xml"


def test_table_alignment_becomes_classes_not_style_attributes(fixture_site):
    cell = fixture_site.page("/en/press/2024/alpha/").select_one(".sl-prose td.sl-align-right")
    assert cell is not None and cell.get_text() == "1"
    for path in fixture_site.html_files():
        assert " style=" not in path.read_text(encoding="utf-8"), path


CJK = "\u3400-\u9fff"


@pytest.mark.parametrize("lang", ["tc", "sc"])
def test_no_half_width_colon_after_a_chinese_label(fixture_site, lang):
    """Labels the templates put before a value end with the full-width colon on Chinese pages."""
    pages = [path for path in fixture_site.html_files() if path.relative_to(fixture_site.output).parts[0] == lang]
    assert len(pages) > 10
    for path in pages:
        soup = fixture_site.page("/" + str(path.relative_to(fixture_site.output)))
        for written in soup.select(".sl-prose, h1, title, script"):
            written.extract()  # what editors wrote is theirs
        text = soup.get_text(" ")
        assert not re.search(f"[{CJK}]\\s*:", text), (path, re.search(f".{{0,20}}[{CJK}]\\s*:.{{0,20}}", text).group(0))
    page = fixture_site.page(f"/{lang}/press/2024/alpha/")
    assert page.select_one(".sl-footer__revised").get_text().startswith(("最近修訂日期：", "最近修订日期："))
    if lang == "tc":  # the sc alpha is written by hand, without tags
        assert page.select_one(".sl-tags__label").get_text() == "標籤："


def test_every_page_shows_the_build_year_in_its_copyright(fixture_site):
    """One year for the whole site, the build's (2026-01-01), even on a 2019 forum's page."""
    years = {}
    for path in fixture_site.html_files():
        soup = fixture_site.page("/" + str(path.relative_to(fixture_site.output)))
        notice = soup.select_one(".sl-footer__copyright")
        if notice is not None:
            years.setdefault(re.search(r"\d{4}", notice.get_text()).group(0), []).append(path.name)
    assert list(years) == ["2026"], {year: len(pages) for year, pages in years.items()}
