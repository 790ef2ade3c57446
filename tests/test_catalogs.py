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
