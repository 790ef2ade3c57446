"""Where the outside tools are, and a clear message when one is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_JS = NODE_MODULES / "lighthouse" / "cli" / "index.js"

CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# The same flags for Playwright and for Lighthouse: no first-run chatter, no calls home.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

NPM_HINT = f"Fix: run `npm ci` in {ROOT} (it installs the pinned versions from package-lock.json into node_modules/)."


class MissingTool(RuntimeError):
    """A tool the checks need is not installed."""


def require_file(path: Path, what: str) -> Path:
    if not path.is_file():
        raise MissingTool(f"{what} not found at {path}. {NPM_HINT}")
    return path


def require_program(name: str, what: str, install: str) -> str:
    found = shutil.which(name) if os.sep not in name else (name if os.access(name, os.X_OK) else None)
    if not found:
        raise MissingTool(f"{what} ({name}) not found. Fix: {install}")
    return found


def axe_source() -> str:
    return require_file(AXE_JS, "axe-core").read_text(encoding="utf-8")


def vnu_command() -> list[str]:
    java = require_program("java", "Java, for the Nu HTML Checker", "apt-get install default-jre-headless")
    return [java, "-jar", str(require_file(VNU_JAR, "The Nu HTML Checker (vnu-jar)"))]


def lighthouse_command() -> list[str]:
    node = require_program("node", "Node.js, for Lighthouse", "apt-get install nodejs")
    return [node, str(require_file(LIGHTHOUSE_JS, "Lighthouse"))]


def chromium() -> str:
    return require_program(CHROMIUM, "Chromium", "apt-get install chromium (or set CHROME_PATH)")


def artifacts_dir() -> Path:
    """Where screenshots and reports go: $ARTIFACTS, else test-artifacts/ in the project."""
    folder = Path(os.environ.get("ARTIFACTS") or ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
