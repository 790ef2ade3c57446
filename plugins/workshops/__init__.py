"""Thematic workshops: ``content/workshops/<name>.<lang>.md``, an event type (``events.EventType``).

Each workshop has a page at ``/<lang>/workshops/<name>/`` with its facts and calendar file; the
series is at ``/<lang>/workshops/`` (upcoming first, then past ones by year), with an Atom feed and
a calendar of all workshops in every language.
"""

from pelican import signals

from contract import Text
from events import EventType, N_, Words, event_schema


class WorkshopsGenerator(EventType):
    kind = "workshop"
    folder = "workshops"
    schema = event_schema("workshop page", [Text("Topic", example="Open data for better public services")])
    about = "topic"
    facts = (("topic", N_("Topic")),)
    home_order = 15  # after the next forum, before the latest releases
    words = Words(
        events=N_("Workshops"),
        lead=N_("Thematic workshops take one technology or one kind of public service at a time, in small "
                "groups, between the quarterly Technology Forums."),
        upcoming=N_("Upcoming workshops"),
        none_upcoming=N_("No workshop is scheduled at the moment."),
        past=N_("Past workshops"),
        calendar_all=N_("Add all workshops to your calendar"),
        next=N_("Next workshop"),
        latest=N_("Latest workshop"),
        all=N_("All workshops"),
        register=N_("Register for this workshop"),
    )


def _generators(pelican):
    return WorkshopsGenerator


def register():
    signals.get_generators.connect(_generators)
