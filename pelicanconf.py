"""Settings of the site, in one place.  publishconf.py overrides a few for publishing."""

import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))


def _(message):
    """Marks a message for the catalogs (make translations); it is translated where it is shown."""
    return message


# The project's own plugins import one another (press uses contract and i18n).
if os.path.join(ROOT, "plugins") not in sys.path:
    sys.path.insert(0, os.path.join(ROOT, "plugins"))

SITENAME = "Smart Government Innovation Lab"
SITEURL = ""
PATH = "content"
THEME = os.path.join(ROOT, "theme")
OUTPUT_PATH = "output"
TIMEZONE = "Asia/Hong_Kong"

# -- languages: the code is used in file names and URLs -----------------------
DEFAULT_LANG = "en"
LANGUAGES = {
    # name: its own name, in the switcher; label: its English name, in build messages;
    # only_label: marks an item listed in another language's pages that exists only in this one; a
    # catalog message, shown in the language of the page that lists it ("(Chinese only)", "（只有英文版）").
    # external_label: read after a link to another site (visually hidden), in the language of the text
    # it follows, so written here in each language (a derived language's comes from converting its source);
    # footnote_back: the title of a footnote's link back to the text, likewise.
    "en": {
        "locale": "en_HK",
        "html_lang": "en",
        "name": "English",
        "label": "English",
        "og_locale": "en_HK",
        "sitename": "Smart Government Innovation Lab",
        "only_label": _("(English only)"),
        "external_label": "(external link)",
        "footnote_back": "Jump back to footnote %(number)s in the text",
    },
    "tc": {
        "locale": "zh_Hant_HK",
        "html_lang": "zh-Hant-HK",
        "name": "繁體",
        "label": "Traditional Chinese",
        "og_locale": "zh_HK",
        "sitename": "智慧政府創新實驗室",
        "only_label": _("(Chinese only)"),
        "external_label": "（外部網站）",
        "footnote_back": "返回正文的註腳 %(number)s",
    },
    # Simplified Chinese is converted from Traditional (plugins/sc); an editor's <name>.sc.md overrides it.
    "sc": {
        "locale": "zh_Hans_HK",
        "html_lang": "zh-Hans",
        "name": "简体",
        "label": "Simplified Chinese",
        "og_locale": "zh_CN",
        "sitename": "智慧政府创新实验室",
        "only_label": _("(Chinese only)"),
        "external_label": "（外部网站）",
        "footnote_back": "返回正文的注脚 %(number)s",
        "derived_from": "tc",
    },
}

# -- the build -----------------------------------------------------------------
PELICAN_CLASS = "outputs.SiteBuild"
PLUGIN_PATHS = [os.path.join(ROOT, "plugins")]
PLUGINS = ["contract", "press", "forums", "workshops", "galleries", "pages", "sc", "redirects", "i18n", "seo", "search", "outputs"]
# OpenCC configuration for Traditional -> Simplified: Hong Kong variants, with phrase tables.
# It keeps Hong Kong wording (資訊科技 -> 资讯科技, not the Mainland 信息技术), as HK government sites do.
SC_CONVERSION = "hk2sp"
STRICT_BUILD = True  # exit non-zero on content errors (the dev server sets it False)
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = os.path.join(ROOT, ".cache")
# Rebuilds render and write only the pages a change affects (docs/architecture.md, "Rebuilds");
# the record of the last output is kept in CACHE_PATH. publishconf.py turns it off.
INCREMENTAL_OUTPUT = True
# Processes for parsing, rendering and search indexing: 0 = one per core. Fewer sources (or pages)
# to do than BUILD_PARALLEL_FROM are done in the build process: starting workers would cost more.
BUILD_WORKERS = 0
BUILD_PARALLEL_FROM = 100
# Each language's search index is split into shards of about this many pages, each indexed by its
# own Pagefind run: an edit re-indexes one shard, and no run holds a whole language in memory. The
# browser merges a language's shards, and pays for each: about 22 KiB more per word searched
# (docs/performance.md, "Search shards"). Up to this many pages a language has one shard.
SEARCH_SHARD_SIZE = 500
# After a successful build the `pelican` command ends without the interpreter's object-by-object
# teardown (plugins/outputs/build.py); the development server turns this off.
EXIT_WITHOUT_TEARDOWN = True
IGNORE_FILES = [".#*", "*~", ".*.swp", ".DS_Store", "Thumbs.db", ".gitkeep"]
STATIC_PATHS = ["files"]  # downloads (PDF etc.) linked with {static}
THEME_STATIC_DIR = "theme"
MARKDOWN = {
    "extensions": ["markdown.extensions.extra", "markdown.extensions.sane_lists"],
    "output_format": "html",
}
JINJA_ENVIRONMENT = {
    "extensions": ["jinja2.ext.i18n"],
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}

# Pelican's own feeds are off: the outputs plugin writes ours.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# -- what the site shows --------------------------------------------------------
PRESS_PER_PAGE = 10
HOME_LATEST = 5
FEED_ITEMS = 20  # newest releases in each language's Atom feed
CALENDAR_DOMAIN = "smartlab.gov.hk"  # the right-hand side of calendar event UIDs: keep it stable
# The main navigation: the sections content types declare (their names), in this order, after Home;
# a content type with a section must be listed here (the build says so), then NAV_PAGES.
NAV_SECTIONS = ["press", "forums", "workshops", "galleries"]
NAV_PAGES = ["about"]  # standing pages in the main navigation, after the sections
FOOTER_PAGES = ["important-notices", "privacy-policy", "accessibility", "contact"]

# -- the editor workflow: make check, make devserver, scheduled releases ----------
# Content types whose items dated after the build are held back until then (listed as warnings).
# Not forums (an upcoming forum is the news) nor galleries (releases name them by folder).
SCHEDULED_KINDS = ["press"]
PREVIEW = False  # True also publishes drafts and scheduled items: make devserver only, never publishing
CHECK_ONLY = False  # True reads, plans and checks everything, writes nothing (make check)
# The development server adds livereload.js to the pages it serves; it is never published.
IGNORE_FILES = [*IGNORE_FILES, "livereload.js"]
