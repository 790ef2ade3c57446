"""The HTML allowlist, text hygiene, header mistakes and limits of contract.reader (no build)."""

import pytest

from contract import htmlpolicy
from contract.problems import SourceError
from contract.reader import MAX_LINE_CHARS, SourceReader, split_header

MARKDOWN = {"extensions": ["markdown.extensions.extra", "markdown.extensions.sane_lists"], "output_format": "html"}
HEADER = "Title: T\nDate: 2025-07-30 14:30\n\n"  # the body starts on line 4


@pytest.fixture(scope="module")
def reader():
    return SourceReader(MARKDOWN)


def parse(reader, body: str, header: str = HEADER):
    return reader.parse((header + body).encode("utf-8"), "content/press/2025/x.en.md")


def problems(reader, body: str, header: str = HEADER) -> list[str]:
    with pytest.raises(SourceError) as caught:
        parse(reader, body, header)
    lines = [problem.format() for problem in caught.value.problems]
    for line in lines:
        assert "\n" not in line and "Fix: " in line
    return lines


# -- what passes ------------------------------------------------------------------------------

ORDINARY = """\
Set one = 1, and x < y > z; a && b; 5 > 3.

## A sub-heading

Some *emphasis*, **bold**, `code <script>` and a [page]({filename}../2024/alpha.en.md), a
[download]({static}/files/report.pdf), an [anchor](#part), [mail](mailto:info@example.gov.hk) and
[a phone](tel:+85212345678).

> A quotation.

1. one
    - nested
2. two

| Left | Right |
| :--- | ----: |
| a    | b     |

Term
: Definition

An abbreviation: HTML.[^note]

*[HTML]: HyperText Markup Language

[^note]: A footnote.

```
<iframe src="https://x"></iframe> javascript:alert(1)
```

![A chart](chart.png){: .wide #chart }

<div markdown="1" class="sl-note">
Raw HTML that is *allowed*: <abbr title="Digital Policy Office">DPO</abbr>, <kbd>Ctrl</kbd>, H<sub>2</sub>O,
<ruby>香<rp>(</rp><rt>hoeng1</rt><rp>)</rp></ruby>, <time datetime="2025-07-30">30 July</time>.
</div>

<!-- a comment for editors -->
"""


def test_ordinary_markdown_and_allowed_html_pass(reader):
    html, _, body_line = parse(reader, ORDINARY)
    assert body_line == 4
    assert "Set one = 1" in html
    assert "&lt;iframe" in html  # a code block shows it as text
    assert 'class="sl-align-right"' in html and "style=" not in html


def test_set_one_equals_one_is_prose(reader):
    parse(reader, "Set one = 1\n\nx onclick=1 and style=2 are words here.\n")


# -- every element, attribute and scheme that does not -----------------------------------------

REFUSED_TAGS = [
    "script", "noscript", "style", "iframe", "frame", "object", "embed", "applet", "video", "audio",
    "form", "input", "button", "select", "textarea", "label", "fieldset", "meta", "base", "link",
    "title", "svg", "math", "template", "marquee", "blink", "plaintext", "xmp", "canvas", "picture",
    "portal", "dialog", "slot", "noembed", "frameset",
]


@pytest.mark.parametrize("tag", REFUSED_TAGS)
def test_every_refused_element_is_an_error_naming_it_and_its_line(reader, tag):
    found = problems(reader, f"Text.\n\n<{tag} class=x>inside</{tag}>\n")
    assert any(f"x.en.md:6: error: the text contains <{tag}>" in line for line in found), found


@pytest.mark.parametrize("raw, name", [
    ('<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">', "meta"),
    ('<svg><script>alert(1)</script></svg>', "svg"),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "math"),
    ("<body onload=alert(1)>", "body"),
    ('<html lang="fr">', "html"),
    ("<SCRIPT>alert(1)</SCRIPT>", "script"),
    ('<scr<script>ipt>alert(1)</script>', "script"),
])
def test_refused_elements_in_any_disguise(reader, raw, name):
    found = problems(reader, f"Text.\n\n{raw}\n")
    assert any(f"the text contains <{name}>" in line for line in found), found


@pytest.mark.parametrize("attribute, expected", [
    ('style="color:red"', "<p> has a style attribute"),
    ('STYLE="color:red"', "<p> has a style attribute"),
    ('onclick="x()"', "<p> has the event handler 'onclick'"),
    ('onmouseover=x', "<p> has the event handler 'onmouseover'"),
    ('OnFocus="x"', "<p> has the event handler 'onfocus'"),
    ('data-x="1"', "'data-x' is not an attribute the text may give <p>"),
    ('hidden', "'hidden' is not an attribute the text may give <p>"),
    ('contenteditable', "'contenteditable' is not an attribute"),
    ('srcdoc="x"', "'srcdoc' is not an attribute"),
])
def test_refused_attributes_in_raw_html(reader, attribute, expected):
    found = problems(reader, f"Text.\n\n<p {attribute}>x</p>\n")
    assert any(f"x.en.md:6: error: {expected}" in line for line in found), found


