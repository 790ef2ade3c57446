"""Sitemaps, robots.txt, "page not found" pages and the head tags for search engines and link previews.

The fixture site is built without SITEURL: its pages link root-relatively, and its sitemaps and
robots.txt (which must be absolute) use the address `make serve` serves the site on.
"""

import datetime as dt
import json
import re
import struct
from collections import Counter

import pytest
from babel.messages.pofile import read_po
from lxml import etree

from tests.conftest import BUILD_EPOCH
from tests.helpers import ROOT, address, build, environ

BASE = "http://127.0.0.1:8000"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
LANGS = ["en", "tc", "sc"]
HTML_LANG = {"en": "en", "tc": "zh-Hant-HK", "sc": "zh-Hans"}
OG_LOCALE = {"en": "en_HK", "tc": "zh_HK", "sc": "zh_CN"}
LOCALE = {"tc": "zh_Hant_HK", "sc": "zh_Hans_HK"}
PUBLISHED = "https://www.example.gov.hk"
W3C_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")  # the precision sitemaps use
SITENAME = {"en": "Smart Government Innovation Lab", "tc": "智慧政府創新實驗室", "sc": "智慧政府创新实验室"}


@pytest.fixture(scope="module")
def published_site(fixture_site, tmp_path_factory):
    """The fixture site built as `make publish` builds it: with an absolute SITEURL (given with a trailing slash).

    From the content folder fixture_site prepared, so that it is the same site.
    """
    work = tmp_path_factory.mktemp("published-site")
    content = fixture_site.output.parent / "content"
    result = build(content, work / "output", f'SITEURL="{PUBLISHED}/"', cache=work / "cache", env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert result.returncode == 0, result.text
    return result


def tr(lang, message):
    """``message`` as the build shows it in ``lang``: the catalog's translation, else the English msgid."""
    if lang == "en":
        return message
    with (ROOT / "theme" / "translations" / LOCALE[lang] / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        found = read_po(handle).get(message)
    return found.string if found is not None and found.string and not found.fuzzy else message


def url_of(site, path):
    """The URL path of an output file: "/en/press/" for en/press/index.html."""
    return "/" + str(path.relative_to(site.output)).removesuffix("index.html")


def is_not_found(url):
    return url.endswith("/404.html") or url == "/404.html"


def listable(site):
    """Every HTML page a visitor can reach, the 404 pages and the search pages (noindex) aside."""
    return [url for url in map(lambda p: url_of(site, p), site.html_files())
            if not is_not_found(url) and not url.endswith("/search/")]


def parse(site, path):
    return etree.parse(str(site.output / path)).getroot()  # raises on XML that is not well formed


def sitemap_entries(site):
    """[(language, loc, lastmod, {hreflang: href})] over every language sitemap, in file order."""
    found = []
    for lang in LANGS:
        for url in parse(site, f"{lang}/sitemap.xml").iterfind(f"{{{SM}}}url"):
            links = url.findall(f"{{{XHTML}}}link")
            found.append((
                lang,
                url.findtext(f"{{{SM}}}loc"),
                url.findtext(f"{{{SM}}}lastmod"),
                {link.get("hreflang"): link.get("href") for link in links},
            ))
    return found


def head_hreflang(soup):
    return {link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")}


def meta(soup, name):
    """The content of every <meta property=name> or <meta name=name>."""
    return [tag["content"] for tag in soup.select(f'meta[property="{name}"], meta[name="{name}"]')]


# -- sitemaps --------------------------------------------------------------------------


def test_sitemap_index_points_to_one_sitemap_per_language(fixture_site):
    index = parse(fixture_site, "sitemap.xml")
    assert index.tag == f"{{{SM}}}sitemapindex"
    sitemaps = index.findall(f"{{{SM}}}sitemap")
    assert [s.findtext(f"{{{SM}}}loc") for s in sitemaps] == [f"{BASE}/{lang}/sitemap.xml" for lang in LANGS]
    for sitemap, lang in zip(sitemaps, LANGS):
        assert [child.tag for child in sitemap] == [f"{{{SM}}}loc", f"{{{SM}}}lastmod"]
        newest = max(
            (dt.datetime.fromisoformat(entry[2]) for entry in sitemap_entries(fixture_site) if entry[0] == lang and entry[2]),
        )
        assert dt.datetime.fromisoformat(sitemap.findtext(f"{{{SM}}}lastmod")) == newest
        assert (fixture_site.output / lang / "sitemap.xml").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_language_sitemap_follows_the_sitemap_protocol(fixture_site, lang):
    urlset = parse(fixture_site, f"{lang}/sitemap.xml")
    assert urlset.tag == f"{{{SM}}}urlset"
    assert urlset.nsmap == {None: SM, "xhtml": XHTML}
    urls = list(urlset)
    assert urls and all(url.tag == f"{{{SM}}}url" for url in urls)
    build = dt.datetime.fromtimestamp(BUILD_EPOCH, dt.timezone.utc)
    for url in urls:
        tags = [child.tag for child in url]
        # the protocol's order: loc, then lastmod; other namespaces only at the end
        assert tags[0] == f"{{{SM}}}loc"
        rest = tags[2:] if tags[1:2] == [f"{{{SM}}}lastmod"] else tags[1:]
        assert rest and set(rest) == {f"{{{XHTML}}}link"}, tags
        loc = url.findtext(f"{{{SM}}}loc")
        assert loc.startswith(f"{BASE}/{lang}/") or (lang == "en" and loc == f"{BASE}/"), loc
        lastmod = url.findtext(f"{{{SM}}}lastmod")
        if lastmod:
            assert W3C_DATETIME.fullmatch(lastmod), lastmod
            stamp = dt.datetime.fromisoformat(lastmod)
            assert stamp.tzinfo is not None and stamp <= build, lastmod
        for link in url.iterfind(f"{{{XHTML}}}link"):
            assert link.get("rel") == "alternate"
            assert link.get("hreflang") in {*HTML_LANG.values(), "x-default"}
            assert link.get("href").startswith(BASE + "/")


def test_every_html_page_is_in_exactly_one_language_sitemap(fixture_site):
    locs = Counter(loc for _, loc, _, _ in sitemap_entries(fixture_site))
    assert [loc for loc, count in locs.items() if count > 1] == []
    assert set(locs) == {BASE + url for url in listable(fixture_site)}
    for lang, loc, _, _ in sitemap_entries(fixture_site):  # each in its own language's sitemap; the root in the default one
        assert loc.startswith(f"{BASE}/{lang}/") or (lang == "en" and loc == f"{BASE}/")


def test_sitemaps_list_neither_404_pages_nor_feeds_nor_calendars(fixture_site):
    for _, loc, _, alternates in sitemap_entries(fixture_site):
        for url in (loc, *alternates.values()):
            assert not url.endswith(("404.html", ".xml", ".ics", ".json")), url


def test_sitemap_alternates_are_reciprocal_and_include_the_page_itself(fixture_site):
    entries = {loc: alternates for _, loc, _, alternates in sitemap_entries(fixture_site)}
    for loc, alternates in entries.items():
        assert loc in alternates.values(), f"{loc} is not among its own alternates"
        assert list(alternates)[-1] == "x-default" and list(alternates).count("x-default") == 1
        for hreflang, target in alternates.items():
            assert target in entries, f"{loc}: {hreflang} points to {target}, which no sitemap lists"
            assert entries[target] == alternates, f"{target} and {loc} disagree about their translations"
    # a translated release names all three languages
    assert entries[f"{BASE}/tc/press/2024/alpha/"] == {
        "en": f"{BASE}/en/press/2024/alpha/",
        "zh-Hant-HK": f"{BASE}/tc/press/2024/alpha/",
        "zh-Hans": f"{BASE}/sc/press/2024/alpha/",
        "x-default": f"{BASE}/en/press/2024/alpha/",
    }


def test_sitemap_alternates_are_the_hreflang_links_of_each_page(fixture_site):
    for _, loc, _, alternates in sitemap_entries(fixture_site):
        soup = fixture_site.page(loc.removeprefix(BASE))
        assert {lang: BASE + href for lang, href in head_hreflang(soup).items()} == alternates, loc


def test_sitemap_urls_are_absolute_and_normalised(fixture_site):
    texts = [(fixture_site.output / lang / "sitemap.xml").read_text(encoding="utf-8") for lang in LANGS]
    texts.append((fixture_site.output / "sitemap.xml").read_text(encoding="utf-8"))
    assert all("/../" not in text and "/./" not in text for text in texts)
    for _, loc, _, alternates in sitemap_entries(fixture_site):
        for url in (loc, *alternates.values()):
            assert url.startswith(BASE + "/") and "//" not in url.removeprefix("http://"), url


def test_lastmod_is_the_revision_date_the_page_shows(fixture_site):
    lastmods = {loc: lastmod for _, loc, lastmod, _ in sitemap_entries(fixture_site)}
    assert lastmods[f"{BASE}/en/press/2024/alpha/"] == "2024-03-06T09:15:00+08:00"  # Modified
    assert lastmods[f"{BASE}/tc/press/2024/alpha/"] == "2024-03-05T10:00:00+08:00"  # Date
    for loc, lastmod in lastmods.items():
        footer = fixture_site.page(loc.removeprefix(BASE)).select_one(".sl-footer__revised time")
        if footer is not None and lastmod is not None:
            assert footer["datetime"] == lastmod, loc


def test_robots_txt_allows_everything_and_names_the_sitemap(fixture_site):
    lines = (fixture_site.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    assert not any(line.startswith("Disallow:") and line != "Disallow:" for line in lines)
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_published_sitemaps_and_head_use_the_siteurl(published_site):
    lines = (published_site.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {PUBLISHED}/sitemap.xml" in lines
    index = parse(published_site, "sitemap.xml")
    assert [loc.text for loc in index.iter(f"{{{SM}}}loc")] == [f"{PUBLISHED}/{lang}/sitemap.xml" for lang in LANGS]
    entries = sitemap_entries(published_site)
    assert {loc for _, loc, _, _ in entries} == {PUBLISHED + url for url in listable(published_site)}
    for _, loc, _, alternates in entries:
        for url in (loc, *alternates.values()):
            assert url.startswith(PUBLISHED + "/") and "//" not in url.removeprefix("https://"), url
    release = published_site.page("/sc/press/2024/alpha/")
    absolute = f"{PUBLISHED}/sc/press/2024/alpha/"
    assert [link["href"] for link in release.select("link[rel=canonical]")] == [absolute]
    assert meta(release, "og:url") == [absolute]
    assert meta(release, "og:image") == [f"{PUBLISHED}/theme/images/og-default.png"]
    data = json.loads(release.select_one('script[type="application/ld+json"]').string)
    assert data["url"] == data["mainEntityOfPage"]["@id"] == absolute


def test_absolute_urls_are_normalised():
    from seo.sitemaps import DEV_SITEURL, absolute, normal_path, site_base

    assert site_base({"SITEURL": ""}) == DEV_SITEURL == BASE
    assert site_base({"SITEURL": "https://www.example.gov.hk/"}) == "https://www.example.gov.hk"
    assert absolute("https://www.example.gov.hk", "en/../en//press/./2025/") == "https://www.example.gov.hk/en/press/2025/"
    assert normal_path("") == "/"
    assert normal_path("//en/404.html") == "/en/404.html"
    assert normal_path("en/press/a b/") == "/en/press/a%20b/"


# -- page not found ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_not_found_page_in_each_language(fixture_site, lang):
    soup = fixture_site.page(f"/{lang}/404.html")
    assert soup.html["lang"] == HTML_LANG[lang]
    assert soup.h1.get_text(strip=True) == tr(lang, "Page not found")
    assert tr(lang, "Sorry, we cannot find the page you asked for. It may have been moved or removed.") in soup.main.get_text()
    assert meta(soup, "robots") == ["noindex"]
    assert soup.select_one("link[rel=canonical]") is None
    links = [a["href"] for a in soup.select("main a")]
    assert f"/{lang}/" in links and f"/{lang}/sitemap/" in links
    if (fixture_site.output / lang / "search" / "index.html").is_file():
        assert f"/{lang}/search/" in links
    # the site's header and footer, as on every page
    assert soup.select_one("a.sl-skip-link") is not None and soup.select_one("footer") is not None


def test_root_not_found_page_offers_every_language(fixture_site):
    soup = fixture_site.page("/404.html")
    assert soup.html["lang"] == "en"
    assert meta(soup, "robots") == ["noindex"]
    assert {a["href"]: a["lang"] for a in soup.select("a.sl-root__link")} == {f"/{lang}/": HTML_LANG[lang] for lang in LANGS}
    titles = {span["lang"]: span.get_text(strip=True) for span in soup.select("h1 [lang]")}
    assert titles == {HTML_LANG[lang]: tr(lang, "Page not found") for lang in LANGS}
    assert [p["lang"] for p in soup.select("main p[lang]")] == [HTML_LANG[lang] for lang in LANGS]


def test_404_pages_are_alternates_of_one_another_only(fixture_site):
    for path in fixture_site.html_files():
        url = url_of(fixture_site, path)
        targets = set(head_hreflang(fixture_site.page(url)).values())
        if is_not_found(url):
            assert targets == {"/404.html", *(f"/{lang}/404.html" for lang in LANGS)}, url
        else:
            assert not any(is_not_found(target) for target in targets), url


# -- the head: canonical, Open Graph, Twitter, JSON-LD ---------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_release_head_has_canonical_open_graph_and_twitter_tags(fixture_site, lang):
    url = f"/{lang}/press/2024/alpha/"
    soup = fixture_site.page(url)
    assert [link["href"] for link in soup.select("link[rel=canonical]")] == [url]
    assert meta(soup, "og:url") == [url]
    assert meta(soup, "og:type") == ["article"]
    assert meta(soup, "og:title") == [soup.h1.get_text(strip=True)]
    assert meta(soup, "og:site_name") == [SITENAME[lang]]
    assert meta(soup, "og:description") == meta(soup, "description") == meta(soup, "twitter:description")
    assert meta(soup, "og:locale") == [OG_LOCALE[lang]]
    assert sorted(meta(soup, "og:locale:alternate")) == sorted(OG_LOCALE[other] for other in LANGS if other != lang)
    assert meta(soup, "og:image") == meta(soup, "twitter:image") == ["/theme/images/og-default.png"]
    assert meta(soup, "twitter:card") == ["summary_large_image"]


def test_default_image_is_a_1200_by_630_png(fixture_site):
    data = (fixture_site.output / "theme" / "images" / "og-default.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)
    soup = fixture_site.page("/en/")
    assert meta(soup, "og:image:width") == ["1200"] and meta(soup, "og:image:height") == ["630"]


def test_every_page_has_a_canonical_link_to_itself_and_a_preview(fixture_site):
    for url in listable(fixture_site):
        soup = fixture_site.page(url)
        if soup.select_one("header.sl-header") is None:
            continue  # the root language chooser has a head of its own
        lang = next(code for code, html_lang in HTML_LANG.items() if soup.html["lang"] == html_lang)
        assert [link["href"] for link in soup.select("link[rel=canonical]")] == [url], url
        assert meta(soup, "og:url") == [url], url
        assert meta(soup, "og:locale") == [OG_LOCALE[lang]], url
        assert meta(soup, "og:description") == meta(soup, "description"), url
        assert len(meta(soup, "og:title")) == 1 and len(meta(soup, "og:type")) == 1, url
        assert meta(soup, "twitter:card") == ["summary_large_image"], url


def page_kinds(plan):
    """What each content type declares its item pages to be (contract.PageKind), by kind."""
    return {content_type.kind: content_type.page_kind for content_type in plan.content_types}


def test_og_type_is_what_each_content_type_declares(fixture_site, fixture_plan):
    """An item's page has the og:type its content type declares; every other page is a website."""
    kinds = page_kinds(fixture_plan)
    reachable = set(listable(fixture_site))
    for page in fixture_plan.html_pages():
        soup = fixture_site.page(address(page))
        if address(page) not in reachable or soup.select_one("header.sl-header") is None:
            continue  # a 404 or search page (noindex), or the root language chooser with a head of its own
        wanted = kinds[page.item.kind].og_type if page.item is not None else "website"
        assert meta(soup, "og:type") == [wanted], address(page)
    assert meta(fixture_site.page("/en/forums/forum-a/"), "og:type") == ["article"]
    assert meta(fixture_site.page("/tc/press/"), "og:type") == ["website"]
    home = fixture_site.page("/sc/")
    assert meta(home, "og:type") == ["website"]
    assert meta(home, "og:title") == [SITENAME["sc"]]


def test_untranslated_page_has_no_locale_alternates(fixture_site):
    soup = fixture_site.page("/en/press/2025/beta/")
    assert meta(soup, "og:locale") == ["en_HK"]
    assert meta(soup, "og:locale:alternate") == []


def test_news_article_json_ld_on_a_release(fixture_site):
    soup = fixture_site.page("/en/press/2024/alpha/")
    scripts = soup.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Alpha release in English"
    assert data["datePublished"] == "2024-03-05T10:00:00+08:00"
    assert data["dateModified"] == "2024-03-06T09:15:00+08:00"
    assert data["inLanguage"] == "en"
    assert data["publisher"] == {"@type": "Organization", "name": "Digital Policy Office"}
    assert data["url"] == "/en/press/2024/alpha/"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": "/en/press/2024/alpha/"}
    assert data["description"] == "The first fixture release, translated."


def test_news_article_is_in_the_language_of_the_page(fixture_site):
    data = json.loads(fixture_site.page("/tc/press/2024/alpha/").select_one('script[type="application/ld+json"]').string)
    assert data["inLanguage"] == "zh-Hant-HK"
    assert data["headline"] == "中文版甲新聞公報"
    assert data["dateModified"] == data["datePublished"] == "2024-03-05T10:00:00+08:00"  # no Modified
    assert data["publisher"]["name"] == tr("tc", "Digital Policy Office")


def test_news_article_data_is_on_the_pages_of_the_content_types_that_declare_it_only(fixture_site, fixture_plan):
    kinds = page_kinds(fixture_plan)
    news = {address(page) for page in fixture_plan.item_pages() if kinds[page.item.kind].news_article}
    assert "/en/press/2024/alpha/" in news
    carrying = set()
    for url in listable(fixture_site):
        for script in fixture_site.page(url).select('script[type="application/ld+json"]'):
            if json.loads(script.string)["@type"] == "NewsArticle":
                carrying.add(url)
    assert carrying == news
