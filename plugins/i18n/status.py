"""Translation status: which translations are older than the last change of the text they translate.

Times come from git: when each source file was first added and last changed (a file changed in the
working tree and not committed yet counts as changed when it was saved). In each translation group
the *original* is the file added first (the languages' order breaks a tie; an editor's own
Simplified Chinese file follows the Traditional one it overrides); every other file is a translation.
A translation is *behind* when its original changed after it: after the translation's own last
change, or, when its header has ``Checked-Against: YYYY-MM-DD HH:MM``, after that time. The field
lets a translator say "checked against the change of that time" when a change needed no
translation (a typo), and keeps later edits of the translation alone (its tags, say) from hiding
that it never followed the original's new text.

``make check`` prints one warning per translation behind (``i18n.render`` calls :func:`check`);
``make translation-status`` prints every item as a table (run as a script: only the standard
library, no build)::

    python plugins/i18n/status.py content
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import dataclass

HONG_KONG = dt.timezone(dt.timedelta(hours=8), "HKT")
CHECKED_FIELD = "Checked-Against"
_CHECKED_RE = re.compile(r"^checked-against\s*:\s*(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})\s*$", re.IGNORECASE)

UP_TO_DATE, BEHIND, MISSING, ORIGINAL, UNKNOWN = "up to date", "behind", "missing", "original", "not in git"


@dataclass(frozen=True)
class Source:
    """One written file of a translation group."""

    lang: str
    path: str  # as shown to editors
    full: str  # absolute
    checked: dt.datetime | None = None  # its Checked-Against


@dataclass(frozen=True)
class History:
    added: dt.datetime  # first commit that has the file (or when it was saved, if never committed)
    changed: dt.datetime  # last commit that changed it (or when it was saved, if changed since)


@dataclass(frozen=True)
class Status:
    key: str
    lang: str
    state: str
    source: Source | None
    original: Source | None = None
    changed: dt.datetime | None = None  # when this file last changed
    original_changed: dt.datetime | None = None


def _hk(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds), HONG_KONG)


def git_history(folder: str) -> dict[str, History] | None:
    """``History`` of every file git knows below ``folder``, by absolute path; None outside a git checkout."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True, check=True).stdout

    try:
        top = git("rev-parse", "--show-toplevel").strip()
        log = git("log", "--format=%x00%ct", "--name-only", "--no-renames", "--", ".")
        dirty = git("status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return None
    history: dict[str, History] = {}
    when = None
    for line in log.split("\n"):  # newest commit first
        if line.startswith("\0"):
            when = _hk(float(line[1:]))
        elif line.strip() and when is not None:
            full = os.path.normpath(os.path.join(top, line.strip()))
            seen = history.get(full)
            history[full] = History(added=when, changed=seen.changed if seen else when)
    for entry in dirty.split("\0"):
        if len(entry) < 4 or entry[3:].endswith("/"):
            continue
        full = os.path.normpath(os.path.join(top, entry[3:]))
        try:
            saved = _hk(os.stat(full).st_mtime)
        except OSError:
            continue  # deleted
        seen = history.get(full)
        history[full] = History(added=seen.added if seen else saved, changed=saved)
    return history


def statuses(groups: dict[str, dict[str, Source]], languages, history: dict[str, History]) -> list[Status]:
    """The status of every language of every group. ``languages``: (code, derived_from) in the site's order;
    a language converted from another (sc) is "missing" only where its source language is."""
    order = {code: index for index, (code, _derived) in enumerate(languages)}
    rows = []
    for key in sorted(groups):
        sources = groups[key]
        known = {lang: history.get(source.full) for lang, source in sources.items()}
        dated = [lang for lang in sources if known[lang] is not None]
        first = min(dated, key=lambda lang: (known[lang].added, order[lang]), default=None)
        for code, derived in languages:
            source = sources.get(code)
            if source is None:
                if not derived:  # a converted language is missing where its source language is
                    rows.append(Status(key, code, MISSING, None))
                continue
            own = known[code]
            original_lang = derived if derived in sources else first
            if own is None:
                rows.append(Status(key, code, UNKNOWN, source))
                continue
            if code == original_lang or original_lang is None or known[original_lang] is None:
                rows.append(Status(key, code, ORIGINAL, source, changed=own.changed))
                continue
            original, then = sources[original_lang], known[original_lang].changed
            follows = source.checked or own.changed
            state = BEHIND if then.replace(second=0) > follows.replace(second=0) else UP_TO_DATE
            rows.append(Status(key, code, state, source, original, own.changed, then))
    return rows


def warning(row: Status) -> tuple[str, str, str]:
    """(path, message, fix) of a translation that is behind, for the build's problem list."""
    checked = f"checked against {row.source.checked:%Y-%m-%d %H:%M}" if row.source.checked else f"changed on {row.changed:%Y-%m-%d %H:%M}"
    message = (f"older than the change of {row.original.path} on {row.original_changed:%Y-%m-%d %H:%M} "
               f"(this translation was last {checked}): it may not say what the {row.original.lang} text says now.")
    fix = (f"compare it with {row.original.path} (git log -p {row.original.path}), bring it up to date, then add "
           f"'{CHECKED_FIELD}: {row.original_changed:%Y-%m-%d %H:%M}' to its header; add the line alone when the "
           f"change needed no translation (a typo).")
    return row.source.path, message, fix


def check(site, content_path: str) -> None:
    """Warn, in the site's problem log, about every translation behind its original (make check)."""
    history = git_history(content_path)
    if history is None:
        site.log.warning(content_path, "translation status: this folder is not in a git checkout, so whether "
                         "translations are up to date cannot be told.", fix="run make check in a git clone of the site.")
        return
    groups: dict[str, dict[str, Source]] = {}
    for item in site.items:
        if item.derived_from is None and item.content is not None:
            groups.setdefault(item.key, {})[item.lang] = Source(
                item.lang, item.path, os.path.abspath(item.content.source_path), item.fields.get(CHECKED_FIELD.lower()))
    languages = [(lang.code, lang.derived_from) for lang in site.languages]
    for row in statuses(groups, languages, history):
        if row.state == BEHIND:
            path, message, fix = warning(row)
            site.log.warning(path, message, field=None, fix=fix)


# -- make translation-status: the table, from the files alone ------------------------------------------
def sources_in(content: str, languages, default_lang: str) -> dict[str, dict[str, Source]]:
    """Translation groups of the Markdown files below ``content``, by file name (``<name>.<lang>.md``)."""
    codes = {code for code, _derived in languages}
    groups: dict[str, dict[str, Source]] = {}
    for folder, _dirs, files in os.walk(content):
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            stem = name[: -len(".md")]
            base, _, lang = stem.rpartition(".")
            if not base or lang not in codes:
                base, lang = stem, default_lang
            full = os.path.abspath(os.path.join(folder, name))
            key = os.path.relpath(os.path.join(folder, base), content)
            groups.setdefault(key, {})[lang] = Source(lang, os.path.relpath(full), full, _checked(full))
    return groups


def _checked(full: str) -> dt.datetime | None:
    with open(full, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                return None
            match = _CHECKED_RE.match(line.strip())
            if match:
                try:
                    return dt.datetime(*map(int, match.groups()), tzinfo=HONG_KONG)
                except ValueError:
                    return None
    return None


def table(rows: list[Status], languages) -> str:
    codes = [code for code, _derived in languages]
    derived_from = dict(languages)
    by_key: dict[str, dict[str, Status]] = {}
    for row in rows:
        by_key.setdefault(row.key, {})[row.lang] = row

    def cell(row: Status | None, found: dict[str, Status], code: str) -> str:
        if row is None:  # a converted language without a file of its own
            source = found.get(derived_from[code])
            return "converted" if source is not None and source.state != MISSING else "-"
        if row.state == BEHIND:
            return f"behind ({row.original.lang} changed {row.original_changed:%Y-%m-%d})"
        return row.state

    lines = [["item", *codes]]
    lines += [[key, *(cell(found.get(code), found, code) for code in codes)] for key, found in sorted(by_key.items())]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = ["  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip() for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    counts = {state: sum(1 for row in rows if row.state == state) for state in (BEHIND, MISSING)}
    text.append(f"{len(by_key)} items: {counts[BEHIND]} translation(s) behind, {counts[MISSING]} missing.")
    return "\n".join(text)


def main(argv: list[str]) -> int:
    import runpy

    content = argv[0] if argv else "content"
    conf = runpy.run_path(argv[1] if len(argv) > 1 else "pelicanconf.py")
    languages = [(code, spec.get("derived_from")) for code, spec in conf["LANGUAGES"].items()]
    history = git_history(content)
    if history is None:
        print(f"{content}: not in a git checkout; the translation status needs the history.", file=sys.stderr)
        return 1
    print(table(statuses(sources_in(content, languages, conf["DEFAULT_LANG"]), languages, history), languages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
