"""Markers after a title and labels before a value, in the language of the page that shows them."""

import importlib.util
from types import SimpleNamespace

import jinja2
import pytest
from bs4 import BeautifulSoup

from contract.model import languages_from_settings
from forums.generator import number_runs
from i18n.catalogs import Catalogs, ends_with_marker
from tests.helpers import ROOT

_spec = importlib.util.spec_from_file_location("pelicanconf", ROOT / "pelicanconf.py")
_conf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conf)
LANGUAGES = languages_from_settings({"LANGUAGES": _conf.LANGUAGES})
CATALOGS = Catalogs(str(ROOT / "theme" / "translations"), LANGUAGES)


def render_title(page_lang: str, item, foreign: bool) -> BeautifulSoup:
    """The title macro of theme/templates/partials/titles.html, as a page in ``page_lang`` renders it."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "theme" / "templates")),
                             extensions=["jinja2.ext.i18n"], autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(lambda message: CATALOGS.gettext(page_lang, message),
                                  lambda singular, plural, n: CATALOGS.ngettext(page_lang, singular, plural, n), newstyle=True)
    env.tests["carrying_photo_marker"] = CATALOGS.carries_photo_marker
    env.globals["language"] = {lang.code: lang for lang in LANGUAGES}
    source = '{% from "partials/titles.html" import item_title with context %}<p>{{ item_title(item, foreign) }}</p>'
    return BeautifulSoup(env.from_string(source).render(item=item, foreign=foreign), "html.parser")


def item(title: str, lang: str, gallery: bool = False):
    return SimpleNamespace(title=title, lang=lang, links={"gallery": object()} if gallery else {})


@pytest.mark.parametrize("title", [
    "Forum held (with photos)", "Forum held (With Photos) ", "論壇舉行（附圖）", "論壇舉行(附圖)", "论坛举行（附图）", "論壇舉行 （ 附圖 ）",
])
def test_a_title_ending_with_the_marker_in_either_script_or_bracket_width_carries_it(title):
    assert CATALOGS.carries_photo_marker(title)


@pytest.mark.parametrize("title", ["Photos of the forum", "（附圖）論壇", "With photos: the forum", "論壇"])
def test_a_title_without_the_marker_at_its_end_does_not_carry_it(title):
    assert not CATALOGS.carries_photo_marker(title)


def test_ends_with_marker_compares_full_and_half_width_brackets():
    assert ends_with_marker("甲（附圖）", ["(附圖)"]) and ends_with_marker("甲(附圖)", ["（附圖）"])
    assert not ends_with_marker("甲", ["", "（附圖）"])


@pytest.mark.parametrize("page_lang, title, marker", [
    ("en", "Forum held (with photos)", "(with photos)"),
    ("tc", "論壇舉行（附圖）", "（附圖）"),
    ("tc", "論壇舉行(附圖)", "(附圖)"),
    ("sc", "论坛举行（附图）", "（附图）"),
])
def test_with_photos_is_not_added_to_a_title_that_ends_with_it(page_lang, title, marker):
    shown = render_title(page_lang, item(title, page_lang, gallery=True), foreign=False)
    assert shown.select(".sl-with-photos") == []
    assert shown.get_text().count(marker) == 1


def test_with_photos_is_added_in_the_page_language_when_the_title_lacks_it():
    assert render_title("en", item("Forum held", "en", gallery=True), False).select_one(".sl-with-photos").get_text() == "(with photos)"
    tc = render_title("tc", item("論壇舉行", "tc", gallery=True), False)
    assert tc.get_text() == "論壇舉行（附圖）"  # no space before a full-width bracket


def test_markers_of_a_foreign_item_are_in_the_page_language_and_only_the_title_in_the_item_language():
    en = render_title("en", item("甲新聞公報", "tc", gallery=True), foreign=True)
    assert en.select_one("[lang]").get_text() == "甲新聞公報" and en.select_one("[lang]")["lang"] == "zh-Hant-HK"
    for marker in en.select(".sl-with-photos, .sl-entry__only"):
        assert marker.find_parent(attrs={"lang": True}) is None and not marker.has_attr("lang")
    assert en.select_one(".sl-entry__only").get_text() == "(Chinese only)"
    assert en.select_one(".sl-with-photos").get_text() == "(with photos)"
    tc = render_title("tc", item("Release", "en"), foreign=True)
    assert tc.select_one(".sl-entry__only").get_text() == "（只有英文版）"
    assert tc.select_one("[lang]")["lang"] == "en"


def test_the_label_punctuation_is_the_page_language_s():
    assert CATALOGS.gettext("en", "%(label)s: ") % {"label": "Tags"} == "Tags: "
    assert CATALOGS.gettext("tc", "%(label)s: ") % {"label": "標籤"} == "標籤："
    assert CATALOGS.gettext("sc", "%(label)s: ") % {"label": "标签"} == "标签："


def test_forum_numbers_are_shown_as_runs():
    assert number_runs([19, 1, 16, 17, 18, None, 17]) == [(1, 1), (16, 19)]
    assert number_runs([]) == []
