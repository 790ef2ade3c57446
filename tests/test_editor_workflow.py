"""The editor's workflow: starting an item, checking the site, scheduled releases, the development server."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import ROOT, build, environ, fixture_content, no_traceback, read_sources

NEW_CONTENT = ROOT / "tools" / "new_content.py"
DEVSERVER = ROOT / "tools" / "devserver.py"
STAMP_RE = re.compile(r"^Date: \d{4}-\d{2}-\d{2} \d{2}:\d{2}$", re.M)


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the fixture site, with its photos."""
    folder = tmp_path / "content"
    fixture_content(folder)
    return folder


def new(content: Path, kind: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(NEW_CONTENT), kind, "--content", str(content), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=environ(TITLE="", NAME=""),
    )


def lines_with(text: str, fragment: str) -> list[str]:
    return [line for line in text.splitlines() if fragment in line]


# -- make new-press / new-forum / new-gallery --------------------------------------------------


def test_scaffolds_build_cleanly_as_drafts_and_render_in_preview(content, tmp_path):
    fixture_sources = read_sources(content)
    made = [
        new(content, "press", "--title", "Smart Lab opens a Robotics Corner"),
        new(content, "forum", "--title", "第二十四屆科技論壇", "--name", "forum-d"),
        new(content, "gallery", "--name", "forum-d"),
    ]
    for done in made:
        assert done.returncode == 0, done.stderr
        assert "Status: draft" in done.stdout and "make check" in done.stdout
    year = time.strftime("%Y", time.gmtime(time.time() + 8 * 3600))  # Hong Kong
    files = [
        content / "press" / year / "smart-lab-opens-a-robotics-corner.en.md",
        content / "press" / year / "smart-lab-opens-a-robotics-corner.tc.md",
        content / "forums" / "forum-d.en.md",
        content / "forums" / "forum-d.tc.md",
        content / "galleries" / "forum-d" / "index.en.md",
        content / "galleries" / "forum-d" / "index.tc.md",
    ]
    printed = "".join(done.stdout for done in made)
    for path in files:
        assert path.is_file(), path
        assert str(path.relative_to(content)) in printed.replace("\\", "/"), f"{path} not printed"
        text = path.read_text(encoding="utf-8")
        assert STAMP_RE.search(text) and "\nStatus: draft\n" in text, text
    forum = files[2].read_text(encoding="utf-8")
    for field in ("End", "Number", "Theme", "Venue", "Organisers", "Registration", "Summary"):
        assert f"\n{field}: " in forum, field
    for field in ("Participants", "Exhibitors", "Gallery"):  # no valid placeholder: listed instead
        assert f"\n{field}:" not in forum and f"{field}: " in made[1].stdout
    assert "第二十四屆科技論壇" in files[3].read_text(encoding="utf-8")
    assert "<img" not in files[4].read_text(encoding="utf-8") and "](" in files[4].read_text(encoding="utf-8")

    result = build(content, tmp_path / "output")
    assert result.returncode == 0, result.text
    assert not lines_with(result.stderr, ": error: "), result.stderr
    drafts = lines_with(result.stderr, "warning: Status: is a draft, so it is not published.")
    # one warning for each file made, and for each draft the fixture already had
    wanted = {str(path) for path in files} | {str(content / source.rel) for source in fixture_sources if source.draft}
    assert sorted(line.split(":", 1)[0] for line in drafts) == sorted(wanted), result.stderr
    assert not (result.output / "en" / "press" / year / "smart-lab-opens-a-robotics-corner").exists()
    assert not (result.output / "en" / "forums" / "forum-d").exists()

    preview = build(content, tmp_path / "preview", "PREVIEW=true")
    assert preview.returncode == 0, preview.text
    assert not lines_with(preview.stderr, ": error: "), preview.stderr
    assert preview.page(f"/en/press/{year}/smart-lab-opens-a-robotics-corner/").h1.get_text(strip=True) == "Smart Lab opens a Robotics Corner"
    assert "第二十四屆科技論壇" in preview.page("/tc/forums/forum-d/").h1.get_text()
    assert (preview.output / "sc" / "galleries" / "forum-d" / "index.html").is_file()


