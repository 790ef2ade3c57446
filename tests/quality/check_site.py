"""Check EVERY page of a site already built: axe-core, the Nu HTML Checker, links, requests to other
hosts, console errors and CSP violations, inline script and style.

    .venv/bin/python -m tests.quality.check_site [OUTPUT_DIR] [--site-url URL]

Prints a summary table, then one line per failure (page: rule: detail); exits 1 if anything failed,
2 if the checks could not run (no such folder, a tool missing).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import browser, links, markup, tools, vnu
from .failures import Failure, unique
from .server import serve
from .site import Site


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(site: Site) -> dict[str, list[Failure]]:
    """Every check over every page; failures by check, in the order of the summary table."""
    found: dict[str, list[Failure]] = {}
    started = time.monotonic()
    count = len(site.pages)

    _progress(f"Checking {count} pages in {site.root}: links, markup…")
    found["broken links"] = links.check_site(site)
    found["inline script/style, CSP meta"] = markup.check_site(site)

    _progress("Nu HTML Checker (one Java run)…")
    found["HTML errors"] = vnu.check(site)

    _progress("Chromium: axe-core, requests and console on each page…")
    axe, external, console = [], [], []
    with serve(site.root) as base_url, browser.launch() as chromium, browser.new_tab(chromium, base_url, site.site_url) as tab:
        for number, page in enumerate(site.browsable, 1):
            audit = browser.audit(tab, page)
            axe += audit.axe
            external += audit.external
            console += audit.console
            if number % 25 == 0:
                _progress(f"  {number}/{count} pages")
    found["axe violations"] = axe
    found["external requests"] = external
    found["console errors"] = console
    _progress(f"Done in {time.monotonic() - started:.0f} s.")
    return found


TABLE_ORDER = ["axe violations", "HTML errors", "broken links", "external requests", "console errors",
               "inline script/style, CSP meta"]


def report(site: Site, found: dict[str, list[Failure]]) -> str:
    rows = [("pages checked", len(site.pages))] + [(name, len(unique(found[name]))) for name in TABLE_ORDER]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'check'.ljust(width)}  count", f"{'-' * width}  -----"]
    lines += [f"{name.ljust(width)}  {value:>5}" for name, value in rows]
    failures = [failure for name in TABLE_ORDER for failure in unique(found[name])]
    if failures:
        lines += ["", f"{len(failures)} failure(s) (page: rule: detail):"]
        lines += [str(failure) for failure in failures]
    else:
        lines += ["", "No failures."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.quality.check_site", description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default="output", help="the built site (default: output)")
    parser.add_argument("--site-url", default=os.environ.get("SITEURL", ""),
                        help="the SITEURL the site was built with, if absolute: links to it count as internal "
                             "(default: $SITEURL)")
    options = parser.parse_args(argv)
    folder = Path(options.output)
    if not folder.is_dir():
        print(f"check_site: {folder} is not a folder. Build the site first (make html).", file=sys.stderr)
        return 2
    site = Site(folder, site_url=options.site_url)
    if not site.pages:
        print(f"check_site: no .html files in {folder}.", file=sys.stderr)
        return 2
    try:
        tools.axe_source(), tools.vnu_command(), tools.chromium()  # all there before the slow part starts
        found = run(site)
    except tools.MissingTool as error:
        print(f"check_site: {error}", file=sys.stderr)
        return 2
    print(report(site, found))
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
