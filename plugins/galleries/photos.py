"""The photos a gallery's text lists: ``![alt](photo.jpg "caption")``, in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
EMPTY_P_RE = re.compile(r"<p>\s*</p>\s*")
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class PhotoRef:
    file: str  # as written: "stage.jpg"
    alt: str
    caption: str


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs = {}

    def handle_starttag(self, tag, attrs):
        self.attrs = {name: value or "" for name, value in attrs}

    handle_startendtag = handle_starttag


# The form Markdown writes (every value in double quotes, escaped): read without a parser.
_MARKDOWN_IMG_RE = re.compile(r'<img((?:\s+[a-zA-Z][a-zA-Z0-9-]*="[^"<>]*")*)\s*/?>\Z')
_ATTRIBUTE_RE = re.compile(r'([a-zA-Z][a-zA-Z0-9-]*)="([^"]*)"')


def _attributes(tag: str) -> dict:
    plain = _MARKDOWN_IMG_RE.match(tag)
    if plain is not None:
        return {name.lower(): unescape(value) for name, value in _ATTRIBUTE_RE.findall(plain.group(1))}
    parser = _Attributes()  # raw HTML an editor wrote: any quoting
    parser.feed(tag)
    return parser.attrs


def split_photos(html: str) -> tuple[str, list[PhotoRef]]:
    """The introduction (the text without its images) and the listed photos."""
    refs = []
    for tag in IMG_RE.findall(html):
        attrs = _attributes(tag)
        refs.append(PhotoRef(attrs.get("src", ""), attrs.get("alt", "").strip(), attrs.get("title", "").strip()))
    intro = EMPTY_P_RE.sub("", IMG_RE.sub("", html))
    return intro, refs


def problem_with(ref: PhotoRef) -> tuple[str, str] | None:
    """(what is wrong, the fix) for a reference that cannot be a photo of this gallery."""
    name = ref.file
    if not name:
        return "a photo has no file name.", "write it as ![alt text](photo.jpg \"caption\")."
    if "://" in name or name.startswith("/") or "/" in name or "\\" in name or name in (".", ".."):
        return (
            f"'{name}' is not a file in the gallery's folder.",
            "put the photo in the gallery's own folder and write its file name only, e.g. ![...](photo.jpg).",
        )
    if not name.lower().endswith(PHOTO_EXTENSIONS):
        return f"'{name}' is not a JPEG, PNG or WebP file.", "export the photo as .jpg, .png or .webp."
    if not ref.alt:
        return (
            f"the photo '{name}' has no alt text.",
            f"describe what the photo shows between the brackets: ![Speakers on stage]({name}).",
        )
    return None
