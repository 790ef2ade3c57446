"""Bad input: one line per problem naming file, field and fix; non-zero exit; old output untouched."""

import shutil

import pytest

from tests.helpers import build, fixture_content, no_traceback, tree_digest

GOOD_RELEASE = "Title: A good release\nDate: 2025-07-30 14:30\n\nBody.\n"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    work = tmp_path_factory.mktemp("bad-input")
    content = work / "content"
    fixture_content(content)
    result = build(content, work / "output")
    assert result.returncode == 0, result.text
    return work


@pytest.fixture
def site(built_once, tmp_path):
    """A copy of the good fixture site with its previous output, to break."""
    content = tmp_path / "content"
    output = tmp_path / "output"
    shutil.copytree(built_once / "content", content)
    shutil.copytree(built_once / "output", output)
    return content, output


def rebuild_fails(site, path, data, *expected):
    """Write ``data`` to ``path`` (below content/), rebuild, and check the failure."""
    content, output = site
    before = tree_digest(output)
    target = content / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    result = build(content, output)
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text
    assert tree_digest(output) == before, "the previous output changed"
    assert not list(output.parent.glob(".staging-*")), "a staging folder was left behind"
    assert "Build failed" in result.stderr
    for fragment in expected:
        assert any(fragment in line for line in errors), f"{fragment!r} not in {errors}"
    return errors


def test_missing_title(site):
    errors = rebuild_fails(site, "press/2025/untitled.en.md", "Date: 2025-07-30 14:30\n\nBody.\n",
                           "untitled.en.md:1: error: Title: is missing; every press release needs it. Fix: add a line 'Title:")
    assert len(errors) == 1


def test_missing_date(site):
    errors = rebuild_fails(site, "press/2025/undated.en.md", "Title: No date\n\nBody.\n",
                           "undated.en.md:1: error: Date: is missing")
    assert len(errors) == 1


@pytest.mark.parametrize(
    "value, message",
    [
        ("2025-13-01 10:00", '"2025-13-01 10:00" is not a real date and time.'),
        ("30/07/2025 14:30", '"30/07/2025 14:30" is not in the form YYYY-MM-DD HH:MM.'),
        ("2025-07-30", '"2025-07-30" is not in the form YYYY-MM-DD HH:MM.'),
    ],
)
def test_unparseable_date_names_line_field_and_fix(site, value, message):
    errors = rebuild_fails(site, "press/2025/typo.en.md", f"Title: Typo\nDate: {value}\n\nBody.\n",
                           f"typo.en.md:2: error: Date: {message}")
    assert "Fix: write it as YYYY-MM-DD HH:MM" in errors[0]
    assert len(errors) == 1


def test_unknown_language_suffix(site):
    errors = rebuild_fails(site, "press/2025/news.fr.md", GOOD_RELEASE,
                           "news.fr.md: error: file name: '.fr' is not a language of this site (it has en, tc, sc).")
    assert "rename the file to news.en.md or news.tc.md or news.sc.md" in errors[0]


def test_two_sources_claiming_one_url(site):
    errors = rebuild_fails(site, "press/2025/delta.en.md", GOOD_RELEASE, "error: file name: is a second English (en) version of")
    assert len(errors) == 1
    assert "delta.md" in errors[0] and "delta.en.md" in errors[0] and "/en/press/2025/delta/" in errors[0]


def test_a_page_claiming_a_section_url(site):
    rebuild_fails(site, "pages/press.en.md", "Title: Press\n\nBody.\n",
                  "press.en.md: error: two pages would be written to /en/press/")


def test_file_that_is_not_utf8(site):
    data = "Title: 新聞\nDate: 2025-07-30 14:30\n\n內文\n".encode("big5")
    errors = rebuild_fails(site, "press/2025/big5.tc.md", data,
                           "big5.tc.md:1: error: the file is not UTF-8 text")
    assert "save the file as UTF-8" in errors[0]


def test_misspelt_field(site):
    rebuild_fails(site, "press/2025/spelling.en.md", "Title: T\nDate: 2025-07-30 14:30\nSumary: s\n\nBody.\n",
                  "spelling.en.md:3: error: Sumary: 'Sumary' is not a field of a press release. Fix: check the spelling; "
                  "the fields are Title, Date, Summary, Tags, Modified, Forum, Gallery, Checked-Against, Status, Aliases.")


def test_release_in_the_wrong_year_folder(site):
    rebuild_fails(site, "press/2024/late.en.md", GOOD_RELEASE,
                  "late.en.md: error: Date: is in 2025 but the file is in the 2024 folder.")


def test_markdown_outside_content_folders(site):
    rebuild_fails(site, "news/stray.en.md", GOOD_RELEASE, "stray.en.md: error: this Markdown file is not in a content folder")


def test_broken_header_line(site):
    rebuild_fails(site, "press/2025/header.en.md", "Title: T\nDate 2025-07-30 14:30\n\nBody.\n",
                  'header.en.md:2: error: "Date 2025-07-30 14:30" is not a "Key: value" header line.')


def test_several_problems_are_all_reported_in_one_run(site):
    content, _ = site
    (content / "press/2025/one.en.md").write_text("Title: One\n\nBody.\n", encoding="utf-8")
    (content / "pages/two.en.md").write_text("Order: first\n\nBody.\n", encoding="utf-8")
    errors = rebuild_fails(site, "press/2025/three.xx.md", GOOD_RELEASE, "one.en.md:1: error: Date: is missing",
                           "two.en.md:1: error: Order: \"first\" is not a whole number.", "two.en.md:1: error: Title: is missing",
                           "three.xx.md: error: file name:")
    assert len(errors) == 4


