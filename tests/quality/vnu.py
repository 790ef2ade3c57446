"""The Nu HTML Checker (vnu.jar) over built files, all in one Java run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .failures import Failure
from .site import Site, SitePage
from .tools import vnu_command

BATCH = 2000  # files per Java run: one run for any ordinary site, and a command line that stays short


def _file_of(url: str) -> Path | None:
    parts = urlsplit(url)
    return Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None


def check(site: Site, pages: list[SitePage] | None = None) -> list[Failure]:
    pages = site.pages if pages is None else pages
    by_file = {page.file.resolve(): page for page in pages}
    failures: list[Failure] = []
    files = list(by_file)
    for start in range(0, len(files), BATCH):
        command = [*vnu_command(), "--errors-only", "--format", "json", "--stdout", *map(str, files[start:start + BATCH])]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        try:
            messages = json.loads(done.stdout or "{}").get("messages", [])
        except ValueError:
            raise RuntimeError(f"vnu.jar gave no JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}") from None
        if done.returncode not in (0, 1) or (done.returncode and not messages):
            raise RuntimeError(f"vnu.jar failed (exit {done.returncode}):\n{done.stderr}")
        for message in messages:
            if message.get("type") not in ("error", "non-document-error") and message.get("subType") != "fatal":
                continue
            file = _file_of(message.get("url", ""))
            page = by_file.get(file) if file else None
            where = page.path if page else message.get("url", "?")
            line = message.get("lastLine") or message.get("firstLine")
            column = message.get("firstColumn") or message.get("lastColumn")
            position = f"line {line}, column {column}: " if line else ""
            extract = " ".join((message.get("extract") or "").split())
            text = message.get("message", "").strip()
            detail = f"{position}{text}" + (f' [near "{extract[:80]}"]' if extract else "")
            rule = "html" if message.get("type") == "error" else "html-unreadable"
            failures.append(Failure(where, rule, detail + (f" ({page.file.relative_to(site.root)})" if page else "")))
    return failures
