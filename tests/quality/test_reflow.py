"""Reflow (WCAG 1.4.10) and text size (1.4.4): no sideways scrolling at 320 px or with text at 200 %;
the text-size control makes text bigger and is remembered."""

import pytest

from . import interaction
from .browser import new_tab
from .failures import assert_none

pytestmark = pytest.mark.browser


def test_no_sideways_scrolling_at_320px(chromium_browser, base_url, representatives):
    with new_tab(chromium_browser, base_url, viewport={"width": 320, "height": 800}) as tab:
        failures = [f for page in representatives for f in interaction.check_reflow_narrow(tab, page)]
    assert_none(failures, "reflow")


def test_no_sideways_scrolling_at_1280px_with_text_at_200_percent(chromium_browser, base_url, representatives):
    with new_tab(chromium_browser, base_url, viewport={"width": 1280, "height": 800}) as tab:
        failures = [f for page in representatives for f in interaction.check_reflow_zoomed(tab, page)]
    assert_none(failures, "reflow")


def test_text_size_buttons_make_text_bigger_and_are_remembered(chromium_browser, base_url, representatives):
    with new_tab(chromium_browser, base_url) as tab:
        failures = [f for page in representatives for f in interaction.check_text_sizes(tab, page)]
    assert_none(failures, "text-size")
