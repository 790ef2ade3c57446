"""The references a body makes to other files, each resolved inside ``content/`` or reported.

The forms an editor may write (docs/editing.md, "Links and files"):

* ``{filename}../2024/wish-list.en.md`` — another item, by its source file;
* ``{static}/files/annual-report.pdf`` — a file copied as it is (``content/files/``);
* ``{attach}chart.pdf`` — the same, published beside the page that links it;
* ``https://…``, ``mailto:…``, ``tel:…``, ``/en/about/`` and ``#section`` — addresses, not files.

A path after ``{filename}``, ``{static}`` or ``{attach}`` is read from the source's folder, or from
the content folder when it starts with ``/``.  It must name a regular file inside the content
folder (after every symbolic link is followed): anything else is an error with the reference as
written and, where one exists, the closest real name.  A relative address without one of these
forms (``chart.png``, ``../2024/x.en.md``) would be published broken, so it is an error that says
which form to write.  Gallery bodies list their photos by file name; the galleries plugin checks
those, through the same :class:`~contract.files.ContentFiles`.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from .files import ContentFiles

# Attributes that hold an address (those Pelican's own link replacement reads, and srcset).
ADDRESS_ATTRIBUTES = frozenset({"href", "src", "poster", "data", "cite", "action", "formaction", "srcset"})
_FORM_RE = re.compile(r"^(?:\{(?P<brace>[a-z_]+)\}|\|(?P<bar>[a-z_]+)\|)(?P<path>.*)$", re.S)
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
FILE_FORMS = ("filename", "static", "attach")
# Cheap test before parsing: a body with none of these holds no address at all.
_MAY_REFER_RE = re.compile(r"\b(?:%s)\s*=" % "|".join(sorted(ADDRESS_ATTRIBUTES)), re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    tag: str
    attribute: str
    written: str  # the value as the HTML holds it, entities decoded


class _Addresses(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[Reference] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ADDRESS_ATTRIBUTES and value is not None:
                if name == "srcset":  # "a.jpg 1x, b.jpg 2x": each candidate's address
                    for candidate in value.split(","):
                        if candidate.strip():
                            self.found.append(Reference(tag, name, candidate.split()[0]))
                else:
                    self.found.append(Reference(tag, name, value.strip()))

    handle_startendtag = handle_starttag


def addresses(html: str) -> list[Reference]:
    """Every address in ``html``, in order (parsed: quoting, entities and case as a browser reads them)."""
    if not _MAY_REFER_RE.search(html):
        return []
    parser = _Addresses()
    parser.feed(html)
    parser.close()
    return parser.found


@dataclass
class Problem:
    written: str
    message: str
    fix: str


@dataclass
class Resolved:
    """What a body refers to: files to publish, sources it links to, and what is wrong."""

    static: set[str] = field(default_factory=set)  # rel paths of files copied as they are
    site_addresses: list[str] = field(default_factory=list)  # "/en/about/": checked once every page is planned
    sources: dict[str, str] = field(default_factory=dict)  # rel path of a linked source -> as written
    problems: list[Problem] = field(default_factory=list)


def target_path(source_dir: str, path: str) -> str | None:
    """``path`` (as written after ``{static}`` etc.) relative to the content folder; None if it leaves it."""
    path = unquote(unescape(urlsplit(path).path))
    rel = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(source_dir, path))
    if rel in (".", "") or rel == ".." or rel.startswith("../") or posixpath.isabs(rel):
        return None
    return rel


class References:
    """Resolves the references of every body against one :class:`ContentFiles`."""

    def __init__(self, files: ContentFiles):
        self.files = files

    def resolve(self, found: list[Reference], source_rel: str, *, photos_by_name: bool = False) -> Resolved:
        """What the addresses ``found`` in the body of the source at ``source_rel`` (relative to the
        content folder) refer to.

        ``photos_by_name``: images written by bare file name are the gallery's photos (checked there).
        """
        result = Resolved()
        source_dir = posixpath.dirname(source_rel)
        for ref in found:
            written = ref.written
            form = _FORM_RE.match(written)
            if form:
                self._file_form(form.group("brace") or form.group("bar"), form.group("path"), written, source_dir, result)
            elif written.startswith("/") and not written.startswith("//"):
                result.site_addresses.append(written)
            elif not written or written.startswith(("#", "/", "?")) or _SCHEME_RE.match(written):
                continue  # an address on this page or elsewhere (schemes: the HTML policy)
            elif photos_by_name and ref.tag == "img" and "/" not in written:
                continue
            else:
                result.problems.append(self._relative(ref, source_dir))
        return result

    def _file_form(self, what: str, path: str, written: str, source_dir: str, result: Resolved) -> None:
        if what not in FILE_FORMS:
            result.problems.append(Problem(written, f"is not a kind of link this site knows ({{{what}}}).",
                                           "link another item with {filename}, a file with {static} or {attach}."))
            return
        if not urlsplit(path).path:
            result.problems.append(Problem(written, "names no file.", f"write the file's path after {{{what}}}, e.g. {{{what}}}../2025/forum.en.md."))
            return
        rel = target_path(source_dir, path)
        if rel is None:
            result.problems.append(Problem(
                written, "leads outside the content folder; only files inside content/ can be linked or published.",
                "copy the file into content/files/ and link it as {static}/files/<name>.",
            ))
            return
        refusal = self.files.refusal(rel)
        if refusal is not None:
            guess = self.files.closest(rel) if refusal.message == "does not exist." else None
            fix = f"did you mean content/{guess}? Write {{{what}}}{self._relative_to(source_dir, guess)}." if guess else refusal.fix
            result.problems.append(Problem(written, f"leads to content/{rel}, which {refusal.message}", fix))
            return
        if what == "filename":
            if not rel.endswith(".md"):
                result.problems.append(Problem(written, f"leads to content/{rel}, which is not a page's source (.md).",
                                               f"link files with {{static}}: {{static}}{path}."))
                return
            result.sources[rel] = written
        else:
            if rel.endswith(".md"):
                result.problems.append(Problem(written, f"leads to content/{rel}, which is a page's source, not a file to copy.",
                                               f"link the page with {{filename}}: {{filename}}{path}."))
                return
            result.static.add(rel)

    @staticmethod
    def _relative_to(source_dir: str, rel: str) -> str:
        relative = posixpath.relpath(rel, source_dir or ".")
        return relative if not relative.startswith("../../..") else "/" + rel

    def _relative(self, ref: Reference, source_dir: str) -> Problem:
        written = ref.written
        rel = target_path(source_dir, written)
        name = urlsplit(written).path
        if ref.tag == "img":
            return Problem(written, "is a relative image address; pictures beside a page are not published.",
                           "put the picture in content/files/ and write ![description]({static}/files/"
                           f"{posixpath.basename(name)}), or show photos in a gallery (content/galleries/<name>/) "
                           "and name it in the Gallery field.")
        if name.endswith(".md") and rel is not None:
            return Problem(written, "is a relative link to a source file, which is not an address on the site.",
                           f"write {{filename}}{written} so that the build puts the page's address there.")
        return Problem(written, "is a relative address, which would lead elsewhere from each page that shows this text.",
                       "link another item with {filename}<path of its .md file>, a file with {static}, "
                       "or write the address from the site's root, e.g. /en/about/.")


# Folders of files the build makes besides pages (theme assets, photos, the search index).
GENERATED_FOLDERS = ("/theme/", "/media/", "/pagefind/")


def site_address_problem(written: str, known: set[str]) -> Problem | None:
    """Why ``written`` (an address from the site's root) is not one the site publishes, or None.

    ``known`` holds every published address: each page's (``/en/about/``), the file it is saved as
    (``/en/about/index.html``) and each file copied as it is (``/files/report.pdf``).
    """
    path = unquote(urlsplit(written).path)
    if path in known or path.startswith(GENERATED_FOLDERS):
        return None
    guess = difflib.get_close_matches(path, sorted(known), n=1, cutoff=0.8)
    fix = f"did you mean {guess[0]}?" if guess else "check the address on the built site, or link the item's file with {filename}."
    return Problem(written, "is not an address this site publishes.", fix)


def reference_line(path: str, written: str, fallback: int | None) -> int | None:
    """The first line of the source at ``path`` that holds ``written`` (for messages), else ``fallback``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if written in line or unescape(line).find(written) >= 0:
                    return number
    except OSError:
        pass
    return fallback

