"""Internationalisation: one model, every language rendered from it.

Sources are read once (by the content types); this plugin groups them into
translations, renders each language's whole site under its prefix with the
interface from that language's gettext catalog and dates from Babel, and
links the languages (hreflang, x-default, the language switcher).
"""

from pelican import signals

from .catalogs import Catalogs  # noqa: F401
from .links import Entry, listing  # noqa: F401
from .plan import SitePlanner
from .render import SiteRenderer, item_pages_written  # noqa: F401


def _generators(pelican):
    return SiteRenderer


def _plan(generators):
    """The plan stage: the planner plans every page, and its plan goes to the renderer."""
    for generator in generators:
        if isinstance(generator, SiteRenderer):
            generator.site_plan = SitePlanner(generator.site, generator.catalogs, generator.context).plan(generators)


def register():
    signals.get_generators.connect(_generators)
    signals.all_generators_finalized.connect(_plan)
