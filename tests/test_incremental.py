"""Rebuilds render and write only what a change affects, and their output is a cold build's, byte for byte.

One fixture site is rebuilt in place after a series of edits; after each, a cold
build of the same sources into a fresh folder (its own cache and no record of an
earlier output) must give the same files with the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil

import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import FIXTURE_SETTINGS, ROOT, build, environ, fixture_content, tree_digest

RENDERED_RE = re.compile(r"Built (\d+) pages .*; (\d+) rendered, the others unchanged")
PAST_FORUM_B_EPOCH = 1806000000  # 2027-03-24: forum-b has taken place


def _rendered(result) -> tuple[int, int]:
    match = RENDERED_RE.search(result.text)
    assert match, f"not an incremental build:\n{result.text}"
    return int(match.group(2)), int(match.group(1))


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


class Site:
    """The fixture's sources, an output rebuilt in place, and cold builds to compare it with."""

    def __init__(self, work):
        self.work = work
        self.content = work / "content"
        fixture_content(self.content)
        self.output = work / "incremental" / "output"
        self.cache = work / "incremental" / "cache"
        self.epoch = BUILD_EPOCH
        self.colds = 0

    def rebuild(self):
        result = build(self.content, self.output, *FIXTURE_SETTINGS, cache=self.cache, env=environ(SOURCE_DATE_EPOCH=str(self.epoch)))
        assert result.returncode == 0, result.text
        return result

    def assert_same_as_cold(self):
        self.colds += 1
        folder = self.work / f"cold-{self.colds}"
        cache = folder / "cache"
        if (self.cache / "images").is_dir():  # encoded photos only: saves encoding them again
            shutil.copytree(self.cache / "images", cache / "images")
        result = build(self.content, folder / "output", *FIXTURE_SETTINGS, cache=cache, env=environ(SOURCE_DATE_EPOCH=str(self.epoch)))
        assert result.returncode == 0, result.text
        assert "rendered, the others unchanged" not in result.text  # a cold build renders everything
        incremental, cold = tree_digest(self.output), tree_digest(folder / "output")
        assert sorted(incremental) == sorted(cold), (
            f"only in the rebuilt output: {sorted(set(incremental) - set(cold))}; "
            f"only in the cold one: {sorted(set(cold) - set(incremental))}"
        )
        differing = sorted(path for path in cold if incremental[path] != cold[path])
        assert not differing, f"files whose bytes differ from a cold build's: {differing}"
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("incremental"))
    first = site.rebuild()
    assert "rendered, the others unchanged" not in first.text  # the first build is cold
    return site


def test_no_change_renders_nothing_and_writes_nothing(site):
    before = {path: os.stat(site.output / path).st_mtime_ns for path in tree_digest(site.output)}
    first = site.rebuild()
    warnings = sorted(line for line in first.text.splitlines() if ": warning: " in line)
    result = site.rebuild()
    assert _rendered(result)[0] == 0
    assert "(nothing changed since the last build)" in result.text  # told without reading a source
    assert "search:" not in result.text and "images:" not in result.text
    assert re.search(r"\b0 files written, 0 deleted", result.text), result.text
    assert warnings and sorted(line for line in result.text.splitlines() if ": warning: " in line) == warnings  # said again
    after = {path: os.stat(site.output / path).st_mtime_ns for path in tree_digest(site.output)}
    assert after == before  # not one file touched
    site.assert_same_as_cold()


def test_a_source_saved_unchanged_is_read_again_and_renders_nothing(site):
    about = site.content / "pages" / "about.en.md"
    os.utime(about, ns=(os.stat(about).st_atime_ns, os.stat(about).st_mtime_ns + 1_000_000_000))
    result = site.rebuild()
    assert "nothing changed since the last build" not in result.text  # its file's time changed: read again
    assert _rendered(result)[0] == 0
    assert re.search(r"\b0 files written, 0 deleted", result.text), result.text
    assert re.search(r"^search: .*; indexed none, kept \d+ unchanged in", result.text, re.M), result.text


