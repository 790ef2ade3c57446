"""The content contract: what a source file is and which fields it must carry.

Content types build on :class:`generator.SourceGenerator`; this plugin adds
the checks that span all of them (a Markdown file no content type claims)
and saves the source cache once everything is read.
"""

import os

from pelican import signals

from .fields import Choice, CommaList, DateTime, Field, Schema, Text, Url, WholeNumber  # noqa: F401
from .generator import SourceGenerator, cache_for, shown_path  # noqa: F401
from .model import Group, Item, Language, OutputPage, Section, Site  # noqa: F401


def _finish_reading(generators):
    if not generators:
        return
    context = generators[0].context
    site = Site.of(context)
    reader = generators[0]
    folders = sorted({g.folder for g in generators if isinstance(g, SourceGenerator)})
    for rel in sorted(reader.get_files([""], extensions=["md"])):
        rel = os.path.normpath(rel).replace(os.sep, "/")
        if rel not in site.claimed:
            site.log.error(
                shown_path(f"{reader.path}/{rel}"),
                "this Markdown file is not in a content folder, so it would not be published.",
                fix=f"move it into one of content/{', content/'.join(folders)} (see docs/editing.md).",
            )
    cache_for(context).save()


def register():
    signals.all_generators_finalized.connect(_finish_reading)
