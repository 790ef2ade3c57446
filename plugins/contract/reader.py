"""Read one Markdown source: its header lines (with line numbers) and its body.

The header is Pelican's ``Key: value`` form: lines at the top of the file up
to the first blank line; an indented line continues the previous value.  We
parse it ourselves rather than through Markdown's ``meta`` extension so that
every field keeps its line number for messages, and so that nothing is
guessed: a header line that is not ``Key: value`` is an error, not the start
of the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .problems import ERROR, Problem, SourceError

_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:(.*)$")


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


def split_header(text: str, path: str) -> tuple[Header, str, int]:
    """Split ``text`` into its header, its body and the body's first line number."""
    lines = text.split("\n")
    header = Header()
    problems = []
    start = 0
    if lines and lines[0].strip() == "---":  # tolerate a YAML-style fence
        start = 1
    if start >= len(lines) or not _KEY_RE.match(lines[start]):
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
_RAW_BLOCKED_RE = re.compile(r"<(?:script|style)\b|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE)


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


def blocked_html(html: str, path: str, body_line: int) -> list[Problem]:
    """Raw HTML the site's security policy would block: say so instead of shipping a broken page."""
    match = _RAW_BLOCKED_RE.search(html)
    if not match:
        return []
    return [
        Problem(
            path,
            None,
            ERROR,
            None,
            f"the text contains raw HTML ({match.group(0).strip()}...) that the site's security policy blocks.",
            "remove the inline script, style or event handler; use Markdown, and ask a developer for a theme class "
            "if a special layout is needed.",
        )
    ]


class SourceReader:
    """Reads sources; one Markdown converter is reused for all of them."""

    def __init__(self, markdown_settings: dict):
        config = dict(markdown_settings)
        config["extensions"] = [
            e for e in config.get("extensions", []) if e not in ("meta", "markdown.extensions.meta")
        ]
        config["extensions"].append(_CspSafe())
        self._md = Markdown(**config)

    def parse(self, data: bytes, shown_path: str) -> tuple[str, Header, int]:
        """HTML of the body, the header, and the line the body starts on."""
        text = decode(data, shown_path)
        header, body, body_line = split_header(text, shown_path)
        self._md.reset()
        html = self._md.convert(body)
        problems = blocked_html(html, shown_path, body_line)
        if problems:
            raise SourceError(problems)
        return html, header, body_line
