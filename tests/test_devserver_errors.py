"""The development server shows a failed build's errors in the page, above the last good site."""

import importlib.util
import re
import time

from bs4 import BeautifulSoup

from tests.helpers import ROOT
from tests.test_editor_workflow import DevServer, content  # noqa: F401 - the fixture

_spec = importlib.util.spec_from_file_location("devserver", ROOT / "tools" / "devserver.py")
devserver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(devserver)

PAGE = b'<!DOCTYPE html>\n<html lang="zh-Hant-HK">\n<head><title>t</title></head>\n<body class="sl-body">\n<main>x</main>\n</body>\n</html>\n'


def test_a_failed_build_puts_its_error_lines_first_in_the_page_escaped():
    errors = ['content/press/2025/x.en.md:2: error: Date: "<2025-13-01>" is not a real date and time. Fix: …']
    soup = BeautifulSoup(devserver.inject(PAGE, "7", errors).decode(), "html.parser")
    panel = soup.body.find(True)
    assert panel.name == "link" and panel["href"] == devserver.ERROR_CSS_URL
    section = soup.select_one("section.sl-build-failed[role=alert]")
    assert section["lang"] == "en"
    assert section.select_one("pre").get_text() == errors[0]  # escaped in the HTML, the same text when read
    assert soup.select_one("script[data-build='7']") is not None
    assert devserver.inject(PAGE, "7", []).count(b"sl-build-failed") == 0


def test_the_lines_shown_are_the_error_lines_else_the_last_lines_printed():
    printed = "images: encoded 0\na.md:2: error: Date: bad. Fix: x\nb.md: warning: draft\nBuild failed: 1 error(s) above\n"
    assert devserver.failure_lines(printed) == ["a.md:2: error: Date: bad. Fix: x", "Build failed: 1 error(s) above"]
    traceback = "Traceback (most recent call last):\n  File \"x.py\", line 1\njinja2.exceptions.TemplateSyntaxError: oops\n"
    assert devserver.failure_lines(traceback)[-1] == "jinja2.exceptions.TemplateSyntaxError: oops"


def _wait_for(server, path, wanted, attempts=300):
    """The page at ``path`` once ``wanted(page)`` holds (rebuilds take about a second; checked every 0.2 s)."""
    page = ""
    for _ in range(attempts):
        _status, page = server.get(path)
        if wanted(page):
            return page
        time.sleep(0.2)
    raise AssertionError(f"{path} never showed what was wanted:\n{page[:2000]}\n" + "".join(server.log))


def test_the_server_shows_the_errors_until_a_build_succeeds(content, tmp_path):
    server = DevServer(content, tmp_path)
    try:
        assert server.ready.wait(180), "".join(server.log)
        assert "sl-build-failed" not in server.get("/en/press/2025/beta/")[1]
        source = content / "press" / "2025" / "beta.en.md"
        good = source.read_text(encoding="utf-8")
        source.write_text(re.sub(r"^Date: .*$", "Date: 2025-13-01 10:00", good, count=1, flags=re.M), encoding="utf-8")
        page = _wait_for(server, "/en/press/2025/beta/", lambda page: "sl-build-failed" in page)
        shown = BeautifulSoup(page, "html.parser").select_one(".sl-build-failed pre").get_text()
        assert 'beta.en.md:2: error: Date: "2025-13-01 10:00" is not a real date and time.' in shown
        assert server.get(devserver.ERROR_CSS_URL)[0] == 200
        source.write_text(good, encoding="utf-8")
        _wait_for(server, "/en/press/2025/beta/", lambda page: "sl-build-failed" not in page)
    finally:
        server.stop()
