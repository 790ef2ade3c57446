"""Measure the ways of indexing Chinese that issue 18 names, on the query set of tests/search_queries.py.

    .venv/bin/python tools/search_options.py --pagefind-1-6 PATH [--timing OUTPUT]

Builds tests/fixtures/search with the site's code, then, for each option, writes Pagefind documents
for the item pages of the built site, indexes them and runs every query in Chromium:

  A  as before issue 18: per language, the page's <main> then the same in the other script, Pagefind 1.5.2
  B  A's documents indexed by Pagefind 1.6.0 (PATH: its pagefind_extended, from npm @pagefind/linux-x64)
  C  A's documents with the Chinese text cut into words by jieba first (if jieba can be imported), 1.5.2
  D  per language, Chinese folded to Simplified (1.5.2 segments Simplified), the query folded the same way
  E  the design in use (plugins/search): one Chinese index, each Han character a word, through the search page

A to D are asked as the search page before issue 18 asked (Pagefind's search of the query as typed).
Prints precision at 10, recall and the traps listed (see tests/search_queries.py).  ``--timing OUTPUT``:
also the Pagefind time of each option's documents for the Chinese item pages of a built site
(``OUTPUT``, e.g. a benchmark's N = 1 000 output), one Pagefind run over all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

import pelicanconf  # noqa: E402
from search.documents import main_content  # noqa: E402
from search.pagefind import pagefind_executable  # noqa: E402
from search.text import Folding, page_text, search_document  # noqa: E402
from tests.helpers import build, environ  # noqa: E402
from tests.search_queries import QUERIES, summary  # noqa: E402

HTML_LANG = {"en": "en", "tc": "zh-Hant-HK", "sc": "zh-Hans"}
FOLDING = Folding(pelicanconf.SC_CONVERSION)
TEXT_RE = re.compile(r">([^<]+)<")

RAW_SEARCH = """async ([queries, table]) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.options({ baseUrl: '/' });
  await pagefind.init();
  const fold = (text) => Array.from(text).map((c) => table[c] || c).join('');
  const found = {};
  for (const query of queries) {
    const answer = await pagefind.search(fold(query));
    const data = await Promise.all(answer.results.map((result) => result.data()));
    found[query] = data.map((page) => page.url);
  }
  return found;
}"""
SETTLED = """() => { const root = document.querySelector('.js-search');
  const status = root.querySelector('.js-search-status').textContent;
  return (status && status !== root.dataset.searching) || !root.querySelector('.js-search-failure').hidden; }"""


def item_pages(output: Path, langs=("en", "tc", "sc")) -> dict[str, str]:
    """Every item page of a built site (press, forums, galleries, pages; not lists): its path -> <main>."""
    pages = {}
    for lang in langs:
        for path in sorted((output / lang).rglob("index.html")):
            rel = path.relative_to(output).as_posix()
            parts = rel.split("/")
            is_item = (parts[1] == "press" and len(parts) == 5 and parts[2].isdigit()) or (
                parts[1] in ("forums", "galleries") and len(parts) == 4) or (len(parts) == 3 and parts[1] not in ("search", "sitemap", "press", "forums", "galleries"))
            if is_item and not re.search(r"/page/\d+/", rel):
                main = main_content(path.read_text(encoding="utf-8"))
                if main is not None:
                    pages[rel] = main
    return pages


def old_document(lang: str, body: str, other: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head><meta charset="utf-8"></head>\n<body>\n'
            f'<main data-pagefind-body>{body}<div>{other}</div></main>\n</body>\n</html>\n')


def jieba_cut(html: str) -> str:
    import jieba

    return TEXT_RE.sub(lambda match: ">" + " ".join(word for word in jieba.cut(match.group(1)) if word.strip()) + "<", html)


def documents(option: str, pages: dict[str, str]) -> dict[str, str]:
    """The documents of one option: path -> HTML."""
    out = {}
    for rel, body in pages.items():
        lang = rel.split("/")[0]
        if option in ("A", "B", "C"):
            other = ""
            if lang == "tc":
                other = FOLDING.convert(body)
            elif lang == "sc":
                other = pages.get("tc/" + rel.split("/", 1)[1], "")
            document = old_document(lang, body, other)
            out[rel] = jieba_cut(document) if option == "C" and lang != "en" else document
        elif option == "D":
            out[rel] = old_document(lang, FOLDING.convert(body) if lang == "tc" else body, "")
        else:  # E, as plugins/search writes it (a Traditional page with its converted page)
            if lang == "sc" and ("tc/" + rel.split("/", 1)[1]) in pages:
                continue
            title, text = page_text(body, lang != "en")
            if lang == "en":
                out[rel] = search_document("en", title, text, meta={"title": title})
                continue
            converted = pages.get("sc/" + rel.split("/", 1)[1])
            shown_title, shown_text = page_text(converted, True) if converted else (title, text)
            variants = FOLDING.variants(f"{title}\n{text}", f"{shown_title}\n{shown_text}") if lang == "tc" else []
            out[rel] = search_document("zh", shown_title, shown_text, variants=variants,
                                       meta={"title": title, "text": text, "title_sc": shown_title},
                                       filters=[("tc", "y")] if lang == "tc" else [])
    return out


def index(option: str, docs: dict[str, str], folder: Path, binary: str) -> tuple[float, float]:
    """Write ``docs`` into ``folder/site`` and index them into ``folder/pagefind``; Pagefind's seconds (wall, CPU)."""
    site = folder / "site"
    for rel, html in docs.items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    began, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([binary, "--site", str(site), "--output-path", str(folder / "pagefind"), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - began, (now.ru_utime + now.ru_stime) - (used.ru_utime + used.ru_stime)


def ask_raw(browser, folder: Path, table: dict[str, str]) -> dict:
    """Every query through Pagefind's own search on a page of the query's language."""
    from tests.quality.server import serve

    for lang, html_lang in HTML_LANG.items():
        page = folder / lang / "search" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8"><title>s</title></head><body></body></html>',
                        encoding="utf-8")
    found = {}
    with serve(folder) as base_url:
        tab = browser.new_page()
        for lang in HTML_LANG:
            queries = [query for query in QUERIES if query.lang == lang]
            tab.goto(f"{base_url}/{lang}/search/")
            answers = tab.evaluate(RAW_SEARCH, [[query.text for query in queries], table])
            found.update({query: answers[query.text] for query in queries})
        tab.close()
    return found


def ask_site(browser, output: Path) -> dict:
    """Every query through the site's own search page."""
    from tests.quality.server import serve

    found = {}
    with serve(output) as base_url:
        tab = browser.new_page()
        for query in QUERIES:
            tab.goto(f"{base_url}/{query.lang}/search/?q={quote(query.text)}")
            tab.wait_for_function(SETTLED, timeout=10_000)
            while tab.locator(".js-search-more").is_visible():
                tab.locator(".js-search-more").click()
            found[query] = [link.get_attribute("href") for link in tab.locator(".sl-search__result h2 a").all()]
        tab.close()
    return found


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pagefind-1-6", required=True, help="Pagefind 1.6.0's pagefind_extended binary")
    parser.add_argument("--timing", help="a built site whose Chinese item pages each option indexes, timed")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from tests.quality.tools import CHROMIUM_FLAGS, chromium

    try:
        import jieba  # noqa: F401

        options = "ABCDE"
    except ImportError:
        options = "ABDE"
        print("jieba is not installed: option C left out", file=sys.stderr)
    binaries = {"A": pagefind_executable(), "B": args.pagefind_1_6, "C": pagefind_executable(), "D": pagefind_executable()}
    work = Path(tempfile.mkdtemp(prefix="search-options-"))
    try:
        shutil.copytree(ROOT / "tests" / "fixtures" / "search", work / "content")
        built = build(work / "content", work / "output", env=environ(SOURCE_DATE_EPOCH="1767196800"))
        assert built.returncode == 0, built.text
        pages = item_pages(work / "output")
        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
            for option in options:
                if option == "E":
                    found = ask_site(browser, work / "output")
                else:
                    folder = work / option
                    index(option, documents(option, pages), folder, binaries[option])
                    shutil.move(str(folder / "pagefind"), str(folder / "bundle"))
                    shutil.rmtree(folder / "site")
                    (folder / "bundle").rename(folder / "pagefind")
                    found = ask_raw(browser, folder, FOLDING.table if option == "D" else {})
                results[option] = summary(found)
                results[option]["missed"] = [f"{q.lang} {q.text}" for q, urls in found.items()
                                             if {q.url(n) for n in q.answers} - set(urls) or [u for u in urls[:10] if u not in {q.url(n) for n in q.answers}]]
            browser.close()
        if args.timing:
            chinese = item_pages(Path(args.timing), ("tc", "sc"))
            binaries["E"] = pagefind_executable()
            for option in options:
                began = time.process_time()
                docs = documents(option, chinese)
                making = time.process_time() - began
                seconds, cpu = index(option, docs, work / f"timing-{option}", binaries[option])
                results[option]["documents"] = len(docs)
                results[option]["making documents, CPU s"] = round(making, 2)
                results[option]["Pagefind, wall s"] = round(seconds, 2)
                results[option]["Pagefind, CPU s"] = round(cpu, 2)
                shutil.rmtree(work / f"timing-{option}")
        print(json.dumps(results, ensure_ascii=False, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
