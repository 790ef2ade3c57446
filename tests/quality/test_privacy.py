"""Privacy and security: no request leaves the site, no inline script or style, a CSP meta that holds."""

import pytest

from . import markup
from .failures import assert_none


@pytest.mark.browser
def test_pages_request_nothing_from_other_hosts(audits):
    assert_none([f for audit in audits.values() for f in audit.external], "external-request")


@pytest.mark.browser
def test_console_shows_no_error_or_csp_violation(audits):
    assert_none([f for audit in audits.values() for f in audit.console], "console")


def test_no_inline_script_or_style(built_site):
    assert_none([f for page in built_site.pages for f in markup.check_inline(built_site, page)], "inline-code")


def test_every_page_has_a_csp_meta_with_default_src_self(built_site):
    assert_none([f for page in built_site.pages for f in markup.check_csp(built_site, page)], "CSP")
