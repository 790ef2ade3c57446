"""Read one Markdown source: its header lines (with line numbers) and its body.

The header is Pelican's ``Key: value`` form: lines at the top of the file up
to the first blank line; an indented line continues the previous value.  We
parse it ourselves rather than through Markdown's ``meta`` extension so that
every field keeps its line number for messages, and so that nothing is
guessed: a header line that is not ``Key: value`` is an error, not the start
of the body.

Before anything is converted, the text is checked for characters no page or feed may carry
(control characters, a stray byte-order mark) and for the limits that keep a pathological file
from crashing or hanging the build; after, the body's HTML is checked on the allowlist of
``htmlpolicy``.  Each problem is a line naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from . import htmlpolicy
from .problems import ERROR, Problem, SourceError

# What a parse depends on besides the Markdown settings: the cache of parses is keyed on it.
CODE_FILES = (__file__, htmlpolicy.__file__)

_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:(.*)$")
# "Summary：" typed with a Chinese input method: the full-width colon (and its small and vertical forms).
_WIDE_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*([\uff1a\ufe55\ufe13])")

# Limits that turn a pathological file into one message instead of a build that crashes or hangs.
MAX_LINE_CHARS = 20_000
MAX_INDENT = 400  # columns of leading spaces (a tab counts 4): about 100 list levels
MAX_QUOTE_DEPTH = 50  # quotes and list items begun on one line ('> - > 1. x')
CONVERT_SECONDS = 20  # a backstop: a real file converts in milliseconds

# Characters a source may not hold: the C0 controls but tab and line feed (a carriage return is a
# line end), DEL, the C1 controls, U+FFFE and U+FFFF (XML cannot carry any of these: a feed would
# break), and a byte-order mark after the start of the file.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
MAX_CONTROL_LINES = 10  # lines reported for one file


@dataclass(frozen=True)
class RawField:
    name: str  # as the editor wrote it
    value: str
    line: int


@dataclass
class Header:
    fields: dict[str, RawField] = field(default_factory=dict)  # lower-case key
    end_line: int = 0  # last line of the header


def decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SourceError(
            [
                Problem(
                    path,
                    line,
                    ERROR,
                    None,
                    "the file is not UTF-8 text (byte 0x%02x)." % data[err.start],
                    "save the file as UTF-8 in your editor (in Notepad: Save As, Encoding: UTF-8).",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def control_characters(text: str, path: str) -> list[Problem]:
    """One problem per line holding a character no source may hold (the first ones of a file)."""
    problems = []
    lines = text.split("\n")
    bad = [(number, match) for number, line in enumerate(lines, 1) if (match := _CONTROL_RE.search(line))]
    more = len(bad) - MAX_CONTROL_LINES
    for index, (number, match) in enumerate(bad[:MAX_CONTROL_LINES], 1):
        char = match.group(0)
        column = match.start() + 1
        if char == "\ufeff":
            what = "an invisible byte-order mark (U+FEFF)"
            why = "in a header it hides the field name, and it does not belong in a page"
        else:
            what = f"the invisible control character U+{ord(char):04X}"
            why = "the site's feeds and calendars cannot carry it"
        also = f" ({more} more lines have one too)" if more > 0 and index == MAX_CONTROL_LINES else ""
        problems.append(
            Problem(
                path,
                number,
                ERROR,
                None,
                f"the line holds {what} at column {column}: {why}.{also}",
                "delete it: most editors do not show it, so retype the text around that column "
                "(it often comes from text pasted from a PDF or another program).",
            )
        )
    return problems


def _wide_colon(line: str, path: str, number: int) -> Problem | None:
    match = _WIDE_KEY_RE.match(line)
    if not match:
        return None
    name = match.group(1)
    return Problem(
        path,
        number,
        ERROR,
        name,
        f"is followed by the full-width colon '{match.group(2)}', not the colon ':' a header line needs.",
        f"type the colon with the input method in English mode: '{name}: {line[match.end():].strip()}'.",
    )


def split_header(text: str, path: str) -> tuple[Header, str, int]:
    """Split ``text`` into its header, its body and the body's first line number."""
    lines = text.split("\n")
    header = Header()
    problems = []
    start = 0
    if lines and lines[0].strip() == "---":  # tolerate a YAML-style fence
        start = 1
    if start >= len(lines) or not (_KEY_RE.match(lines[start]) or _WIDE_KEY_RE.match(lines[start])):
        return header, "\n".join(lines[start:]), start + 1
    last = None
    index = start
    for index in range(start, len(lines)):
        line = lines[index]
        number = index + 1
        if not line.strip() or (start and line.strip() in ("---", "...")):
            break
        match = _KEY_RE.match(line)
        if line[:1] in (" ", "\t") and last is not None:
            last = RawField(last.name, f"{last.value} {line.strip()}", last.line)
            header.fields[last.name.lower()] = last
            continue
        if not match:
            wide = _wide_colon(line, path, number)
            if wide is not None:
                problems.append(wide)
                last = None
                continue
            problems.append(
                Problem(
                    path,
                    number,
                    ERROR,
                    None,
                    f'"{line.strip()}" is not a "Key: value" header line.',
                    "write it as 'Key: value', or leave one blank line between the header and the text.",
                )
            )
            continue
        name, value = match.group(1), match.group(2).strip()
        key = name.lower()
        if key in header.fields:
            first = header.fields[key]
            problems.append(
                Problem(
                    path,
                    number,
                    ERROR,
                    name,
                    f"is given twice (first on line {first.line}).",
                    "keep one of the two lines.",
                )
            )
            continue
        last = RawField(name, value, number)
        header.fields[key] = last
    else:
        index = len(lines)
    if problems:
        raise SourceError(problems)
    header.end_line = index
    return header, "\n".join(lines[index + 1 :]), index + 2


