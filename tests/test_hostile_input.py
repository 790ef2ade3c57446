"""Hostile and mistaken input about files: nothing outside content/ is read or published.

Each case is made in a copy of the fixture site that was built once, then rebuilt: the build
must exit non-zero with one line naming the file, print no traceback, leave the previous
output byte for byte as it was, and publish nothing from outside the content folder (a file
beside it holds a token that must never reach the output).
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.helpers import build, fixture_content, no_traceback, tree_digest

SECRET = "TOKEN-FROM-OUTSIDE-CONTENT-7f3a"
RELEASE = "Title: Links\nDate: 2025-07-30 14:30\n\n"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    content = work / "content"
    fixture_content(content)
    (content / "files").mkdir()
    (content / "files" / "annual-report.pdf").write_bytes(b"%PDF-1.4 a small report\n")
    result = build(content, work / "output")
    assert result.returncode == 0, result.text
    return work


@pytest.fixture
def site(built_once, tmp_path):
    """A copy of the built fixture site, and a folder beside its content with a secret in it."""
    shutil.copytree(built_once / "content", tmp_path / "content")
    shutil.copytree(built_once / "output", tmp_path / "output")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "secret.en.md").write_text(RELEASE + SECRET + "\n", encoding="utf-8")
    (outside / "press").mkdir()
    (outside / "press" / "leak.en.md").write_text(RELEASE + SECRET + "\n", encoding="utf-8")
    (outside / "photo.jpg").write_bytes((tmp_path / "content" / "galleries" / "forum-a" / "stage.jpg").read_bytes())
    return tmp_path


def fails_harmlessly(work, *expected: str) -> list[str]:
    """Rebuild ``work``'s content: it must fail with ``expected`` lines and change nothing."""
    output = work / "output"
    before = tree_digest(output)
    result = build(work / "content", output)
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text
    # one line a problem, not pages of them (the warnings the good sources give aside)
    assert len([line for line in result.text.splitlines() if ": warning: " not in line]) < 40, result.text
    assert tree_digest(output) == before, "the previous output changed"
    assert not list(work.glob(".staging-*")), "a staging folder was left behind"
    for fragment in expected:
        assert any(fragment in line for line in errors), f"{fragment!r} not in {errors}"
    for path in output.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), f"{path} holds a file from outside content/"
    return errors


def write(work, rel: str, text: str) -> None:
    path = work / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- references in a body --------------------------------------------------------------------

@pytest.mark.parametrize("link", ["{attach}../../../outside/secret.txt", "{static}../../../outside/secret.txt",
                                  "{attach}../../../../../../../../etc/hosts", "{static}/../outside/secret.txt"])
def test_a_link_that_climbs_out_of_the_content_folder_is_an_error(site, link):
    write(site, "press/2025/notes.en.md", RELEASE + f"Read [the notes]({link}).\n")
    errors = fails_harmlessly(site, f"notes.en.md:4: error: link: '{link}' leads outside the content folder")
    assert len(errors) == 1


def test_a_symbolic_link_in_the_files_folder_leading_out_is_an_error(site):
    os.symlink(site / "outside" / "secret.txt", site / "content" / "files" / "secret.txt")
    fails_harmlessly(site, "content/files/secret.txt: error: file: is a symbolic link leading outside the content folder")


def test_a_symbolic_link_in_the_themes_static_folder_is_an_error_and_not_published(site):
    """The theme's static files are copied by the project's own code (contract.StaticFiles), which
    publishes regular files only: a link there (leading anywhere) is one error naming it."""
    from tests.helpers import ROOT

    theme = site / "theme"
    shutil.copytree(ROOT / "theme", theme)
    os.symlink(site / "outside" / "secret.txt", theme / "static" / "css" / "extra.css")
    os.symlink(site / "outside", theme / "static" / "more")  # a folder: listed by the walk, never entered
    output = site / "output"
    before = tree_digest(output)
    result = build(site / "content", output, f'THEME="{theme}"')
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert result.returncode == 1 and no_traceback(result.text), result.text
    assert len(errors) == 2, errors
    assert "static/css/extra.css: error: file: is not a regular file of the theme" in errors[0], errors
    assert "static/more: error: file: is not a regular file of the theme" in errors[1], errors
    assert tree_digest(output) == before and not list(site.glob(".staging-*"))


