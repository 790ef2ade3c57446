"""Building a site into a temporary folder and reading what it wrote."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
# How the fixture site is built: two releases a list page, and search shards of three pages, so that
# paging and the merging of shards are exercised on a small site.
FIXTURE_SETTINGS = ("PRESS_PER_PAGE=2", "SEARCH_SHARD_SIZE=3")
PELICAN = [sys.executable, "-m", "pelican"]
# For Playwright's wait_for_function: true once the search page has answered (results, none, or failure).
SEARCH_SETTLED = """() => {
    const root = document.querySelector('.js-search');
    const status = root.querySelector('.js-search-status').textContent;
    return (status && status !== root.dataset.searching) || !root.querySelector('.js-search-failure').hidden;
}"""


@dataclass
class Build:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    @property
    def text(self) -> str:
        return self.stdout + self.stderr

    def page(self, url: str) -> BeautifulSoup:
        path = self.output / url.lstrip("/")
        if url.endswith("/"):
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))


def build(content: Path, output: Path, *settings: str, cache: Path | None = None, env=None, verbose: bool = False) -> Build:
    """Run the project's build (as `make html` does) on ``content``; ``verbose``: INFO lines too (``-v``)."""
    command = [*PELICAN, str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output), "--log-handler", "plain"]
    if verbose:
        command.append("-v")
    overrides = list(settings)
    overrides.append(f'CACHE_PATH="{cache or output.parent / "cache"}"')
    command += ["-e", *overrides]  # one -e: Pelican keeps only the last -e given
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    return Build(done.returncode, done.stdout, done.stderr, output)


def fixture_content(content: Path) -> Path:
    """A copy of the fixture site's sources at ``content``, with its photos drawn; returns ``content``."""
    import shutil

    shutil.copytree(FIXTURE, content)
    draw_fixture_photos(content)
    return content


def draw_fixture_photos(content: Path) -> None:
    """The fixture gallery's photos, drawn here rather than committed.

    stage.jpg is stored turned (EXIF orientation 6) and carries GPS and camera tags;
    badge.png has transparency; unlisted.jpg is in the folder but no index lists it.
    """
    from PIL import Image, ImageDraw

    folder = content / "galleries" / "forum-a"
    upright = Image.new("RGB", (1200, 800), (30, 30, 60))
    ImageDraw.Draw(upright).rectangle((0, 0, 200, 200), fill=(255, 0, 0))  # red: top-left when upright
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # orientation 6 turns it back
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "FixtureCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (22.0, 17.0, 0.0), 3: "E", 4: (114.0, 9.0, 0.0)})
    stored.save(folder / "stage.jpg", exif=exif, quality=90)
    badge = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(badge).ellipse((50, 50, 550, 550), fill=(20, 90, 200, 255))
    badge.save(folder / "badge.png")
    Image.new("RGB", (300, 200), (0, 128, 0)).save(folder / "unlisted.jpg")


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` and the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def no_traceback(text: str) -> bool:
    return "Traceback" not in text and 'File "' not in text


def environ(**extra) -> dict:
    env = dict(os.environ)
    env.update(extra)
    return env
