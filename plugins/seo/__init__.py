"""Search engines and link previews.

* ``/sitemap.xml``: a sitemap index over ``/<lang>/sitemap.xml``, one per
  language, each page listed with its translations (hreflang) and its last
  revision date;
* ``/robots.txt``: everything may be crawled; where the sitemap is;
* "page not found" pages: ``/<lang>/404.html`` and the language-neutral
  ``/404.html``;
* the head of every page (theme/templates/partials/seo_meta.html): canonical
  link, Open Graph and Twitter card tags, and schema.org NewsArticle data on
  press releases, computed here (``news_article``, a template global).
"""

from functools import partial

from pelican import signals

from .generator import SeoGenerator
from .jsonld import news_article


def _generators(pelican):
    return SeoGenerator


def _template_globals(generator):
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["news_article"] = partial(news_article, generator.settings["SITEURL"].rstrip("/"))


def register():
    signals.get_generators.connect(_generators)
    signals.generator_init.connect(_template_globals)
