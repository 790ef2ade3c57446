import shutil
import sys

import pytest

from tests.helpers import FIXTURE, ROOT, build

sys.path.insert(0, str(ROOT / "plugins"))


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The fixture site (tests/fixtures/site) built once, two releases a page."""
    work = tmp_path_factory.mktemp("fixture-site")
    content = work / "content"
    shutil.copytree(FIXTURE, content)
    result = build(content, work / "output", "PRESS_PER_PAGE=2", env=None)
    assert result.returncode == 0, result.text
    return result
