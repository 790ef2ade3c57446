"""A shard's search documents are kept between builds: a rebuild writes only those whose pages changed.

Unit tests drive ``KeptDocuments`` with pages, their HTML and render fingerprints made up here, and
count the documents it writes; the build tests rebuild the fixture site in place and look at its kept
folders (``<cache>/search/<language>#<n>/``): a document written again is a new file, with a new
inode and time, and a reused one is moved, so it keeps both.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

import pelicanconf
from contract.model import OutputPage, Site
from search.documents import Documents
from search.kept import KeptDocuments, prune_kept_documents
from search.text import Folding
from tests.conftest import BUILD_EPOCH
from tests.helpers import FIXTURE_SETTINGS, build, environ, fixture_content, tree_digest

FOLDING = Folding(pelicanconf.SC_CONVERSION)


# -- KeptDocuments, on pages made up here ---------------------------------------------------------
def page(lang: str, name: str, source: OutputPage | None = None) -> OutputPage:
    """A release's page; ``source``: the Traditional page a Simplified one was converted from."""
    item = SimpleNamespace(lang=lang, derived_from=source.item if source else None)
    return OutputPage(key=f"press/{name}", lang=lang, url=f"{lang}/press/{name}/", template="release.html", title=name, item=item)


class Pages:
    """Pages as a build gives them to the indexer (their HTML and render fingerprints), and one shard's kept folder."""

    def __init__(self, folder: Path, *pages: OutputPage):
        self.folder = folder
        self.site = Site({"LANGUAGES": pelicanconf.LANGUAGES, "DEFAULT_LANG": "en"})
        self.site.pages = list(pages)
        self.html: dict[str, str] = {}
        self.fingerprints: dict[str, bytes] = {}
        self.written: list[str] = []  # by the last fill()
        for each in pages:
            self.edit(each, f"{each.title} as first written")

    def edit(self, edited: OutputPage, text: str) -> None:
        self.html[edited.save_as] = f"<html><body><main><p>{text}</p></main></body></html>"
        self.fingerprints[edited.save_as] = hashlib.blake2b(text.encode(), digest_size=16).digest()

    def fill(self, pages: list[OutputPage], *, code: str = "code", incremental: bool = True, save: bool = True) -> tuple[int, int]:
        """What a build that re-indexes the shard of ``pages`` does with its folder; (written, reused)."""
        documents = Documents(self.site, self.html.__getitem__, FOLDING)
        self.written = []
        write = documents.write

        def counted(folder, pages):
            self.written += [each.save_as for each in pages]
            return write(folder, pages)

        documents.write = counted
        kept = KeptDocuments(str(self.folder), code, dict(self.fingerprints), incremental)
        counts = kept.fill(documents, pages)
        if save:  # Pagefind read the folder
            kept.save()
        return counts

    def document(self, of: OutputPage) -> str:
        return (self.folder / of.save_as).read_text(encoding="utf-8")

    def files(self) -> list[str]:
        return sorted(path.relative_to(self.folder).as_posix() for path in self.folder.rglob("*") if path.is_file())


@pytest.fixture
def english(tmp_path):
    return Pages(tmp_path / "search" / "en#0", *(page("en", name) for name in ("a", "b", "c", "d")))


def test_a_rebuild_writes_the_document_of_the_edited_page_only(english):
    pages = english.site.pages
    assert english.fill(pages, incremental=False) == (4, 0)
    english.edit(pages[1], "b edited")
    assert english.fill(pages) == (1, 3)
    assert english.written == ["en/press/b/index.html"]
    assert "b edited" in english.document(pages[1]) and "a as first written" in english.document(pages[0])
    assert english.fill(pages) == (0, 4) and english.written == []  # nothing changed since