def test_a_theme_file_changed_is_copied_although_no_source_changed(tmp_path):
    """The theme's static files are not in the code fingerprint: the check of the inputs covers them."""
    content, theme = tmp_path / "content", tmp_path / "theme"
    fixture_content(content)
    shutil.copytree(ROOT / "theme", theme)
    settings = (*FIXTURE_SETTINGS, f'THEME="{theme}"')
    env = environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH))

    def rebuild():
        result = build(content, tmp_path / "output", *settings, cache=tmp_path / "cache", env=env)
        assert result.returncode == 0, result.text
        return result

    rebuild()
    assert "(nothing changed since the last build)" in rebuild().text
    css = theme / "static" / "css" / "search.css"
    css.write_bytes(css.read_bytes() + b"\n/* changed by an editor */\n")
    result = rebuild()
    assert "nothing changed" not in result.text
    assert (tmp_path / "output" / "theme" / "css" / "search.css").read_bytes() == css.read_bytes()


def test_editing_one_release_renders_it_and_the_lists_that_show_it(site):
    about = os.stat(site.output / "en" / "about" / "index.html").st_mtime_ns
    _replace(site.content / "press" / "2024" / "alpha.en.md", "## A subheading", "A sentence added by an editor.\n\n## A subheading")
    result = site.rebuild()
    rendered, total = _rendered(result)
    assert 1 <= rendered <= total // 4, (rendered, total)
    # search: the one English shard that holds the release is indexed again, every other kept
    assert re.search(r"^search: .*; indexed en 1/\d+, kept \d+ unchanged in", result.text, re.M), result.text
    assert "A sentence added by an editor." in (site.output / "en" / "press" / "2024" / "alpha" / "index.html").read_text()
    assert os.stat(site.output / "en" / "about" / "index.html").st_mtime_ns == about  # not shown there: not rewritten
    site.assert_same_as_cold()


def test_a_standing_page_title_reaches_every_page_of_its_language(site):
    _replace(site.content / "pages" / "about.en.md", "Title: ", "Title: Renamed ")
    site.rebuild()
    assert "Renamed " in (site.output / "en" / "press" / "2024" / "alpha" / "index.html").read_text()  # in the navigation
    site.assert_same_as_cold()


def test_a_forum_title_reaches_the_release_that_names_it(site):
    _replace(site.content / "forums" / "forum-a.en.md", "Title: ", "Title: Retitled ")
    site.rebuild()
    assert "Retitled " in (site.output / "en" / "press" / "2025" / "beta" / "index.html").read_text()
    site.assert_same_as_cold()


def test_removed_and_added_sources_remove_and_add_files(site):
    (site.content / "press" / "2025" / "gamma.tc.md").unlink()
    (site.content / "press" / "2025" / "epsilon.en.md").write_text(
        "Title: Epsilon added later\nDate: 2025-12-01 10:00\n\nA release added between two builds.\n", encoding="utf-8"
    )
    site.rebuild()
    assert not (site.output / "tc" / "press" / "2025" / "gamma").exists()
    assert (site.output / "en" / "press" / "2025" / "epsilon" / "index.html").is_file()
    site.assert_same_as_cold()


def test_a_photo_removed_from_a_gallery_leaves_with_its_files(site):
    def entries():
        return {path.name for path in (site.cache / "images").iterdir() if len(path.name) == 64}

    before = entries()
    for lang in ("en", "tc"):
        index = site.content / "galleries" / "forum-a" / f"index.{lang}.md"
        text = index.read_text(encoding="utf-8")
        index.write_text("\n".join(line for line in text.split("\n") if "badge.png" not in line), encoding="utf-8")
    site.rebuild()
    site.assert_same_as_cold()
    assert len(entries()) == len(before) - 1 and entries() < before  # its encoded variants leave the cache too


def test_time_passing_moves_a_forum_from_upcoming_to_past(site):
    site.epoch = PAST_FORUM_B_EPOCH
    site.rebuild()
    site.assert_same_as_cold()


