"""Which HTML a body may publish: an allowlist of elements, attributes and link forms.

The check reads the body's final HTML (what Markdown wrote, raw HTML blocks and ``{: attr_list}``
attributes included) with a browser-grade HTML5 parser (Lexbor, through selectolax), so that it
sees the elements and attribute values a browser would build: entities decoded, case folded,
``<svg><script>`` found where it is.  Anything not on the lists is an error naming the element or
attribute, the line of the Markdown source it comes from, and the fix: the build never strips an
editor's text silently.

Links to other sites are allowed and marked for readers: ``rel="external noopener"`` and a
visually hidden label after the link text.  The mark is made when Markdown builds its tree
(:class:`ExternalLinks`), language-neutral, so that a parse can be cached on the file's bytes;
:func:`localize` writes the item's language's label into it afterwards.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as etree
from html import escape
from html.parser import HTMLParser

from markdown import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from selectolax.lexbor import LexborHTMLParser

from .problems import ERROR, Problem

# -- what is allowed -------------------------------------------------------------------------

GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir"})
TAG_ATTRIBUTES = {
    # text
    **dict.fromkeys(("p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "wbr", "div", "span", "pre",
                     "code", "kbd", "samp", "var", "em", "strong", "b", "i", "u", "s", "small", "mark",
                     "sub", "sup", "abbr", "dfn", "cite", "bdi", "bdo", "ruby", "rt", "rp", "address",
                     "figure", "figcaption", "summary", "dl", "dt", "dd", "ul", "caption", "thead",
                     "tbody", "tfoot", "tr"), frozenset()),
    "a": frozenset({"href", "rel", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "table": frozenset(),
    "colgroup": frozenset({"span"}),
    "col": frozenset({"span"}),
    "th": frozenset({"colspan", "rowspan", "scope", "headers", "abbr"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SCHEMES = ("http", "https", "mailto", "tel")
MAX_DEPTH = 100  # elements inside one another, counted from the body
MAX_PROBLEMS = 20  # listed for one file

# The language-neutral mark an external link gets while Markdown builds its tree (see localize).
MARK_ATTRIBUTE = "data-sl-external"
MARK_HTML = f'<span class="sl-visually-hidden" {MARK_ATTRIBUTE}=""></span>'

_VIDEO_FIX = (
    "link to it instead; for a video, a thumbnail picture linked to the video: "
    "[![What the video shows]({static}/files/video-thumbnail.jpg) Watch the video (5 minutes)](https://…) "
    "(docs/editing.md, 'Videos')."
)
# Elements that are not allowed, by why, with the fix: (tags, why, fix).
_REFUSED = [
    (("script", "noscript"), "scripts cannot run on the site's pages (its security policy blocks them)",
     "remove it; ask a developer if the page needs a script."),
    (("style",), "the site's security policy blocks styles written in a page",
     "remove it; use Markdown, or ask a developer for a theme class if a special layout is needed."),
    (("iframe", "frame", "frameset", "object", "embed", "applet", "video", "audio", "source", "track",
      "portal", "fencedframe"),
     "content from other sites cannot be embedded (the site's security policy blocks frames and plugins)",
     _VIDEO_FIX),
    (("form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend",
      "output", "datalist", "meter", "progress", "dialog", "search"),
     "forms and controls are not published in the text",
     "link to the form instead: [Register](https://…)."),
    (("meta", "base", "link", "html", "head", "body", "title"),
     "it changes the page as a whole (it can send visitors to another site or change where links lead)",
     "remove it."),
    (("svg", "math"), "drawings and formulas written in SVG or MathML can carry scripts",
     "use a picture file instead: ![what it shows]({static}/files/chart.png)."),
]
_WHY = {tag: (why, fix) for tags, why, fix in _REFUSED for tag in tags}
_ALLOWED_LIST = "Markdown, or the HTML elements listed in docs/editing.md ('HTML in the text')"

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_SPACE = "".join(map(chr, range(0x21)))  # what browsers strip around an address


def scheme(url: str) -> str | None:
    """The scheme of ``url`` as a browser reads it (lower case), or None for a relative address.

    Browsers drop the C0 controls and spaces around an address and every tab and line break in
    it, so ``" Java\\tScript:"`` is ``javascript:``.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(_URL_SPACE))
    match = _SCHEME_RE.match(cleaned)
    return match.group(1).lower() if match else None


