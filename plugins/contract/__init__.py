"""The content contract: what a source file is and which fields it must carry.

Content types build on :class:`generator.SourceGenerator`; this plugin adds
the checks that span all of them, once everything is read: a Markdown file no
content type claims, ``{filename}`` links to sources that are not published,
and translations whose file names differ by a typo.  Then it saves the cache of
parses (``parse_cache``).
"""

import os

from pelican import signals

from incremental import BuildCache

from .fields import Addresses, Choice, CommaList, DateTime, Field, Name, Schema, Text, Url, WholeNumber  # noqa: F401
from .files import edit_distance
from .generator import PARSES, BuildStage, PageBuilder, SourceGenerator, files_for, parse_cache, reference_line, shown_path  # noqa: F401
from .model import Group, Item, Language, OutputPage, PageKind, Section, Site, latest_revision  # noqa: F401
from .references import site_address_problem


def _unclaimed(generators, site):
    reader = generators[0]
    folders = sorted({g.folder for g in generators if isinstance(g, SourceGenerator)})
    for listed in files_for(reader.context).listing():
        rel = listed.rel
        if (rel.endswith(".md") or listed.folder) and rel not in site.claimed and reader._include_path(rel, extensions=False):
            if listed.refusal is not None:
                site.log.error(shown_path(f"{reader.path}/{rel}"), listed.refusal.message, field="file", fix=listed.refusal.fix)
                continue
            site.log.error(
                shown_path(f"{reader.path}/{rel}"),
                "this Markdown file is not in a content folder, so it would not be published.",
                fix=f"move it into one of content/{', content/'.join(folders)} (see docs/editing.md).",
            )


def _unpublished_links(context, site):
    """``{filename}`` links whose target exists but is not published (a draft, scheduled, or in error)."""
    published = context["generated_content"]
    for item, target, written in site.linked_sources:
        if published.get(target) is None:
            site.log.error(
                item.path,
                f"'{written}' links to content/{target}, which is not published (a draft, scheduled for later, "
                "or with an error of its own).",
                line=reference_line(item.content.source_path, written, item.body_line),
                field="link",
                fix="publish that item first, or remove the link until it is.",
            )


def _near_twins(site):
    """Two items in one folder, each in one language, with the same Date and names a typo apart.

    They are almost certainly one item and its translation (smart-mobility-trial.en.md beside
    smart-mobilty-trial.tc.md): published apart, each would be marked as existing in one language.
    """
    alone: dict[tuple, list[Item]] = {}
    for group in site.groups.values():
        written = [item for item in group.items.values() if item.derived_from is None]
        if len(written) == 1 and written[0].date is not None:
            item = written[0]
            alone.setdefault((group.kind, os.path.dirname(item.path), item.date), []).append(item)
    default = site.default_lang
    for items in alone.values():
        for index, one in enumerate(items):
            for other in items[index + 1:]:
                if one.lang == other.lang or edit_distance(one.name, other.name) > 2:
                    continue
                keep, rename = (one, other) if one.lang == default or other.lang != default else (other, one)
                new_name = os.path.basename(rename.path).replace(rename.name, keep.name, 1)
                site.log.error(
                    rename.path,
                    f"has the same Date as {keep.path} and a name that differs from it by a letter or two, "
                    "so the two look like one item and its translation, but they would be published apart.",
                    field="file name",
                    fix=f"if it is the translation, rename it to {new_name}; if it is another item, give it a name "
                    f"that is clearly different.",
                )


def check_site_addresses(site, context) -> None:
    """Addresses from the site's root that bodies link (``/en/about/``): each must be published.

    Run once every page is planned (``outputs.SiteBuild``, after ``all_generators_finalized``).
    """
    if not site.linked_addresses:
        return
    known = {"/"}
    for page in site.pages:
        known.update((f"/{page.url}", f"/{page.save_as}"))
    known.update(f"/{static.url}" for static in context.get("static_content", {}).values() if static is not None)
    for item, written in site.linked_addresses:
        problem = site_address_problem(written, known)
        if problem is not None:
            site.log.error(
                item.path,
                f"'{written}' {problem.message}",
                line=reference_line(item.content.source_path, written, item.body_line),
                field="link",
                fix=problem.fix,
            )


def _finish_reading(generators):
    if not generators:
        return
    context = generators[0].context
    site = Site.of(context)
    _unclaimed(generators, site)
    _unpublished_links(context, site)
    _near_twins(site)
    parse_cache(context)  # made when no source was read, so that its file keeps no stale entry
    BuildCache.of(context).save(PARSES)  # every source is read


def register():
    signals.all_generators_finalized.connect(_finish_reading)
