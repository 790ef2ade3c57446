"""Screenshots of the page types marked screenshot=True, at 320 px and 1280 px, in every language."""

import pytest

from . import interaction
from .browser import new_tab
from .conftest import note

WIDTHS = [320, 1280]


@pytest.mark.browser
def test_screenshots(request, chromium_browser, base_url, representatives, artifacts):
    pages = [page for page in representatives if page.type.screenshot]
    assert pages, "no page type is marked screenshot=True in tests/quality/site.py"
    folder = artifacts / "screenshots"
    for old in folder.glob("*.png"):
        old.unlink()  # no stale pictures of page types that are gone
    taken = []
    for width in WIDTHS:
        with new_tab(chromium_browser, base_url, viewport={"width": width, "height": 900}) as tab:
            taken += [interaction.screenshot(tab, page, folder) for page in pages]
    note(request.config, f"{len(taken)} screenshots: {folder}/")
    empty = [str(path) for path in taken if not path.is_file() or path.stat().st_size == 0]
    assert not empty, f"screenshots not written: {empty}"
