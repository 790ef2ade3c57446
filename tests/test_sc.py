"""Simplified Chinese: converted from Traditional with OpenCC, overridden by an editor's .sc.md."""

from sc.convert import Converter
from tests.helpers import address


def test_known_terms_convert_with_hong_kong_wording():
    convert = Converter("hk2sp", None)
    assert convert("數字政策辦公室") == "数字政策办公室"
    # hk2sp keeps Hong Kong terms: 資訊科技 stays 资讯科技 (the Mainland term would be 信息技术),
    # as Hong Kong government sites' Simplified versions do.
    assert convert("資訊科技") == "资讯科技"
    assert convert("乾淨") == "干净"


def test_conversion_cache_converts_each_text_once(tmp_path):
    path = tmp_path / "sc.pickle"
    first = Converter("hk2sp", str(path))
    first("新聞公報")
    first("新聞公報")
    assert first.converted == 1
    first.save()
    second = Converter("hk2sp", str(path))
    assert second("新聞公報") == "新闻公报" and second.converted == 0


def test_a_derived_item_converts_the_fields_its_schema_declares_as_prose_and_only_those():
    """A field is converted because its type says it is prose, not because of its name."""
    import datetime as dt
    from types import SimpleNamespace

    from contract.fields import DateTime, Name, Schema, Text, Url
    from contract.model import Item
    from sc.convert import derive

    schema = Schema("workshop", [Text("Title"), Text("Venue"), Url("Booking"), Name("Series"), DateTime("Date")])
    when = dt.datetime(2026, 3, 1, 10, 0)
    fields = {"title": "數據工作坊", "venue": "數碼港", "booking": "https://例子.香港/報名", "series": "數據系列",
              "date": when, "aliases": ("/tc/舊網址/",)}
    source = Item("workshop", "workshops/w", "w", "tc", "content/workshops/w.tc.md", fields, "tc/workshops/w/",
                  content=SimpleNamespace(content="<p>數據</p>"))
    convert = Converter("hk2sp", None)
    derived = derive(source, "sc", lambda lang, key, fields: f"{lang}/{key}/", convert, "", schema)
    assert derived.fields["title"] == "数据工作坊" and derived.fields["venue"] == "数码港"
    assert derived.fields["booking"] == "https://例子.香港/報名"  # an address: kept byte for byte
    assert derived.fields["series"] == "數據系列"  # a name of another item: kept
    assert derived.fields["aliases"] == ("/tc/舊網址/",) and derived.fields["date"] == when  # common: Aliases
    assert derived.content.content == "<p>数据</p>"


def test_sc_pages_are_converted_from_tc_and_say_so(fixture_site):
    page = fixture_site.page("/sc/press/2025/gamma/")
    assert page.html["lang"] == "zh-Hans"
    assert page.h1.get_text() == "丙新闻公报只有中文"
    assert "这份新闻公报没有英文版。" in page.select_one(".sl-prose").get_text()
    assert page.select_one(".sl-notice").get_text() == "本页文字由繁体中文版本自动转换而成。"
    assert page.select_one(".sl-skip-link").get_text() == "跳至主要内容"  # the sc catalog


def test_an_editors_sc_file_overrides_the_conversion(fixture_site):
    page = fixture_site.page("/sc/press/2024/alpha/")
    assert page.h1.get_text() == "编辑自行撰写的甲新闻公报"
    assert page.select_one(".sl-notice") is None


def test_forum_fields_are_converted(fixture_site):
    facts = fixture_site.page("/sc/forums/forum-a/").select_one(".sl-facts").get_text(" ", strip=True)
    assert "香港科学园" in facts and "智慧政府创新实验室" in facts


def test_switcher_offers_three_languages_everywhere(fixture_site):
    for url in ("/en/", "/tc/press/2024/alpha/", "/sc/forums/"):
        page = fixture_site.page(url)
        names = [a.get_text() for a in page.select("nav.sl-switcher a")]
        current = {"en": "English", "tc": "繁體", "sc": "简体"}[url.split("/")[1]]
        assert sorted(names + [current]) == sorted(["English", "繁體", "简体"]), url


def test_untranslated_english_item_is_marked_on_sc_and_not_warned_twice(fixture_site, fixture_plan):
    entries = [a for page in fixture_plan.pages_of("press:list:", "sc") for a in fixture_site.page(address(page)).select("a.sl-entry__link")]
    [beta] = [a for a in entries if a["href"] == "/en/press/2025/beta/"]
    assert beta.select_one(".sl-entry__only").get_text() == "（只有英文版）"  # in the page's language and script
    assert not [line for line in fixture_site.text.splitlines() if "Simplified Chinese (sc) translation" in line]
