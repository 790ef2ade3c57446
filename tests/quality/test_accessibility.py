"""axe-core (WCAG 2.0/2.1 A and AA) and the keyboard alone, on one page of every type in every language."""

import pytest

from . import markup
from .failures import assert_none

KEYBOARD_RULES = {
    "skip": {"skip-link-not-first", "skip-link-focus"},
    "focus": {"focus-not-visible", "focus-off-screen"},
}


def test_site_header_parts_are_on_every_page(built_site):
    """Skip link to #main, language switcher, text-size control with three sizes, main navigation."""
    assert_none([f for page in built_site.pages for f in markup.check_chrome(built_site, page)], "page-structure")


@pytest.mark.browser
def test_axe_finds_no_violations(audits):
    assert_none([f for audit in audits.values() for f in audit.axe], "axe-core")


@pytest.mark.browser
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(keyboard_failures):
    assert_none([f for f in keyboard_failures if f.rule in KEYBOARD_RULES["skip"]], "skip-link")


@pytest.mark.browser
def test_focus_is_visible_at_every_tab_stop(keyboard_failures):
    assert_none([f for f in keyboard_failures if f.rule in KEYBOARD_RULES["focus"]], "visible-focus")


@pytest.mark.browser
def test_switcher_text_size_and_navigation_work_by_keyboard(keyboard_failures):
    known = set().union(*KEYBOARD_RULES.values())
    assert_none([f for f in keyboard_failures if f.rule not in known], "keyboard")