_ALIGN_RE = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")


class _AlignmentClasses(Treeprocessor):
    """Table alignment as classes: the site's Content-Security-Policy blocks style attributes."""

    def run(self, root):
        for element in root.iter():
            match = _ALIGN_RE.match(element.get("style", ""))
            if match:
                del element.attrib["style"]
                classes = (element.get("class", "") + f" sl-align-{match.group(1)}").strip()
                element.set("class", classes)


class _CspSafe(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_AlignmentClasses(md), "sl_alignment_classes", 0)


class _TooSlow(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _TooSlow in the block after ``seconds`` (on the main thread; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise _TooSlow()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _one_problem(path: str, line: int | None, message: str, fix: str) -> SourceError:
    return SourceError([Problem(path, line, ERROR, None, message, fix)])


def check_limits(text: str, path: str, body_line: int, body: str) -> None:
    """Raise a SourceError for a line too long, or a body nested too deep.

    (A file too large is refused before it is read: contract.files.)
    """
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            raise _one_problem(path, number, f"the line is {len(line):,} characters long; a line may have at most {MAX_LINE_CHARS:,}.",
                             "break it into paragraphs with blank lines between them.")
    nested = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))){%d}" % (MAX_QUOTE_DEPTH + 1))
    for index, line in enumerate(body.split("\n")):
        indent = len(line) - len(line.lstrip(" \t"))
        if indent and len(line[:indent].expandtabs(4)) > MAX_INDENT:
            raise _one_problem(path, body_line + index, f"the line is indented more than {MAX_INDENT} columns "
                             "(lists nested too deep).", "write the list with fewer levels inside one another.")
        if nested.match(line):
            raise _one_problem(path, body_line + index, f"the line starts more than {MAX_QUOTE_DEPTH} quotes or lists inside "
                             "one another ('>', '-', '1.').", "write it with fewer levels inside one another.")


class SourceReader:
    """Reads sources; one Markdown converter is reused for all of them."""

    def __init__(self, markdown_settings: dict):
        config = dict(markdown_settings)
        config["extensions"] = [
            e for e in config.get("extensions", []) if e not in ("meta", "markdown.extensions.meta")
        ]
        config["extensions"] += [_CspSafe(), htmlpolicy.ExternalLinks()]
        self._md = Markdown(**config)

    def parse(self, data: bytes, shown_path: str) -> tuple[str, Header, int]:
        """HTML of the body, the header, and the line the body starts on.

        The HTML's external-link marks have no words yet: see ``htmlpolicy.localize``.
        """
        text = decode(data, shown_path)
        problems = control_characters(text, shown_path)
        if problems:
            raise SourceError(problems)
        header, body, body_line = split_header(text, shown_path)
        check_limits(text, shown_path, body_line, body)
        html, raw_html = self._convert(body, shown_path, body_line)
        problems = htmlpolicy.check(html, body, shown_path, body_line, raw_html)
        if problems:
            raise SourceError(problems, parsed=(html, header, body_line))
        return html, header, body_line

    def _convert(self, body: str, path: str, body_line: int) -> tuple[str, bool]:
        """The body's HTML, and whether the body has HTML of its own (raw HTML blocks or inline tags)."""
        simplify = ("simplify the text: fewer levels inside one another, and no long runs of brackets or symbols; "
                    "a table or list that long belongs in a document in content/files/.")
        self._md.reset()
        try:
            with _time_limit(CONVERT_SECONDS):
                html = self._md.convert(body)
            return html, bool(self._md.htmlStash.rawHtmlBlocks)
        except RecursionError:
            message, fix = "the text is nested too deep to convert (lists, quotes or emphasis inside one another).", simplify
        except _TooSlow:
            message, fix = f"the text took more than {CONVERT_SECONDS} seconds to convert (e.g. thousands of '[' with no ']').", simplify
        except Exception as error:  # a failure of Markdown on some input: still one line, naming the file
            message = f"Markdown could not convert the text ({type(error).__name__}: {error})."
            fix = "find the part it cannot read (take out half of the text and build again), and tell a developer this message."
        finally:
            self._md.reset()
        raise _one_problem(path, body_line, message, fix)
