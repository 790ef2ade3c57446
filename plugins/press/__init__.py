"""Press releases: ``content/press/<YYYY>/<name>.<lang>.md``.

Pages in every language: each release at ``/<lang>/press/<YYYY>/<name>/``,
the list at ``/<lang>/press/`` (newest first, paginated), a year archive at
``/<lang>/press/<YYYY>/``, and the latest releases on the home page.
"""

from pelican import signals

from .generator import PressGenerator


def _generators(pelican):
    return PressGenerator


def register():
    signals.get_generators.connect(_generators)
