from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle

import opencc


class Converter:
    """OpenCC with a cache keyed on the text (and the configuration)."""

    def __init__(self, config: str, cache_path: str | None):
        self.config = config
        self._opencc = opencc.OpenCC(config)
        self.cache_path = cache_path
        self._old: dict = {}
        self._new: dict = {}
        self.converted = 0
        if cache_path and os.path.exists(cache_path):
            try:
                with open(cache_path, "rb") as handle:
                    stored_config, self._old = pickle.load(handle)
                if stored_config != config:
                    self._old = {}
            except Exception:
                self._old = {}

    def __call__(self, text: str) -> str:
        if not text:
            return text
        key = hashlib.sha256(text.encode("utf-8")).digest()
        if key not in self._new:
            if key in self._old:
                self._new[key] = self._old[key]
            else:
                self._new[key] = self._opencc.convert(text)
                self.converted += 1
        return self._new[key]

    def save(self) -> None:
        if not self.cache_path:
            return
        os.makedirs(os.path.dirname(self.cache_path), exist_ok=True)
        temporary = f"{self.cache_path}.{os.getpid()}"
        with open(temporary, "wb") as handle:
            pickle.dump((self.config, self._new), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.cache_path)


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


def derive(source, lang: str, url_for, convert, siteurl: str):
    """The ``lang`` item converted from ``source`` (same key, its own URL)."""
    fields = {
        key: value if key in ("registration", "forum", "gallery") else convert_value(value, convert)
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
