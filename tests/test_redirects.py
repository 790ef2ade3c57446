"""Aliases: redirect pages at the old addresses of moved content (plugins/redirects)."""

from __future__ import annotations

import gzip
import re
import shutil
import sys

import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import FIXTURE_SETTINGS, ROOT, build, environ, fixture_content, no_traceback, tree_digest

sys.path.insert(0, str(ROOT / "plugins"))

from redirects.generator import AliasError, alias_url, redirect_page  # noqa: E402

BETA = "/en/press/2025/beta/"
ALIASES = {  # the old address -> the file written there
    "/en/press/2025/old-beta/": "en/press/2025/old-beta/index.html",
    "/en/news/beta.html": "en/news/beta.html",
    "/en/legacy-beta": "en/legacy-beta/index.html",
}


def add_header_line(path, line):
    """Insert ``line`` after the first line of a source's header."""
    text = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(f"{text[0]}\n{line}\n{text[1]}", encoding="utf-8")


@pytest.fixture(scope="module")
def aliased(tmp_path_factory):
    """The fixture site with aliases on an English release and on a Traditional Chinese one."""
    work = tmp_path_factory.mktemp("redirects")
    content = work / "content"
    fixture_content(content)
    add_header_line(content / "press/2025/beta.en.md", "Aliases: " + ", ".join(ALIASES))
    # delta has no .sc.md: its Simplified Chinese version is converted and moves with it
    add_header_line(content / "press/2025/delta.tc.md", "Aliases: /tc/press/2025/old-delta/")
    # as conftest.fixture_site builds the same content without the aliases
    result = build(content, work / "output", *FIXTURE_SETTINGS, env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert result.returncode == 0, result.text
    return result


def redirect_of(result, path):
    soup = result.page(path)
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    match = re.fullmatch(r"0; url=(\S+)", refresh)
    assert match, refresh
    return soup, match.group(1)


@pytest.mark.parametrize("alias", ALIASES)
def test_alias_of_a_release_leads_to_the_release(aliased, alias):
    assert (aliased.output / ALIASES[alias]).is_file()
    soup = aliased.page("/" + ALIASES[alias])
    target = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert target == f"0; url={BETA}"
    assert soup.find("link", rel="canonical")["href"] == BETA
    link = soup.body.find("a")
    assert link["href"] == BETA and link.get_text() == "Beta release only in English"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.html["lang"] == "en"
    assert soup.title.get_text() == "Beta release only in English"
    assert (aliased.output / BETA.strip("/") / "index.html").is_file()


def test_redirect_page_has_the_security_policy_of_every_page(aliased):
    def csp(soup):
        return soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]

    assert csp(aliased.page("/en/press/2025/old-beta/")) == csp(aliased.page(BETA))
    assert "<script" not in (aliased.output / ALIASES["/en/press/2025/old-beta/"]).read_text(encoding="utf-8")
    # and the site's icon, so that browsers do not ask for a /favicon.ico the site does not have
    icon = aliased.page("/en/press/2025/old-beta/").find("link", rel="icon")["href"]
    assert icon == aliased.page(BETA).find("link", rel="icon")["href"] and (aliased.output / icon.lstrip("/")).is_file()


def test_converted_version_moves_with_its_source(aliased):
    soup, target = redirect_of(aliased, "/tc/press/2025/old-delta/")
    assert target == "/tc/press/2025/delta/" and soup.html["lang"] == "zh-Hant-HK"
    soup, target = redirect_of(aliased, "/sc/press/2025/old-delta/")
    assert target == "/sc/press/2025/delta/" and soup.html["lang"] == "zh-Hans"
    assert not (aliased.output / "en/press/2025/old-delta").exists()


def test_redirect_pages_are_not_in_sitemaps_search_or_hreflang(aliased):
    redirects = {"old-beta", "news/beta.html", "legacy-beta", "old-delta"}
    for path in aliased.output.rglob("*"):
        if not path.is_file() or path.suffix in (".avif", ".webp", ".jpg", ".png", ".pagefind"):
            continue
        relative = path.relative_to(aliased.output).as_posix()
        if any(name in relative for name in redirects):
            continue  # the redirect pages themselves
        data = path.read_bytes()
        if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta"):
            data = gzip.decompress(data)
        for name in redirects:
            assert name.encode() not in data, f"{relative} mentions {name}"
    for alias in ALIASES:  # a redirect page names no translation
        soup = aliased.page("/" + ALIASES[alias])
        assert not soup.select('link[rel~="alternate"]')


