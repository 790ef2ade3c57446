"""The page-type list in site.py covers every page the sample site builds, in every language."""

from .failures import assert_none


def test_every_page_has_a_type_and_every_type_has_pages(built_site):
    assert_none(built_site.catalogue_failures(), "page-type")