def test_a_static_link_through_a_symbolic_link_leading_out_is_an_error(site):
    os.symlink(site / "outside" / "secret.txt", site / "content" / "press" / "2025" / "notes.txt")
    write(site, "press/2025/notes.en.md", RELEASE + "Read [the notes]({attach}notes.txt).\n")
    fails_harmlessly(site, "notes.en.md:4: error: link: '{attach}notes.txt' leads to content/press/2025/notes.txt, which is a symbolic link leading outside")


def test_a_static_link_to_a_missing_file_says_which_file_was_meant(site):
    write(site, "press/2025/notes.en.md", RELEASE + "The [report]({static}/files/anual-report.pdf).\n")
    errors = fails_harmlessly(site, "notes.en.md:4: error: link: '{static}/files/anual-report.pdf' leads to content/files/anual-report.pdf, which does not exist.")
    assert "did you mean content/files/annual-report.pdf?" in errors[0]


def test_a_link_to_a_missing_source_says_which_source_was_meant(site):
    write(site, "press/2024/notes.en.md", "Title: N\nDate: 2024-07-30 14:30\n\nSee [beta]({filename}../2025/betta.en.md).\n")
    errors = fails_harmlessly(site, "notes.en.md:4: error: link: '{filename}../2025/betta.en.md' leads to content/press/2025/betta.en.md, which does not exist.")
    assert "did you mean content/press/2025/beta.en.md? Write {filename}../2025/beta.en.md." in errors[0]


def test_a_link_to_a_draft_is_an_error(site):
    write(site, "press/2025/later.en.md", "Title: Later\nDate: 2025-07-30 14:30\nStatus: draft\n\nNot yet.\n")
    write(site, "press/2025/notes.en.md", RELEASE + "\nSee [later]({filename}later.en.md).\n")
    fails_harmlessly(site, "notes.en.md:5: error: link: '{filename}later.en.md' links to content/press/2025/later.en.md, which is not published")


@pytest.mark.parametrize("body, expected", [
    ("![Visitors in 2025](visitors-2025.png)", "'visitors-2025.png' is a relative image address"),
    ("See [beta](beta.en.md).", "'beta.en.md' is a relative link to a source file"),
    ("See [the list](../press/).", "'../press/' is a relative address"),
    ("See [tag]({tag}smart).", "'{tag}smart' is not a kind of link this site knows ({tag})."),
    ("A [page]({static}beta.en.md).", "'{static}beta.en.md' leads to content/press/2025/beta.en.md, which is a page's source, not a file to copy."),
])
def test_relative_and_unknown_references_are_errors(site, body, expected):
    write(site, "press/2025/notes.en.md", RELEASE + body + "\n")
    fails_harmlessly(site, f"notes.en.md:4: error: link: {expected}")


def test_a_site_address_that_no_page_has_is_an_error_with_the_closest_address(site):
    write(site, "press/2025/notes.en.md", RELEASE + "\nSee [about](/en/abuot/) and [the report](/files/no-such-report.pdf).\n")
    errors = fails_harmlessly(site, "notes.en.md:5: error: link: '/en/abuot/' is not an address this site publishes. Fix: did you mean /en/about/?",
                              "notes.en.md:5: error: link: '/files/no-such-report.pdf' is not an address this site publishes.")
    assert len(errors) == 2


def test_a_relative_image_that_exists_beside_the_release_is_still_an_error(site):
    shutil.copy(site / "outside" / "photo.jpg", site / "content" / "press" / "2025" / "chart.jpg")
    write(site, "press/2025/notes.en.md", RELEASE + "![A chart](chart.jpg)\n")
    errors = fails_harmlessly(site, "notes.en.md:4: error: link: 'chart.jpg' is a relative image address")
    assert "{static}/files/chart.jpg" in errors[0]


# -- what is read as a source ------------------------------------------------------------------

def test_a_source_that_is_a_symbolic_link_leading_out_is_an_error(site):
    os.symlink(site / "outside" / "secret.en.md", site / "content" / "press" / "2025" / "secret.en.md")
    fails_harmlessly(site, "press/2025/secret.en.md: error: file: is a symbolic link leading outside the content folder")


