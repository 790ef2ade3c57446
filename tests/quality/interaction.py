"""What a person does with a page: the keyboard alone, a narrow screen, large text, the text-size
control; and screenshots of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from .browser import Tab
from .failures import Failure
from .site import SitePage

TEXT_SIZES = ["normal", "large", "largest"]
MAX_TAB_STOPS = 400
LISTED = 5  # examples named in one failure line

# The header controls the keyboard checks look for, by role.
CONTROLS = {
    "skip": ".sl-skip-link",
    "switcher": "nav.sl-switcher a[href]",
    "text-size": ".js-text-size button[data-text-size]",
    "nav": "nav.sl-nav a[href]",
}

# Installed after each load: the unfocused look of every focusable element, to compare with its
# look once Tab has focused it, and the helpers the per-stop script uses.
_PREPARE_JS = """(controls) => {
    const look = (el) => {
        const s = getComputedStyle(el);
        const clear = /^(transparent|rgba\\(.*,\\s*0\\))$/;
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !clear.test(s.outlineColor)
            ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none';
        return {outline, 'box-shadow': s.boxShadow, background: `${s.backgroundColor} ${s.backgroundImage}`};
    };
    const label = (el) => {
        let text = `<${el.tagName.toLowerCase()}`;
        for (const name of ['id', 'class', 'href', 'data-text-size']) {
            const value = el.getAttribute(name);
            if (value) text += ` ${name}="${value.slice(0, 60)}"`;
        }
        const words = (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
        return text + '>' + (words ? ` "${words.slice(0, 40)}"` : '');
    };
    const roleOf = (el) => Object.keys(controls).find((role) => el.matches(controls[role])) || '';
    const unfocused = new Map();
    for (const el of document.querySelectorAll('*')) {
        if (el.tabIndex >= 0) unfocused.set(el, look(el));
    }
    window.__slQuality = {look, label, roleOf, unfocused, seen: []};
    const counts = {};
    for (const role of Object.keys(controls)) counts[role] = document.querySelectorAll(controls[role]).length;
    return counts;
}"""

# Describes the focused element: where it is in the Tab order, what it is, whether focus shows.
_STOP_JS = """() => {
    const q = window.__slQuality, el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    let index = q.seen.indexOf(el);
    const repeat = index >= 0;
    if (!repeat) { q.seen.push(el); index = q.seen.length - 1; }
    const before = q.unfocused.get(el), now = q.look(el);
    const changed = before ? Object.keys(now).filter((key) => now[key] !== before[key]) : [];
    const r = el.getBoundingClientRect();
    const onScreen = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
        && r.left < window.innerWidth && r.top < window.innerHeight;
    return {index, repeat, role: q.roleOf(el), label: q.label(el), href: el.getAttribute('href'),
            size: el.getAttribute('data-text-size'), pressed: el.getAttribute('aria-pressed'),
            changed, onScreen};
}"""


@dataclass
class Stop:
    index: int
    role: str
    label: str
    href: str | None
    size: str | None
    changed: list[str]
    on_screen: bool


def _prepare(tab: Tab) -> dict[str, int]:
    return tab.page.evaluate(_PREPARE_JS, CONTROLS)


def _stop(tab: Tab) -> dict | None:
    return tab.page.evaluate(_STOP_JS)


def tab_walk(tab: Tab, page: SitePage) -> tuple[list[Stop], dict[str, int]]:
    """Load the page and press Tab until focus leaves the page or comes round again."""
    tab.open(page.path)
    counts = _prepare(tab)
    stops: list[Stop] = []
    for _ in range(MAX_TAB_STOPS):
        tab.page.keyboard.press("Tab")
        found = _stop(tab)
        if found is None or found["repeat"]:
            break
        stops.append(Stop(found["index"], found["role"], found["label"], found["href"], found["size"],
                          found["changed"], found["onScreen"]))
    return stops, counts


def _listed(items: list[str]) -> str:
    return "; ".join(items[:LISTED]) + (f"; and {len(items) - LISTED} more" if len(items) > LISTED else "")


def _tab_to(tab: Tab, page: SitePage, stop: Stop) -> Failure | None:
    """From a fresh load, press Tab until ``stop`` has focus (its place in the walk says how often)."""
    tab.open(page.path)
    _prepare(tab)
    for _ in range(stop.index + 1):
        tab.page.keyboard.press("Tab")
    found = _stop(tab)
    if not found or found["label"] != stop.label:
        return Failure(page.path, "keyboard-order", f"pressing Tab {stop.index + 1} times focused "
                       f"{found['label'] if found else 'nothing'}, not {stop.label} as before: the Tab order changes")
    return None


def _press_and_follow(tab: Tab, page: SitePage, stop: Stop, what: str) -> list[Failure]:
    """Enter on a focused link must load the page it points to."""
    expected = urljoin(page.path, stop.href or "")
    try:
        with tab.page.expect_navigation(timeout=5000):
            tab.page.keyboard.press("Enter")
    except Exception:  # noqa: BLE001 - Playwright's timeout
        return [Failure(page.path, "keyboard-activation", f"Enter on the {what} {stop.label} loaded no page")]
    if tab.path() != expected:
        return [Failure(page.path, "keyboard-activation",
                        f"Enter on the {what} {stop.label} went to {tab.path()}, expected {expected}")]
    return []


def check_keyboard(tab: Tab, page: SitePage) -> list[Failure]:
    """Skip link first and working; switcher, text size and navigation reachable and working by keyboard;
    focus visible on every Tab stop."""
    stops, counts = tab_walk(tab, page)
    failures: list[Failure] = []

    def fail(rule: str, detail: str) -> None:
        failures.append(Failure(page.path, rule, detail))

    # Focus must show, and on screen, at every stop.
    hidden_focus = [stop.label for stop in stops if not stop.changed]
    if hidden_focus:
        fail("focus-not-visible", f"{len(hidden_focus)} Tab stop(s) look the same focused as unfocused "
             f"(outline, box-shadow and background unchanged): {_listed(hidden_focus)}")
    off_screen = [stop.label for stop in stops if not stop.on_screen]
    if off_screen:
        fail("focus-off-screen", f"{len(off_screen)} focused element(s) not on screen: {_listed(off_screen)}")
    if not page.chrome:
        return failures
    if not stops:
        fail("keyboard-unreachable", "Tab focuses nothing on the page")
        return failures

    # Every header control is reached by Tab.
    by_role: dict[str, list[Stop]] = {}
    for stop in stops:
        by_role.setdefault(stop.role, []).append(stop)
    for role, count in counts.items():
        reached = len(by_role.get(role, []))
        if reached < count:
            hint = " (is .js-text-size still hidden? theme/static/js/site.js shows it)" if role == "text-size" else ""
            fail("keyboard-unreachable", f"Tab reaches {reached} of the {count} {CONTROLS[role]} element(s){hint}")

    # The skip link: the first stop, and Enter moves focus into <main id="main">.
    if stops[0].role != "skip":
        fail("skip-link-not-first", f"the first Tab stop is {stops[0].label}, not the skip link")
    skip = by_role.get("skip", [None])[0]
    if skip is not None:
        problem = _tab_to(tab, page, skip)
        if problem:
            failures.append(problem)
        else:
            tab.page.keyboard.press("Enter")
            state = tab.page.evaluate("""() => {
                const main = document.getElementById('main'), el = document.activeElement;
                return {hash: location.hash, inMain: !!main && (el === main || main.contains(el))};
            }""")
            if not state["inMain"]:
                fail("skip-link-focus", f"Enter on the skip link left focus outside #main (location hash {state['hash']!r})")
            else:
                tab.page.keyboard.press("Tab")
                after = tab.page.evaluate("""() => {
                    const main = document.getElementById('main'), el = document.activeElement;
                    return !el || el === document.body || main.contains(el)
                        || !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
                }""")
                if not after:
                    fail("skip-link-focus", "after the skip link, the next Tab goes back before #main")

    # The language switcher: Enter follows the first link.
    if by_role.get("switcher"):
        stop = by_role["switcher"][0]
        problem = _tab_to(tab, page, stop)
        failures += [problem] if problem else _press_and_follow(tab, page, stop, "language switcher link")

    # Navigation: Enter follows a link to another page.
    nav = [stop for stop in by_role.get("nav", []) if urljoin(page.path, stop.href or "") != page.path]
    if nav:
        stop = nav[0]
        problem = _tab_to(tab, page, stop)
        failures += [problem] if problem else _press_and_follow(tab, page, stop, "navigation link")

    # Text size: Enter and Space on the buttons set the size and aria-pressed.
    buttons = {stop.size: stop for stop in by_role.get("text-size", [])}
    if set(buttons) == set(TEXT_SIZES):
        failures += _text_size_by_keyboard(tab, page, buttons)
    return failures


def _text_size_by_keyboard(tab: Tab, page: SitePage, buttons: dict[str, Stop]) -> list[Failure]:
    failures = []
    problem = _tab_to(tab, page, buttons["large"])
    if problem:
        return [problem]
    position = buttons["large"].index
    for size, key in (("large", "Enter"), ("largest", " "), ("normal", "Enter")):
        step = buttons[size].index - position
        for _ in range(abs(step)):
            tab.page.keyboard.press("Tab" if step > 0 else "Shift+Tab")
        position = buttons[size].index
        tab.page.keyboard.press(key)
        state = tab.page.evaluate("""() => ({
            size: document.documentElement.getAttribute('data-text-size'),
            pressed: Array.from(document.querySelectorAll('.js-text-size button[aria-pressed="true"]'))
                .map((b) => b.getAttribute('data-text-size'))})""")
        name = "Space" if key == " " else key
        if state["size"] != size or state["pressed"] != [size]:
            failures.append(Failure(page.path, "text-size-keyboard",
                                    f"{name} on {buttons[size].label} gave data-text-size={state['size']!r} and "
                                    f"aria-pressed on {state['pressed']}, expected {size!r}"))
    tab.page.evaluate("() => { try { localStorage.clear(); } catch (e) {} }")
    return failures


# -- reflow and text size ------------------------------------------------------------------------
_OVERFLOW_JS = """() => {
    const root = document.documentElement, width = root.clientWidth;
    const result = {scrollWidth: root.scrollWidth, clientWidth: width, culprits: []};
    if (root.scrollWidth <= width) return result;
    const clippedByAncestor = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
    };
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const ownOverflow = getComputedStyle(el).overflowX === 'visible' ? el.scrollWidth - el.clientWidth : 0;
        const right = Math.max(r.right, r.left + r.width + Math.max(0, ownOverflow));
        if (right > width + 1 && !clippedByAncestor(el)) wide.push([el, Math.round(right)]);
    }
    const innermost = wide.filter(([el]) => !wide.some(([other]) => other !== el && el.contains(other)));
    result.culprits = innermost.slice(0, 5).map(([el, right]) => {
        let text = `<${el.tagName.toLowerCase()}` + (el.className && typeof el.className === 'string'
            ? ` class="${el.className}"` : '') + '>';
        const words = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
        return text + (words ? ` "${words}"` : '') + ` reaches ${right}px`;
    });
    return result;
}"""


def _overflow(tab: Tab, page: SitePage, rule: str, situation: str) -> list[Failure]:
    found = tab.page.evaluate(_OVERFLOW_JS)
    if found["scrollWidth"] <= found["clientWidth"]:
        return []
    culprits = "; ".join(found["culprits"]) or "no single element found (text overflowing its box?)"
    return [Failure(page.path, rule, f"{situation}: the page scrolls sideways (scrollWidth {found['scrollWidth']}px > "
                    f"clientWidth {found['clientWidth']}px); widest: {culprits}")]


def check_reflow_narrow(tab: Tab, page: SitePage) -> list[Failure]:
    """The tab must be 320 px wide (new_tab(..., viewport={"width": 320, ...}))."""
    tab.open(page.path)
    return _overflow(tab, page, "reflow-320px", "at 320 px wide")


def check_reflow_zoomed(tab: Tab, page: SitePage) -> list[Failure]:
    """The tab must be 1280 px wide: text at 200 % (root font size, as browser text zoom does)."""
    tab.open(page.path)
    tab.page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    return _overflow(tab, page, "reflow-200pc-text", "at 1280 px wide with text at 200 %")


_FONT_SIZE_JS = """() => {
    const sample = document.querySelector('main p') || document.querySelector('main') || document.body;
    return {px: parseFloat(getComputedStyle(sample).fontSize), size: document.documentElement.getAttribute('data-text-size'),
            sample: sample.tagName.toLowerCase()};
}"""


def check_text_sizes(tab: Tab, page: SitePage) -> list[Failure]:
    """Clicking normal, large, largest makes body text grow; the choice survives a reload."""
    if not page.chrome:
        return []
    tab.open(page.path)
    failures = []
    group = tab.page.locator(".js-text-size")
    if group.count() == 0 or not group.first.is_visible():
        return [Failure(page.path, "text-size-hidden",
                        ".js-text-size is missing or still hidden (theme/static/js/site.js shows it)")]
    measured = {}
    for size in TEXT_SIZES:
        tab.page.click(f'.js-text-size button[data-text-size="{size}"]')
        measured[size] = tab.page.evaluate(_FONT_SIZE_JS)
        if measured[size]["size"] != size:
            failures.append(Failure(page.path, "text-size-attribute",
                                    f"after clicking {size!r}, <html data-text-size> is {measured[size]['size']!r}"))
    px = [measured[size]["px"] for size in TEXT_SIZES]
    if not px[0] < px[1] < px[2]:
        sample = measured["normal"]["sample"]
        failures.append(Failure(page.path, "text-size-no-effect",
                                "<{}> font-size normal/large/largest = {}px: expected to grow".format(
                                    sample, "/".join(f"{value:g}" for value in px))))
    tab.page.reload(wait_until="load")
    after = tab.page.evaluate(_FONT_SIZE_JS)
    if after["size"] != "largest" or after["px"] != px[2]:
        failures.append(Failure(page.path, "text-size-not-remembered",
                                f"after choosing 'largest' and reloading, data-text-size is {after['size']!r} "
                                f"({after['px']:g}px, was {px[2]:g}px)"))
    tab.page.evaluate("() => { try { localStorage.clear(); } catch (e) {} }")
    return failures


def screenshot(tab: Tab, page: SitePage, folder: Path) -> Path:
    """A full-page PNG at the tab's width: <folder>/<lang>-<type>-<width>px.png."""
    width = tab.page.viewport_size["width"]
    tab.open(page.path)
    target = folder / f"{page.label}-{width}px.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(target), full_page=True)
    return target
