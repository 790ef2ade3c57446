"""Build the fixture site and check what a visitor gets, in both languages.

What a test expects of "every source", "every page" or "every feed" is computed from the fixture's
own sources and from what its build planned (tests.helpers: read_sources, Plan), never counted by
hand, so that a source or a content type added to the fixture changes no test here.
"""

import os
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.helpers import address, project_settings, read_sources, source_groups, written_languages

HTML_LANG = {"en": "en", "tc": "zh-Hant-HK", "sc": "zh-Hans"}


def source_items(plan, content):
    """The model's items read from a source (not converted), by the source's path below ``content``."""
    items = {}
    for item in plan.site.items:
        if item.derived_from is None:
            items[Path(os.path.abspath(item.path)).relative_to(content).as_posix()] = item
    return items


def links_of(soup, selector):
    return [a["href"] for a in soup.select(selector)]


def test_every_source_has_its_page_at_its_url_in_its_language(fixture_site, fixture_plan):
    """Each source is read into one item, published where its content type's url() puts it, in its language."""
    content = fixture_site.output.parent / "content"
    sources = read_sources(content)
    types = {kind.folder: kind for kind in fixture_plan.content_types}
    assert sources and {source.folder for source in sources} <= set(types), sorted(source.rel for source in sources)
    items = source_items(fixture_plan, content)
    assert sorted(items) == [source.rel for source in sources], "sources not read, or items from no source"
    for source in sources:
        kind = types[source.folder]
        item = items[source.rel]
        assert item.lang == source.lang and item.kind == kind.kind, source.rel
        key = kind.locate(source.rel_dir, source.name, source.rel)
        url = "/" + kind.url(source.lang, key, item.fields)
        page = fixture_site.page(url)
        assert page.html["lang"] == HTML_LANG[source.lang], url
        for marker in page.h1.select(".sl-with-photos"):
            marker.extract()
        assert page.h1.get_text(strip=True) == source.title, url


def test_every_planned_file_is_written_and_no_other_page(fixture_site, fixture_plan):
    """What later tests compute from the plan is what the build wrote."""
    for page in fixture_plan.pages:
        assert (fixture_site.output / page.save_as).is_file(), page.save_as
    written = {"/" + str(path.relative_to(fixture_site.output)).removesuffix("index.html") for path in fixture_site.html_files()}
    assert written == {address(page) for page in fixture_plan.html_pages()}


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


