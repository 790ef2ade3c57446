"""After any sequence of edits, the dev server's site is a cold build's, byte for byte.

The dev server's own build object (``tools/devserver.Builder``, with the settings it builds
with: ``PREVIEW``, ``STRICT_BUILD`` off, ``SEARCH_IN_BACKGROUND``) rebuilds a copy of the
fixture site in this process, as the server does on each save, and keeps whatever it keeps
in memory between its builds.  After each edit of a series (a body, a title, a date that
moves a release to another year, a new translation, a deleted file, a renamed photo, a forum
renamed, time passing a forum's date, a save that fails the build and its fix, ...)
the background search indexing the rebuild leaves is run to its end, and the whole output
folder, ``pagefind/`` included, must equal that of a cold build of the same sources with
the same settings (a separate ``pelican`` process, its own cache, no earlier output).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import FIXTURE_SETTINGS, ROOT, age, build, environ, fixture_content, tree_digest
from tests.test_incremental import PAST_FORUM_B_EPOCH

DEVSERVER_SETTINGS = ("PREVIEW=true", "STRICT_BUILD=false")  # what tools/devserver.py overrides, as -e settings
RENDERED_RE = re.compile(r"Built (\d+) pages .*; (\d+) rendered, the others unchanged")


def _devserver_module():
    spec = importlib.util.spec_from_file_location("devserver_under_test", ROOT / "tools" / "devserver.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Replay:
    """The fixture's sources, the dev server's builder over them, and cold builds to compare with."""

    def __init__(self, work: Path, capsys):
        self.work = work
        self.capsys = capsys
        self.content = fixture_content(work / "content")
        self.output = work / "devserver" / "output"
        self.cache = work / "devserver" / "cache"
        module = _devserver_module()
        self.builder = module.Builder(str(ROOT / "pelicanconf.py"), str(self.content), str(self.output), str(self.cache))
        for setting in FIXTURE_SETTINGS:  # the fixture's paging and shards, as its other tests build it
            name, value = setting.split("=")
            self.builder.overrides[name] = int(value)
        self.colds = 0
        self.epoch = BUILD_EPOCH

    def rebuild(self) -> str:
        """One rebuild, as on a save; then its search indexing, to its end.  Returns what it printed."""
        self.capsys.readouterr()
        assert self.builder.build(), f"the dev server's build failed: {self.builder.errors}"
        later = self.builder.later
        if later is not None:
            self.builder.start_indexing()
            later.wait()
            assert not later.abandoned and "error" not in later.outcome, later.outcome
        printed = self.capsys.readouterr()
        return printed.out + printed.err

    def assert_same_as_cold(self, step: str) -> None:
        self.colds += 1
        folder = self.work / f"cold-{self.colds}"
        cache = folder / "cache"
        if (self.cache / "images").is_dir():  # encoded photos only: saves encoding them again
            shutil.copytree(self.cache / "images", cache / "images")
        result = build(self.content, folder / "output", *FIXTURE_SETTINGS, *DEVSERVER_SETTINGS, cache=cache,
                       env=environ(SOURCE_DATE_EPOCH=str(self.epoch)))
        assert result.returncode == 0, result.text
        assert "rendered, the others unchanged" not in result.text  # cold: it renders everything
        served, cold = tree_digest(self.output), tree_digest(folder / "output")
        assert sorted(served) == sorted(cold), (
            f"after {step}: only in the dev server's output: {sorted(set(served) - set(cold))}; "
            f"only in the cold one: {sorted(set(cold) - set(served))}"
        )
        differing = sorted(path for path in cold if served[path] != cold[path])
        assert not differing, f"after {step}: files whose bytes differ from a cold build's: {differing}"
        shutil.rmtree(folder)


def _rendered(printed: str) -> tuple[int, int]:
    """(pages rendered, pages built) of an incremental build."""
    match = RENDERED_RE.search(printed)
    assert match, f"not an incremental build:\n{printed}"
    return int(match.group(2)), int(match.group(1))


@pytest.fixture
def replay(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(BUILD_EPOCH))
    replay = Replay(tmp_path, capsys)
    replay.monkeypatch = monkeypatch
    yield replay
    replay.builder.stop_indexing()
    replay.builder.collect()  # what its builds froze (outputs.build) is collected, as the idle server does
    import gc

    gc.unfreeze()


def test_every_step_of_a_series_of_edits_equals_a_cold_build(replay):
    content = replay.content
    replay.rebuild()  # the first build, cold
    replay.assert_same_as_cold("the first build")

    def step(name: str, edit) -> str:
        edit()
        printed = replay.rebuild()
        replay.assert_same_as_cold(name)
        return printed

    # an English body
    printed = step("an English body edited", lambda: _replace(
        content / "press" / "2025" / "beta.en.md", "This release has no Chinese version.",
        "This release has no Chinese version, and was edited."))
    rendered, pages = _rendered(printed)
    assert 0 < rendered < pages / 2, printed  # a rebuild of what changed, not of everything
    memory = replay.builder.memory.counts  # and one that took what it could from the last build's memory
    assert memory["items reused"] > 10 and memory["fingerprints kept"] > pages / 2, memory
    assert memory["item pages kept"] > 10, memory  # an unchanged item's pages are not planned again
    # a Traditional Chinese body (its Simplified page is converted from it)
    step("a Traditional Chinese body edited", lambda: _replace(
        content / "press" / "2025" / "gamma.tc.md", "\n\n", "\n\n新增的第一句。\n\n"))
    # a title: lists, feeds, the home page and the sitemaps show it
    step("a title edited", lambda: _replace(
        content / "press" / "2025" / "beta.en.md", "Title: Beta release only in English", "Title: Beta, retitled"))

    # a date that moves a release to another year (its file moved to that year's folder, as the build asks)
    def move_delta():
        target = content / "press" / "2023"
        target.mkdir()
        for name in ("delta.md", "delta.tc.md"):
            source = content / "press" / "2025" / name
            text = re.sub(r"^Date: 2025-", "Date: 2023-", source.read_text(encoding="utf-8"), count=1, flags=re.M)
            (target / name).write_text(text, encoding="utf-8")
            source.unlink()

    step("a release moved to another year", move_delta)

    # a new translation
    def translate_beta():
        (content / "press" / "2025" / "beta.tc.md").write_text(
            "Title: 乙新聞公報\nDate: 2025-07-30 14:30\nForum: forum-a\nGallery: forum-a\n\n這是新增的中文版本。\n",
            encoding="utf-8")

    step("a new translation", translate_beta)
    # a deleted file: the Simplified page is then converted from the Traditional one
    step("a written Simplified version deleted", lambda: (content / "press" / "2024" / "alpha.sc.md").unlink())

    # a renamed photo, the gallery's index in both languages following it
    def rename_photo():
        folder = content / "galleries" / "forum-a"
        (folder / "stage.jpg").rename(folder / "opening.jpg")
        for index in ("index.en.md", "index.tc.md"):
            _replace(folder / index, "(stage.jpg", "(opening.jpg")

    step("a photo renamed", rename_photo)
    # a forum's title: the releases that name it show it
    step("a forum retitled", lambda: _replace(content / "forums" / "forum-a.en.md", "Title: ", "Title: Renamed: "))
    # time passes: forum-b has taken place (nothing edited; the build's date alone changes what is built)
    def later(monkeypatch=replay.monkeypatch):
        replay.epoch = PAST_FORUM_B_EPOCH
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(PAST_FORUM_B_EPOCH))

    step("time passing a forum's date", later)
    # a save with an error: the build fails and the served site stays; the fix is then built
    beta = content / "press" / "2025" / "beta.en.md"
    good = beta.read_text(encoding="utf-8")
    beta.write_text(good.replace("Date: 2025-07-30 14:30", "Date: 2025-13-45 99:99"), encoding="utf-8")
    before = tree_digest(replay.output)
    assert not replay.builder.build(), "a date that does not exist fails the build"
    replay.builder.stop_indexing()
    assert tree_digest(replay.output) == before, "a failed build leaves the served site as it was"
    step("an error fixed", lambda: beta.write_text(good.replace("Beta, retitled", "Beta, fixed"), encoding="utf-8"))
    # back to an earlier text (a page whose output file is in the spare from two builds ago)
    step("an edit undone", lambda: _replace(
        content / "press" / "2025" / "beta.en.md", "This release has no Chinese version, and was edited.",
        "This release has no Chinese version."))


def test_the_dev_server_trusts_only_the_output_it_left(replay):
    """The dev server takes ``output/`` and the spare to be as its last build left them (no ``stat`` of
    every page, no listing of the spare: ``outputs.state.Witness``).  A page removed from ``output/``
    by hand meanwhile is found when the commit needs it, and the build is made again, checking
    every file; a build by another process (``make html``) ends the trust."""
    content = replay.content
    replay.rebuild()
    gamma = content / "press" / "2025" / "gamma.tc.md"
    _replace(gamma, "\n\n", "\n\n第一次修改。\n\n")
    replay.rebuild()  # gamma's pages get new files
    witness = replay.builder.memory.output_witness
    assert witness is not None and witness.spare is not None, "the dev server's builds leave no witness of their output"
    # a page of the last builds removed by hand: the next build, of an unrelated edit, keeps it and must find it gone
    (replay.output / "tc" / "press" / "2025" / "gamma" / "index.html").unlink()
    _replace(content / "pages" / "about.en.md", "About text.", "About text, edited.")
    printed = replay.rebuild()
    assert "building again, checking every file" in printed, printed
    replay.assert_same_as_cold("a page removed from output/ by hand")
    # another build of the same output (make html beside the server) writes its own manifest: no trust
    result = build(content, replay.output, *FIXTURE_SETTINGS, *DEVSERVER_SETTINGS, cache=replay.cache,
                   env=environ(SOURCE_DATE_EPOCH=str(replay.epoch)))
    assert result.returncode == 0, result.text
    (replay.output / "en" / "about" / "index.html").unlink()  # as it left it, but for this file
    _replace(gamma, "第一次修改。", "第二次修改。")
    printed = replay.rebuild()
    assert "building again" not in printed, "a manifest another build wrote was trusted"
    replay.assert_same_as_cold("a build by another process, then a page removed by hand")


def test_a_source_saved_again_within_one_tick_of_the_clock_is_read_again(replay):
    """A file saved twice within one tick of the file system's clock keeps its size, time and inode;
    the dev server reads again every source saved close to its last build's start."""
    import os

    replay.rebuild()
    beta = replay.content / "press" / "2025" / "beta.en.md"
    _replace(beta, "This release has no Chinese version.", "This release has no Chinese version, first save.")
    replay.rebuild()
    before = beta.stat()
    _replace(beta, "first save.", "later save.")  # the same length, written in place (the same inode)
    os.utime(beta, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time, as within one tick
    after = beta.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    replay.rebuild()
    assert "later save" in (replay.output / "en" / "press" / "2025" / "beta" / "index.html").read_text(encoding="utf-8")
    replay.assert_same_as_cold("a source saved again within one tick")


def test_the_dev_server_freezes_what_a_build_leaves_and_collects_it_when_idle(replay):
    """The first pass of the collector after a build would walk everything the build made while the
    page is served: the dev server's builds freeze it instead, and the idle server collects whole."""
    import gc
    import weakref

    replay.rebuild()
    assert gc.isenabled() and gc.get_freeze_count() > 1000, gc.get_freeze_count()
    assert replay.builder.uncollected

    class Cycle:
        pass

    left = Cycle()
    left.me = left  # garbage only the cyclic collector finds
    gone = weakref.ref(left)
    del left
    gc.freeze()  # as a build leaves it
    gc.collect()
    assert gone() is not None  # frozen: not walked
    replay.builder.collect()
    assert gone() is None and not replay.builder.uncollected


def test_a_restarted_dev_server_checks_the_site_once_then_trusts_it_and_knows_the_spare_after_a_cold_build(replay):
    """A cold build leaves the spare the new site's double, so the witness knows its listing (the first
    edit lists nothing).  A dev server started again over that site finds nothing changed, having
    checked ``output/`` file for file: its first edit trusts it (no ``stat`` of every page), and ends
    as a cold build."""
    from outputs.state import OutputState

    trusted = []  # for each commit: whether its build trusted output/ as the witness says
    commit = OutputState.commit
    replay.monkeypatch.setattr(OutputState, "commit", lambda state: trusted.append(state.trusted) or commit(state))
    printed = replay.rebuild()
    assert "rendered, the others unchanged" not in printed  # cold
    witness = replay.builder.memory.output_witness
    assert witness is not None and witness.spare is not None and len(witness.spare_files) == len(witness.stored["outputs"])
    _replace(replay.content / "pages" / "about.en.md", "About text.", "About text, edited once.")
    printed = replay.rebuild()
    assert "building again" not in printed and trusted == [False, True], (trusted, printed)
    replay.assert_same_as_cold("the first edit after a cold build")
    age(replay.content)  # saved well before the next builds (a file saved in the seconds before one is looked at again)
    replay.rebuild()

    replay.builder.stop_indexing()
    replay.builder = _devserver_module().Builder(str(ROOT / "pelicanconf.py"), str(replay.content), str(replay.output), str(replay.cache))
    for setting in FIXTURE_SETTINGS:
        name, value = setting.split("=")
        replay.builder.overrides[name] = int(value)
    trusted.clear()
    printed = replay.rebuild()
    assert "nothing changed since the last build" in printed and trusted == [], printed
    witness = replay.builder.memory.output_witness
    assert witness is not None and witness.spare is None, "a site found as the manifest says is not trusted"
    _replace(replay.content / "press" / "2025" / "gamma.tc.md", "\n\n", "\n\n再次修改。\n\n")
    printed = replay.rebuild()
    assert "building again" not in printed and trusted == [True], (trusted, printed)
    replay.assert_same_as_cold("the first edit of a restarted dev server")
