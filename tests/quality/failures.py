"""One failure = page URL, rule, detail; every check returns a list of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Failure:
    url: str  # the page, as a path from the site root ("/en/press/")
    rule: str  # short and greppable: "axe/color-contrast", "broken-link", "html"
    detail: str  # what is wrong and where, enough to fix it without re-running by hand

    def __str__(self) -> str:
        return f"{self.url}: {self.rule}: {self.detail}"


def unique(failures: Iterable[Failure]) -> list[Failure]:
    """Sorted by page and rule, each failure once."""
    return sorted(set(failures))


def describe(failures: Iterable[Failure], what: str) -> str:
    found = unique(failures)
    lines = [f"{len(found)} {what} failure(s) (page: rule: detail):"]
    lines += [f"  {failure}" for failure in found]
    return "\n".join(lines)


def assert_none(failures: Iterable[Failure], what: str) -> None:
    """Fail the test once, listing every failure of the check."""
    found = unique(failures)
    if found:
        import pytest

        pytest.fail(describe(found, what), pytrace=False)
