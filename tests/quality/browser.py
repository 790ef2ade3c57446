"""Headless Chromium through Playwright: one browser, tabs that log what a page asks of the network and
the console, and the axe-core run."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from .failures import Failure
from .site import SitePage
from .tools import CHROMIUM_FLAGS, MissingTool, axe_source, chromium

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_NODES_SHOWN = 5
NAVIGATION_TIMEOUT_MS = 15_000


@contextlib.contextmanager
def launch() -> Iterator[Browser]:
    """Debian's Chromium, headless, with nothing that calls home."""
    executable = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """One page in its own browser context, which records, per load, the requests that went anywhere
    but the local server (and stops them), console errors and uncaught script errors."""

    page: Page
    base_url: str
    # A site built with an absolute SITEURL is opened at that origin, so that its CSP 'self' holds;
    # the tab then answers that origin's requests from the local server.
    public_origin: str = ""
    external: list[str] = field(default_factory=list)
    console: list[tuple[str, str, int]] = field(default_factory=list)  # (message, source path, line)

    @property
    def origins(self) -> set[str]:
        return {_origin(self.base_url), _origin(self.public_origin)} - {""}

    def url(self, path: str) -> str:
        return (self.public_origin or self.base_url) + path

    def path(self, url: str | None = None) -> str:
        """The site path of a URL on the local server (the current page's by default); other URLs whole."""
        url = self.page.url if url is None else url
        parts = urlsplit(url)
        if _origin(url) not in self.origins:
            return url
        return parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")

    def is_local(self, url: str) -> bool:
        return urlsplit(url).scheme in ("data", "blob", "about") or _origin(url) in self.origins

    # -- loading ---------------------------------------------------------------------------
    def open(self, path: str) -> None:
        """Load a page (fresh logs); a status other than 200 is logged as a console error."""
        self.external.clear()
        self.console.clear()
        response = self.page.goto(self.url(path), wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
        if response is None or response.status != 200:
            self.console.append((f"HTTP status {response.status if response else 'none'} for the page itself", path, 0))

    def _route(self, route: Route) -> None:
        url = route.request.url
        if self.public_origin and _origin(url) == _origin(self.public_origin):
            parts = urlsplit(url)
            local = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
            route.fulfill(response=route.fetch(url=local, max_redirects=0))
        elif self.is_local(url):
            route.continue_()
        else:
            self.external.append(f"{route.request.method} {url} ({route.request.resource_type})")
            route.abort("blockedbyclient")

    def _on_console(self, message: ConsoleMessage) -> None:
        text = " ".join(message.text.split())
        location = message.location or {}
        source = location.get("url") or ""
        if source and not self.is_local(source):
            return  # an external request, already logged as such
        if message.type == "error" or "Content Security Policy" in text or "Content-Security-Policy" in text:
            # Chromium's CSP messages go on to explain hashes and nonces: the first sentence says what happened.
            text = text.split(" Either the ")[0]
            line = location.get("lineNumber") + 1 if location.get("lineNumber") else 0
            self.console.append((f"console {message.type}: {text[:300]}", self.path(source) if source else "", line))

    def _on_page_error(self, error) -> None:
        self.console.append((f"uncaught script error: {' '.join(str(error).split())[:300]}", "", 0))

    # -- axe-core ----------------------------------------------------------------------------
    def run_axe(self) -> list[dict]:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol, so the page's CSP does not block it.
            self.page.evaluate(_AXE_SOURCE.get())
        return self.page.evaluate(
            """async (tags) => {
                const result = await window.axe.run(document, {
                    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''}))}));
            }""",
            AXE_TAGS,
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class _Lazy:
    def __init__(self, load):
        self._load, self._value = load, None

    def get(self):
        if self._value is None:
            self._value = self._load()
        return self._value


_AXE_SOURCE = _Lazy(axe_source)


@contextlib.contextmanager
def new_tab(browser: Browser, base_url: str, public_origin: str = "", **context_options) -> Iterator[Tab]:
    """A tab in a fresh context (own storage), e.g. new_tab(browser, url, viewport={"width": 320, "height": 800})."""
    options = {"viewport": {"width": 1280, "height": 800}, "reduced_motion": "reduce", **context_options}
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        tab = Tab(page, base_url, _origin(public_origin))
        context.route("**/*", tab._route)
        page.on("console", tab._on_console)
        page.on("pageerror", tab._on_page_error)
        yield tab
    finally:
        context.close()


# -- the per-page audit shared by pytest and check_site -------------------------------------
@dataclass
class Audit:
    axe: list[Failure] = field(default_factory=list)
    external: list[Failure] = field(default_factory=list)
    console: list[Failure] = field(default_factory=list)


def axe_failures(path: str, violations: list[dict]) -> list[Failure]:
    failures = []
    for violation in violations:
        nodes = violation["nodes"]
        shown = " | ".join(f"{node['target']}: {' '.join(node['summary'].split())}" for node in nodes[:AXE_NODES_SHOWN])
        more = f" | and {len(nodes) - AXE_NODES_SHOWN} more element(s)" if len(nodes) > AXE_NODES_SHOWN else ""
        failures.append(Failure(path, f"axe/{violation['id']}",
                                f"({violation['impact']}) {violation['help']} — {len(nodes)} element(s): "
                                f"{shown}{more} — {violation['helpUrl']}"))
    return failures


def audit(tab: Tab, page: SitePage) -> Audit:
    """Load the page once: axe-core violations, requests to other hosts, console errors."""
    result = Audit()
    try:
        tab.open(page.path)
    except Exception as error:  # noqa: BLE001 - reported as a failure of the page, not a crash of the run
        result.console.append(Failure(page.path, "load-failed", " ".join(str(error).split())[:300]))
        return result
    try:
        result.axe = axe_failures(page.path, tab.run_axe())
    except MissingTool:
        raise
    except Exception as error:  # noqa: BLE001
        result.axe.append(Failure(page.path, "axe/run-failed", " ".join(str(error).split())[:300]))
    counts = Counter(tab.external)
    result.external = [Failure(page.path, "external-request", line + (f" ({counts[line]} times)" if counts[line] > 1 else ""))
                       for line in counts]
    result.console = [Failure(page.path, "console", line) for line in _grouped(tab.console)]
    return result


def _grouped(messages: list[tuple[str, str, int]]) -> list[str]:
    """Each distinct message once, with where and how often it came."""
    places: dict[tuple[str, str], list[int]] = {}
    for text, source, line in messages:
        places.setdefault((text, source), []).append(line)
    grouped = []
    for (text, source), lines in places.items():
        numbers = sorted({line for line in lines if line})
        where = f" [in {source}" + (f" line(s) {', '.join(map(str, numbers))}" if numbers else "") + "]" if source else ""
        grouped.append(text + where + (f" ({len(lines)} times)" if len(lines) > 1 else ""))
    return grouped
