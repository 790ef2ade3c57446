"""Outputs: the staged build and its atomic swap into ``output/``.

``SiteBuild`` (``PELICAN_CLASS`` in pelicanconf.py) runs the build; later
outputs (feeds, sitemaps, search index) hang off the same stages.
"""

from .build import SiteBuild  # noqa: F401


def register():
    """Nothing to connect: Pelican uses ``SiteBuild`` through ``PELICAN_CLASS``."""
