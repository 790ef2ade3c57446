"""The checks themselves: on a tiny site with known faults, each gate must report its fault.
(A gate that never fails proves nothing.)"""

import pytest

from . import browser, interaction, links, markup, vnu
from .conftest import tools_needed
from .server import serve
from .site import Site

CSP = """<meta http-equiv="Content-Security-Policy" content="default-src 'self'">"""

# /en/ : no CSP meta, inline script and style, a wide box, an image without alt, an external script,
#        broken links, invalid nesting, no skip link, links whose focus does not show.
BAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bad</title>
<style>a:focus, a:focus-visible { outline: none; }</style>
<script>window.inline = 1;</script>
<script src="http://example.invalid/tracker.js"></script>
</head><body>
<main id="main"><h1>Bad</h1>
<ul><div>not a list item</div></ul>
<div style="width: 2000px">wide</div>
<img src="/en/pic.png">
<a href="/en/missing/">missing</a> <a href="#nowhere">no such anchor</a> <a href="/en/good/#main">fine</a>
</main></body></html>"""

# /en/good/ : a CSP meta, which blocks (and logs) an inline script; otherwise clean.
GOOD = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{CSP}<title>Good</title>
<script>window.blocked = 1;</script>
</head><body><main id="main"><h1>Good</h1><p><a href="/en/">back</a></p></main></body></html>"""


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("bad-site")
    for path, html in {"en/index.html": BAD, "en/good/index.html": GOOD}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(html, encoding="utf-8")
    (root / "en" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return Site(root)


def rules(failures, path=None):
    return {failure.rule for failure in failures if path is None or failure.url == path}


def test_static_checks_catch_broken_links_inline_code_and_missing_csp(bad_site):
    assert {"broken-link", "broken-fragment"} <= rules(links.check_site(bad_site), "/en/")
    found = rules(markup.check_site(bad_site), "/en/")
    assert {"inline-script", "style-attribute", "style-element", "csp-missing", "skip-link-missing"} <= found
    assert "csp-missing" not in rules(markup.check_site(bad_site), "/en/good/")


@pytest.mark.vnu
def test_nu_html_checker_reports_invalid_nesting(bad_site):
    with tools_needed():
        failures = vnu.check(bad_site)
    assert any(f.url == "/en/" and f.rule == "html" and "“div” not allowed" in f.detail for f in failures), failures


@pytest.mark.browser
def test_browser_checks_catch_axe_external_console_focus_and_reflow(chromium_browser, bad_site):
    bad, good = bad_site.page("/en/"), bad_site.page("/en/good/")
    with serve(bad_site.root) as base_url:
        with browser.new_tab(chromium_browser, base_url) as tab:
            audit = browser.audit(tab, bad)
            assert "axe/image-alt" in rules(audit.axe)
            assert any("example.invalid/tracker.js" in f.detail for f in audit.external), audit.external
            blocked = browser.audit(tab, good)
            assert any("Content Security Policy" in f.detail for f in blocked.console), blocked.console
            keyboard = rules(interaction.check_keyboard(tab, bad))
            assert {"focus-not-visible", "skip-link-not-first"} <= keyboard, keyboard
            assert "text-size-hidden" in rules(interaction.check_text_sizes(tab, bad))
            assert "reflow-200pc-text" in rules(interaction.check_reflow_zoomed(tab, bad))
        with browser.new_tab(chromium_browser, base_url, viewport={"width": 320, "height": 800}) as tab:
            narrow = interaction.check_reflow_narrow(tab, bad)
            assert rules(narrow) == {"reflow-320px"} and "<div" in narrow[0].detail, narrow