def test_files_changed_or_removed_in_the_output_are_written_again(site):
    (site.output / "en" / "about" / "index.html").unlink()
    (site.output / "tc" / "index.html").write_text("edited by hand", encoding="utf-8")
    (site.output / "stray.txt").write_text("not from the build", encoding="utf-8")
    site.rebuild()
    assert not (site.output / "stray.txt").exists()
    site.assert_same_as_cold()


def test_a_gallery_with_an_error_keeps_its_encoded_photos_for_the_build_that_mends_it(site):
    indexes = {lang: site.content / "galleries" / "forum-a" / f"index.{lang}.md" for lang in ("en", "tc")}
    good = {lang: index.read_text(encoding="utf-8") for lang, index in indexes.items()}
    entries = sorted(path.name for path in (site.cache / "images").iterdir() if len(path.name) == 64)
    assert entries
    for lang, index in indexes.items():
        index.write_text("Colour: red\n" + good[lang], encoding="utf-8")  # a field galleries do not have
    result = build(site.content, site.output, *FIXTURE_SETTINGS, cache=site.cache, env=environ(SOURCE_DATE_EPOCH=str(site.epoch)))
    assert result.returncode == 1, result.text
    assert sorted(path.name for path in (site.cache / "images").iterdir() if len(path.name) == 64) == entries
    for lang, index in indexes.items():
        index.write_text(good[lang], encoding="utf-8")
    assert "images: encoded 0," in site.rebuild().text


def test_a_failed_rebuild_leaves_the_output_and_the_next_rebuild_works(site):
    before = tree_digest(site.output)
    beta = site.content / "press" / "2025" / "beta.en.md"
    good = beta.read_text(encoding="utf-8")
    beta.write_text(good.replace("Date: 2025", "Date: 20x5"), encoding="utf-8")
    result = build(site.content, site.output, *FIXTURE_SETTINGS, cache=site.cache, env=environ(SOURCE_DATE_EPOCH=str(site.epoch)))
    assert result.returncode == 1
    assert tree_digest(site.output) == before
    beta.write_text(good, encoding="utf-8")
    assert _rendered(site.rebuild())[0] == 0
    site.assert_same_as_cold()


def test_parsing_and_rendering_on_several_cores_write_what_one_process_writes(tmp_path):
    content = tmp_path / "content"
    fixture_content(content)
    outputs = {}
    for workers in (1, 2):
        result = build(
            content, tmp_path / f"workers-{workers}" / "output", *FIXTURE_SETTINGS, f"BUILD_WORKERS={workers}", "BUILD_PARALLEL_FROM=1",
            env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)),
        )
        assert result.returncode == 0, result.text
        outputs[workers] = tree_digest(result.output)
    assert outputs[1] == outputs[2]


