"""The editor's loop: how long after a save the dev server serves the changed page.

For one corpus (``bench.corpus``, no galleries: the photos would only lengthen the
first build), ``tools/devserver.py`` is started on a free port over its own output
and cache folders and left to make its first (cold) build.  Then, ``rounds`` times
for each language edited, one release's source in that language is changed (a
token of its own put in its first paragraph) and the page is fetched over HTTP
every 10 ms until it holds the token: the time from the write to that response is
one sample.  After each sample the server is left to finish what follows (search
indexing): until it says how the indexing ended, then until its log has been quiet for a
second, so that samples do not overlap (an edit made while the last one's indexing runs
first waits for that indexing to be abandoned).

English edits are looked for on the release's English page; a Traditional Chinese
edit on its Simplified page, the last to be made (converted from the Traditional one).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

from . import corpus as corpus_module, runner

EDITS = (("en", "en", "en"), ("tc", "sc", "tc"))  # (source edited, page polled, label)
POLL = 0.01  # seconds between two fetches of the page
QUIET = 1.0  # the server's log unchanged for this long: it has finished with the edit
TIMEOUT = 120  # seconds: a page that never shows the change stops the measurement
INDEX_WAIT = 60  # seconds to wait for the line that ends an edit's search indexing


class Stuck(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(port: int, path: str) -> bytes:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        body = connection.getresponse().read()
        connection.close()
        return body
    except OSError:
        return b""


def _wait_indexed(log: str, process, since: int) -> None:
    """Wait until the server says how the search indexing that follows an edit ended (a line
    ``devserver: search: ...`` after byte ``since`` of its log): the indexing prints nothing while
    it runs, so a quiet log alone does not tell that it has ended (at N = 1 000 a Chinese edit's
    indexing takes longer than a second)."""
    started = time.monotonic()
    while True:
        with open(log, "rb") as handle:
            handle.seek(since)
            text = handle.read()
        # the line of this edit's rebuild, then the outcome of the indexing that followed it (an
        # indexing of the last edit abandoned by this rebuild says so before it)
        rebuilt = text.rfind(b" changed; rebuilt in ")
        if rebuilt >= 0 and b"devserver: search: " in text[rebuilt:]:
            return
        if process.poll() is not None:
            raise Stuck(f"the dev server ended (status {process.returncode}); see {log}")
        if time.monotonic() - started > INDEX_WAIT:
            return  # no indexing followed the edit: the quiet log is enough
        time.sleep(0.05)


def _wait_quiet(log: str, process) -> None:
    last, since = -1, time.monotonic()
    while time.monotonic() - since < QUIET:
        if process.poll() is not None:
            raise Stuck(f"the dev server ended (status {process.returncode}); see {log}")
        size = os.path.getsize(log)
        if size != last:
            last, since = size, time.monotonic()
        time.sleep(0.05)


def _edited(original: bytes, token: str) -> bytes:
    head, sep, body = original.partition(b"\n\n")
    return head + sep + f"{token} ".encode() + body


def measure(n: int, work: str, code_root: str, *, seed: int, rounds: int, say=print, keep: bool = False) -> dict:
    """Medians and samples (seconds) of the edit→served latency at ``n`` releases, per language edited."""
    folder = os.path.join(work, f"devserver-n{n}")
    shutil.rmtree(folder, ignore_errors=True)
    content = os.path.join(folder, "content")
    say(f"N={n}: dev server: writing the corpus in {content}")
    corpus = corpus_module.write(content, n, seed=seed)
    release = corpus.release_to_edit()
    year = release.date.year
    tools = os.path.join(code_root, "tools")
    port = _free_port()
    log = os.path.join(folder, "devserver.log")
    env = dict(os.environ, SOURCE_DATE_EPOCH=runner.BUILD_EPOCH)
    command = [sys.executable, "-u", os.path.join(tools, "devserver.py"), "--port", str(port),
               "--content", content, "--output", os.path.join(folder, "output"), "--cache", os.path.join(folder, "cache"),
               "--settings", os.path.join(code_root, "pelicanconf.py")]
    results: dict = {"pages": None, "edits": {}}
    with open(log, "wb") as handle:
        process = subprocess.Popen(command, cwd=code_root, stdout=handle, stderr=subprocess.STDOUT, env=env)
    try:
        started = time.monotonic()
        while b"Serving " not in open(log, "rb").read():
            if process.poll() is not None or time.monotonic() - started > 1800:
                raise Stuck(f"the dev server did not start; see {log}")
            time.sleep(0.1)
        _wait_quiet(log, process)
        results["pages"] = runner.count_files(os.path.join(folder, "output"))
        for source_lang, page_lang, label in EDITS:
            path = os.path.join(content, release.paths[source_lang])
            with open(path, "rb") as handle:
                original = handle.read()
            url = f"/{page_lang}/press/{year}/{release.name}/"
            if not _fetch(port, url):
                raise Stuck(f"the dev server does not serve {url}; see {log}")
            samples = []
            for number in range(1, rounds + 1):
                token = f"benchedit{label}{number}x{int(time.time() * 1000)}"
                wanted = token.encode()
                since = os.path.getsize(log)
                began = time.perf_counter()
                with open(path, "wb") as handle:
                    handle.write(_edited(original, token))
                while wanted not in _fetch(port, url):
                    if time.perf_counter() - began > TIMEOUT or process.poll() is not None:
                        raise Stuck(f"{url} did not show the edit of {release.paths[source_lang]}; see {log}")
                    time.sleep(POLL)
                samples.append(time.perf_counter() - began)
                say(f"  N={n}: {label} edit {number}: served after {samples[-1]:.2f} s")
                _wait_indexed(log, process, since)
                _wait_quiet(log, process)
            with open(path, "wb") as handle:
                handle.write(original)
            _wait_quiet(log, process)
            results["edits"][label] = {"median": statistics.median(samples), "samples": samples}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def table(sizes: dict) -> str:
    """The Markdown table of the medians: one row per language edited, one column per size."""
    ns = sorted(sizes, key=int)
    lines = ["| dev server, edit → served (median s) | " + " | ".join(f"N = {n}" for n in ns) + " |",
             "| --- |" + " ---: |" * len(ns)]
    for _, _, label in EDITS:
        row = []
        for n in ns:
            edit = sizes[n]["edits"].get(label)
            row.append(f"{edit['median']:.2f} ({min(edit['samples']):.2f}–{max(edit['samples']):.2f})" if edit else "–")
        name = {"en": "English edit, /en/ page", "tc": "Traditional Chinese edit, /sc/ page"}[label]
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    lines.append("| pages | " + " | ".join(str(sizes[n]["pages"]) for n in ns) + " |")
    return "\n".join(lines)


def run_all(size_list, work: str, code_root: str, *, seed: int, rounds: int, say=print, keep: bool = False) -> dict:
    tools = os.path.join(code_root, "tools")
    if os.path.abspath(code_root) != runner.ROOT:  # the snapshot's: the server of the code measured
        os.makedirs(tools, exist_ok=True)
        shutil.copy2(os.path.join(runner.ROOT, "tools", "devserver.py"), os.path.join(tools, "devserver.py"))
    sizes = {}
    for n in size_list:
        sizes[str(n)] = measure(n, work, code_root, seed=seed, rounds=rounds, say=say, keep=keep)
    return sizes

