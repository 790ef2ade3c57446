"""The header on a phone: short enough to leave room for the page, nothing cut or scrolling sideways at
the largest text size, the Menu button opening what it hides, rows of menu links lined up."""

import pytest

from . import interaction
from .browser import new_tab
from .failures import Failure, assert_none

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
NARROW = {"width": 320, "height": 800}
MAX_HEADER_PX = 200  # at 375 x 800, before any content

_HEADER_JS = "() => Math.round(document.querySelector('.sl-header').getBoundingClientRect().height)"

# Controls of the header that must be whole on screen: not cut by the edge nor by their own box.
_CUT_JS = """() => {
    const width = document.documentElement.clientWidth, cut = [];
    for (const el of document.querySelectorAll('.sl-header a, .sl-header button, .sl-header input')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;  // not shown
        const words = (el.innerText || el.getAttribute('aria-label') || el.tagName).trim().replace(/\\s+/g, ' ').slice(0, 30);
        if (r.left < 0 || r.right > width + 0.5) cut.push(`"${words}" spans ${Math.round(r.left)}-${Math.round(r.right)}px`);
        else if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'INPUT') cut.push(`"${words}" is cut inside its box`);
    }
    return cut;
}"""

# The left edge of the text of the first link on each row of the navigation.
_ROW_STARTS_JS = """() => {
    const rows = new Map();
    for (const a of document.querySelectorAll('.sl-nav__link')) {
        const r = a.getBoundingClientRect();
        if (r.width === 0) continue;
        const left = r.left + parseFloat(getComputedStyle(a).paddingLeft);
        const top = Math.round(r.top);
        if (!rows.has(top) || rows.get(top) > left) rows.set(top, left);
    }
    return [...rows.values()].map(Math.round);
}"""


def _chrome_pages(representatives):
    return [page for page in representatives if page.chrome]


def test_the_header_takes_at_most_200px_of_a_375px_phone(chromium_browser, base_url, representatives):
    failures = []
    with new_tab(chromium_browser, base_url, viewport=PHONE) as tab:
        for page in _chrome_pages(representatives):
            tab.open(page.path)
            height = tab.page.evaluate(_HEADER_JS)
            if height > MAX_HEADER_PX:
                failures.append(Failure(page.path, "phone-header", f"at 375 x 800 the header is {height}px high (at most {MAX_HEADER_PX})"))
    assert_none(failures, "phone-header")


@pytest.mark.parametrize("size", ["large", "largest"])  # "normal" at 320 px: test_reflow.py
def test_no_sideways_scrolling_or_cut_control_at_320px_with_larger_text(chromium_browser, base_url, representatives, size):
    """With the menu closed and open: the page does not scroll sideways; the Search button is whole."""
    failures = []
    with new_tab(chromium_browser, base_url, viewport=NARROW) as tab:
        tab.page.context.add_init_script(f"try {{ localStorage.setItem('sl-text-size', '{size}'); }} catch (e) {{}}")
        for page in _chrome_pages(representatives):
            tab.open(page.path)
            if tab.page.evaluate("() => document.documentElement.getAttribute('data-text-size')") != size:
                failures.append(Failure(page.path, "text-size", f"the text size {size!r} was not applied"))
            for state in ("menu closed", "menu open"):
                if state == "menu open":
                    if not tab.page.is_visible(".js-menu-button"):
                        failures.append(Failure(page.path, "phone-menu", "no Menu button shows at 320 px"))
                        break
                    tab.page.click(".js-menu-button")
                failures += interaction._overflow(tab, page, f"reflow-320px-{size}", f"at 320 px, {size} text, {state}")
                failures += [Failure(page.path, "cut-control", f"{state}: {cut}") for cut in tab.page.evaluate(_CUT_JS)]
    assert_none(failures, "phone")


def test_the_menu_button_shows_search_text_size_and_navigation(chromium_browser, base_url, representatives):
    failures = []
    page = next(p for p in representatives if p.chrome and p.lang == "en")
    with new_tab(chromium_browser, base_url, viewport=PHONE) as tab:
        tab.open(page.path)
        shown = "() => ['.sl-site-search__button', '.js-text-size', '.sl-nav'].map((s) => !!document.querySelector(s)?.offsetParent)"
        if tab.page.evaluate(shown) != [False, False, False]:
            failures.append(Failure(page.path, "phone-menu", "search, text size and navigation show before the menu is opened"))
        if not tab.page.is_visible(".js-menu-button"):
            assert_none([Failure(page.path, "phone-menu", "no Menu button shows at 375 px")], "phone-menu")
        tab.page.click(".js-menu-button")
        if tab.page.evaluate(shown) != [True, True, True]:
            failures.append(Failure(page.path, "phone-menu", f"after Menu, shown (search, text size, navigation): {tab.page.evaluate(shown)}"))
        if tab.page.get_attribute(".js-menu-button", "aria-expanded") != "true":
            failures.append(Failure(page.path, "phone-menu", "the Menu button does not say it is expanded"))
        starts = tab.page.evaluate(_ROW_STARTS_JS)
        if len(set(starts)) != 1:
            failures.append(Failure(page.path, "menu-rows", f"the rows of the open menu start at {starts} px"))
    assert_none(failures, "phone-menu")


def test_without_javascript_a_phone_gets_the_navigation_and_a_link_to_search(chromium_browser, base_url, representatives):
    failures = []
    with new_tab(chromium_browser, base_url, viewport=PHONE, java_script_enabled=False) as tab:
        for page in _chrome_pages(representatives):
            if page.type.name == "search":
                continue
            tab.open(page.path)
            link = tab.page.locator(".sl-header__search-link")
            if link.count() != 1 or not link.is_visible() or link.get_attribute("href") != f"/{page.lang}/search/":
                failures.append(Failure(page.path, "phone-no-js", "no visible link to the search page in the header"))
            starts = tab.page.evaluate(_ROW_STARTS_JS)
            if len(set(starts)) != 1:
                failures.append(Failure(page.path, "menu-rows", f"the rows of the navigation start at {starts} px"))
            height = tab.page.evaluate(_HEADER_JS)
            if height > MAX_HEADER_PX:
                failures.append(Failure(page.path, "phone-header", f"without JavaScript the header is {height}px high"))
    assert_none(failures, "phone-no-js")
