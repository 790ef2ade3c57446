"""Problems found in what editors wrote, reported one line each.

Every check in the project reports through :class:`Problem` so that an
editor always reads the same shape of message::

    content/press/2025/forum.en.md:2: error: Date: "2025-13-01 10:00" is not a
    real date. Fix: write the date as YYYY-MM-DD HH:MM, e.g. 2025-07-30 14:30.

(printed on one line).  Problems are collected for the whole build first
and printed together, sorted by file and line, like MkDocs reports its
configuration errors.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field


def _normal(path: str) -> bool:
    """Whether ``path`` is absolute and in its normal form (no ``.``, ``..`` or doubled separator)."""
    return os.path.isabs(path) and (os.sep + ".") not in path and (os.sep * 2) not in path


def _normal_below(path: str, root: str) -> bool:
    """Whether ``path`` is absolute, in its normal form, and below ``root`` (which ends with a separator)."""
    return path.startswith(root) and _normal(path)


def shown_path(full_path: str) -> str:
    """The path editors see in messages (of sources, photos, any file): relative to where they ran make, else as it is."""
    if _normal(full_path):  # what the os.path.relpath rule below gives, without its work
        here = os.getcwd().rstrip(os.sep) + os.sep
        return full_path[len(here):] if full_path.startswith(here) else full_path
    relative = os.path.relpath(full_path)
    return full_path if relative.startswith("..") else relative


ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # shown as given: "content/press/2025/x.en.md"
    line: int | None
    level: str
    field: str | None
    message: str
    fix: str = ""

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        text = f"{where}: {self.level}: {what}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return " ".join(text.split())  # one line, whatever the input held


@dataclass
class ProblemLog:
    """All problems of one build, errors and warnings."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, path, message, *, line=None, field=None, fix=""):
        self.problems.append(Problem(path, line, ERROR, field, message, fix))

    def warning(self, path, message, *, line=None, field=None, fix=""):
        self.problems.append(Problem(path, line, WARNING, field, message, fix))

    def extend(self, problems):
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    def print(self, stream=None) -> None:
        stream = stream or sys.stderr
        seen = set()
        for problem in sorted(self.problems, key=_sort_key):
            line = problem.format()
            if line not in seen:
                seen.add(line)
                print(line, file=stream)


def _sort_key(problem: Problem):
    return (problem.path, problem.line or 0, problem.level, problem.message)


class SourceError(Exception):
    """Raised by a reader when a file cannot be published.

    ``parsed``: what was read all the same, when the file could be read through and only its
    HTML is refused (``(html, header, body_line)``), so that its other problems (header fields,
    links) are reported with these rather than only once these are mended."""

    def __init__(self, problems: list[Problem], parsed: tuple | None = None):
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems
        self.parsed = parsed
