"""The photo viewer in a real browser, with the keyboard alone."""

import pytest

from tests.quality.server import serve

pytestmark = pytest.mark.browser


def test_lightbox_opens_steps_closes_and_restores_focus_with_the_keyboard(fixture_site, chromium_browser):
    with serve(fixture_site.output) as base:
        page = chromium_browser.new_page(viewport={"width": 1280, "height": 800})
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(base + "/en/galleries/forum-a/")
        first = page.locator(".js-gallery-link").first
        first.focus()
        page.keyboard.press("Enter")
        dialog = page.locator("dialog.sl-lightbox")
        assert dialog.evaluate("d => d.open")
        assert page.evaluate("document.activeElement.closest('dialog') !== null")  # focus moved inside
        caption = page.locator(".sl-lightbox__caption")
        assert caption.get_attribute("aria-live") == "polite"
        assert "The opening talk" in caption.inner_text() and "Photo 1 of 2" in caption.inner_text()
        page.keyboard.press("ArrowRight")
        assert "The forum's badge" in caption.inner_text()
        page.keyboard.press("ArrowRight")  # wraps round
        assert "The opening talk" in caption.inner_text()
        for _ in range(6):  # Tab cycles inside the open dialog
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.closest('dialog') !== null")
        page.keyboard.press("Escape")
        assert not dialog.evaluate("d => d.open")
        assert page.evaluate("document.activeElement === document.querySelector('.js-gallery-link')")
        assert errors == []
        page.close()


def test_without_javascript_thumbnails_are_links_to_the_large_photo(fixture_site, chromium_browser):
    with serve(fixture_site.output) as base:
        context = chromium_browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "/en/galleries/forum-a/")
        href = page.locator(".js-gallery-link").first.get_attribute("href")
        response = page.request.get(base + href)
        assert response.ok and response.headers["content-type"] == "image/jpeg"
        context.close()
