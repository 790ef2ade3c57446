"""Translation status from git: a translation older than its original's last change is named by make check."""

import datetime as dt
import os
import subprocess

from i18n import status
from i18n.status import BEHIND, MISSING, ORIGINAL, UP_TO_DATE, History, Source
from tests.helpers import FIXTURE_SETTINGS, build, environ, fixture_content

HK = dt.timezone(dt.timedelta(hours=8))
LANGUAGES = [("en", None), ("tc", None), ("sc", "tc")]


def at(day, hour=10, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=HK)


def group(**sources):
    return {lang: Source(lang, f"content/press/2026/x.{lang}.md", f"/c/x.{lang}.md", checked) for lang, checked in sources.items()}


def states(groups, history):
    return {(row.key, row.lang): row.state for row in status.statuses(groups, LANGUAGES, history)}


def test_a_translation_older_than_its_originals_last_change_is_behind():
    groups = {"x": group(en=None, tc=None)}
    history = {"/c/x.en.md": History(at(1), at(3)), "/c/x.tc.md": History(at(2), at(2))}
    assert states(groups, history) == {("x", "en"): ORIGINAL, ("x", "tc"): BEHIND}
    row = next(r for r in status.statuses(groups, LANGUAGES, history) if r.state == BEHIND)
    path, message, fix = status.warning(row)
    assert path == "content/press/2026/x.tc.md"
    assert message.startswith("older than the change of content/press/2026/x.en.md on 2026-12-03 10:00 "
                              "(this translation was last changed on 2026-12-02 10:00)")
    assert "'Checked-Against: 2026-12-03 10:00'" in fix


def test_a_translation_changed_after_its_original_is_up_to_date_and_the_original_is_never_behind():
    groups = {"x": group(en=None, tc=None)}
    history = {"/c/x.en.md": History(at(1), at(1)), "/c/x.tc.md": History(at(2), at(2, 9))}
    assert states(groups, history) == {("x", "en"): ORIGINAL, ("x", "tc"): UP_TO_DATE}


def test_the_file_written_first_is_the_original_whatever_its_language():
    groups = {"x": group(en=None, tc=None)}
    history = {"/c/x.en.md": History(at(2), at(2)), "/c/x.tc.md": History(at(1), at(3))}
    assert states(groups, history) == {("x", "en"): BEHIND, ("x", "tc"): ORIGINAL}


def test_checked_against_decides_instead_of_the_translations_own_time():
    history = {"/c/x.en.md": History(at(1), at(3, 14, 5)), "/c/x.tc.md": History(at(2), at(4))}
    # checked against the change of 3 December 14:05 (a typo): up to date
    assert states({"x": group(en=None, tc=at(3, 14, 5))}, history)[("x", "tc")] == UP_TO_DATE
    # checked against an older change; its later edit (say, its tags) does not hide that
    assert states({"x": group(en=None, tc=at(2))}, history)[("x", "tc")] == BEHIND


def test_an_editors_simplified_file_follows_the_traditional_one_and_a_missing_language_is_listed():
    groups = {"x": group(en=None, tc=None, sc=None), "y": group(en=None)}
    history = {"/c/x.en.md": History(at(1), at(1)), "/c/x.tc.md": History(at(2), at(5)),
               "/c/x.sc.md": History(at(3), at(4)), "/c/y.en.md": History(at(1), at(1))}
    assert states(groups, history) == {
        ("x", "en"): ORIGINAL, ("x", "tc"): UP_TO_DATE, ("x", "sc"): BEHIND,
        ("y", "en"): ORIGINAL, ("y", "tc"): MISSING,  # sc is converted from tc: missing with it, not apart
    }
    printed = status.table(status.statuses(groups, LANGUAGES, history), LANGUAGES)
    assert "behind (tc changed 2026-12-05)" in printed and "2 items: 1 translation(s) behind, 1 missing." in printed


# -- from git, through make check ------------------------------------------------------------------
def git(repo, *args, when=None):
    env = environ(GIT_AUTHOR_NAME="Editor", GIT_AUTHOR_EMAIL="editor@example.invalid", GIT_COMMITTER_NAME="Editor",
                  GIT_COMMITTER_EMAIL="editor@example.invalid", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_git_history_knows_when_each_file_was_added_and_last_changed(tmp_path):
    (tmp_path / "a.md").write_text("one\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "a.md")
    git(tmp_path, "commit", "-q", "-m", "add", when="2026-12-01T10:00:00+08:00")
    (tmp_path / "a.md").write_text("two\n")
    git(tmp_path, "commit", "-q", "-am", "change", when="2026-12-03T10:00:00+08:00")
    (tmp_path / "b.md").write_text("new, not committed\n")
    os.utime(tmp_path / "b.md", (at(4).timestamp(), at(4).timestamp()))
    found = status.git_history(str(tmp_path))
    assert found[str(tmp_path / "a.md")] == History(at(1), at(3))
    assert found[str(tmp_path / "b.md")] == History(at(4), at(4))
    assert status.git_history("/") is None or str(tmp_path / "a.md") not in status.git_history("/")


def test_make_check_names_a_translation_that_fell_behind(tmp_path):
    content = tmp_path / "content"
    fixture_content(content)
    git(content, "init", "-q")
    git(content, "add", ".")
    git(content, "commit", "-q", "-m", "the site", when="2026-12-01T10:00:00+08:00")
    english = content / "press" / "2024" / "alpha.en.md"
    english.write_text(english.read_text(encoding="utf-8").replace("\n\n", "\n\nA sentence added.\n\n", 1), encoding="utf-8")
    git(content, "commit", "-q", "-am", "alpha: more text", when="2026-12-03T14:05:00+08:00")

    def check():
        done = build(content, tmp_path / "output", *FIXTURE_SETTINGS, "CHECK_ONLY=true",
                     env=environ(SOURCE_DATE_EPOCH="1767196800"))
        assert done.returncode == 0, done.text
        return [line for line in done.text.splitlines() if "older than the change of" in line]

    lines = check()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{content}/press/2024/alpha.tc.md: warning: older than the change of "
                               f"{content}/press/2024/alpha.en.md on 2026-12-03 14:05 (this translation was last changed on 2026-12-01 10:00)")
    # the translator checks it against that change: no more warning about it; the Simplified file an
    # editor wrote follows the Traditional one, which has just changed, so it is named in its turn
    chinese = content / "press" / "2024" / "alpha.tc.md"
    chinese.write_text("Checked-Against: 2026-12-03 14:05\n" + chinese.read_text(encoding="utf-8"), encoding="utf-8")
    git(content, "commit", "-q", "-am", "alpha tc: checked", when="2026-12-03T15:00:00+08:00")
    lines = check()
    assert len(lines) == 1 and lines[0].startswith(f"{content}/press/2024/alpha.sc.md: warning: older than the change of "
                                                   f"{content}/press/2024/alpha.tc.md on 2026-12-03 15:00"), lines