def test_scaffold_never_overwrites(content):
    assert new(content, "gallery", "--name", "forum-a").returncode == 1  # the fixture has this gallery
    (content / "forums" / "forum-e.tc.md").write_text("Title: 已有\nDate: 2025-07-30 14:30\n\nx\n", encoding="utf-8")
    done = new(content, "forum", "--title", "Forum E")
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "already exists" in done.stderr, done.stderr
    assert not (content / "forums" / "forum-e.en.md").exists()
    assert (content / "forums" / "forum-e.tc.md").read_text(encoding="utf-8").startswith("Title: 已有")


def test_scaffold_asks_for_a_name_when_the_title_has_none(content):
    done = new(content, "press", "--title", "智慧政府創新實驗室五周年")
    assert done.returncode == 1
    assert "NAME=" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert new(content, "press", "--title", "x", "--name", "Not A Name").returncode == 1


# -- make check -----------------------------------------------------------------------------------

BROKEN = {
    "press/2025/nodate.en.md": "Title: No date\n\nx\n",
    "press/2025/baddate.en.md": "Title: Bad date\nDate: 2025-13-01 10:00\n\nx\n",
    "press/2025/typo.en.md": "Title: Typo\nDate: 2025-07-30 14:30\nSumary: x\n\nx\n",
    "press/2025/orphan.en.md": "Title: Orphan\nDate: 2025-07-30 14:30\nForum: nowhere\nGallery: nothing\n\nx\n",
    "press/2025/twice.en.md": "Title: Twice\nDate: 2025-07-30 14:30\n\nx\n",
    "press/2025/twice.md": "Title: Twice\nDate: 2025-07-30 14:30\n\nx\n",
    "press/2025/unready.en.md": "Title: Unready\nDate: 2025-07-30 14:30\nStatus: draft\n\nx\n",
    "press/2024/late.en.md": "Title: Late\nDate: 2025-07-30 14:30\n\nx\n",
    "press/2026/soon.en.md": "Title: Soon\nDate: 2026-03-02 10:00\n\nx\n",
    "pages/press.en.md": "Title: Press\n\nx\n",
    "galleries/bad/index.en.md": 'Title: Bad\nDate: 2025-07-30 14:30\n\nIntro.\n\n![](stage.jpg "x")\n',
}

# (file, line or None, level, what): each must be reported exactly once.
EXPECTED = [
    ("nodate.en.md", 1, "error", "Date: is missing"),
    ("baddate.en.md", 2, "error", 'Date: "2025-13-01 10:00" is not a real date and time.'),
    ("typo.en.md", 3, "error", "Sumary: 'Sumary' is not a field of a press release."),
    ("orphan.en.md", 3, "error", "Forum: 'nowhere' names no forum"),
    ("orphan.en.md", 4, "error", "Gallery: 'nothing' names no gallery"),
    ("twice.md", None, "error", "file name: is a second English (en) version of"),
    ("unready.en.md", 3, "warning", "Status: is a draft, so it is not published."),
    ("late.en.md", 2, "error", "Date: is in 2025 but the file is in the 2024 folder."),
    ("soon.en.md", 2, "warning", "Date: scheduled for 2026-03-02 10:00: not published yet."),
    ("press.en.md", None, "error", "two pages would be written to /en/press/"),
    ("index.en.md", 6, "error", "photo: the photo 'stage.jpg' has no alt text."),
    ("beta.en.md", None, "warning", "has no Traditional Chinese (tc) translation"),
]


def test_check_lists_every_problem_once_and_writes_nothing(content, tmp_path):
    for name, text in BROKEN.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    shutil.copy(content / "galleries" / "forum-a" / "stage.jpg", content / "galleries" / "bad" / "stage.jpg")
    output = tmp_path / "site" / "output"
    result = build(content, output, "CHECK_ONLY=true", cache=tmp_path / "cache", env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))

    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text
    for file, line, level, what in EXPECTED:
        where = f"{file}:{line}: " if line else f"{file}: "
        found = [text for text in result.stderr.splitlines() if f"/{where}{level}: {what}" in text]
        assert len(found) == 1, f"{where}{level}: {what!r} reported {len(found)} times in:\n{result.stderr}"
    for text in lines_with(result.stderr, ": error: ") + lines_with(result.stderr, ": warning: "):
        assert " Fix: " in text, f"no fix given: {text}"
    summary = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"Checked \d+ sources \(\d+ pages planned\): \d+ errors, \d+ warnings; nothing was written\.", summary), summary
    assert not output.parent.exists(), "check wrote the output folder, or beside it"


