"""Every interface string in the templates and plugins is translated in every catalog."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from sc.catalog import untranslated
from tests.helpers import ROOT

CATALOGS = sorted((ROOT / "theme" / "translations").glob("*/LC_MESSAGES/messages.po"))


def extracted(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "theme/babel.cfg", "--no-default-keywords",
         "-k", "_", "-k", "tr", "-k", "ngettext:1,2", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        return {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(handle) if message.id}


def test_there_is_a_catalog_for_every_non_english_language():
    assert [path.parts[-3] for path in CATALOGS] == ["zh_Hans_HK", "zh_Hant_HK"]


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_extracted_string_has_a_translation(catalog, tmp_path):
    wanted = extracted(tmp_path)
    assert len(wanted) > 40
    with catalog.open("rb") as handle:
        translated = {
            (m.id if isinstance(m.id, str) else m.id[0]): m
            for m in read_po(handle)
            if m.id
        }
    missing = sorted(w for w in wanted if w not in translated or untranslated(translated[w].string) or translated[w].fuzzy)
    assert not missing, "untranslated (run make translations, then fill msgstr): " + "; ".join(missing)


def test_a_plural_message_with_an_empty_form_counts_as_untranslated():
    assert untranslated(("",)) and untranslated(("one", "")) and untranslated("") and untranslated(())
    assert not untranslated("譯文") and not untranslated(("%(num)s 張相片",))


def test_a_footnotes_way_back_to_the_text_is_titled_in_the_pages_language(tmp_path):
    """Markdown writes an English title on each footnote's link back (one parse serves every
    language): every page and feed shows it in its own language and script."""
    import re

    from tests.conftest import BUILD_EPOCH
    from tests.helpers import FIXTURE_SETTINGS, build, environ, fixture_content

    content = fixture_content(tmp_path / "content")
    with (content / "pages" / "about.tc.md").open("a", encoding="utf-8") as handle:
        handle.write("\n見註腳[^1]。\n\n[^1]: 註腳的內文。\n")
    with (content / "pages" / "about.en.md").open("a", encoding="utf-8") as handle:
        handle.write("\nSee the note[^1].\n\n[^1]: The note.\n")
    result = build(content, tmp_path / "output", *FIXTURE_SETTINGS, env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert result.returncode == 0, result.text

    def titles(lang: str) -> list[str]:
        html = (tmp_path / "output" / lang / "about" / "index.html").read_text(encoding="utf-8")
        return re.findall(r'class="footnote-backref"[^>]*title="([^"]*)"', html)

    assert titles("en") == ["Jump back to footnote 1 in the text"]
    assert titles("tc") == ["返回正文的註腳 1"]
    assert titles("sc") == ["返回正文的注脚 1"]


def test_a_simplified_message_follows_its_traditional_text_unless_a_translator_tuned_it(tmp_path, capsys):
    """plugins/sc/catalog.py (make translations): a converted message is converted again when its
    Traditional text changes; one changed by hand is kept, with a line asking for a review."""
    from sc import catalog

    def po(path, messages):
        body = "".join(f'msgid "{key}"\nmsgstr "{value}"\n\n' for key, value in messages.items())
        path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n' + body, encoding="utf-8")

    def sc_strings():
        with sc_path.open("rb") as handle:
            return {message.id: message.string for message in read_po(handle) if message.id}

    tc_path, sc_path = tmp_path / "tc.po", tmp_path / "sc.po"
    po(tc_path, {"Home": "首頁", "Search": "搜尋"})
    catalog.main(str(tc_path), str(sc_path))
    assert sc_strings() == {"Home": "首页", "Search": "搜索"}
    text = sc_path.read_text(encoding="utf-8").replace('msgstr "搜索"', 'msgstr "查找"')  # a translator's choice
    sc_path.write_text(text, encoding="utf-8")
    po(tc_path, {"Home": "主頁", "Search": "檢索"})  # both Traditional texts change
    capsys.readouterr()
    catalog.main(str(tc_path), str(sc_path))
    assert sc_strings() == {"Home": "主页", "Search": "查找"}
    out = capsys.readouterr().out
    assert "1 message(s) converted" in out and "warning: the message 'Search' was changed by hand" in out
    catalog.main(str(tc_path), str(sc_path))  # nothing changed: nothing converted, the tuned one kept
    assert sc_strings() == {"Home": "主页", "Search": "查找"} and "0 message(s) converted" in capsys.readouterr().out