def test_a_traditional_page_and_the_page_converted_from_it_share_a_document(tmp_path):
    tc = [page("tc", name) for name in ("x", "y")]
    sc = [page("sc", name, source) for name, source in zip(("x", "y"), tc)]
    site = Pages(tmp_path / "search" / "zh#0", *tc, *sc)
    site.fill(tc, incremental=False)
    site.edit(sc[0], "乙 edited")  # the converted page changed (its own fingerprint; say, a message of its catalog)
    assert site.fill(tc) == (1, 1)
    assert site.written == ["tc/press/x/index.html"]
    assert "乙 edited" in site.document(tc[0])  # the record's indexed text is the converted page's
    site.edit(tc[1], "甲 edited")
    assert site.fill(tc) == (1, 1) and site.written == ["tc/press/y/index.html"]
    assert "甲 edited" in site.document(tc[1])  # and the Traditional page's in its metadata


def test_a_page_removed_or_dealt_to_another_shard_leaves_the_folder(english):
    pages = english.site.pages
    english.fill(pages, incremental=False)
    assert english.fill([pages[0], pages[2], pages[3]]) == (0, 3)
    assert english.files() == ["en/press/a/index.html", "en/press/c/index.html", "en/press/d/index.html"]
    assert not (english.folder / "en" / "press" / "b").exists()  # nor its empty folder


def test_a_cold_build_starts_from_an_empty_folder(english):
    pages = english.site.pages
    english.fill(pages, incremental=False)
    (english.folder / "stray.html").write_text("<main>not a document of the shard</main>", encoding="utf-8")
    assert english.fill(pages, incremental=False) == (4, 0)
    assert english.written == [each.save_as for each in pages]
    assert english.files() == sorted(english.written)  # the stray file is gone


def test_documents_written_by_a_build_that_failed_are_not_trusted(english):
    """The failed build edited b, wrote its document, and failed before Pagefind read the folder; then
    b was edited back: its fingerprint is again the one of the last build that succeeded."""
    pages = english.site.pages
    english.fill(pages, incremental=False)
    english.edit(pages[1], "b edited in the failed build")
    english.fill(pages, save=False)
    english.edit(pages[1], "b as first written")
    english.fill(pages)
    assert "b as first written" in english.document(pages[1])
    assert "failed" not in english.document(pages[1])


def test_documents_written_by_other_code_are_not_reused(english):
    pages = english.site.pages
    english.fill(pages, code="one", incremental=False)
    assert english.fill(pages, code="two") == (4, 0)
    assert english.fill(pages, code="two") == (0, 4)


def test_a_page_without_a_fingerprint_is_written_every_time(english):
    pages = english.site.pages
    del english.fingerprints[pages[2].save_as]  # a value the fingerprint cannot describe
    english.fill(pages, incremental=False)
    assert english.fill(pages) == (1, 3)
    assert english.written == ["en/press/c/index.html"]


def listing(folder: Path, prefix: str = "") -> list[str]:
    """The files below ``folder`` in the order the file system lists them, as Pagefind walks them."""
    found = []
    for entry in os.scandir(folder):
        found += listing(Path(entry.path), f"{prefix}{entry.name}/") if entry.is_dir() else [prefix + entry.name]
    return found


def assert_listed_as_by_a_cold_build(site: Pages, pages: list[OutputPage], folder: Path) -> None:
    """``site``'s kept folder lists its files as the one a cold build makes in ``folder`` for ``pages``."""
    cold = Pages(folder, *site.site.pages)
    cold.html, cold.fingerprints = site.html, site.fingerprints
    cold.fill(pages, incremental=False)
    assert listing(site.folder) == listing(cold.folder)


@pytest.fixture
def listed_as_made():
    """A folder on a file system that lists files in the order they were made (tmpfs; ext4 lists
    them by a hash of their names, whatever the order)."""
    if not os.path.isdir("/dev/shm") or not os.access("/dev/shm", os.W_OK):
        pytest.skip("no /dev/shm")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as folder:
        yield Path(folder)


