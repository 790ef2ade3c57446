"""Lighthouse (the npm package, run with Node) on a page of the local server: scores and what cost points."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .failures import Failure
from .tools import CHROMIUM_FLAGS, chromium, lighthouse_command

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
GATES = {"accessibility": 0.9, "best-practices": 0.9}  # SEO and performance are reported, not gated


@dataclass
class Report:
    path: str  # the page's site path
    json_file: Path
    scores: dict[str, float | None]
    # category -> ["audit-id: title (what it found)"] for every weighted audit that did not pass
    lost: dict[str, list[str]] = field(default_factory=dict)

    def failures(self) -> list[Failure]:
        found = []
        for category, minimum in GATES.items():
            score = self.scores.get(category)
            if score is None or score < minimum:
                shown = "none" if score is None else f"{score:.2f}"
                found.append(Failure(self.path, f"lighthouse/{category}",
                                     f"score {shown} < {minimum}; lost points on: "
                                     f"{'; '.join(self.lost.get(category, [])) or '?'} ({self.json_file})"))
        return found

    def summary_lines(self) -> list[str]:
        scores = "  ".join(f"{name} {'-' if value is None else f'{value:.2f}'}" for name, value in self.scores.items())
        lines = [f"{self.path}: {scores}  [{self.json_file}]"]
        for category in CATEGORIES:
            for audit in self.lost.get(category, []):
                lines.append(f"    {category}: {audit}")
        return lines


def _item_text(item: dict) -> str:
    """One row of an audit's details table, in words: the element or URL, then the reason."""
    parts = []
    for key in ("node", "source", "sourceLocation"):
        value = item.get(key)
        if isinstance(value, dict):
            parts.append(value.get("snippet") or value.get("url") or "")
            break
    else:
        parts.append(str(item.get("url") or ""))
    if item.get("description"):
        parts.append(str(item["description"]).split(" Either the ")[0])  # CSP messages: the first sentence
    sub = (item.get("subItems") or {}).get("items") or []
    parts += [str(entry.get("reason")) for entry in sub if isinstance(entry, dict) and entry.get("reason")]
    return " ".join(" ".join(part.split()) for part in parts if part)[:220]


def _lost_points(result: dict) -> dict[str, list[str]]:
    audits = result.get("audits", {})
    lost: dict[str, list[str]] = {}
    for name, category in result.get("categories", {}).items():
        for ref in category.get("auditRefs", []):
            audit = audits.get(ref["id"], {})
            if ref.get("weight", 0) <= 0 or audit.get("score") is None or audit["score"] >= 1:
                continue
            note = audit.get("displayValue") or audit.get("explanation") or ""
            items = (audit.get("details") or {}).get("items") or []
            where = [_item_text(item) for item in items[:3] if isinstance(item, dict)]
            where = [text for text in where if text]
            text = f"{ref['id']}: {audit.get('title', '')}"
            if note:
                text += f" ({' '.join(str(note).split())[:200]})"
            if where:
                text += f" at {' | '.join(where)}"
            lost.setdefault(name, []).append(text)
    return lost


def run(url: str, path: str, json_file: Path, categories: list[str] = CATEGORIES) -> Report:
    """Audit ``url`` (whose site path is ``path``) and keep Lighthouse's JSON report in ``json_file``."""
    json_file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        *lighthouse_command(), url,
        "--output=json", f"--output-path={json_file}",
        f"--only-categories={','.join(categories)}",
        f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": chromium()}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    if done.returncode != 0 or not json_file.is_file():
        raise RuntimeError(f"Lighthouse failed on {url} (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    result = json.loads(json_file.read_text(encoding="utf-8"))
    if result.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not audit {url}: {result['runtimeError']}")
    scores = {name: result["categories"].get(name, {}).get("score") for name in categories}
    return Report(path, json_file, scores, _lost_points(result))