def test_without_source_date_epoch_an_upcoming_forum_is_revised_when_its_file_was_saved(tmp_path):
    """Builds by the clock (make html, the dev server) render nothing again when nothing changed.

    An upcoming forum's date is not a revision yet, and a standing page has none; the build's own
    time would change their pages at every build, so the file's time stands in for it.
    """
    content = tmp_path / "content"
    fixture_content(content)
    forum = content / "forums" / "forum-b.en.md"
    _replace(forum, "Date: 2027-03-17 14:30", "Date: 2099-03-17 14:30")  # upcoming whenever the test runs
    saved = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    os.utime(forum, (saved, saved))
    env = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}
    output, cache = tmp_path / "output", tmp_path / "cache"
    first = build(content, output, *FIXTURE_SETTINGS, cache=cache, env=env)
    assert first.returncode == 0, first.text
    page = (output / "en" / "forums" / "forum-b" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-03-04T12:00:00+08:00">' in page
    about = content / "pages" / "about.en.md"
    assert "Date:" not in about.read_text(encoding="utf-8")
    second = build(content, output, *FIXTURE_SETTINGS, cache=cache, env=env)
    assert second.returncode == 0, second.text
    assert _rendered(second)[0] == 0, second.text


def test_a_file_time_that_stands_for_a_revision_reaches_every_page_that_shows_it(tmp_path):
    """By the clock, an upcoming forum is revised when its file was saved; a file put back with an
    older time and the same bytes (a copy that keeps times) must change its entry in the feed, even
    when the feed's own date (its newest entry) stays."""
    content = tmp_path / "content"
    fixture_content(content)
    hk = dt.timezone(dt.timedelta(hours=8))
    forum_b, forum_c = content / "forums" / "forum-b.en.md", content / "forums" / "forum-c.en.md"
    _replace(forum_b, "Date: 2027-03-17 14:30", "Date: 2099-03-17 14:30")  # both upcoming whenever the test runs
    _replace(forum_c, "Date: 2019-06-20 14:30", "Date: 2099-06-20 14:30")
    for forum, day in ((forum_b, 4), (forum_c, 5)):  # forum-c is the newest revision: the feed's date
        saved = dt.datetime(2026, 3, day, 12, 0, tzinfo=hk).timestamp()
        os.utime(forum, (saved, saved))
    env = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}
    output, cache = tmp_path / "output", tmp_path / "cache"
    first = build(content, output, *FIXTURE_SETTINGS, cache=cache, env=env)
    assert first.returncode == 0, first.text
    feed = output / "en" / "forums" / "feed.xml"
    assert "<updated>2026-03-04T12:00:00+08:00</updated>" in feed.read_text(encoding="utf-8")
    older = dt.datetime(2026, 3, 1, 12, 0, tzinfo=hk).timestamp()
    os.utime(forum_b, (older, older))
    second = build(content, output, *FIXTURE_SETTINGS, cache=cache, env=env)
    assert second.returncode == 0, second.text
    text = feed.read_text(encoding="utf-8")
    assert "<updated>2026-03-01T12:00:00+08:00</updated>" in text and "2026-03-04T12:00:00" not in text, text


def test_nothing_changed_only_while_the_inputs_the_output_and_the_dates_that_matter_hold(tmp_path):
    from outputs.state import LastBuild, OutputState, tree_stats

    final = tmp_path / "output"
    final.mkdir()
    (final / "index.html").write_text("page", encoding="utf-8")
    hk = dt.timezone(dt.timedelta(hours=8))
    built, horizon = dt.datetime(2026, 1, 1, tzinfo=hk), dt.datetime(2026, 3, 1, tzinfo=hk)
    inputs = {"content": {"a.md": (1, 2, 3)}, "theme": {}}

    def state(clock=False, listed_ns=None):
        first = OutputState(str(final), str(tmp_path / "staging"), str(tmp_path / "cache"), "code")
        first.last_build = LastBuild(inputs, built, horizon, clock, {}, listed_ns=listed_ns)
        first.outputs = tree_stats(str(final))
        first._save()
        return OutputState(str(final), str(tmp_path / "staging"), str(tmp_path / "cache"), "code")

    assert state().nothing_changed(inputs, built)
    assert state().nothing_changed(inputs, built + dt.timedelta(days=30))  # before the next date a source carries
    assert not state().nothing_changed(inputs, horizon)  # a forum's date has come
    assert not state().nothing_changed(inputs, built - dt.timedelta(days=1))  # the clock went back
    assert not state(clock=True).nothing_changed(inputs, built + dt.timedelta(days=1))  # a page shows the build's date
    assert state(clock=True).nothing_changed(inputs, built)
    assert not state().nothing_changed({**inputs, "content": {"a.md": (1, 2, 4)}}, built)  # a source changed
    # a source saved (time 2 ns) less than RECENT_NS before the last listing: perhaps saved again since, unseen
    from incremental.digests import RECENT_NS

    assert not state(listed_ns=2 + RECENT_NS - 1).nothing_changed(inputs, built)
    assert state(listed_ns=2 + RECENT_NS + 1).nothing_changed(inputs, built)
    fresh = state()
    (final / "index.html").write_text("edited by hand", encoding="utf-8")
    assert not fresh.nothing_changed(inputs, built)  # output/ changed
