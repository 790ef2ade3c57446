import sys

import pytest

from tests.helpers import FIXTURE_SETTINGS, ROOT, build, environ, fixture_content, plan

BUILD_EPOCH = 1767196800  # 2026-01-01 00:00 Hong Kong time

sys.path.insert(0, str(ROOT / "plugins"))


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The fixture site (tests/fixtures/site) built once, two releases a page."""
    work = tmp_path_factory.mktemp("fixture-site")
    content = work / "content"
    fixture_content(content)
    # Built "on" 2026-01-01 00:00 HKT: forum-b (2027) is upcoming, forum-a and forum-c are past.
    result = build(content, work / "output", *FIXTURE_SETTINGS, env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert result.returncode == 0, result.text
    return result


@pytest.fixture(scope="session")
def fixture_plan(fixture_site, tmp_path_factory):
    """What the build of fixture_site planned (tests.helpers.Plan): its model, read in this process from
    the same sources with the same settings and date, for tests to compute what they expect from."""
    return plan(fixture_site.output.parent / "content", tmp_path_factory.mktemp("fixture-plan"), *FIXTURE_SETTINGS, epoch=BUILD_EPOCH)


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for every browser test (Playwright's sync API allows one at a time)."""
    from tests.quality import browser as browser_tools
    from tests.quality.tools import MissingTool

    try:
        with browser_tools.launch() as browser:
            yield browser
    except MissingTool as error:
        raise pytest.fail.Exception(str(error), pytrace=False) from None
