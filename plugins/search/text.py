"""What search reads of a page, and how Chinese is matched.

``page_text`` turns a page's ``<main>`` into its title and one plain text: the list furniture
left out (dates, "(with photos)", lists of other pages, the conversion notice), blocks and table
cells joined with the language's punctuation, tags with 、 in Chinese.  The search page shows its
excerpts from this text, so they read as the page does.

Chinese is matched in one script, Simplified (:class:`Folding`), so that a query in either script
finds a page in either: the index holds the Simplified text, and the search page folds the query
with the table of Traditional characters the index's texts use (written into the bundle,
``fold.json``).  Each Han character is indexed as a word of its own (:func:`spaced`), and the
search page asks for a query's characters as a phrase, so a query is found where its characters
stand together, and only there: 數據 does not find a page with 數 and 據 apart, whatever Pagefind's
dictionary knows.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape, unescape

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
# between two Han characters, nothing; around one, a zero-width space (a word break Pagefind keeps
# in the text it stores, so that the search page can show that text as it is)
SPACING_RE = re.compile(f"(?<=[{HAN}])(?=[^\\s\u200b])|(?<=[^\\s\u200b])(?=[{HAN}])")
WORD_BREAK = "\u200b"
# What separates the indexed text of a page from the other wordings folded Chinese may need
# (see Folding.variants); the search page shows what comes before it.
VARIANTS_MARK = "\u2e3b"

# Furniture: parts of a page's <main> that are not its text.
SKIPPED_CLASSES = frozenset({
    "sl-article__meta", "sl-entries", "sl-entry", "sl-notice", "sl-calendar-link", "sl-with-photos",
    "sl-entry__only", "sl-pagination", "sl-switcher", "sl-skip", "sl-photos",
})
SKIPPED_SECTIONS = frozenset({"forum-releases"})  # aria-labelledby of a section listing other pages
SKIPPED_TAGS = frozenset({"script", "style", "template", "picture", "img", "svg", "button", "nav", "form", "noscript"})
BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "blockquote", "tr", "caption",
    "pre", "div", "section", "article", "ul", "ol", "dl", "table", "figure", "header", "footer", "aside", "br", "hr",
})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


class Punctuation:
    """How one language joins what a page shows apart: blocks, table cells, a term and its value, tags."""

    def __init__(self, chinese: bool):
        self.chinese = chinese
        self.end = "。" if chinese else ". "
        self.cell = "、" if chinese else ", "
        self.label = "：" if chinese else ": "
        self.tag = "、" if chinese else ", "
        self.ends = "。！？；：，、…」』）》〉】”’.!?;:," if chinese else ".!?;:,…)\"'”’"

    def join(self, blocks: list[str]) -> str:
        out = []
        for block in blocks:
            if not block:
                continue
            if block[-1] in self.ends:
                out.append(block if self.chinese else block + " ")
            else:
                out.append(block + self.end)
        return "".join(out).strip()

    def label_of(self, text: str) -> str:
        """A label as the page writes it ("Tags:", "標籤:"), ended with the language's colon."""
        return text.rstrip(" :：") + self.label


SPACE_BETWEEN_HAN_RE = re.compile(f"(?<=[{HAN}，。、：；！？「」（）]) (?=[{HAN}，。、：；！？「」（）])")


def tidy(text: str) -> str:
    """White space as a reader sees it: runs of it one space, none between two Han characters."""
    text = " ".join(text.replace(WORD_BREAK, "").split())
    return SPACE_BETWEEN_HAN_RE.sub("", text) if " " in text else text


