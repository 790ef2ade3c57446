"""Typed header fields and the schema that checks them.

A content type declares its fields once (see ``press`` and ``pages``); the
schema turns the raw ``Key: value`` strings of a header into typed values
and reports, for every field that is wrong, what was expected, what was
received and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

HONG_KONG = ZoneInfo("Asia/Hong_Kong")


class FieldError(ValueError):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass(frozen=True)
class Field:
    """A header field: its name as editors write it, and whether it is required."""

    name: str
    required: bool = False
    example: str = ""

    # Whether the value is prose in the item's language: a language derived by conversion (the
    # Simplified Chinese of plugins/sc) converts it.  Names, addresses, dates and choices are not.
    converted = False

    @property
    def key(self) -> str:
        return self.name.lower()

    def parse(self, raw: str):
        raw = raw.strip()
        if not raw:
            raise FieldError("is empty.", f"write a value after '{self.name}:'{self._eg()}, or remove the line.")
        return raw

    def _eg(self) -> str:
        return f", e.g. '{self.name}: {self.example}'" if self.example else ""


class Text(Field):
    """Prose: a title, a summary, a venue."""

    converted = True


class Name(Field):
    """The name of another item (a forum's file name, a gallery's folder): checked by its content type."""


_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$")


class DateTime(Field):
    """``YYYY-MM-DD HH:MM``, Hong Kong time."""

    def parse(self, raw: str) -> dt.datetime:
        value = super().parse(raw)
        fix = f"write it as YYYY-MM-DD HH:MM (24-hour, Hong Kong time), e.g. '{self.name}: 2025-07-30 14:30'."
        match = _DATE_RE.match(value)
        if not match:
            raise FieldError(f'"{value}" is not in the form YYYY-MM-DD HH:MM.', fix)
        try:
            return dt.datetime(*map(int, match.groups()), tzinfo=HONG_KONG)
        except ValueError:
            raise FieldError(f'"{value}" is not a real date and time.', fix) from None


class WholeNumber(Field):
    def parse(self, raw: str) -> int:
        value = super().parse(raw)
        if not re.fullmatch(r"\d{1,9}", value):
            raise FieldError(f'"{value}" is not a whole number.', f"write digits only{self._eg()}.")
        return int(value)


class Url(Field):
    def parse(self, raw: str) -> str:
        value = super().parse(raw)
        if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value):
            raise FieldError(f'"{value}" is not a web address.', f"write the full address starting with https://{self._eg()}.")
        return value


@dataclass(frozen=True)
class Choice(Field):
    choices: tuple[str, ...] = ()

    def parse(self, raw: str) -> str:
        value = super().parse(raw).lower()
        if value not in self.choices:
            raise FieldError(f'"{raw.strip()}" is not one of {", ".join(self.choices)}.', f"write one of: {', '.join(self.choices)}.")
        return value


class CommaList(Field):
    """Several values of prose (tags, organisers), separated by commas."""

    converted = True

    def parse(self, raw: str) -> tuple[str, ...]:
        value = super().parse(raw)
        # Editors writing Chinese often type the full-width comma or 、
        parts = [part.strip() for part in re.split(r"[,，、]", value)]
        return tuple(part for part in parts if part)


class Addresses(CommaList):
    """Several addresses of this site (old addresses of a moved item): never converted."""

    converted = False


def common_fields() -> list[Field]:
    """Fields every content type accepts (the editor workflow and moved content)."""
    return [
        Choice("Status", example="draft", choices=("published", "draft")),
        Addresses("Aliases", example="/en/press/2025/old-name/"),
    ]


class Schema:
    """The fields one content type accepts: its own, then the common ones."""

    def __init__(self, label: str, fields: list[Field]):
        self.label = label  # "press release", for messages
        self.fields = {f.key: f for f in [*fields, *common_fields()]}

    def extend(self, fields: list[Field]) -> None:
        for f in fields:
            self.fields[f.key] = f

    def check(self, header, path: str, log) -> dict | None:
        """Typed values of ``header``; problems go to ``log``.

        Returns None when any error was found, so nothing half-valid is
        published.
        """
        values: dict = {}
        ok = True
        for key, raw in header.fields.items():
            spec = self.fields.get(key)
            if spec is None:
                log.error(
                    path,
                    f"'{raw.name}' is not a field of a {self.label}.",
                    line=raw.line,
                    field=raw.name,
                    fix=f"check the spelling; the fields are {', '.join(f.name for f in self.fields.values())}.",
                )
                ok = False
                continue
            try:
                values[key] = spec.parse(raw.value)
            except FieldError as err:
                log.error(path, err.message, line=raw.line, field=spec.name, fix=err.fix)
                ok = False
        for spec in self.fields.values():
            if spec.required and spec.key not in header.fields:
                log.error(
                    path,
                    f"is missing; every {self.label} needs it.",
                    line=header.end_line if header.fields else 1,
                    field=spec.name,
                    fix=f"add a line '{spec.name}: {spec.example or '...'}' to the header at the top of the file.",
                )
                ok = False
        return values if ok else None
