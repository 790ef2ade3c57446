"""The Nu HTML Checker on every built page, in one Java run."""

import pytest

from . import vnu
from .conftest import tools_needed
from .failures import assert_none


@pytest.mark.vnu
def test_nu_html_checker_finds_no_errors(built_site):
    with tools_needed():
        failures = vnu.check(built_site)
    assert_none(failures, "HTML (Nu HTML Checker)")
