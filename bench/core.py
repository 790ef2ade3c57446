"""The baseline: core Pelican, no plugins, default theme, on the same sources.

One language pass, as Pelican does it by itself: every ``.en.md``/``.tc.md``
file is read once; the language comes from the file-name suffix and the slug
from the name, so the two files of a release become an article and its
translation.  Pelican's own content cache is on, as for our warm builds.
Everything else (theme ``notmyidea``, feeds, tag/category/author/archive
pages, no pagination) is Pelican's default.
"""

from __future__ import annotations

SETTINGS = '''\
# Written by bench/core.py: core Pelican {version}, no plugins, for comparison.
PATH = {path!r}
OUTPUT_PATH = {output!r}
SITENAME = "Benchmark baseline"
SITEURL = ""
TIMEZONE = "Asia/Hong_Kong"
DEFAULT_LANG = "en"
ARTICLE_PATHS = ["press"]
PAGE_PATHS = ["pages"]
PLUGINS = []                      # not None: None would load namespace plugins
FILENAME_METADATA = r"(?P<slug>[^.]+)\\.(?P<lang>en|tc)"
ARTICLE_TRANSLATION_ID = "slug"
PAGE_TRANSLATION_ID = "slug"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = {cache!r}
'''


def write_settings(path: str, *, content: str, output: str, cache: str, version: str) -> str:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(SETTINGS.format(path=content, output=output, cache=cache, version=version))
    return path