def test_aliases_change_nothing_else(aliased, fixture_site):
    """Apart from the redirect pages, the site is the one built without aliases."""
    with_aliases = tree_digest(aliased.output)
    without = tree_digest(fixture_site.output)
    added = sorted(set(with_aliases) - set(without))
    expected = {*ALIASES.values(), "tc/press/2025/old-delta/index.html", "sc/press/2025/old-delta/index.html"}
    assert set(added) == expected
    assert not set(without) - set(with_aliases)
    # pagefind-entry.json: Pagefind writes its languages in a random order (see tests/test_publish.py)
    changed = sorted(path for path in without if without[path] != with_aliases[path] and path != "pagefind/pagefind-entry.json")
    assert changed == []


# -- bad aliases: one line each, naming file, line, field and fix; the build fails ---------------------
@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    work = tmp_path_factory.mktemp("redirects-bad")
    content = work / "content"
    fixture_content(content)
    result = build(content, work / "output")
    assert result.returncode == 0, result.text
    return work


@pytest.fixture
def site(built_once, tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(built_once / "content", content)
    shutil.copytree(built_once / "output", output)
    return content, output


def failing_build(site, aliases):
    content, output = site
    before = tree_digest(output)
    add_header_line(content / "press/2025/beta.en.md", f"Aliases: {aliases}")
    result = build(content, output)
    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text
    assert tree_digest(output) == before, "the previous output changed"
    return [line for line in result.stderr.splitlines() if ": error: " in line]


@pytest.mark.parametrize(
    "alias, message",
    [
        ("en/press/old/", 'Aliases: "en/press/old/" does not start with "/".'),
        ("/en/../tc/x/", 'Aliases: "/en/../tc/x/" contains "." or ".." parts.'),
        ("https://www.example.gov.hk/old/", 'Aliases: "https://www.example.gov.hk/old/" is a full web address'),
        ("/en/old.php", 'Aliases: "/en/old.php" ends in ".php"'),
        ("/en/old/?id=3", 'Aliases: "/en/old/?id=3" has a query'),
        ("/theme/old/", 'Aliases: "/theme/old/" is inside /theme/'),
        (BETA, f'Aliases: "{BETA}" is the present address of this item.'),
        ("/en/press/2024/alpha/", 'Aliases: "/en/press/2024/alpha/" is the address of '),
        ("/en/", 'Aliases: "/en/" is the address of the English home page'),
    ],
)
def test_bad_alias_is_one_line_with_file_line_field_and_fix(site, alias, message):
    errors = failing_build(site, alias)
    assert len(errors) == 1, errors
    assert errors[0].startswith(str(site[0] / "press/2025/beta.en.md") + ":2: error: " + message), errors[0]
    assert " Fix: " in errors[0]


def test_two_items_cannot_share_an_alias(site):
    content, _ = site
    add_header_line(content / "press/2024/alpha.en.md", "Aliases: /en/press/shared/")
    errors = failing_build(site, "/en/press/shared/")
    assert len(errors) == 1, errors
    assert "beta.en.md:2: error: Aliases:" in errors[0] and "is also an alias of" in errors[0] and "alpha.en.md" in errors[0]


# -- units --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "alias, url",
    [
        ("/en/press/2025/old/", "en/press/2025/old/"),
        ("/en/old.html", "en/old.html"),
        ("/en/OLD.HTM", "en/OLD.HTM"),
        ("/en/old", "en/old/"),
        ("/en/%E8%88%8A/", "en/舊/"),
        ("  /en/old/  ", "en/old/"),
    ],
)
def test_alias_url(alias, url):
    assert alias_url(alias) == url


@pytest.mark.parametrize("alias", ["/", "//host/x", "/a//b/", "/a b/", "/en/%2E%2E/x/", "/media/x/", "/pagefind/", "/x#top"])
def test_alias_url_refuses(alias):
    with pytest.raises(AliasError):
        alias_url(alias)


def test_redirect_page_escapes_title_and_address():
    html = redirect_page('<meta charset="utf-8">', "en", 'A "title" <b>', '/en/a"b/').decode()
    assert "A &quot;title&quot; &lt;b&gt;" in html and 'url=/en/a&quot;b/"' in html and "<b>" not in html


@pytest.mark.vnu
def test_redirect_pages_are_valid_html(aliased):
    """The Nu HTML Checker finds no error and no warning in the redirect pages."""
    import subprocess

    from tests.quality.tools import MissingTool, vnu_command

    try:
        command = vnu_command()
    except MissingTool as error:
        pytest.fail(str(error), pytrace=False)
    files = [str(aliased.output / path) for path in ALIASES.values()]
    files += [str(aliased.output / lang / "press/2025/old-delta/index.html") for lang in ("tc", "sc")]
    done = subprocess.run([*command, "--format", "gnu", *files], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), done.stdout + done.stderr
