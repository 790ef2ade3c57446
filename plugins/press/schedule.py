"""When scheduled press releases fall due: the cheap first step of the scheduled publishing workflow.

    python3 plugins/press/schedule.py next CONTENT [--now TIME]
        the next time a release becomes due (a release dated later than now), or nothing
    python3 plugins/press/schedule.py due CONTENT --since TIME [--now TIME]
        the releases that became due after TIME and by now, or a line saying there is none and when
        the next is. With GITHUB_OUTPUT set (GitHub Actions), also writes due=true or due=false there.

TIME is ISO 8601 (2026-12-04T10:00:00Z, 2026-12-04 18:00+08:00); --now defaults to the clock and
--since "" (no deployment known) counts every published release as due. A release is the header of a
file content/press/<YYYY>/<name>.<lang>.md: its Date (YYYY-MM-DD HH:MM, Hong Kong time), unless its
Status is draft. Only the standard library: the workflow runs it before installing anything. The
build itself reads dates with contract.fields; a Date it would refuse is skipped here too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

HONG_KONG = dt.timezone(dt.timedelta(hours=8), "HKT")  # no daylight saving since 1979
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:(.*)$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$")


def header(text: str) -> dict[str, str]:
    """The ``Key: value`` lines before the first blank line, keys in lower case."""
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        if not line.strip():
            break
        match = _FIELD.match(line)
        if match:
            fields[match.group(1).lower()] = match.group(2).strip()
    return fields


def release_dates(content: Path) -> list[tuple[dt.datetime, str]]:
    """(Date, path) of every release that is not a draft, oldest first."""
    found = []
    for path in sorted((content / "press").glob("*/*.md")):
        fields = header(path.read_text(encoding="utf-8", errors="replace"))
        if fields.get("status", "").lower() == "draft":
            continue
        match = _DATE.match(fields.get("date", ""))
        if not match:
            continue
        try:
            date = dt.datetime(*map(int, match.groups()), tzinfo=HONG_KONG)
        except ValueError:
            continue
        found.append((date, str(path)))
    return sorted(found)


def next_due(content: Path, now: dt.datetime) -> dt.datetime | None:
    return next((date for date, _path in release_dates(content) if date > now), None)


def due(content: Path, since: dt.datetime | None, now: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """Releases whose Date is after ``since`` (any, when None) and not after ``now``."""
    return [(date, path) for date, path in release_dates(content) if date <= now and (since is None or date > since)]


def parse_time(text: str) -> dt.datetime | None:
    if not text.strip():
        return None
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone: add Z or an offset such as +08:00")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["next", "due"])
    parser.add_argument("content", type=Path)
    parser.add_argument("--since", default=None, help="the last deployment's time (due)")
    parser.add_argument("--now", default="", help="the present time (default: the clock)")
    args = parser.parse_args(argv)
    now = parse_time(args.now) or dt.datetime.now(dt.timezone.utc)
    if args.command == "next":
        when = next_due(args.content, now)
        if when is not None:
            print(when.astimezone(HONG_KONG).strftime("%Y-%m-%d %H:%M %z"))
        return 0
    if args.since is None:
        parser.error("due needs --since (the last deployment's time; \"\" when there is none)")
    since = parse_time(args.since)
    found = due(args.content, since, now)
    for date, path in found:
        print(f"{path}: due since {date.strftime('%Y-%m-%d %H:%M')} (Hong Kong time)")
    if not found:
        after = f" since {since.astimezone(HONG_KONG):%Y-%m-%d %H:%M}" if since else ""
        upcoming = next_due(args.content, now)
        print(f"no scheduled release became due{after} (Hong Kong time); the next: "
              + (f"{upcoming:%Y-%m-%d %H:%M}" if upcoming else "none"))
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"due={'true' if found else 'false'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
