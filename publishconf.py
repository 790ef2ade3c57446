"""Settings for publishing: pelicanconf.py plus an absolute SITEURL."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL:
    sys.exit("publishconf.py: SITEURL is not set. Fix: run e.g. SITEURL=https://smartlab.example.gov.hk make publish")