def other_host(url: str) -> bool:
    """Whether ``url`` leads to another host: an absolute web address or a scheme-relative one."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(_URL_SPACE)).replace("\\", "/")
    return scheme(cleaned) in ("http", "https") or cleaned.startswith("//")


# -- marking links to other sites ----------------------------------------------------------------


class _MarkExternal(Treeprocessor):
    def run(self, root):
        for element in root.iter("a"):
            if other_host(element.get("href", "")) and not any(child.get(MARK_ATTRIBUTE) is not None for child in element):
                element.set("rel", "external noopener")
                mark = etree.SubElement(element, "span", {"class": "sl-visually-hidden", MARK_ATTRIBUTE: ""})
                mark.tail = None


class _RawLinks(HTMLParser):
    """Where to mark the links to other hosts written in raw HTML: (offset, text to insert) pairs.

    Python's tokenizer finds them; the allowlist check, reading as a browser does, then verifies
    that every link to another host ended up marked (a link this reading missed is an error).
    """

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0, *(index + 1 for index, char in enumerate(html) if char == "\n")]
        self.inserts: list[tuple[int, str]] = []
        self.open: list[bool] = []  # for each <a> open: whether it leads to another host

    def here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag != "a":
            return
        values = dict(attrs)
        external = other_host(values.get("href") or "")
        self.open.append(external)
        if external and "rel" not in values:
            text = self.get_starttag_text()
            end = self.here() + len(text) - (2 if text.endswith("/>") else 1)
            self.inserts.append((end, ' rel="external noopener"'))

    def handle_endtag(self, tag):
        if tag == "a" and self.open and self.open.pop():
            at = self.here()
            if not self.html[:at].endswith(MARK_HTML):  # a Markdown link: marked in the tree already
                self.inserts.append((at, MARK_HTML))


class _MarkRawExternal(Postprocessor):
    def run(self, text):
        if not self.md.htmlStash.rawHtmlBlocks or not re.search("<a", text, re.IGNORECASE):
            return text
        reader = _RawLinks(text)
        try:
            reader.feed(text)
            reader.close()
        except (AssertionError, ValueError):  # the check reports what stays unmarked
            return text
        for at, insert in sorted(reader.inserts, reverse=True):
            text = text[:at] + insert + text[at:]
        return text


class ExternalLinks(Extension):
    """Marks links to other hosts: Markdown's in its tree (after inline patterns have made them),
    raw HTML ones in the final text (after the raw HTML is put back)."""

    def extendMarkdown(self, md):
        md.treeprocessors.register(_MarkExternal(md), "sl_external_links", 5)
        md.postprocessors.register(_MarkRawExternal(md), "sl_external_raw_links", 25)


# Markdown's footnotes give each link back to the text an English title (its ``BACKLINK_TITLE``).
FOOTNOTE_BACK_RE = re.compile(r'(<a class="footnote-backref" href="#fnref[^"]*" title=")Jump back to footnote (\d+) in the text(")')


def localize(html: str, label: str, footnote_back: str = "") -> str:
    """``html`` with the words a parse leaves to the item's language (the parse is the same in every
    language) in that language: each external-link mark holding ``label``, and each footnote's
    link back titled ``footnote_back`` (with ``%(number)s``; when given).

    A label in Chinese (starting with a full-width bracket) follows the link text directly;
    another gets a space before it.
    """
    if footnote_back and "footnote-backref" in html:
        html = FOOTNOTE_BACK_RE.sub(lambda found: found[1] + escape(footnote_back % {"number": found[2]}, quote=True) + found[3], html)
    if MARK_HTML not in html:
        return html
    text = label if not label or label[0] > "\u2e7f" else f" {label}"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return html.replace(MARK_HTML, f'<span class="sl-visually-hidden" data-pagefind-ignore>{escaped}</span>')


# -- the check -----------------------------------------------------------------------------------


class _Lines:
    """Finds the source line a piece of HTML comes from: the line of the next occurrence of the given
    text (case-insensitive) after the one found last for it, else its first; else the body's first line."""

    def __init__(self, body: str, first_line: int):
        self.text = body.lower()
        self.first_line = first_line
        self.last: dict[str, int] = {}  # needle -> offset of its last occurrence found

    def find(self, *needles: str) -> int:
        for needle in needles:
            needle = needle.lower()
            if not needle:
                continue
            offset = self.text.find(needle, self.last.get(needle, -1) + 1)
            if offset < 0:
                offset = self.text.find(needle)
            if offset >= 0:
                self.last[needle] = offset
                return self.first_line + self.text.count("\n", 0, offset)
        return self.first_line