@pytest.mark.parametrize("markdown, expected", [
    ('A paragraph.\n{: style="color:red" }', "<p> has a style attribute"),
    ('A paragraph.\n{: onclick="x()" }', "<p> has the event handler 'onclick'"),
    ('[x](https://example.org){: target="_blank" }', "'target' is not an attribute the text may give <a>"),
])
def test_attributes_added_with_attr_list(reader, markdown, expected):
    found = problems(reader, f"Text.\n\n{markdown}\n")
    assert any(expected in line for line in found), found


@pytest.mark.parametrize("href, scheme", [
    ("javascript:alert(1)", "javascript"),
    ("JavaScript:alert(1)", "javascript"),
    (" javascript:alert(1)", "javascript"),
    ("java&#x09;script:alert(1)", "javascript"),
    ("java&#10;script:alert(1)", "javascript"),
    ("&#106;avascript:alert(1)", "javascript"),
    ("&#x6A;&#x61;vascript&colon;alert(1)", "javascript"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data"),
    ("vbscript:msgbox(1)", "vbscript"),
    ("file:///etc/passwd", "file"),
    ("ftp://example.org/x", "ftp"),
])
def test_refused_schemes_in_raw_links(reader, href, scheme):
    found = problems(reader, f'Text.\n\n<p><a href="{href}">x</a></p>\n')
    assert any(f"uses '{scheme}:', which the site does not allow" in line and "x.en.md:6:" in line for line in found), found


@pytest.mark.parametrize("markdown, scheme", [
    ("[x](javascript:alert(1))", "javascript"),
    ("[x](data:text/html,hi)", "data"),
    ("![x](data:image/png;base64,AAAA)", "data"),
    ("[x][r]\n\n[r]: vbscript:x", "vbscript"),
    ('<blockquote cite="javascript:x">q</blockquote>', "javascript"),
])
def test_refused_schemes_in_markdown(reader, markdown, scheme):
    found = problems(reader, f"Text.\n\n{markdown}\n")
    assert any(f"uses '{scheme}:'" in line for line in found), found


@pytest.mark.parametrize("src", ["https://elsewhere.example/a.png", "http://elsewhere.example/a.png",
                                 "//elsewhere.example/a.png", " HTTPS://elsewhere.example/a.png"])
def test_images_from_another_host(reader, src):
    for body in (f"![A chart]({src.strip()})", f'<img src="{src}" alt="A chart">'):
        found = problems(reader, f"Text.\n\n{body}\n")
        assert any("is on another site: the site's security policy shows only its own images" in line
                   and "x.en.md:6:" in line for line in found), found


def test_unclosed_and_stray_html(reader):
    assert any("<b> opened in the text is not closed" in line for line in problems(reader, "<div>\nText <b>bold\n</div>\n"))
    assert any("closing tag with no matching opening tag" in line for line in problems(reader, "</div>\n\nText.\n"))
    assert any("<table> opened in the text is not closed" in line for line in problems(reader, "<table><tr><td>x</td></tr>\n\nText.\n"))
    assert any("<div> opened in the text is not closed" in line for line in problems(reader, "<div>\n<p>x</p>\n\nText.\n"))
    for raw in ("<![bogus[ x ]]>", "<select><p>x", "<textarea>x"):  # Python's tokenizer gives up; the rest swallowed
        found = [problem.format() for problem in htmlpolicy.check(raw, raw, "x.md", 3)]
        assert len(found) <= 1 and all("<select>" in line or "<textarea>" in line for line in found), found
    parse(reader, "<!-- never closed\n")  # Markdown writes it as text
    found = htmlpolicy.check("<p>x</p><!-- never closed", "<!-- never closed", "x.md", 3)  # should it pass through
    assert "x.md:3: error: the text opens an HTML comment (<!--) that it does not close" in found[0].format()


def test_a_scheme_in_disguise_is_found_on_its_line(reader):
    found = problems(reader, "Intro.\n\nSet one = 1.\n\n[x](JaVa&#x09;script:alert(1))\n")
    assert found[0].startswith("content/press/2025/x.en.md:8: error: <a> href=")


def test_the_line_is_the_markdown_line_of_the_tag(reader):
    found = problems(reader, "One.\n\nTwo.\n\nThree <iframe src=x></iframe>.\n\n<p style=x>s</p>\n")
    assert found[0].startswith("content/press/2025/x.en.md:8: error: the text contains <iframe>")
    assert found[1].startswith("content/press/2025/x.en.md:10: error: <p> has a style attribute")
    assert "Watch the video" in found[0]  # the video fix


def test_many_problems_of_one_file_are_reported_together(reader):
    found = problems(reader, "<script>x</script>\n\n<p style=x onclick=y>z</p>\n\n[a](javascript:b)\n")
    assert len(found) == 4
    found = problems(reader, "<font>x</font>\n\n" * 100)
    assert len(found) == 20 and found[-1].endswith("(80 more HTML problems in the file are not listed.) Fix: use Markdown, "
                                                   "or the HTML elements listed in docs/editing.md ('HTML in the text').")


# -- links to other sites --------------------------------------------------------------------


def test_links_to_other_hosts_are_marked(reader):
    html, _, _ = parse(reader, "See [the DPO](https://www.digitalpolicy.gov.hk/), <https://example.org/x>, "
                               "[ours](/en/about/), [a page]({filename}../2024/alpha.en.md) and [mail](mailto:a@b.hk).\n")
    assert html.count('rel="external noopener"') == 2
    assert html.count(htmlpolicy.MARK_HTML) == 2
    english = htmlpolicy.localize(html, "(external link)")
    assert ('<a href="https://www.digitalpolicy.gov.hk/" rel="external noopener">the DPO<span class="sl-visually-hidden" '
            'data-pagefind-ignore> (external link)</span></a>') in english
    chinese = htmlpolicy.localize(html, "（外部網站）")
    assert 'the DPO<span class="sl-visually-hidden" data-pagefind-ignore>（外部網站）</span></a>' in chinese
    assert htmlpolicy.MARK_HTML not in english + chinese


def test_external_links_written_in_html_are_marked_too(reader):
    html, _, _ = parse(reader, 'Text <a href="https://example.org/">x</a>, <A HREF="//example.org" title="t">y</A> and '
                               '<a href="/en/about/">ours</a>.\n\n<div markdown="1">\n[md](https://e.org) <a href="https://f.org">raw</a>\n</div>\n')
    assert f'<a href="https://example.org/" rel="external noopener">x{htmlpolicy.MARK_HTML}</a>' in html
    assert f'<A HREF="//example.org" title="t" rel="external noopener">y{htmlpolicy.MARK_HTML}</A>' in html
    assert f'<a href="https://f.org" rel="external noopener">raw{htmlpolicy.MARK_HTML}</a>' in html
    assert html.count(htmlpolicy.MARK_HTML) == 4 and '<a href="/en/about/">ours</a>' in html
    found = problems(reader, 'Text <a href="https://example.org/">never closed\n')  # what cannot be marked is an error
    assert any('the HTML link to "https://example.org/" leads to another site' in line and "[link text](https://example.org/)" in line
               for line in found), found


@pytest.mark.parametrize("url, expected", [
    ("https://x", "https"), ("HTTP://x", "http"), ("\x01 java\tscript:x", "javascript"), ("/a:b", None),
    ("a/b:c", None), ("{filename}../x.md", None), ("#x", None), ("mailto:a@b", "mailto"),
])
def test_scheme_as_browsers_read_it(url, expected):
    assert htmlpolicy.scheme(url) == expected


# -- text hygiene --------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe"])
def test_control_characters_anywhere_are_errors_naming_the_line(reader, char):
    in_title = problems(reader, "Body.\n", header=f"Title: A{char}B\nDate: 2025-07-30 14:30\n\n")
    assert in_title[0].startswith("content/press/2025/x.en.md:1: error: the line holds ")
    assert f"U+{ord(char):04X} at column 9" in in_title[0] or "U+FFFE" in in_title[0]
    in_body = problems(reader, f"One.\n\nTwo {char} three.\n")
    assert in_body[0].startswith("content/press/2025/x.en.md:6: error: the line holds ")
    # tabs and line ends of every kind are fine
    html, header, _ = reader.parse(b"Title: T\r\nDate: 2025-07-30 14:30\r\n\r\nA\tB\r\n", "x.en.md")
    assert header.fields["title"].value == "T" and "<p>A" in html and "B</p>" in html


def test_control_characters_on_many_lines_give_a_few_lines(reader):
    found = problems(reader, "x\x00\n" * 500)
    assert len(found) == 10 and "(490 more lines have one too)" in found[-1]


def test_a_byte_order_mark_is_named(reader):
    parse(reader, "Body.\n", header="\ufeff" + HEADER)  # at the start (Notepad's UTF-8): removed, fine
    parse(reader, "Body.\n", header="\ufeff---\n" + HEADER.rstrip("\n") + "\n---\n")
    found = problems(reader, "Body.\n", header="\ufeff\ufeff" + HEADER)  # two files joined, or saved twice
    assert found[0].startswith("content/press/2025/x.en.md:1: error: the line holds an invisible byte-order mark (U+FEFF) at column 1")
    found = problems(reader, "Body.\n", header="Title: T\n\ufeffDate: 2025-07-30 14:30\n\n")
    assert "x.en.md:2: error: the line holds an invisible byte-order mark" in found[0]


# -- header mistakes -----------------------------------------------------------------------------


@pytest.mark.parametrize("colon", ["：", "﹕"])
def test_a_full_width_colon_is_named(colon):
    for text, line in ((f"Title: T\nSummary{colon}一個摘要\n\nBody", 2), (f"Title{colon}標題\nDate: 2025-07-30 14:30\n\nBody", 1)):
        with pytest.raises(SourceError) as caught:
            split_header(text, "x.tc.md")
        message = caught.value.problems[0].format()
        assert message.startswith(f"x.tc.md:{line}: error: ")
        assert f"is followed by the full-width colon '{colon}'" in message
        assert "Fix: type the colon with the input method in English mode:" in message
    header, _, _ = split_header("Title:No space\nDate:2025-07-30 14:30\n\nBody", "x.md")  # no space needed
    assert header.fields["title"].value == "No space"


# -- pathological input --------------------------------------------------------------------------


@pytest.mark.parametrize("body, expected", [
    ("- " * 5000 + "x", "starts more than 50 quotes or lists inside one another"),
    ("1. " * 5000 + "x", "starts more than 50 quotes or lists inside one another"),
    ("\n".join("    " * depth + "- x" for depth in range(300)), "indented more than 400 columns"),
    ("x" * (MAX_LINE_CHARS + 1), f"the line is {MAX_LINE_CHARS + 1:,} characters long"),
    ("> " * 5000 + "deep", "starts more than 50 quotes or lists"),
    ("> - " * 2000 + "deep", "starts more than 50 quotes or lists"),
    ("<div>" * 300 + "x" + "</div>" * 300, "nests elements more than 100 deep"),
    ("*" * 5000 + "x" + "*" * 5000, "nests elements more than 100 deep"),
    ("_" * 300 + "x" + "_" * 300, "nests elements more than 100 deep"),
])
def test_pathological_bodies_give_one_line(reader, body, expected):
    found = problems(reader, body)
    assert len(found) == 1 and expected in found[0] and found[0].startswith("content/press/2025/x.en.md:"), found


def test_recursion_in_markdown_is_one_line(reader, monkeypatch):
    def deep(_text):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(reader._md, "convert", deep)
    found = problems(reader, "Body.\n")
    assert found == [found[0]] and "x.en.md:4: error: the text is nested too deep to convert" in found[0]


def test_a_failure_inside_markdown_is_one_line(reader, monkeypatch):
    def broken(_text):
        raise IndexError("list index out of range")

    monkeypatch.setattr(reader._md, "convert", broken)
    found = problems(reader, "Body.\n")
    assert found == ["content/press/2025/x.en.md:4: error: Markdown could not convert the text (IndexError: list index out of "
                     "range). Fix: find the part it cannot read (take out half of the text and build again), and tell a developer "
                     "this message."]


def test_a_conversion_that_does_not_end_is_stopped(reader, monkeypatch):
    import time

    import contract.reader as reader_module

    monkeypatch.setattr(reader_module, "CONVERT_SECONDS", 0.2)
    monkeypatch.setattr(reader._md, "convert", lambda _text: time.sleep(5))
    started = time.monotonic()
    found = problems(reader, "Body.\n")
    assert time.monotonic() - started < 2
    assert "took more than 0.2 seconds to convert" in found[0]


def test_the_parse_cache_is_keyed_on_the_html_policy_too(tmp_path, monkeypatch):
    import contract.reader as reader_module
    from contract.generator import parse_cache

    assert htmlpolicy.__file__ in reader_module.CODE_FILES
    policy = tmp_path / "htmlpolicy.py"  # stands for the module: its text changes, the key changes
    policy.write_text("ALLOWED = 1\n")
    monkeypatch.setattr(reader_module, "CODE_FILES", (reader_module.__file__, str(policy)))
    before = parse_cache({"MARKDOWN": MARKDOWN}).fingerprint
    policy.write_text("ALLOWED = 2\n")
    assert parse_cache({"MARKDOWN": MARKDOWN}).fingerprint != before