def test_a_folder_that_is_a_symbolic_link_leading_out_is_an_error(site):
    os.symlink(site / "outside" / "press", site / "content" / "press" / "2026")
    fails_harmlessly(site, "press/2026: error: file: is a symbolic link leading outside the content folder")


def test_a_dangling_symbolic_link_is_one_line(site):
    os.symlink(site / "outside" / "gone.en.md", site / "content" / "press" / "2025" / "gone.en.md")
    errors = fails_harmlessly(site, "press/2025/gone.en.md: error: file: is a symbolic link to something that does not exist.")
    assert len(errors) == 1


def test_a_loop_of_symbolic_links_is_one_line(site):
    os.symlink("..", site / "content" / "press" / "2025" / "again")
    os.symlink("b.en.md", site / "content" / "press" / "2025" / "a.en.md")
    os.symlink("a.en.md", site / "content" / "press" / "2025" / "b.en.md")
    errors = fails_harmlessly(site, "press/2025/again: error: file: is a symbolic link to a folder that is already part of the content",
                              "press/2025/a.en.md: error: file: is a loop of symbolic links.")
    assert len(errors) == 3


def test_a_named_pipe_is_not_read(site):
    os.mkfifo(site / "content" / "press" / "2025" / "pipe.en.md")
    os.mkfifo(site / "content" / "files" / "pipe.pdf")
    fails_harmlessly(site, "press/2025/pipe.en.md: error: file: is a named pipe (FIFO), not a regular file.",
                     "files/pipe.pdf: error: file: is a named pipe (FIFO)")


def test_a_huge_source_is_refused_before_it_is_read(site):
    write(site, "press/2025/huge.en.md", RELEASE + ("word " * 200 + "\n") * 3000)
    fails_harmlessly(site, "press/2025/huge.en.md: error: file: is 29", "KiB; a source may be at most 2048 KiB.")


# -- photos and translations ---------------------------------------------------------------------

