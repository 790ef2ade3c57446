from __future__ import annotations

import dataclasses
import functools

import opencc

from incremental.cache import KeyedCache


def conversion_fingerprint(config: str) -> str:
    """What a conversion depends on besides its text: the OpenCC configuration."""
    return f"opencc:{config}"


class Converter:
    """OpenCC with a cache keyed on the text converted (and the configuration)."""

    def __init__(self, config: str, cache_path: str | None = None, cache: KeyedCache | None = None):
        """``cache``: the build's cache of conversions (``BuildCache.keyed``, which saves it); else one of
        its own, saved at ``cache_path`` by :meth:`save` (None: for this run only)."""
        self._config = config
        self._opencc = None  # loaded on the first text the cache does not have (its dictionaries take a while)
        self._cache = cache if cache is not None else KeyedCache(cache_path, conversion_fingerprint(config))

    @property
    def converted(self) -> int:
        """Texts converted by OpenCC in this build (not found in the cache)."""
        return self._cache.misses

    def __call__(self, text: str) -> str:
        if not text:
            return text
        return self._cache.get(text.encode("utf-8"), lambda: self._opencc_loaded().convert(text))

    def _opencc_loaded(self):
        if self._opencc is None:
            self._opencc = _loaded(self._config)
        return self._opencc


    def save(self) -> None:
        """Save a cache of its own (a build's is saved by the build's cache)."""
        self._cache.save()


@functools.lru_cache(maxsize=4)
def _loaded(config: str):
    """OpenCC with its dictionaries loaded, once per process and configuration (the dev server's
    rebuilds share it; a conversion's result depends on the configuration alone)."""
    return opencc.OpenCC(config)


def convert_value(value, convert):
    if isinstance(value, str):
        return convert(value)
    if isinstance(value, tuple):
        return tuple(convert_value(v, convert) for v in value)
    return value  # dates, numbers, web addresses stay as they are


class ConvertedBody:
    """Stands in for the Pelican content object of a derived item."""

    def __init__(self, html: str):
        self.content = html


def derive(source, lang: str, url_for, convert, siteurl: str, schema):
    """The ``lang`` item converted from ``source`` (same key, its own URL).

    The fields its content type's ``schema`` declares as prose (``Field.converted``) are converted;
    names, addresses, dates and numbers are kept as they are.
    """
    fields = {
        key: convert_value(value, convert) if schema.fields[key].converted else value
        for key, value in source.fields.items()
    }
    html = convert(source.content.content)
    # links to other items of the source language lead to their converted versions
    html = html.replace(f'href="{siteurl}/{source.lang}/', f'href="{siteurl}/{lang}/')
    return dataclasses.replace(
        source,
        lang=lang,
        fields=fields,
        url=url_for(lang, source.key, fields),
        content=ConvertedBody(html),
        links={},
        derived_from=source,
    )
