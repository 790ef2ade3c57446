"""Building a site into a temporary folder and reading what it wrote."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
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
    age(content)
    return content


def age(folder: Path, seconds: int = 3600) -> None:
    """Date every file below ``folder`` ``seconds`` back, as files saved well before a build are: a build
    treats a file saved in the few seconds before it listed them as perhaps saved again unseen
    (``incremental.digests.RECENT_NS``), and would not find "nothing changed" after it."""
    import time

    when = time.time_ns() - seconds * 1_000_000_000
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, ns=(when, when), follow_symlinks=False)


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


# -- expectations computed from a site's own sources and plan ------------------------------------
# Tests take what a fixture holds (its sources, the pages its build plans) from here rather than
# writing counts and lists by hand, so that a source or a content type added to a fixture changes
# no test that is not about it.


@functools.cache
def project_settings() -> dict:
    """The project's settings (pelicanconf.py), as Pelican reads them."""
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"))


def written_languages() -> list[str]:
    """The codes of the languages editors write (not converted from another): "en", "tc"."""
    return [code for code, spec in project_settings()["LANGUAGES"].items() if not spec.get("derived_from")]


@dataclass(frozen=True)
class Source:
    """One Markdown source of a content folder, read here without the project's code."""

    rel: str  # below the content folder: "press/2025/delta.md"
    lang: str  # from the file name; a file without a language suffix is in the default language
    header: dict = field(hash=False, compare=False)  # lower-case field name -> the value as written

    @property
    def folder(self) -> str:
        """The content folder it is in: "press"."""
        return self.rel.split("/", 1)[0]

    @property
    def rel_dir(self) -> str:
        return self.rel.rpartition("/")[0]

    @property
    def name(self) -> str:
        """The file name without language and extension: "delta", "index"."""
        stem = self.rel.rpartition("/")[2].removesuffix(".md")
        base, dot, suffix = stem.rpartition(".")
        return base if dot and suffix in project_settings()["LANGUAGES"] else stem

    @property
    def group(self) -> str:
        """What its translations share: its path without language suffix and extension."""
        return f"{self.rel_dir}/{self.name}"

    @property
    def title(self) -> str:
        return self.header["title"]

    @property
    def draft(self) -> bool:
        return self.header.get("status", "").strip().lower() == "draft"


def read_sources(content: Path) -> list[Source]:
    """Every ``*.md`` source below ``content``, in path order."""
    codes = project_settings()["LANGUAGES"]
    found = []
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(content).as_posix()
        suffix = path.name.removesuffix(".md").rpartition(".")[2]
        lang = suffix if suffix in codes and "." in path.name.removesuffix(".md") else project_settings()["DEFAULT_LANG"]
        header = {}
        for line in path.read_text(encoding="utf-8").lstrip("\ufeff").split("\n"):
            if not line.strip():
                break
            name, _, value = line.partition(":")
            header[name.strip().lower()] = value.strip()
        found.append(Source(rel, lang, header))
    return found


def source_groups(sources: list[Source]) -> dict[str, dict[str, Source]]:
    """The sources by translation group, each group's sources by language."""
    groups: dict[str, dict[str, Source]] = {}
    for source in sources:
        groups.setdefault(source.group, {})[source.lang] = source
    return groups


@dataclass
class Plan:
    """What one build of a content folder plans, read from the build's own model: its site
    (``contract.model.Site``: languages, items, groups, pages) and the generators that made it."""

    site: object
    generators: list

    @property
    def pages(self) -> list:
        return self.site.pages

    @property
    def languages(self) -> list[str]:
        return [lang.code for lang in self.site.languages]

    @property
    def content_types(self) -> list:
        """The content types (``contract.SourceGenerator``), in the order of PLUGINS."""
        from contract import SourceGenerator

        return [generator for generator in self.generators if isinstance(generator, SourceGenerator)]

    @property
    def renderer(self):
        from i18n.render import SiteRenderer

        return next(generator for generator in self.generators if isinstance(generator, SiteRenderer))

    def html_pages(self, lang: str | None = ...) -> list:
        """The HTML pages planned (of language ``lang`` when given; None: the language-neutral ones)."""
        return [page for page in self.pages if page.save_as.endswith(".html") and (lang is ... or page.lang == lang)]

    def feeds(self, lang: str | None = ...) -> list:
        """The Atom feeds planned, in the order the pages' heads list them."""
        return [page for page in self.pages if page.template == "atom.xml" and (lang is ... or page.lang == lang)]

    def item_pages(self, lang: str | None = ..., kind: str | None = None) -> list:
        """The HTML pages of content items (of ``kind``: "press")."""
        return [page for page in self.html_pages(lang) if page.item is not None and (kind is None or page.item.kind == kind)]

    def pages_of(self, key_prefix: str, lang: str) -> list:
        """The pages of language ``lang`` whose key starts with ``key_prefix``, in plan order ("press:list:" gives every list page)."""
        return [page for page in self.pages if page.lang == lang and page.key.startswith(key_prefix)]


def address(page) -> str:
    """The URL path a planned page is served at: "/en/press/"."""
    return "/" + page.url


def plan(content: Path, work: Path, *settings: str, epoch: int | None = None) -> Plan:
    """Plan the site of ``content`` in this process, as ``make check`` does (nothing written to an output).

    ``settings`` as ``build`` takes them ("PRESS_PER_PAGE=2"); ``epoch``: SOURCE_DATE_EPOCH for the build's date.
    ``work`` holds the build's cache (the photos are encoded into it); nothing is written into ``work/output``.
    """
    from pelican.plugins import signals
    from pelican.settings import read_settings

    overrides = {name: json.loads(value) for name, value in (setting.split("=", 1) for setting in settings)}
    overrides.update(PATH=str(content), OUTPUT_PATH=str(work / "output"), CACHE_PATH=str(work / "cache"), CHECK_ONLY=True,
                     EXIT_WITHOUT_TEARDOWN=False)
    generators: list = []

    def keep(planned):
        generators.extend(planned)

    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        pelican_settings = read_settings(str(ROOT / "pelicanconf.py"), override=overrides)
        module, _, name = pelican_settings["PELICAN_CLASS"].rpartition(".")
        site_build = getattr(__import__(module, fromlist=[name]), name)(pelican_settings)
        signals.all_generators_finalized.connect(keep)
        try:
            site_build.run()
        finally:
            signals.all_generators_finalized.disconnect(keep)
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    from contract.model import Site

    return Plan(Site.of(generators[0].context), generators)