def test_check_of_a_good_site_passes(content, tmp_path):
    output = tmp_path / "output"
    result = build(content, output, "CHECK_ONLY=true", env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert result.returncode == 0, result.text
    assert "0 errors" in result.stdout and "nothing was written" in result.stdout
    assert not output.exists()


# -- scheduled releases -----------------------------------------------------------------------------


def test_a_future_release_waits_for_its_date_unless_previewing(content, tmp_path):
    (content / "press" / "2026").mkdir()
    (content / "press" / "2026" / "soon.en.md").write_text("Title: Soon\nDate: 2026-03-02 10:00\n\nx\n", encoding="utf-8")
    before = environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH))  # 2026-01-01

    waiting = build(content, tmp_path / "waiting", env=before)
    assert waiting.returncode == 0, waiting.text
    assert len(lines_with(waiting.stderr, "soon.en.md:2: warning: Date: scheduled for 2026-03-02 10:00: not published yet.")) == 1
    assert not (waiting.output / "en" / "press" / "2026" / "soon").exists()
    assert "/en/press/2026/soon/" not in (waiting.output / "en" / "press" / "index.html").read_text(encoding="utf-8")
    assert (waiting.output / "en" / "forums" / "forum-b" / "index.html").is_file(), "an upcoming forum stays published"

    preview = build(content, tmp_path / "preview", "PREVIEW=true", env=before)
    assert preview.returncode == 0, preview.text
    assert preview.page("/en/press/2026/soon/").h1.get_text(strip=True) == "Soon"

    after = build(content, tmp_path / "after", env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH + 90 * 86400)))
    assert after.returncode == 0, after.text
    assert (after.output / "en" / "press" / "2026" / "soon" / "index.html").is_file()
    assert "scheduled for" not in after.stderr


# -- make devserver ---------------------------------------------------------------------------------


class DevServer:
    """tools/devserver.py on a free port, on a copy of the fixture site."""

    def __init__(self, content: Path, work: Path, env: dict | None = None):
        self.output = work / "output"
        self.process = subprocess.Popen(
            [sys.executable, "-u", str(DEVSERVER), "--port", "0", "--content", str(content),
             "--output", str(self.output), "--cache", str(work / "cache")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )
        self.log: list[str] = []
        self.ready = threading.Event()
        self.port = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.log.append(line)
            match = re.search(r"on http://127\.0\.0\.1:(\d+)/", line)
            if match and self.port is None:
                self.port = int(match.group(1))
                self.ready.set()

    def get(self, path: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def test_devserver_serves_rebuilds_and_reloads_the_page(content, tmp_path, chromium_browser):
    server = DevServer(content, tmp_path)
    try:
        assert server.ready.wait(180), "".join(server.log)
        status, page = server.get("/en/press/2025/beta/")
        assert status == 200
        assert '<script src="/theme/js/livereload.js"' in page, "the dev server adds the reload script"
        built = (server.output / "en" / "press" / "2025" / "beta" / "index.html").read_text(encoding="utf-8")
        assert "livereload" not in built, "the built files do not contain it"
        assert server.get("/theme/js/livereload.js")[0] == 200
        assert not (server.output / "theme" / "js" / "livereload.js").exists(), "it is not published"
        assert server.get("/en/no-such-page/")[0] == 404

        browser_page = chromium_browser.new_page()
        try:
            browser_page.goto(f"http://127.0.0.1:{server.port}/en/press/2025/beta/")
            browser_page.wait_for_timeout(300)  # the page's event stream connects
            source = content / "press" / "2025" / "beta.en.md"
            text = source.read_text(encoding="utf-8")
            changed = re.sub(r"^Title: .*$", "Title: Edited while the server runs", text, count=1, flags=re.M)
            started = time.monotonic()
            source.write_text(changed, encoding="utf-8")
            browser_page.wait_for_function(
                "() => document.querySelector('h1').textContent.includes('Edited while the server runs')", timeout=15000
            )
            elapsed = time.monotonic() - started
        finally:
            browser_page.close()
        assert elapsed < 5, f"the edit showed after {elapsed:.1f} s"
        assert any("rebuilt in" in line for line in server.log), "".join(server.log)
    finally:
        server.stop()
