"""Fingerprints of what a page is rendered from, so that a rebuild renders only what changed.

``Fingerprinter.digest(value)`` is a short hash of a value built from the
model: strings, numbers, dates, lists, dicts, sets, dataclasses (``Language``,
``NavLink``, photo records, ``OutputPage``), items and translation groups.  Two
builds that give a page equal digests give it equal inputs, so the page it
rendered last time can be kept.

Items are followed through their cross-references (``item.links``: a
release's forum, a forum's gallery and its photos, ``derived_from``) to a
fixed depth (``ITEM_DEPTH``), deep enough for every chain a template follows
today (a forum page → its releases → their galleries → the gallery's photos).
Each item's own part (fields, body HTML, address) is hashed once per build.

Frozen dataclasses are taken as unchanging for the length of a build and described
once each.  A value of a type it does not know raises :class:`Unfingerprintable`: the
caller then renders that page every time rather than risk keeping a stale one.
A type can say what stands for it with a ``__fingerprint__()`` method, and a
dataclass field can be left out with ``field(metadata={"fingerprint": False})``
(where a photo variant lies in this build's staging folder, say).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import pickle
import types

from contract.model import Group, Item

ITEM_DEPTH = 4


class Unfingerprintable(TypeError):
    """A value the fingerprint cannot describe (render the page every time)."""


def _dataclass_fields(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("fingerprint", True))


# Values the pickler may write as they are: their pickled bytes depend on their value only.
_PLAIN = frozenset({str, int, float, bool, type(None), bytes, tuple, list, dict, dt.date, dt.time, dt.timedelta})
_REFERENCES = (type, types.FunctionType, types.BuiltinFunctionType, dt.tzinfo)  # written by name


class _Pickler(pickle.Pickler):
    """Serialises a page's inputs in C; what needs our rules (items, records, sets) becomes a token.

    ``fast`` turns the memo off, so the bytes depend on the values alone, not on which of them
    happen to be one shared object in this build.
    """

    def __init__(self, buffer: io.BytesIO, fingerprinter: "Fingerprinter", depth: int):
        super().__init__(buffer, protocol=5)
        self.fast = True
        self._fingerprinter = fingerprinter
        self.depth = depth

    def persistent_id(self, obj):
        kind = type(obj)
        if kind in _PLAIN or isinstance(obj, _REFERENCES):
            return None
        if isinstance(obj, str):  # Markup
            return None
        if kind is Item or kind is Group:  # followed to a depth, and an item's own part hashed once
            return self._fingerprinter.token(obj, self.depth)
        if dataclasses.is_dataclass(kind) and not kind.__dataclass_params__.frozen and self._fingerprinter.plain_dataclass(kind):
            return None  # an output page: its fields, pickled
        return self._fingerprinter.token(obj, self.depth)


class Fingerprinter:
    """Digests for one build: the model's objects are hashed once each and remembered by identity."""

    def __init__(self):
        self._items: dict[tuple[int, int], bytes] = {}
        self._shared: dict[tuple, tuple[object, bytes]] = {}  # (id, depth or None) -> (object kept alive, digest)
        self._fields: dict[type, tuple[tuple[str, ...], bool]] = {}  # dataclass -> (fields, frozen)
        self._plain: dict[type, bool] = {}

    def digest(self, value, depth: int = ITEM_DEPTH) -> bytes:
        buffer = io.BytesIO()
        try:
            _Pickler(buffer, self, depth).dump(value)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as error:
            if isinstance(error, Unfingerprintable):
                raise
            raise Unfingerprintable(f"cannot fingerprint {type(value).__qualname__}: {error}") from None
        data = buffer.getvalue()
        return hashlib.blake2b(data, digest_size=16).digest()

    def token(self, value, depth: int) -> bytes:
        """What stands for ``value`` in a page's serialisation (by the rules of ``_feed``)."""
        out = hashlib.blake2b(digest_size=16)
        self._feed(out, value, depth)
        return out.digest()

    def plain_dataclass(self, kind) -> bool:
        """A dataclass all of whose fields count (none left out of the fingerprint)."""
        known = self._plain.get(kind)
        if known is None:
            known = self._plain[kind] = len(_dataclass_fields(kind)) == len(dataclasses.fields(kind))
        return known

    def _described(self, value, depth: int) -> bytes:
        """The digest of what ``value.__fingerprint__()`` returns, computed once per object."""
        known = self._shared.get((id(value), depth))
        if known is None or known[0] is not value:
            known = self._shared[(id(value), depth)] = (value, self.digest(value.__fingerprint__(), depth))
        return known[1]

    # -- the serialisation --------------------------------------------------------------
    def _feed(self, out, value, depth: int) -> None:
        kind = type(value)
        if isinstance(value, str):  # Markup too
            data = str.encode(value, "utf-8", "surrogatepass")
            out.update(b"s%d:" % len(data))
            out.update(data)
        elif value is None or kind is bool or kind is int or kind is float:
            out.update(b"n" + repr(value).encode())
        elif isinstance(value, (list, tuple)):
            out.update(b"l%d:" % len(value))
            for element in value:
                self._feed(out, element, depth)
        elif isinstance(value, dict):
            out.update(b"m%d:" % len(value))
            for key in sorted(value, key=repr):
                self._feed(out, key, depth)
                self._feed(out, value[key], depth)
        elif isinstance(value, Item):
            out.update(b"i" + self._item(value, depth))
        elif isinstance(value, Group):
            out.update(b"g" + value.key.encode())
            if depth > 0:
                for lang, item in value.items.items():
                    out.update(lang.encode())
                    out.update(self._item(item, depth - 1))
        elif isinstance(value, bytes):
            out.update(b"b%d:" % len(value) + value)
        elif isinstance(value, (dt.datetime, dt.date, dt.time)):
            out.update(b"d" + value.isoformat().encode() + str(getattr(value, "tzinfo", "")).encode())
        elif isinstance(value, (set, frozenset)):
            parts = sorted(self.token(element, depth) for element in value)
            out.update(b"t%d:" % len(parts) + b"".join(parts))
        elif hasattr(value, "__fingerprint__"):  # often one object many pages share: described once
            out.update(b"f" + kind.__name__.encode())
            out.update(self._described(value, depth))
        else:
            fields = self._fields.get(kind)
            if fields is None:
                if not dataclasses.is_dataclass(kind):
                    raise Unfingerprintable(f"cannot fingerprint a {kind.__module__}.{kind.__qualname__}")
                fields = self._fields[kind] = (_dataclass_fields(kind), kind.__dataclass_params__.frozen)
            names, frozen = fields
            if frozen:  # a record many pages share (a photo, a list entry): described once per build,
                key = (id(value), None)  # at the depth it was first met (the same in every build)
                known = self._shared.get(key)
                if known is None or known[0] is not value:  # its fields, serialised in C
                    part = self.digest((kind.__qualname__, *(getattr(value, name) for name in names)), depth)
                    known = self._shared[key] = (value, part)
                out.update(b"r" + known[1])
            else:
                self._dataclass(out, kind, names, value, depth)

    def _dataclass(self, out, kind, names, value, depth: int) -> None:
        out.update(b"c" + kind.__qualname__.encode())
        for name in names:
            self._feed(out, getattr(value, name), depth)

    def _item(self, item: Item, depth: int) -> bytes:
        """An item's digest: its own content, then (while ``depth`` lasts) what it refers to."""
        key = (id(item), depth)
        known = self._items.get(key)
        if known is not None:
            return known
        out = hashlib.blake2b(digest_size=16)
        own = self._items.get((id(item), -1))
        if own is None:  # serialised in C; items its fields name count by their own part only
            html = str(item.html) if item.content is not None else None
            # ``saved`` (a file's time standing for a revision, in builds by the clock) is shown
            # through ``revised`` wherever the item is, a feed's entries among them
            own = self._items[(id(item), -1)] = self.digest(
                (item.kind, item.key, item.name, item.lang, item.path, item.url, item.body_line, item.fields, item.lines, html, item.saved), 0
            )
        out.update(own)
        if depth > 0:
            derived = item.derived_from
            self._feed(out, None if derived is None else derived, depth - 1)
            self._feed(out, item.links, depth - 1)
        digest = self._items[key] = out.digest()
        return digest