def test_pagefind_finds_the_documents_in_the_order_of_a_cold_builds_folder(listed_as_made):
    """Pagefind numbers documents in the order the file system lists them: a folder changed in place
    (a page removed, another added) can list them in another order than a cold build's, and give
    another index."""
    site = Pages(listed_as_made / "kept" / "en#0", *(page("en", name) for name in ("a", "b", "c", "d", "e")))
    pages = site.site.pages
    site.fill(pages[:4], incremental=False)
    site.edit(pages[2], "c edited")
    now = [pages[0], pages[2], pages[3], pages[4]]  # b removed, c edited, e added
    site.fill(now)
    assert_listed_as_by_a_cold_build(site, now, listed_as_made / "cold")


def test_pages_reordered_are_listed_in_their_new_order(listed_as_made):
    """A release's date edited moves its page in the list of pages: a cold build makes the folder in
    the new order."""
    site = Pages(listed_as_made / "kept" / "en#0", *(page("en", name) for name in ("a", "b", "c")))
    pages = site.site.pages
    site.fill(pages, incremental=False)
    now = [pages[2], pages[0], pages[1]]
    site.edit(pages[2], "c dated later")
    site.fill(now)
    assert_listed_as_by_a_cold_build(site, now, listed_as_made / "cold")


def test_an_edit_writes_over_the_changed_document_and_makes_no_folder(english):
    """Making the folders is most of the cost of writing a shard's documents."""
    pages = english.site.pages
    english.fill(pages, incremental=False)
    folders = {path: path.stat().st_ino for path in [english.folder, *english.folder.rglob("*")] if path.is_dir()}
    english.edit(pages[1], "b edited")
    assert english.fill(pages) == (1, 3)
    assert {path: path.stat().st_ino for path in folders} == folders
    assert "b edited" in english.document(pages[1])


def test_the_folders_of_shards_no_longer_there_are_deleted(tmp_path):
    root = tmp_path / "search"
    for name in ("en#0", "en#1", "en#1.new", "zh-hans#0"):
        (root / name).mkdir(parents=True)
        (root / name / "index.html").write_text("<main></main>", encoding="utf-8")
    for name in ("en#0.json", "en#1.json", "en#0.json.new"):
        (root / name).write_text("{}", encoding="utf-8")
    prune_kept_documents(str(root), {"en#0", "zh-hans#0"})
    assert sorted(path.name for path in root.iterdir()) == ["en#0", "en#0.json", "zh-hans#0"]


# -- the fixture site rebuilt in place ------------------------------------------------------------
class FixtureSite:
    def __init__(self, work: Path):
        self.work = work
        self.content = work / "content"
        fixture_content(self.content)
        self.output, self.cache = work / "output", work / "cache"
        self.kept = self.cache / "search"

    def rebuild(self, output: Path | None = None, cache: Path | None = None, verbose: bool = False):
        result = build(self.content, output or self.output, *FIXTURE_SETTINGS, cache=cache or self.cache,
                       env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)), verbose=verbose)
        assert result.returncode == 0, result.text
        return result

    def documents(self) -> dict[str, tuple[int, int]]:
        """The kept documents of every shard: '<shard>/<page file>' -> (inode, modification time)."""
        found = {}
        for path in self.kept.glob("*/**/*"):
            if path.is_file():
                status = path.stat()
                found[path.relative_to(self.kept).as_posix()] = (status.st_ino, status.st_mtime_ns)
        return found

    def edit(self, source: str, old: str, new: str) -> None:
        path = self.content / source
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    site = FixtureSite(tmp_path_factory.mktemp("kept-documents"))
    site.rebuild()
    return site


def rewritten(before: dict, after: dict) -> list[str]:
    """The documents of ``after`` that are not the files of ``before`` (new, or written again)."""
    return sorted(rel for rel, identity in after.items() if before.get(rel) != identity)


def pages_of(files: list[str]) -> list[str]:
    """'<shard>/<page file>' -> '<page file>'."""
    return [rel.split("/", 1)[1] for rel in files]