TOKEN_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<!--.*?-->|<[!?][^>]*>|([^<]+)|<", re.S)
CLASS_RE = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
LABELLED_RE = re.compile(r"""\baria-labelledby\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
HIDDEN_RE = re.compile(r"(?:^|\s)hidden(?:\s|=|$)")


def _attribute(pattern: re.Pattern, attributes: str) -> str:
    match = pattern.search(attributes)
    return next((group for group in match.groups() if group is not None), "") if match else ""


class _Reader:
    """Reads the blocks of a page's <main>, in order, with the furniture left out; the first <h1> is its title.

    A block's parts are kept as they come; ``label`` and ``glue`` say how the next part joins them:
    after a label ("Tags:", a term) or a separator (between cells, tags) it follows with no space.
    """

    def __init__(self, punctuation: Punctuation):
        self.punctuation = punctuation
        self.title: str | None = None
        self.blocks: list[str] = []
        self.parts: list[str] = []  # the block being read
        self.glued = False  # the next part follows the last one with no space
        self.in_title = False

    def text(self) -> str:
        return tidy("".join(self.parts))

    def flush(self) -> None:
        """The block being read is complete."""
        text = self.text() if self.parts else ""
        self.parts, self.glued = [], False
        if not text:
            return
        if self.in_title and self.title is None:
            self.title = text
        else:
            self.blocks.append(text)

    def separate(self, separator: str) -> None:
        """Before the next part of a block (a cell, a tag): the separator, if a part came before."""
        if self.glued:
            return
        text = self.text() if self.parts else ""
        if text:
            self.parts, self.glued = [text + separator], True

    def label(self) -> None:
        """What was read is a label: its value follows it."""
        text = self.text() if self.parts else ""
        self.parts, self.glued = ([self.punctuation.label_of(text)], True) if text else ([], False)

    def data(self, text: str) -> None:
        if self.glued:
            if not text.strip():
                return
            text, self.glued = text.lstrip(), False
        self.parts.append(text)

    def read(self, html: str) -> None:
        stack: list[tuple[str, str]] = []  # open elements: (tag, role)
        skipping = 0  # depth inside furniture
        for match in TOKEN_RE.finditer(html):
            closing, tag, attributes, text = match.groups()
            if text is not None:
                if not skipping:
                    self.data(unescape(text))
                continue
            if tag is None:
                continue  # a comment, a doctype, a stray "<"
            tag = tag.lower()
            if tag in VOID_TAGS:
                if tag in ("br", "hr") and not skipping:
                    self.flush()
                continue
            if not closing:
                classes = set(_attribute(CLASS_RE, attributes).split()) if "class" in attributes else set()
                role = ""
                if (skipping or tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES or HIDDEN_RE.search(attributes)
                        or ("aria-labelledby" in attributes and _attribute(LABELLED_RE, attributes) in SKIPPED_SECTIONS)):
                    skipping += 1
                    role = "skip"
                elif "sl-tags__label" in classes:
                    role = "label"
                elif "sl-tag" in classes:
                    self.separate(self.punctuation.tag)
                elif tag in ("td", "th"):
                    self.separate(self.punctuation.cell)
                elif tag == "dd":
                    role = "value"
                elif tag in BLOCK_TAGS:
                    self.flush()
                    if tag == "h1" and self.title is None:
                        self.in_title = True
                if not attributes.rstrip().endswith("/"):
                    stack.append((tag, role))
                continue
            if not any(open_tag == tag for open_tag, _role in stack):
                continue
            while stack:  # elements left open end with the one that encloses them
                open_tag, role = stack.pop()
                if role == "skip":
                    skipping -= 1
                elif not skipping:
                    if role == "label" or open_tag == "dt":
                        self.label()
                    elif open_tag in BLOCK_TAGS or role == "value":
                        self.flush()
                        if open_tag == "h1":
                            self.in_title = False
                if open_tag == tag:
                    break
        self.flush()


def page_text(main_html: str, chinese: bool) -> tuple[str, str]:
    """(title, text) of a page's ``<main>``: its first ``<h1>``, and the rest as one text."""
    reader = _Reader(Punctuation(chinese))
    reader.read(main_html)
    return reader.title or "", reader.punctuation.join(reader.blocks)


def spaced(text: str) -> str:
    """``text`` with a word break around every Han character: each is a word of the index."""
    return SPACING_RE.sub(WORD_BREAK, text)


@lru_cache(maxsize=8)
def _character_table(config: str) -> dict[str, str]:
    """Every Han character that OpenCC's ``config`` changes on its own into one other character."""
    import opencc

    converter = opencc.OpenCC(config)
    ranges = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
    characters = [chr(code) for start, end in ranges for code in range(start, end + 1)]
    converted = converter.convert("\n".join(characters)).split("\n")
    return {old: new for old, new in zip(characters, converted) if len(new) == 1 and new != old}


@lru_cache(maxsize=8)
def _translation(config: str) -> dict[int, str]:
    return {ord(old): new for old, new in _character_table(config).items()}


class Folding:
    """Chinese folded to Simplified, for matching only.

    ``convert`` is the site's own conversion (``SC_CONVERSION``, with phrases): the index holds a
    Traditional page's text as its Simplified page shows it.  ``fold`` changes one character at a
    time (the table the search page folds queries with), so a folded text lines up with the text
    it was folded from, character by character.  Where the two differ (a phrase the conversion
    words otherwise: 回覆 → 回复, 搜尋 → 搜索), :meth:`variants` gives the folded wording too, so
    that a query typed as the Traditional page writes it is found.
    """

    def __init__(self, config: str):
        self.config = config
        self._converter = None

    @property
    def table(self) -> dict[str, str]:
        return _character_table(self.config)

    @property
    def _translation(self) -> dict[int, str]:
        return _translation(self.config)

    def convert(self, text: str) -> str:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC(self.config)
        return self._converter.convert(text)

    def fold(self, text: str) -> str:
        return text.translate(self._translation)

    def used(self, text: str) -> set[str]:
        """The characters of ``text`` the table folds (what the search page needs of it)."""
        return set(text).intersection(self.table)

    def variants(self, source: str, converted: str) -> list[str]:
        """The folded wordings of ``source`` that its conversion ``converted`` does not hold:
        each differing run with a character either side (the whole text when their lengths differ)."""
        folded = self.fold(source)
        if folded == converted:
            return []
        if len(folded) != len(converted):
            return [folded]
        found, index = [], 0
        while index < len(folded):
            if folded[index] == converted[index]:
                index += 1
                continue
            end = index
            while end < len(folded) and folded[end] != converted[end]:
                end += 1
            found.append(folded[max(0, index - 1):end + 1])
            index = end
        return found


def search_document(index_lang: str, title: str, text: str, *, variants=(), meta=None, filters=()) -> str:
    """The HTML Pagefind reads for one record: its title (weighted as a heading) and text, in one
    paragraph so that Pagefind joins nothing itself; ``meta`` and ``filters`` outside the indexed part."""
    chinese = index_lang.split("-")[0] == "zh"
    end = "。" if chinese else "."
    if chinese:
        title, text = spaced(title), spaced(text)
    body = f'<span data-pagefind-weight="7">{escape(title, quote=False)}</span>{end} {escape(text, quote=False)}'
    if variants:
        joined = "。".join(spaced(variant) for variant in variants)
        body += f" {VARIANTS_MARK} {escape(joined, quote=False)}"
    extra = "".join(f'<div data-pagefind-meta="{escape(key)}">{escape(value, quote=False)}</div>'
                    for key, value in (meta or {}).items() if value)
    extra += "".join(f'<span data-pagefind-filter="{escape(key)}:{escape(value)}"></span>' for key, value in filters)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(index_lang)}">\n<head><meta charset="utf-8"></head>\n'
        f"<body>\n<main data-pagefind-body><p>{body}</p></main>\n{extra}\n</body>\n</html>\n"
    )
