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
PELICAN = [sys.executable, "-m", "pelican"]


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


def build(content: Path, output: Path, *settings: str, cache: Path | None = None, env=None) -> Build:
    """Run the project's build (as `make html` does) on ``content``."""
    command = [*PELICAN, str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output), "--log-handler", "plain"]
    overrides = list(settings)
    overrides.append(f'CACHE_PATH="{cache or output.parent / "cache"}"')
    command += ["-e", *overrides]  # one -e: Pelican keeps only the last -e given
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    return Build(done.returncode, done.stdout, done.stderr, output)


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
