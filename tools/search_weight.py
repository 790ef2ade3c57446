"""What a visitor's first search costs: every file the search page asks for, gzip-compressed.

    .venv/bin/python tools/search_weight.py OUTPUT en "smart city" tc 資訊科技 …

Opens ``/<lang>/search/?q=<query>`` of the built site ``OUTPUT`` in Chromium with an empty cache,
waits for the results, and sums the files asked for by kind (each file's bytes as gzip -9 would
send them; Pagefind's own files are compressed already, and count as they are when smaller).
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTLED = """() => { const root = document.querySelector('.js-search');
  const status = root.querySelector('.js-search-status').textContent;
  return (status && status !== root.dataset.searching) || !root.querySelector('.js-search-failure').hidden; }"""


def kind(path: str) -> str:
    if path.endswith((".html", "/")):
        return "HTML"
    if path.startswith("/pagefind/"):
        name = path.rsplit("/", 1)[1]
        if name.endswith((".js",)) or name.startswith("wasm."):
            return "Pagefind's JS and WebAssembly"
        if name.endswith(".json"):
            return "search data (shards.json, fold.json, entries)"
        return "index (meta, chunks, filters, fragments)"
    if path.endswith(".js"):
        return "site JS"
    if path.endswith(".css"):
        return "CSS"
    return "other"


def weigh(output: Path, lang: str, query: str, browser, base_url: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    page.goto(f"{base_url}/{lang}/search/?q={quote(query)}")
    page.wait_for_function(SETTLED, timeout=20_000)
    results = page.locator(".sl-search__result").count()
    context.close()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in asked:
        file = output / unquote(path).lstrip("/")
        if file.is_dir() or path.endswith("/"):
            file = file / "index.html"
        if not file.is_file():
            continue
        data = file.read_bytes()
        size = min(len(data), len(gzip.compress(data, 9)))
        totals[kind(path)][0] += 1
        totals[kind(path)][1] += size
    return {"lang": lang, "query": query, "results shown": results,
            "requests": sum(count for count, _size in totals.values()),
            "KiB (gzip)": round(sum(size for _count, size in totals.values()) / 1024, 1),
            "by kind": {name: f"{count} files, {size / 1024:.1f} KiB" for name, (count, size) in sorted(totals.items())}}


def main(argv: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    from tests.quality.server import serve
    from tests.quality.tools import CHROMIUM_FLAGS, chromium

    output, pairs = Path(argv[0]), argv[1:]
    with serve(output) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        for lang, query in zip(pairs[::2], pairs[1::2]):
            print(json.dumps(weigh(output, lang, query, browser, base_url), ensure_ascii=False))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
