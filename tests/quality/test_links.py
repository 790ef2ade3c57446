"""Internal links, fragment anchors, the language switcher and hreflang, on every built page."""

from . import links
from .failures import assert_none


def test_no_broken_links_or_fragments(built_site):
    assert_none(links.check_site(built_site), "link")