def test_hreflang_is_reciprocal_on_every_page(fixture_site, fixture_plan):
    alternates = {}
    for path in fixture_site.html_files():
        url = "/" + str(path.relative_to(fixture_site.output)).removesuffix("index.html")
        soup = fixture_site.page(url)
        alternates[url] = {link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")}
    assert set(alternates) == {address(page) for page in fixture_plan.html_pages()}  # every page planned, the root and 404s too
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


def test_untranslated_items_are_listed_in_the_other_language_marked(fixture_site, fixture_plan):
    listed, hrefs = {}, {}
    for lang in ("en", "tc"):
        for list_page in fixture_plan.pages_of("press:list:", lang):
            for link in fixture_site.page(address(list_page)).select("a.sl-entry__link"):
                listed[(lang, link["href"])] = link
                hrefs.setdefault(lang, []).append(link["href"])
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
    # every release once in each language: in that language where it is translated, else in the one it has
    groups = fixture_plan.site.groups_of("press")
    for lang in ("en", "tc"):
        expected = ["/" + group.best(lang, fixture_plan.site.languages).url for group in groups]
        assert sorted(hrefs[lang]) == sorted(expected), lang


PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif")


def test_build_warns_once_per_untranslated_item(fixture_site):
    """One warning per language a published item lacks (of the languages editors write), one per draft, and
    one per photo in a gallery's folder that no index lists: computed from the sources, nothing else."""
    content = fixture_site.output.parent / "content"
    languages = project_settings()["LANGUAGES"]  # in the site's order: a group's first file is the one warned about
    warnings = [line for line in fixture_site.text.splitlines() if ": warning: " in line]
    assert len(set(warnings)) == len(warnings), "a warning said twice"
    sources = read_sources(content)
    expected = {}  # (file, what the line says) -> found
    for group in source_groups([source for source in sources if not source.draft]).values():
        first = next(group[lang] for lang in languages if lang in group)
        for lang in written_languages():
            if lang not in group:
                expected[(first.rel, f"has no {languages[lang]['label']} ({lang}) translation")] = 0
                expected[(first.rel, f"{first.group}.{lang}.md")] = 0  # the file to add
    for source in sources:
        if source.draft:
            expected[(source.rel, "is a draft")] = 0
    for index in (source for source in sources if source.folder == "galleries" and source.name == "index"):
        folder = content / index.rel_dir
        listed = " ".join(path.read_text(encoding="utf-8") for path in folder.glob("index*.md"))
        for photo in folder.iterdir():
            if photo.suffix.lower() in PHOTO_SUFFIXES and f"({photo.name}" not in listed:
                expected[(f"{index.rel_dir}/{photo.name}", "no language lists it")] = 0
    unexplained = []
    for line in warnings:
        path = re.match(r"(.*?)(?::\d+)?: warning: ", line).group(1)
        mine = [key for key in expected if path.endswith("/" + key[0]) and key[1] in line]
        for key in mine:
            expected[key] += 1
        if not mine:
            unexplained.append(line)
    assert not unexplained, unexplained
    assert [key for key, found in expected.items() if found != 1] == [], warnings
    assert any("press/2025/beta.en.md" in line and "beta.tc.md" in line for line in warnings)
    assert any("press/2025/gamma.tc.md" in line and "gamma.en.md" in line for line in warnings)


def newest_first(groups):
    """Translation groups newest first, by the date of their first language (then by key, as lists break ties)."""
    return sorted(groups, key=lambda group: (group.primary.date, group.key), reverse=True)


def test_press_list_is_newest_first_and_paginated(fixture_site, fixture_plan):
    site = fixture_plan.site
    per_page = site.settings["PRESS_PER_PAGE"]
    wanted = ["/" + group.best("en", site.languages).url for group in newest_first(site.groups_of("press"))]
    assert len(wanted) > per_page  # more than one page: the paging is exercised
    url, shown, previous, titles = "/en/press/", [], None, {}
    while url:
        page = fixture_site.page(url)
        hrefs = [a["href"] for a in page.select("a.sl-entry__link")]
        titles.update((a["href"], a.get_text(" ", strip=True)) for a in page.select("a.sl-entry__link"))
        assert hrefs == wanted[len(shown) : len(shown) + per_page], url
        assert (page.select_one("a[rel=prev]") or {}).get("href") == previous, url
        shown += hrefs
        previous, url = url, (page.select_one("a[rel=next]") or {}).get("href")
    assert shown == wanted
    assert [address(p) for p in fixture_plan.pages_of("press:list:", "en")][:2] == ["/en/press/", "/en/press/page/2/"]
    assert titles["/en/press/2025/delta/"] == "Delta release with no language suffix"
    assert titles["/tc/press/2025/gamma/"].startswith("丙新聞公報只有中文")


def test_year_archives_hold_their_year_only(fixture_site, fixture_plan):
    site = fixture_plan.site
    for group in site.groups_of("press"):
        year = group.key.split("/")[1]  # press/<year>/<name>
        in_year = [g for g in newest_first(site.groups_of("press")) if g.key.split("/")[1] == year]
        page = fixture_site.page(f"/tc/press/{year}/")
        assert [a["href"] for a in page.select("a.sl-entry__link")] == ["/" + g.best("tc", site.languages).url for g in in_year], year
    assert fixture_site.page("/tc/press/2024/").h1.get_text() == "2024年新聞公報"


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


def test_every_feed_is_in_every_language_and_is_valid_atom_of_that_languages_items(fixture_site, fixture_plan):
    """Each feed the plan has (one per content type that has one) exists in every language, is valid Atom,
    and holds the items written in its language that its list shows: no more, none missing (up to FEED_ITEMS)."""
    import feedparser

    feeds = fixture_plan.feeds()
    assert any(page.key.startswith("press:") for page in feeds)
    for lang in fixture_plan.languages:
        assert sorted(page.key for page in fixture_plan.feeds(lang)) == sorted({page.key for page in feeds}), lang
    limit = fixture_plan.site.settings["FEED_ITEMS"]
    for page in feeds:
        feed = feedparser.parse((fixture_site.output / page.save_as).read_bytes())
        assert not feed.bozo, (page.url, feed.get("bozo_exception"))
        listed = feed.feed.link  # the list page the feed follows
        assert listed in {address(p) for p in fixture_plan.html_pages(page.lang)}, (page.url, listed)
        items = {address(p) for p in fixture_plan.item_pages(page.lang) if address(p).startswith(listed)}
        links = [entry.link for entry in feed.entries]
        assert len(links) == len(set(links)) == min(len(items), limit) and set(links) <= items, (page.url, links, items)
        for entry in feed.entries:
            assert entry.content[0].type == "text/html" and "</" in entry.content[0].value, entry  # the full entry, its HTML escaped
    for lang in fixture_plan.languages:  # every page of a language names that language's feeds, in the plan's order
        wanted = [address(feed) for feed in fixture_plan.feeds(lang)]
        for page in fixture_plan.html_pages(lang):
            heads = [link["href"] for link in fixture_site.page(address(page)).select('link[type="application/atom+xml"]')]
            assert heads == wanted, address(page)
    assert [link["href"] for link in fixture_site.page("/en/").select('link[type="application/atom+xml"]')][0] == "/en/press/feed.xml"
    press = feedparser.parse((fixture_site.output / "en/press/feed.xml").read_bytes())
    assert "<p>" in press.entries[0].content[0].value


def test_table_alignment_becomes_classes_not_style_attributes(fixture_site):
    cell = fixture_site.page("/en/press/2024/alpha/").select_one(".sl-prose td.sl-align-right")
    assert cell is not None and cell.get_text() == "1"
    for path in fixture_site.html_files():
        assert " style=" not in path.read_text(encoding="utf-8"), path


CJK = "\u3400-\u9fff"


@pytest.mark.parametrize("lang", ["tc", "sc"])
def test_no_half_width_colon_after_a_chinese_label(fixture_site, fixture_plan, lang):
    """Labels the templates put before a value end with the full-width colon on Chinese pages."""
    pages = [path for path in fixture_site.html_files() if path.relative_to(fixture_site.output).parts[0] == lang]
    assert pages and len(pages) == len(fixture_plan.html_pages(lang))
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
