"""Checks of a page's HTML source: no inline script or style, the CSP meta, the site's header parts."""

from __future__ import annotations

import json

from .failures import Failure
from .site import Site, SitePage, tag_label

DATA_SCRIPT_TYPES = {"application/ld+json"}  # data blocks: never run, so allowed inline
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"}
# Elements that load something: the CSP meta must come before all of them to govern them.
LOADERS = ["script", "link", "style", "img", "iframe", "object", "embed", "video", "audio", "source"]
TEXT_SIZES = ["normal", "large", "largest"]


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])  # the first of a repeated directive wins
    return directives


def check_inline(site: Site, page: SitePage) -> list[Failure]:
    """No inline script (JSON-LD data blocks aside), event handler, javascript: URL, style attribute or element."""
    soup = site.soup(page.file)
    failures: list[Failure] = []

    def fail(rule: str, detail: str) -> None:
        failures.append(Failure(page.path, rule, detail))

    for script in soup.find_all("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind in DATA_SCRIPT_TYPES:
            if script.get("src"):
                fail("data-block-src", f"{tag_label(script, text=False)}: a data block has no src")
            try:
                json.loads(script.string or "")
            except ValueError as error:
                fail("invalid-json-ld", f"{tag_label(script, text=False)}: {error}")
        elif not script.get("src"):
            code = " ".join((script.string or "").split())
            fail("inline-script", f'<script> with code "{code[:60]}": move it to a file under theme/static/js/')
    styled: dict[str, list] = {}
    for tag in soup.find_all(style=True):
        styled.setdefault(tag["style"].strip(), []).append(tag)
    for style, tags in styled.items():
        examples = ", ".join(tag_label(tag) for tag in tags[:3]) + (f" and {len(tags) - 3} more" if len(tags) > 3 else "")
        fail("style-attribute", f'style="{style[:60]}" on {len(tags)} element(s) ({examples}): '
             "CSP blocks it; use a class in the stylesheet")
    for style in soup.find_all("style"):
        fail("style-element", "<style> element: move its rules to theme/static/css/")
    for tag in soup.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        if handlers:
            fail("inline-event-handler", f"{tag_label(tag)} has {', '.join(handlers)}: attach listeners in a script file")
        for name in ("href", "src", "action", "formaction"):
            if str(tag.get(name, "")).strip().lower().startswith("javascript:"):
                fail("javascript-url", f"{tag_label(tag)} has a javascript: URL in {name}")

    return failures


def check_csp(site: Site, page: SitePage) -> list[Failure]:
    """The CSP meta: in <head> before anything that loads, default-src 'self', nothing unsafe."""
    soup = site.soup(page.file)
    failures: list[Failure] = []

    def fail(rule: str, detail: str) -> None:
        failures.append(Failure(page.path, rule, detail))

    metas = [meta for meta in soup.find_all("meta")
             if (meta.get("http-equiv") or "").lower() == "content-security-policy"]
    if not metas:
        fail("csp-missing", "no <meta http-equiv=\"Content-Security-Policy\"> in <head>")
    for meta in metas:
        policy = meta.get("content", "")
        directives = csp_directives(policy)
        if meta.find_parent("head") is None:
            fail("csp-outside-head", "the CSP <meta> is outside <head>, where browsers ignore it")
        if directives.get("default-src") != ["'self'"]:
            fail("csp-default-src", f"policy \"{policy}\" does not have default-src 'self'")
        unsafe = sorted({f"{name} {word}" for name, words in directives.items() for word in words
                         if word.lower() in UNSAFE_SOURCES})
        if unsafe:
            fail("csp-unsafe", f"policy allows {', '.join(unsafe)}")
        earlier = [tag for tag in meta.find_all_previous(LOADERS)]
        if earlier:
            fail("csp-after-resources", f"the CSP <meta> comes after {tag_label(earlier[-1], text=False)}, "
                 "which it therefore does not govern: put the meta first in <head>")
    return failures


def check_chrome(site: Site, page: SitePage) -> list[Failure]:
    """The parts every page's header carries: skip link, language switcher, text size, navigation."""
    if not page.chrome:
        return []
    soup = site.soup(page.file)
    failures: list[Failure] = []

    def fail(rule: str, detail: str) -> None:
        failures.append(Failure(page.path, rule, detail))

    skip = soup.select_one(".sl-skip-link")
    if skip is None:
        fail("skip-link-missing", "no .sl-skip-link")
    elif skip.get("href") != "#main":
        fail("skip-link-target", f'{tag_label(skip)} should link to "#main"')
    main = soup.find(id="main")
    if main is None:
        fail("main-missing", 'no element with id="main" for the skip link to reach')
    elif main.name != "main":
        fail("main-missing", f'id="main" is on {tag_label(main, text=False)}, not on <main>')
    if not soup.select("nav.sl-switcher a[href]"):
        fail("switcher-missing", "no link in nav.sl-switcher")
    group = soup.select_one(".js-text-size")
    sizes = [button.get("data-text-size") for button in group.select("button[data-text-size]")] if group else []
    if group is None:
        fail("text-size-missing", "no .js-text-size control")
    elif sizes != TEXT_SIZES:
        fail("text-size-buttons", f"text-size buttons are {sizes}, expected {TEXT_SIZES}")
    if not soup.select("nav.sl-nav a[href]"):
        fail("nav-missing", "no link in nav.sl-nav")
    return failures


def check_site(site: Site, pages: list[SitePage] | None = None) -> list[Failure]:
    failures: list[Failure] = []
    for page in site.pages if pages is None else pages:
        failures += check_inline(site, page) + check_csp(site, page) + check_chrome(site, page)
    return failures
