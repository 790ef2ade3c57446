"""Simplified Chinese by conversion from Traditional Chinese (OpenCC).

Every item that has a Traditional Chinese (``tc``) source and no Simplified
Chinese (``sc``) source of its own gets a derived ``sc`` item: title, body,
summary, tags and every other text field converted with OpenCC
(``SC_CONVERSION``, default ``hk2sp``).  An editor's ``<name>.sc.md`` is used
as written instead.  Conversions are cached on the text converted, so a
rebuild converts only what changed.
"""

from __future__ import annotations

from pelican import signals

from contract import Site, SourceGenerator
from incremental import BuildCache

from .convert import Converter, conversion_fingerprint, derive

CONVERSIONS = "sc"  # the build's cache of conversions: <CACHE_PATH>/sc.pickle


def _derive_all(generators):
    if not generators:
        return
    context = generators[0].context
    site = Site.of(context)
    targets = [lang for lang in site.languages if lang.derived_from]
    if not targets:
        return
    by_kind = {g.kind: g for g in generators if isinstance(g, SourceGenerator)}
    build_cache = BuildCache.of(context)
    config = context["SC_CONVERSION"]
    converter = Converter(config, cache=build_cache.keyed(CONVERSIONS, conversion_fingerprint(config)))
    siteurl = context["SITEURL"].rstrip("/")
    memory = build_cache.memory  # the dev server's (incremental.memory): an unchanged item's conversion is kept
    for lang in targets:
        for group in list(site.groups.values()):
            source = group.items.get(lang.derived_from)
            if source is None or lang.code in group.items:
                continue
            generator = by_kind[group.kind]

            def make(source=source, code=lang.code, generator=generator):
                return derive(source, code, generator.url, converter, siteurl, generator.schema)

            site.add(make() if memory is None else memory.derived(source, lang.code, make))
    build_cache.save(CONVERSIONS)


def register():
    signals.all_generators_finalized.connect(_derive_all)
