"""Forums (events): ``content/forums/<name>.<lang>.md``.

Pages in every language: the series at ``/<lang>/forums/`` (upcoming first,
then past ones by year, with totals computed from the pages), each forum at
``/<lang>/forums/<name>/`` with its facts, programme and the press releases
that name it (``Forum: <name>``), calendars (``event.ics`` per forum and
``forums.ics`` per language), schema.org Event data, and the next (else the
latest) forum on the home page.
"""

from pelican import signals

from .generator import ForumsGenerator


def _generators(pelican):
    return ForumsGenerator


def register():
    signals.get_generators.connect(_generators)
