"""Settings for publishing (`make publish`): pelicanconf.py plus an absolute SITEURL and precompression.

Two builds of the same commit write the same bytes: the Makefile sets SOURCE_DATE_EPOCH to the
time of the last commit, which the build uses as its "now" (contract.model.build_date).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403
from pelicanconf import PLUGINS  # noqa: E402

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL:
    sys.exit("publishconf.py: SITEURL is not set. Fix: run e.g. SITEURL=https://smartlab.example.gov.hk make publish")
PREVIEW = False  # drafts and scheduled releases are never published, whatever pelicanconf.py says
# A published site is always built whole: the precompressed copies below exist only for the files
# a build stages, so a rebuild that keeps unchanged pages would lose theirs.
INCREMENTAL_OUTPUT = False

# -- precompression (pip package pelican-precompress) ------------------------------------------
# Every text file gets a .gz and a .br beside it, for servers that send them as they are
# (nginx gzip_static/brotli_static, Apache with mod_rewrite). The plugin runs after every other
# `finalized` receiver (search indexing included), in the staging folder, before the swap.
PLUGINS = [*PLUGINS, "pelican.plugins.precompress"]
PRECOMPRESS_GZIP = True  # written by zlib with no file name and a zero time: the same bytes every build
PRECOMPRESS_BROTLI = True
PRECOMPRESS_ZOPFLI = False  # explicit: installing zopfli would otherwise replace gzip
PRECOMPRESS_ZSTANDARD = False  # explicit: Python 3.14 would otherwise turn it on
PRECOMPRESS_OVERWRITE = False  # the staging folder is new: nothing to overwrite
PRECOMPRESS_MIN_SIZE = 20
# The files it writes are not declared to the output ledger by the stage that wrote them (it is not one
# of ours): the commit accepts a file with one of these suffixes beside a declared file as its companion.
OUTPUT_COMPANIONS = (".gz", ".br")
PRECOMPRESS_TEXT_EXTENSIONS = {
    ".html", ".css", ".js", ".mjs", ".json", ".xml", ".atom", ".rss", ".txt", ".svg", ".ics", ".webmanifest",
}