def _short(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


class _Checker:
    def __init__(self, path: str, body: str, body_line: int):
        self.path = path
        self.lines = _Lines(body, body_line)
        self.problems: list[Problem] = []
        self.seen: set = set()

    def add(self, where: tuple, message: str, fix: str) -> None:
        line = self.lines.find(*where)
        key = (line, message)
        if key not in self.seen:
            self.seen.add(key)
            self.problems.append(Problem(self.path, line, ERROR, None, message, fix))

    def element(self, node, depth: int) -> None:
        tag = node.tag
        if tag not in TAG_ATTRIBUTES:
            why, fix = _WHY.get(tag, (f"it is not one of the elements the text may use", f"use {_ALLOWED_LIST}."))
            self.add((f"<{tag}",), f"the text contains <{tag}>, which the site does not publish: {why}.", fix)
            return
        if depth == MAX_DEPTH:
            self.add((f"<{tag}",), f"the text nests elements more than {MAX_DEPTH} deep (lists, quotes or HTML inside one another).",
                     "write it with fewer levels inside one another.")
        allowed = TAG_ATTRIBUTES[tag]
        for name, value in node.attributes.items():
            value = value or ""
            if name in allowed or name in GLOBAL_ATTRIBUTES:
                if name in URL_ATTRIBUTES:
                    self.url(tag, name, value)
            elif name == MARK_ATTRIBUTE and tag == "span":
                continue
            elif name == "style":
                self.add(("style",), f"<{tag}> has a style attribute, which the site's security policy blocks.",
                         "remove it; table columns take their alignment from the colons of the Markdown table, "
                         "and a developer can add a theme class for a special layout.")
            elif name.startswith("on"):
                self.add((name,), f"<{tag}> has the event handler '{name}', a script, which the site's security policy blocks.",
                         "remove it.")
            else:
                others = ", ".join(sorted(allowed | GLOBAL_ATTRIBUTES))
                self.add((f"{name}=", name), f"'{name}' is not an attribute the text may give <{tag}>.",
                         f"remove it (<{tag}> may have {others}).")
        if tag == "a" and other_host(node.attributes.get("href") or "") and not self.marked(node):
            href = node.attributes["href"]
            self.add((href, "<a"), f'the HTML link to "{_short(href)}" leads to another site, and written in HTML it is '
                     "not marked as such for readers.", f"write it as a Markdown link: [link text]({_short(href)}).")

    @staticmethod
    def marked(node) -> bool:
        child = node.last_child
        return child is not None and child.tag == "span" and MARK_ATTRIBUTE in child.attributes

    def url(self, tag: str, name: str, value: str) -> None:
        found = scheme(value)
        if found is not None and found not in SCHEMES:
            rest = value.split(":", 1)[1].strip()  # found in the source when the scheme is written in disguise
            self.add((f"{found}:", value, rest if len(rest) > 3 else "", f"<{tag}"),
                     f'<{tag}> {name}="{_short(value)}" uses \'{found}:\', which the site does not allow.',
                     "link to a web address (https://…), an e-mail address (mailto:…), a phone number (tel:…) "
                     "or a page of the site ({filename}…).")
        elif tag == "img" and other_host(value):
            self.add((value, f"<{tag}", "!["),
                     f'the image "{_short(value)}" is on another site: the site\'s security policy shows only its own images.',
                     "save the picture in content/files/ and write ![what it shows]({static}/files/<its name>).")

    def closed(self, wrapper, end) -> None:
        """Whether the body closes what it opens: the mark placed after it must follow it directly."""
        if end is None:  # swallowed: by a comment left open, or an element already refused (<textarea>)
            if not self.problems:
                self.add(("<!--",), "the text opens an HTML comment (<!--) that it does not close, which would hide the rest of the page.",
                         "close the comment with -->.")
            return
        first, before = end.child, end.prev
        if end.parent.tag == "body" and before is not None and _is(before, "data-sl-body") and first is not None \
                and first.tag == "-text" and first.next is None:
            return
        inside = first if first is not None and first.tag != "-text" else end.parent
        if inside is not None and _is(inside, "data-sl-body"):  # moved out of what was left open (a <table>), or after it
            inside = end.next if end.next is not None else end.prev
        if inside is not None and inside.tag in TAG_ATTRIBUTES:
            tag = inside.tag
            self.add((f"<{tag}",), f"the HTML <{tag}> opened in the text is not closed, so it would run into the rest of the page.",
                     f"close it with </{tag}> where it should end.")
        elif inside is not None and inside.tag in ("body", "html"):
            self.add(("</",), "the text has an HTML closing tag with no matching opening tag, which would break the rest of the page.",
                     "remove the closing tag, or add its opening tag.")
        elif not self.problems:
            self.add(("<",), "the text has HTML that is not closed (an element, a comment or a tag), so it would run into the "
                     "rest of the page.", "close every HTML element, comment and tag you open, or write the text in Markdown.")


def check(html: str, body: str, path: str, body_line: int, raw_html: bool = True) -> list[Problem]:
    """Problems of the body's final ``html``, each on the line of ``body`` (the Markdown) it comes from.

    ``raw_html``: whether the body has HTML of its own (Markdown's own output needs no second reading
    for the start tags a tree builder drops).
    """
    if "<" not in html:
        return []
    checker = _Checker(path, body, body_line)
    tree = LexborHTMLParser(f"<!DOCTYPE html><div data-sl-body>{html}</div><p data-sl-end>.</p>")
    root = tree.root
    for name in ("html", "head", "body"):  # attributes an element in the text adds to the page's own
        node = root if name == "html" else getattr(tree, name)
        if node is not None and node.attributes:
            checker.add((f"<{name}",), f"the text contains <{name}>, which the site does not publish: {_WHY[name][0]}.", _WHY[name][1])
    for node in tree.head.iter(include_text=False):
        checker.element(node, 0)
    wrapper = tree.css_first("div[data-sl-body]")
    end = tree.css_first("p[data-sl-end]")
    stack = [(child, 1) for child in _children(wrapper)]
    while stack:
        node, depth = stack.pop()
        if node.tag in (None, "-comment", "-text") or _is(node, "data-sl-end"):
            continue
        checker.element(node, depth)
        if node.tag in TAG_ATTRIBUTES and depth < MAX_DEPTH:
            stack.extend((child, depth + 1) for child in _children(node))
    for node in _following(wrapper):
        if not _is(node, "data-sl-end") and node.tag not in (None, "-comment", "-text"):
            checker.element(node, 1)
    checker.closed(wrapper, end)
    present = {node.tag for node in root.traverse(include_text=False)} if raw_html else set()
    for tag in _start_tags(html) - present if raw_html else ():  # tags the tree builder drops (<frame> in a body): still not allowed
        if tag not in TAG_ATTRIBUTES:
            checker.element(_Dropped(tag), 1)
    found = sorted(checker.problems, key=lambda problem: problem.line)
    if len(found) > MAX_PROBLEMS:
        last = found[MAX_PROBLEMS - 1]
        more = f" ({len(found) - MAX_PROBLEMS} more HTML problems in the file are not listed.)"
        found = [*found[: MAX_PROBLEMS - 1], dataclasses.replace(last, message=last.message + more)]
    return found


class _Dropped:
    """An element the HTML5 tree builder leaves out (a start tag where it cannot be), for the checker."""

    attributes: dict = {}

    def __init__(self, tag: str):
        self.tag = tag


class _StartTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def _start_tags(html: str) -> set[str]:
    """The names of every start tag in ``html``, read by Python's tokenizer (which drops none)."""
    parser = _StartTags()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # a declaration Python's tokenizer gives up on: the tags read so far
        pass
    return parser.tags


def _is(node, mark: str) -> bool:
    return node.tag in ("div", "p") and mark in node.attributes


def _children(node):
    children = list(node.iter(include_text=False))
    children.reverse()  # popped from the end: in document order
    return children


def _following(node):
    sibling = node.next
    while sibling is not None:
        yield sibling
        sibling = sibling.next
