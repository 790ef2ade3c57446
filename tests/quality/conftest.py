"""Shared fixtures of the quality tests: the sample site built once, served once, one browser.

Markers (select with -m): browser (headless Chromium), vnu (Java), lighthouse (slowest, ~30 s).
"""

from __future__ import annotations

import contextlib

import pytest

from . import browser as browser_tools
from . import interaction
from .server import serve
from .site import Site, build
from .tools import MissingTool, artifacts_dir

ARTIFACT_NOTES = pytest.StashKey[list]()  # lines for the terminal summary


def pytest_configure(config):
    config.stash[ARTIFACT_NOTES] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    notes = config.stash.get(ARTIFACT_NOTES, [])
    if notes:
        terminalreporter.write_sep("-", "quality artifacts")
        for line in notes:
            terminalreporter.write_line(line)


def note(config, line: str) -> None:
    config.stash[ARTIFACT_NOTES].append(line)


@contextlib.contextmanager
def tools_needed():
    """A missing tool fails the test with the fix (npm ci, apt-get) instead of a traceback."""
    try:
        yield
    except MissingTool as error:
        raise pytest.fail.Exception(str(error), pytrace=False) from None


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Site:
    """The sample site (content/), built once per session into a temporary folder."""
    return Site(build(tmp_path_factory.mktemp("quality") / "output"))


@pytest.fixture(scope="session")
def base_url(built_site):
    with serve(built_site.root) as url:
        yield url


@pytest.fixture(scope="session")
def representatives(built_site):
    """One page of every type in every language."""
    return built_site.representatives()


@pytest.fixture(scope="session")
def artifacts(request):
    folder = artifacts_dir()
    note(request.config, f"Screenshots and reports are in {folder}")
    return folder


@pytest.fixture(scope="session")
def audits(chromium_browser, base_url, representatives):
    """Each representative page loaded once: axe-core, requests to other hosts, console errors."""
    with tools_needed(), browser_tools.new_tab(chromium_browser, base_url) as tab:
        return {page.path: browser_tools.audit(tab, page) for page in representatives}


@pytest.fixture(scope="session")
def keyboard_failures(chromium_browser, base_url, representatives):
    with browser_tools.new_tab(chromium_browser, base_url) as tab:
        return [failure for page in representatives for failure in interaction.check_keyboard(tab, page)]
