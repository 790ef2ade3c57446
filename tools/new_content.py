"""Start a new press release, forum, workshop or gallery: its files in English and Traditional Chinese.

    make new-press TITLE="Smart Lab opens a robotics corner"
    make new-forum TITLE="24th Technology Forum"
    make new-workshop TITLE="Open Data APIs"
    make new-gallery NAME=technology-forum-24 [TITLE="..."]

(or ``python tools/new_content.py press --title ...``; ``TITLE`` and ``NAME`` are
also read from the environment, which is how ``make`` passes them).

Every file gets each field that can hold a valid placeholder, dated now
(Hong Kong time), and ``Status: draft``: the site builds cleanly with the new
files in it, and nothing is published until the editor removes that line.
Fields that cannot hold a placeholder (a forum's ``Participants`` before it
is held, a ``Gallery`` or ``Forum`` naming nothing yet) are not written; the
message printed at the end lists them with the line to add.  Existing files
are never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # as plugins/contract/generator.py checks file names
TODO = "TODO"  # every placeholder starts with it: search the files for it before publishing


class Refused(Exception):
    """A one-line reason to stop without writing anything."""


@dataclass
class NewFile:
    path: str  # absolute
    text: str


def now_in_hong_kong() -> dt.datetime:
    return dt.datetime.now(HONG_KONG).replace(second=0, microsecond=0)


def stamp(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def slug(title: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens; "" when the title has no ASCII letter."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    if not re.search(r"[A-Za-z]", ascii_title):
        return ""
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def has_chinese(text: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in text)


def choose_name(title: str, name: str, example: str) -> str:
    if name:
        if not NAME_RE.match(name):
            raise Refused(
                f"NAME={name!r} cannot be used in a web address: use lower-case letters, digits and hyphens only, "
                f"e.g. NAME={slug(name) or example}."
            )
        return name
    made = slug(title)
    if not made:
        raise Refused(
            f"the title {title!r} has no English letters to make a file name from: "
            f"give one with NAME=, e.g. NAME={example}."
        )
    return made


def titles(title: str) -> dict[str, str]:
    """The title in each language: the one given, and a placeholder asking for the translation."""
    if has_chinese(title):
        return {"en": f"{TODO}: English title ({title})", "tc": title}
    return {"en": title, "tc": f"{TODO}：中文標題（{title}）"}


def header(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields)


def next_forum_number(folder: str) -> int:
    numbers = [0]
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.strip():
                        break  # the end of the header
                    match = re.match(r"Number:\s*(\d+)\s*$", line, re.IGNORECASE)
                    if match:
                        numbers.append(int(match.group(1)))
    return max(numbers) + 1


# -- the three kinds ---------------------------------------------------------------------


def press(content: str, title: str, name: str, now: dt.datetime):
    name = choose_name(title, name, "smart-lab-robotics-corner")
    folder = os.path.join(content, "press", f"{now:%Y}")
    title_in = titles(title)
    summary = {
        "en": f"{TODO}: one sentence, shown in lists and search results.",
        "tc": f"{TODO}：一句摘要，顯示於列表及搜尋結果。",
    }
    tags = {"en": f"{TODO} tag, {TODO} another tag", "tc": f"{TODO}標籤、{TODO}另一標籤"}
    body = {
        "en": f"{TODO}: the text of the release. Start sub-headings with ##; write no heading for the title.\n",
        "tc": f"{TODO}：新聞稿內文。小標題以 ## 開始；不用再寫標題。\n",
    }
    files = [
        NewFile(
            os.path.join(folder, f"{name}.{lang}.md"),
            header(
                [
                    ("Title", title_in[lang]),
                    ("Date", stamp(now)),
                    ("Summary", summary[lang]),
                    ("Tags", tags[lang]),
                    ("Status", "draft"),
                ]
            )
            + "\n"
            + body[lang],
        )
        for lang in ("en", "tc")
    ]
    later = [
        ("Forum: technology-forum-19", "the forum it reports: the forum's file name without the language suffix"),
        ("Gallery: technology-forum-19", "a gallery of its photos: the gallery's folder name"),
        ("Modified: YYYY-MM-DD HH:MM", "when you change it after it is published"),
    ]
    return files, later


def forum(content: str, title: str, name: str, now: dt.datetime):
    name = choose_name(title, name, "technology-forum-24")
    folder = os.path.join(content, "forums")
    number = next_forum_number(folder)
    title_in = titles(title)
    text = {
        "en": {
            "Theme": f"{TODO}: the theme of the forum",
            "Venue": f"{TODO}: the venue",
            "Organisers": f"Smart Government Innovation Lab, {TODO} other organisers",
            "Summary": f"{TODO}: one sentence, shown in lists and search results.",
            "body": f"{TODO}: what the forum is about and who should come.\n\n### Rundown\n\n"
            "| Time | Session | Speaker / organisation |\n| --- | --- | --- |\n"
            f"| {now:%H:%M} | {TODO}: session | {TODO}: speaker |\n",
        },
        "tc": {
            "Theme": f"{TODO}：論壇主題",
            "Venue": f"{TODO}：地點",
            "Organisers": f"智慧政府創新實驗室、{TODO}其他主辦機構",
            "Summary": f"{TODO}：一句摘要，顯示於列表及搜尋結果。",
            "body": f"{TODO}：論壇簡介及對象。\n\n### 程序\n\n"
            "| 時間 | 環節 | 講者／機構 |\n| --- | --- | --- |\n"
            f"| {now:%H:%M} | {TODO}：環節 | {TODO}：講者 |\n",
        },
    }
    files = []
    for lang in ("en", "tc"):
        words = text[lang]
        files.append(
            NewFile(
                os.path.join(folder, f"{name}.{lang}.md"),
                header(
                    [
                        ("Title", title_in[lang]),
                        ("Date", stamp(now)),
                        ("End", stamp(now + dt.timedelta(hours=3))),
                        ("Number", str(number)),
                        ("Theme", words["Theme"]),
                        ("Venue", words["Venue"]),
                        ("Organisers", words["Organisers"]),
                        ("Registration", f"https://www.example.gov.hk/{TODO}/{name}/register?lang={lang}"),
                        ("Summary", words["Summary"]),
                        ("Status", "draft"),
                    ]
                )
                + "\n"
                + words["body"],
            )
        )
    later = [
        ("Participants: 320", "after the forum: how many came (digits only)"),
        ("Exhibitors: 12", "after the forum: how many exhibitors (digits only)"),
        (f"Gallery: {name}", "once its photo gallery exists: the gallery's folder name"),
        ("Modified: YYYY-MM-DD HH:MM", "when you change it after it is published"),
    ]
    return files, later


def workshop(content: str, title: str, name: str, now: dt.datetime):
    name = choose_name(title, name, "open-data-apis")
    folder = os.path.join(content, "workshops")
    title_in = titles(title)
    text = {
        "en": {
            "Topic": f"{TODO}: the topic of the workshop",
            "Venue": f"{TODO}: the venue",
            "Summary": f"{TODO}: one sentence, shown in lists and search results.",
            "body": f"{TODO}: what the workshop covers and who it is for (the page shows it under 'Programme').\n\n"
            "| Time | Session |\n| --- | --- |\n"
            f"| {now:%H:%M} | {TODO}: session |\n",
        },
        "tc": {
            "Topic": f"{TODO}：工作坊題目",
            "Venue": f"{TODO}：地點",
            "Summary": f"{TODO}：一句摘要，顯示於列表及搜尋結果。",
            "body": f"{TODO}：工作坊內容及對象（頁面把這段列於「活動流程」之下）。\n\n"
            "| 時間 | 環節 |\n| --- | --- |\n"
            f"| {now:%H:%M} | {TODO}：環節 |\n",
        },
    }
    files = []
    for lang in ("en", "tc"):
        words = text[lang]
        fields = [
            ("Title", title_in[lang]),
            ("Date", stamp(now)),
            ("End", stamp(now + dt.timedelta(hours=2))),
            ("Venue", words["Venue"]),
            ("Topic", words["Topic"]),
            ("Registration", f"https://www.example.gov.hk/{TODO}/{name}/register?lang={lang}"),
            ("Summary", words["Summary"]),
            ("Status", "draft"),
        ]
        files.append(NewFile(os.path.join(folder, f"{name}.{lang}.md"), header(fields) + "\n" + words["body"]))
    later = [("Modified: YYYY-MM-DD HH:MM", "when you change it after it is published")]
    return files, later


def gallery(content: str, title: str, name: str, now: dt.datetime):
    if not name:
        raise Refused("a gallery needs a folder name: give it with NAME=, e.g. make new-gallery NAME=technology-forum-24.")
    name = choose_name(title, name, "technology-forum-24")
    folder = os.path.join(content, "galleries", name)
    title = title or name.replace("-", " ").capitalize()
    title_in = titles(title)
    summary = {
        "en": f"{TODO}: one sentence, shown in lists and search results.",
        "tc": f"{TODO}：一句摘要，顯示於列表及搜尋結果。",
    }
    # A placeholder in words, not a commented-out photo line: the checks should not see a photo yet.
    body = {
        "en": f"{TODO}: a short introduction.\n\n"
        f"{TODO}: put the photos in this folder, then list each one on a line of its own, in the order "
        "they should appear: an exclamation mark, the alt text (what the photo shows) in square brackets, "
        "then the file name and the caption in brackets, e.g. "
        '`![Speakers on the stage of the forum](stage.jpg "The opening talk")`.\n',
        "tc": f"{TODO}：簡短介紹。\n\n"
        f"{TODO}：把相片放進此資料夾，然後按展示次序每張相片寫一行：感嘆號、方括號內寫替代文字（相片內容），"
        "再在圓括號內寫檔案名稱及說明，例如 "
        '`![講者在論壇台上發言](stage.jpg "開幕演講")`。\n',
    }
    files = [
        NewFile(
            os.path.join(folder, f"index.{lang}.md"),
            header(
                [
                    ("Title", title_in[lang]),
                    ("Date", stamp(now)),
                    ("Summary", summary[lang]),
                    ("Status", "draft"),
                ]
            )
            + "\n"
            + body[lang],
        )
        for lang in ("en", "tc")
    ]
    later = [("Modified: YYYY-MM-DD HH:MM", "when you change it after it is published")]
    return files, later


KINDS = {"press": press, "forum": forum, "workshop": workshop, "gallery": gallery}


def create(kind: str, content: str, title: str = "", name: str = "", now: dt.datetime | None = None) -> tuple[list[str], list]:
    """Write the new files; their paths and the fields left to add later.  Raises Refused."""
    title = " ".join(title.split())
    name = name.strip()
    if kind != "gallery" and not title:
        raise Refused(f'give the title: make new-{kind} TITLE="..."')
    files, later = KINDS[kind](content, title, name, now or now_in_hong_kong())
    existing = [f.path for f in files if os.path.exists(f.path)]
    if existing:
        raise Refused(f"{shown(existing[0])} already exists; nothing was written (choose another NAME=, or edit that file).")
    for new in files:
        os.makedirs(os.path.dirname(new.path), exist_ok=True)
        with open(new.path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(new.text)
    return [f.path for f in files], later


def shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Start a new press release, forum, workshop or gallery (English and Traditional Chinese).")
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("--title", default=os.environ.get("TITLE", ""))
    parser.add_argument("--name", default=os.environ.get("NAME", ""), help="the file or folder name (default: from the title)")
    parser.add_argument("--content", default=os.path.join(ROOT, "content"), help="the content folder")
    args = parser.parse_args(argv)
    try:
        paths, later = create(args.kind, args.content, args.title, args.name)
    except Refused as refusal:
        print(f"new-{args.kind}: {refusal}", file=sys.stderr)
        return 1
    print("Created, to edit:")
    for path in paths:
        print(f"  {shown(path)}")
    print("These are drafts (Status: draft): a build lists them as warnings and does not publish them.")
    print(f"Next: replace every {TODO}, preview with 'make devserver' (it shows drafts), run 'make check',")
    print("then delete the Status line to publish.")
    if args.kind == "gallery":
        print(f"Put the photos in {shown(os.path.dirname(paths[0]))}/ and list them in both files (see the text of each).")
    if later:
        print("Lines to add to the header later, when they apply (a field with no real value yet would be an error):")
        width = max(len(line) for line, _when in later)
        for line, when in later:
            print(f"  {line:<{width}}  {when}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