def test_a_gallery_photo_named_in_the_wrong_case_gets_did_you_mean(site):
    path = site / "content" / "galleries" / "forum-a" / "index.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("(stage.jpg", "(Stage.JPG"), encoding="utf-8")
    errors = fails_harmlessly(site, "index.en.md:7: error: photo: the photo 'Stage.JPG' is not in the gallery's folder.")
    assert "did you mean stage.jpg?" in errors[0]


def test_a_gallery_photo_that_is_a_symbolic_link_leading_out_is_an_error(site):
    os.symlink(site / "outside" / "photo.jpg", site / "content" / "galleries" / "forum-a" / "linked.jpg")
    path = site / "content" / "galleries" / "forum-a" / "index.en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n![A linked photo](linked.jpg)\n", encoding="utf-8")
    fails_harmlessly(site, "error: photo: the photo 'linked.jpg' is a symbolic link leading outside the content folder")


def test_translations_whose_names_differ_by_a_typo_are_an_error(site):
    write(site, "press/2025/smart-mobility-trial.en.md", "Title: Trial\nDate: 2025-08-01 10:00\n\nText.\n")
    write(site, "press/2025/smart-mobilty-trial.tc.md", "Title: 試驗\nDate: 2025-08-01 10:00\n\n內文。\n")
    errors = fails_harmlessly(site, "smart-mobilty-trial.tc.md: error: file name: has the same Date as")
    assert "rename it to smart-mobility-trial.tc.md" in errors[0]
    assert "smart-mobility-trial.en.md" in errors[0]


def test_items_with_different_dates_and_similar_names_are_two_items(site):
    write(site, "press/2025/trial-a.en.md", "Title: Trial A\nDate: 2025-08-01 10:00\n\nText.\n")
    write(site, "press/2025/trial-b.tc.md", "Title: 試驗乙\nDate: 2025-08-02 10:00\n\n內文。\n")
    result = build(site / "content", site / "output")
    assert result.returncode == 0, result.text
    assert "has the same Date as" not in result.text


def test_check_reports_every_file_problem_at_once(site):
    write(site, "press/2025/notes.en.md", RELEASE + "[a]({attach}../../../outside/secret.txt) ![b](b.png)\n")
    os.mkfifo(site / "content" / "press" / "2025" / "pipe.en.md")
    os.symlink(site / "outside" / "secret.en.md", site / "content" / "pages" / "secret.en.md")
    result = build(site / "content", site / "output", "CHECK_ONLY=true")
    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 4, errors
    assert "4 errors" in result.stderr


def test_every_allowed_link_form_is_replaced_by_an_address_of_a_published_file(site):
    (site / "content" / "press" / "2025" / "rundown.pdf").write_bytes(b"%PDF-1.4 rundown\n")
    write(site, "press/2025/notes.en.md", RELEASE + "See [beta]({filename}beta.en.md), the [report]({static}/files/annual-report.pdf), "
          "the [rundown]({attach}rundown.pdf) and [about](/en/about/).\n")
    result = build(site / "content", site / "output")
    assert result.returncode == 0, result.text
    page = result.page("/en/press/2025/notes/")
    hrefs = [a["href"] for a in page.select("main a[href]")]
    for wanted in ("/en/press/2025/beta/", "/files/annual-report.pdf", "/en/about/"):
        assert any(href.endswith(wanted) for href in hrefs), (wanted, hrefs)
    rundown = next(href for href in hrefs if href.endswith("rundown.pdf"))
    assert (site / "output" / rundown.lstrip("/")).read_bytes() == b"%PDF-1.4 rundown\n"
    for path in (site / "output").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "{filename}" not in text and "{static}" not in text and "{attach}" not in text, path


def test_a_link_to_a_missing_source_with_no_close_name_gets_no_guess(site):
    # "nope.en.md" shares only its extension with the sources there (and with every gallery's index.en.md)
    write(site, "press/2024/notes.en.md", "Title: N\nDate: 2024-07-30 14:30\n\nSee [it]({filename}../2025/nope.en.md).\n")
    errors = fails_harmlessly(site, "notes.en.md:4: error: link: '{filename}../2025/nope.en.md' leads to content/press/2025/nope.en.md, which does not exist.")
    assert "did you mean" not in errors[0]


def test_a_link_to_a_source_moved_to_another_folder_names_where_it_is(site):
    write(site, "press/2024/notes.en.md", "Title: N\nDate: 2024-07-30 14:30\n\nSee [beta]({filename}../2023/beta.en.md).\n")
    errors = fails_harmlessly(site, "notes.en.md:4: error: link: '{filename}../2023/beta.en.md' leads to content/press/2023/beta.en.md, which does not exist.")
    assert "did you mean content/press/2025/beta.en.md?" in errors[0]


# -- where a photo was taken ---------------------------------------------------------------------

def _photo_with_location(fmt: str) -> bytes:
    """A small photo whose EXIF says it is turned (Orientation 6) and where it was taken (GPS)."""
    import io

    from PIL import Image
    from PIL.ExifTags import IFD, GPS

    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = image.getexif()
    exif[0x0112] = 6
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", (22.0, 19.0, 14.5)
    gps[GPS.GPSLongitudeRef], gps[GPS.GPSLongitude] = "E", (114.0, 10.0, 9.5)
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def test_a_jpeg_published_as_it_is_loses_where_it_was_taken_and_nothing_else(site):
    import io

    from PIL import Image

    data = _photo_with_location("JPEG")
    (site / "content" / "press" / "2025" / "visit.jpg").write_bytes(data)
    write(site, "press/2025/notes.en.md", RELEASE + "![The visit]({attach}visit.jpg)\n")
    result = build(site / "content", site / "output")
    assert result.returncode == 0, result.text
    published = next((site / "output").rglob("visit.jpg")).read_bytes()
    with Image.open(io.BytesIO(published)) as image, Image.open(io.BytesIO(data)) as original:
        assert not image.getexif().get_ifd(0x8825), "the published copy still says where it was taken"
        assert image.getexif().get(0x0112) == 6  # still shown the right way up
        assert image.tobytes() == original.tobytes()  # the picture itself untouched
    assert (site / "content" / "press" / "2025" / "visit.jpg").read_bytes() == data  # the editor's file as it was


def test_another_image_format_that_gives_where_it_was_taken_is_an_error(site):
    (site / "content" / "files").mkdir(exist_ok=True)
    (site / "content" / "files" / "map.png").write_bytes(_photo_with_location("PNG"))
    fails_harmlessly(site, "files/map.png: error: file: its metadata gives the place it was taken (GPS)", "export it again without location data")