def test_html_the_policy_refuses_does_not_hide_the_sources_other_problems(site):
    """A body with refused HTML is not published; its header's and its links' problems are reported
    in the same run, not only once the HTML is mended."""
    source = "Title: Raw\nDate: soon\n\nSee [the plan]({static}/files/no-such-plan.pdf).\n\n<script>alert(1)</script>\n"
    errors = rebuild_fails(site, "press/2025/raw.en.md", source, "raw.en.md:6: error: the text contains <script>",
                           'raw.en.md:2: error: Date: "soon" is not in the form', "raw.en.md:4: error: link: '{static}/files/no-such-plan.pdf'")
    assert len(errors) == 3, errors


def test_development_server_mode_reports_without_failing_the_process(site):
    content, output = site
    before = tree_digest(output)
    (content / "press/2025/bad.en.md").write_text("Title: Bad\nDate: soon\n\nBody.\n", encoding="utf-8")
    result = build(content, output, "STRICT_BUILD=false")
    assert result.returncode == 0
    assert 'bad.en.md:2: error: Date: "soon" is not in the form' in result.stderr
    assert tree_digest(output) == before


@pytest.mark.parametrize("raw, message", [
    ('<p style="color:red">x</p>', "raw.en.md:6: error: <p> has a style attribute"),
    ("<script>alert(1)</script>", "raw.en.md:6: error: the text contains <script>"),
    ('<a href="#" onclick="x()">x</a>', "raw.en.md:6: error: <a> has the event handler 'onclick'"),
])
def test_raw_html_the_security_policy_would_block(site, raw, message):
    rebuild_fails(site, "press/2025/raw.en.md", GOOD_RELEASE + "\n" + raw + "\n", message, "security policy")


def test_forum_end_before_start(site):
    rebuild_fails(site, "forums/late.en.md", "Title: F\nDate: 2025-07-30 14:30\nEnd: 2025-07-30 12:00\n\nx\n",
                  "late.en.md:3: error: End: is before the start (2025-07-30 14:30).")


def test_forum_participants_not_a_whole_number(site):
    rebuild_fails(site, "forums/crowd.en.md", "Title: F\nDate: 2025-07-30 14:30\nParticipants: about 200\n\nx\n",
                  'crowd.en.md:3: error: Participants: "about 200" is not a whole number.')


def test_release_naming_a_forum_that_does_not_exist(site):
    rebuild_fails(site, "press/2025/orphan.en.md", "Title: T\nDate: 2025-07-30 14:30\nForum: forum-zz\n\nx\n",
                  "orphan.en.md:3: error: Forum: 'forum-zz' names no forum in content/forums/. Fix: use the file name of a forum page")


def _gallery(site, text, photos=("stage.jpg",)):
    content, _ = site
    folder = content / "galleries" / "bad"
    folder.mkdir(parents=True)
    for name in photos:
        (folder / name).write_bytes((content / "galleries" / "forum-a" / "stage.jpg").read_bytes())
    (folder / "index.tc.md").write_text("Title: 壞\nDate: 2025-07-30 14:30\n\n![相片](stage.jpg)\n", encoding="utf-8")
    return "galleries/bad/index.en.md", "Title: Bad\nDate: 2025-07-30 14:30\n\n" + text


def test_gallery_photo_that_does_not_exist(site):
    rebuild_fails(site, *_gallery(site, '![A stage](missing.jpg "x")\n'), "index.en.md:4: error: photo: the photo 'missing.jpg' is not in the gallery's folder.")


def test_gallery_photo_without_alt_text(site):
    rebuild_fails(site, *_gallery(site, '![](stage.jpg "x")\n'), "index.en.md:4: error: photo: the photo 'stage.jpg' has no alt text.")


def test_gallery_path_leaving_the_folder(site):
    rebuild_fails(site, *_gallery(site, '![A stage](../forum-a/stage.jpg)\n'), "index.en.md:4: error: photo: '../forum-a/stage.jpg' is not a file in the gallery's folder.")


def test_corrupt_photo(site):
    path, text = _gallery(site, "![A stage](stage.jpg)\n![Broken](broken.jpg)\n")
    content, _ = site
    (content / "galleries" / "bad" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    rebuild_fails(site, path, text, "broken.jpg: error:")


def test_release_naming_a_gallery_that_does_not_exist(site):
    rebuild_fails(site, "press/2025/nogallery.en.md", "Title: T\nDate: 2025-07-30 14:30\nGallery: nowhere\n\nx\n",
                  "nogallery.en.md:3: error: Gallery: 'nowhere' names no gallery in content/galleries/.")


def test_a_draft_is_listed_and_not_published(site):
    content, output = site
    (content / "press/2025/draft.en.md").write_text("Title: Not yet\nDate: 2025-07-30 14:30\nStatus: draft\n\nx\n", encoding="utf-8")
    result = build(content, output)
    assert result.returncode == 0, result.text
    assert "draft.en.md:3: warning: Status: is a draft, so it is not published." in result.stderr
    assert not (output / "en" / "press" / "2025" / "draft").exists()


def test_a_pagefind_that_cannot_run_fails_the_build_with_one_line_and_no_traceback(site, tmp_path):
    from tests.helpers import environ

    content, output = site
    before = tree_digest(output)
    broken = tmp_path / "pagefind"
    broken.write_text("not a program\n")  # not executable: the binary cannot be started
    (content / "press" / "2025" / "beta.en.md").write_text(GOOD_RELEASE.replace("Body.", "Body changed."), encoding="utf-8")
    result = build(content, output, env=environ(PAGEFIND_BINARY_PATH=str(broken)))
    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors and all(line.startswith("search: error: Pagefind could not index") for line in errors), errors
    assert tree_digest(output) == before, "the previous output changed"