def test_an_edited_release_rewrites_its_document_and_no_other(fixture):
    before = fixture.documents()
    assert before
    fixture.edit("press/2024/alpha.en.md", "## A subheading", "A sentence added by an editor.\n\n## A subheading")
    fixture.rebuild()
    after = fixture.documents()
    assert sorted(after) == sorted(before)
    changed = rewritten(before, after)
    assert pages_of(changed) == ["en/press/2024/alpha/index.html"]
    assert "A sentence added by an editor." in (fixture.kept / changed[0]).read_text(encoding="utf-8")


def test_an_edited_traditional_release_rewrites_the_one_document_of_both_scripts(fixture):
    before = fixture.documents()
    fixture.edit("press/2025/gamma.tc.md", "這份新聞公報沒有英文版。", "這份新聞公報沒有英文版。編輯加了一句。")
    fixture.rebuild()
    after = fixture.documents()
    changed = rewritten(before, after)
    assert pages_of(changed) == ["tc/press/2025/gamma/index.html"]
    document = (fixture.kept / changed[0]).read_text(encoding="utf-8").replace("\u200b", "")
    assert "编辑加了一句" in document and "編輯加了一句" in document


def test_a_removed_release_leaves_the_kept_folders_which_are_then_a_cold_builds(fixture):
    (fixture.content / "press" / "2025" / "gamma.tc.md").unlink()
    fixture.rebuild()
    left = pages_of(sorted(fixture.documents()))
    assert "en/press/2024/alpha/index.html" in left
    assert not [rel for rel in left if "/gamma/" in rel]
    cold = fixture.work / "cold"
    fixture.rebuild(cold / "output", cold / "cache")
    assert tree_digest(fixture.kept) == tree_digest(cold / "cache" / "search")  # documents and maps


def test_a_cold_build_empties_the_kept_folders(fixture):
    (fixture.kept / "en#0" / "stray.html").write_text("<main>stray</main>", encoding="utf-8")
    (fixture.kept / "en#9").mkdir()  # a shard there is no more
    before = fixture.documents()
    (fixture.cache / "output-manifest.pickle").unlink()  # no record of the last build: cold
    fixture.rebuild()
    after = fixture.documents()
    assert "en#0/stray.html" not in after and not (fixture.kept / "en#9").exists()
    assert rewritten(before, after) == sorted(after)


STARTED_RE = re.compile(r"search: (\w+) shard \d+: Pagefind started; item pages not yet written: (.*)")


def test_a_rebuild_starts_pagefind_on_a_language_as_soon_as_its_item_pages_are_written(fixture):
    fixture.edit("press/2024/alpha.en.md", "A sentence added by an editor.", "A sentence an editor changed.")
    text = fixture.rebuild(verbose=True).text
    started = STARTED_RE.findall(text)
    assert started == [("en", "tc, sc")]  # the English shard, while the Chinese pages are still to render
    # and before the English lists and feeds are fingerprinted and written: the index reads item pages only
    others = re.search(r"^render: en, other pages: (\d+) written", text, re.M)
    assert others and int(others.group(1)) > 0, text  # the release's year and list pages show the change
    assert STARTED_RE.search(text).start() < others.start(), text
    fixture.edit("press/2025/delta.tc.md", "Title: ", "Title: 更新：")
    started = STARTED_RE.findall(fixture.rebuild(verbose=True).text)
    assert started == [("zh", "none")]  # a Chinese record holds both scripts' pages: once both are written


def test_a_cold_build_starts_pagefind_once_every_language_is_written(fixture):
    cold = fixture.work / "cold-started"
    started = STARTED_RE.findall(fixture.rebuild(cold / "output", cold / "cache", verbose=True).text)
    assert {lang for lang, _waiting in started} == {"en", "zh"}
    assert {waiting for _lang, waiting in started} == {"none"}
