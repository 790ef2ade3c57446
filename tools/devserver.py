"""The development server (``make devserver``): serve the site, rebuild on save, reload the browser.

    python tools/devserver.py [--host 127.0.0.1] [--port 8000] [--content content] [--output output]

* It builds once, as ``make html`` does but with ``STRICT_BUILD=False`` (a
  content error is printed and the server keeps going) and ``PREVIEW=True``
  (drafts and scheduled releases are shown, and listed as warnings).
* It serves the output folder over HTTP.  Every HTML page it sends gets one
  extra line, ``<script src="/theme/js/livereload.js">``; the built files do
  not contain it, and the script itself is not published (``IGNORE_FILES``).
  The script listens on ``/__livereload`` (Server-Sent Events, same origin,
  so the pages' Content-Security-Policy allows it) and reloads the page when
  a newer build is announced.
* A build that fails is announced too: the open pages reload and show, at
  their top, the build's error lines above the last good site (as other
  generators' development servers do), until a build succeeds.
* Each of its builds takes the build lock (plugins/outputs/lock.py) as ``make html``
  does, so a rebuild waits for a ``make html`` or an upload running beside it (it says so
  once), and never swaps a new site in while they read the output folder.  The new site
  replaces the served one in one atomic step: a page is always from one build.
* It watches the content folder and the theme and rebuilds in this process,
  so a rebuild costs no interpreter start, no imports and no template
  compilation (templates are kept compiled between builds).  A change to the
  plugins' code or to the settings file restarts the server process instead
  (imported code cannot be reloaded safely); the open pages reconnect and
  reload once its first build is served.
* A page asked for while a rebuild runs waits for it (at most ``REBUILD_WAIT`` seconds)
  and is then sent from the rebuilt site.

To keep a one-file edit fast (docs/performance.md, "The editor's loop"):

* each build renders and writes only the pages the change affects, and
  indexes for search only the languages whose pages changed
  (plugins/outputs/state.py, as every build does);
* each build is handed the memory of the one before (``Builder.memory``,
  plugins/incremental/memory.py): the items of unchanged sources and their
  Simplified conversions are reused, a page planned as before whose items
  digest as before keeps its fingerprint without it being computed again, the
  caches on disk are continued in memory and written after the reload;
* a rebuild swaps its pages in with the last search index and announces the
  reload first; the changed shards are indexed afterwards, in a thread that
  holds the build lock and swaps ``output/pagefind`` in one more atomic step
  (``SEARCH_IN_BACKGROUND``, plugins/search/later.py).  A search made
  meanwhile uses the previous index; a save meanwhile abandons that indexing
  (the next rebuild's covers both edits), so a reload never waits for it;
* the ``VTIMEZONE`` of the forum calendars is derived once per process
  (plugins/events/calendar.py), so rebuilds in this process reuse it.
"""

from __future__ import annotations

import argparse
import functools
import gc
import html
import http.server
import logging
import os
import queue
import signal
import sys
import threading
import time
import traceback
from urllib.parse import unquote, urlsplit


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = os.path.join(ROOT, "plugins")
if PLUGINS not in sys.path:
    sys.path.insert(0, PLUGINS)

EVENTS_PATH = "/__livereload"
SCRIPT_URL = "/theme/js/livereload.js"
SCRIPT_SOURCE = os.path.join(ROOT, "theme", "static", "js", "livereload.js")
HEARTBEAT = 15  # seconds between keep-alive comments on an idle event stream
IDLE_COLLECTION = 10  # seconds without a change after a build before the heap is collected whole
# The panel a failed build puts at the top of every page served; styled from the same origin (the
# pages' CSP forbids inline styles). Never published: only this server sends it.
ERROR_CSS_URL = "/__devserver/build-failed.css"
ERROR_CSS = b""".sl-build-failed { margin: 0; padding: 1rem; background: #fde8e8; color: #5c0b0b; border-bottom: 4px solid #b00020; }
.sl-build-failed__title { margin: 0 0 0.5rem; font-size: 1.1rem; font-weight: 700; }
.sl-build-failed__lines { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.9rem; }
"""
SHOWN_LINES = 40  # of a failed build's messages, in the page
REBUILD_WAIT = 10  # seconds a page asked for during a rebuild waits for it, at most (then the last site is sent)


# -- builds ----------------------------------------------------------------------------------


class Builder:
    """Builds the site in this process, the way ``pelican content -s pelicanconf.py`` does."""

    def __init__(self, settings_file: str, content: str, output: str, cache: str | None):
        self.settings_file = settings_file
        self.overrides = {
            "PATH": content,
            "OUTPUT_PATH": output,
            "STRICT_BUILD": False,
            "EXIT_WITHOUT_TEARDOWN": False,  # it builds in this process again and again
            "PREVIEW": True,
            "SEARCH_IN_BACKGROUND": True,  # a rebuild's pages are swapped in first, the index after (search.later)
        }
        if cache:
            self.overrides["CACHE_PATH"] = cache
        self.output = output
        self.builds = 0
        self.errors: list[str] = []  # what the last build printed about why it failed
        self.later = None  # the search index of the last build, made after its pages (search.later)
        from incremental.memory import BuildMemory

        self.memory = BuildMemory()  # what a rebuild reuses of the last one (items, conversions, fingerprints, compiled templates)

    def _instance(self):
        from pelican.settings import read_settings

        settings = read_settings(self.settings_file, override=dict(self.overrides))
        cls = settings["PELICAN_CLASS"]
        if isinstance(cls, str):
            module, name = cls.rsplit(".", 1)
            cls = getattr(__import__(module, fromlist=[name]), name)
        instance = cls(settings)
        instance.memory = self.memory
        return instance

    def build(self):
        """Build once.  Returns whether the build succeeded and put its output in place.

        Indexing for search that a last build left running is abandoned first (its lock given
        back): this build indexes what changed since the index in the output folder."""
        abandoned = self.stop_indexing()
        self.memory.flush()  # caches the last build changed, when nothing wrote them since
        self.builds += 1
        self.uncollected = True
        pelican = None
        printed = _Tee(sys.stderr)
        sys.stderr = printed  # the build's problem lines and tracebacks go to sys.stderr: keep a copy
        try:
            pelican = self._instance()
            pelican.run()
            committed = bool(getattr(pelican, "committed", False))
        except SystemExit:
            committed = bool(getattr(pelican, "committed", False))  # a check exited: its problems are printed
        except Exception:  # a template or plugin error: show it, keep serving the last good site
            traceback.print_exc()
            committed = False
        finally:
            sys.stderr = printed.stream
        self.errors = [] if committed else failure_lines(printed.text())
        self.later = getattr(pelican, "search_later", None) if committed else None
        if self.later is None and abandoned is not None:
            # this build left output/ as it was (failed, or found nothing changed): the abandoned
            # indexing is done again (it checks that output/ is still the site it indexes)
            self.later = abandoned.again()
        return committed

    uncollected = False  # whether a build ran since the last whole collection of the heap

    def collect(self) -> None:
        """Collect the cycles earlier builds left (the collector skips what they froze, outputs.build)."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.uncollected = False

    def start_indexing(self) -> None:
        """Once the last build's reload is announced: write the caches it changed (incremental.memory), then
        start the search indexing it left for after its reload, if any."""
        self.memory.flush()
        if self.later is not None:
            self.later.report = lambda line: print(f"devserver: {line}.", flush=True)
            self.later.start()

    def stop_indexing(self):
        """Abandon the search indexing under way, if any; returns it when it had not finished."""
        later, self.later = self.later, None
        if later is None:
            return None
        later.cancel()
        return later if later.abandoned else None


class _Tee:
    """A text stream that writes through to ``stream`` and keeps what was written."""

    def __init__(self, stream):
        self.stream = stream
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        self._parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def text(self) -> str:
        return "".join(self._parts)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def failure_lines(printed: str) -> list[str]:
    """What a failed build printed that says why: its error lines, else its last lines (a traceback)."""
    lines = [line for line in printed.splitlines() if line.strip()]
    errors = [line for line in lines if ": error: " in line or line.startswith("Build failed")]
    return (errors or lines or ["The build failed; see the terminal."])[-SHOWN_LINES:]


# -- serving ---------------------------------------------------------------------------------


class Announcer:
    """The number of the newest build, and a way to wait until it changes."""

    def __init__(self):
        self._changed = threading.Condition()
        self.current = f"{os.getpid()}-{int(time.time() * 1000)}-0"
        self._count = 0
        self.errors: list[str] = []  # the newest build failed: why (shown at the top of every page)
        self._settled = threading.Event()  # no rebuild under way
        self._settled.set()

    def rebuilding(self) -> None:
        """A rebuild starts: pages asked for meanwhile wait for it (``settled``)."""
        self._settled.clear()

    def settled(self, timeout: float) -> None:
        """Wait until no rebuild is under way (at most ``timeout`` seconds).

        A page asked for while the site is being rebuilt is the rebuilt one (a reload during a
        rebuild shows the change, not the site before it), and the request does not take the
        interpreter from the rebuild while it runs: a request handled meanwhile slowed a
        rebuild by up to a third when a page was asked for every 10 ms (docs/performance.md)."""
        self._settled.wait(timeout)

    def announce(self, errors: list[str] | None = None) -> None:
        with self._changed:
            self.errors = list(errors or [])
            self._count += 1
            self.current = f"{os.getpid()}-{int(time.time() * 1000)}-{self._count}"
            self._changed.notify_all()
        self._settled.set()

    def wait(self, seen: str, timeout: float) -> str:
        with self._changed:
            self._changed.wait_for(lambda: self.current != seen, timeout)
            return self.current


def inject(document: bytes, build: str, errors: list[str] | None = None) -> bytes:
    tag = f'<script src="{SCRIPT_URL}" data-build="{build}"></script>\n'.encode()
    at = document.rfind(b"</body>")
    document = document + tag if at < 0 else document[:at] + tag + document[at:]
    if errors:
        panel = (f'<link rel="stylesheet" href="{ERROR_CSS_URL}">\n'
                 '<section class="sl-build-failed" role="alert" lang="en">'
                 '<p class="sl-build-failed__title">The last build failed: this is the last good site. '
                 'Fix the problems below and save; the page reloads when the build succeeds.</p>'
                 f'<pre class="sl-build-failed__lines">{html.escape(chr(10).join(errors))}</pre></section>\n').encode()
        body = document.find(b"<body")
        start = document.find(b">", body) + 1 if body >= 0 else 0
        document = document[:start] + b"\n" + panel + document[start:]
    return document


class Handler(http.server.SimpleHTTPRequestHandler):
    announcer: Announcer  # set on the subclass the server makes
    quiet = True

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a reload always shows the newest build
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        if not self.quiet:
            super().log_message(format, *args)

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS_PATH:
            return self._events()
        if path == SCRIPT_URL:
            return self._send_file(SCRIPT_SOURCE, "text/javascript; charset=utf-8")
        if path == ERROR_CSS_URL:
            return self._send_bytes(ERROR_CSS, "text/css; charset=utf-8")
        self.announcer.settled(REBUILD_WAIT)  # a file of the site: from the rebuilt one when a rebuild runs
        page = self._html_file(path)
        if page is not None:
            return self._send_page(*page)
        return super().do_GET()

    def _html_file(self, path: str):
        """(file, status) of the HTML page to send for ``path``, or None for anything else."""
        local = self.translate_path(path)
        if os.path.isdir(local):
            if not path.endswith("/"):
                return None  # the base class redirects to the address with a slash
            local = os.path.join(local, "index.html")
        if local.endswith(".html") and os.path.isfile(local):
            return local, 200
        if not os.path.exists(local):  # as a static host would: the site's own "page not found" page
            first = path.strip("/").split("/")[0]
            candidates = [os.path.join(self.directory, first, "404.html")] if first else []
            for candidate in [*candidates, os.path.join(self.directory, "404.html")]:
                if os.path.isfile(candidate):
                    return candidate, 404
        return None

    def _send_page(self, local: str, status: int):
        build, errors = self.announcer.current, self.announcer.errors  # before reading: never a newer build's number
        try:
            with open(local, "rb") as handle:
                body = inject(handle.read(), build, errors)
        except OSError:
            return self.send_error(404)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_file(self, local: str, content_type: str):
        try:
            with open(local, "rb") as handle:
                body = handle.read()
        except OSError:
            return self.send_error(404)
        self._send_bytes(body, content_type)

    def _send_bytes(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = self.announcer.current
        try:
            self.wfile.write(f"retry: 1000\ndata: {seen}\n\n".encode())
            self.wfile.flush()
            while True:
                current = self.announcer.wait(seen, HEARTBEAT)
                if current != seen:
                    seen = current
                    self.wfile.write(f"data: {seen}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return  # the page was closed or reloaded


def listen(host: str, port: int, directory: str, announcer: Announcer, quiet: bool = True):
    """Bind the port (so that a busy port is reported at once); requests wait until ``start``."""
    handler = type("DevHandler", (Handler,), {"announcer": announcer, "quiet": quiet})
    server = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=directory))
    server.daemon_threads = True
    return server


def start(server) -> None:
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()


# -- watching --------------------------------------------------------------------------------


def watch(targets: list[tuple[str, bool]], changes: queue.Queue, stop: threading.Event, ignore) -> None:
    """Put every batch of changed paths on ``changes``; one thread per (folder, recursive)."""
    import watchfiles

    class Filter(watchfiles.DefaultFilter):
        def __call__(self, change, path):
            return super().__call__(change, path) and not ignore(path)

    def run(folder, recursive):
        for batch in watchfiles.watch(folder, watch_filter=Filter(), stop_event=stop, step=15,
                                      recursive=recursive, raise_interrupt=False):
            changes.put({path for _change, path in batch})

    for folder, recursive in targets:
        threading.Thread(target=run, args=(folder, recursive), name=f"watch {folder}", daemon=True).start()


# -- the command -----------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve the site, rebuild it on every change and reload open pages.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--content", default="content")
    parser.add_argument("--output", default="output")
    parser.add_argument("--settings", default=os.path.join(ROOT, "pelicanconf.py"))
    parser.add_argument("--cache", default=None, help="CACHE_PATH (default: the settings' own)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    content, output, settings_file = (os.path.abspath(p) for p in (args.content, args.output, args.settings))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    announcer = Announcer()
    try:
        server = listen(args.host, args.port, output, announcer, quiet=not args.verbose)
    except OSError as error:
        print(f"devserver: cannot listen on {args.host}:{args.port} ({error.strerror}). "
              f"Fix: stop the other server, or choose another port: make devserver PORT=8001", file=sys.stderr)
        return 1
    theme = os.path.join(ROOT, "theme")
    settings_dir = os.path.dirname(settings_file)

    def ignore(path: str) -> bool:
        name = os.path.basename(path)
        if name.endswith(("~", ".swp", ".swx", ".tmp")) or name.startswith((".#", "#")):
            return True  # editors' temporary files
        return os.path.dirname(path) == settings_dir and path != settings_file  # that folder: the settings only

    changes: queue.Queue = queue.Queue()
    stop = threading.Event()
    serving = False
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as cleanly as on Ctrl-C
    try:
        targets = [(content, True), (theme, True), (PLUGINS, True), (settings_dir, False)]
        watch([(folder, recursive) for folder, recursive in targets if os.path.isdir(folder)], changes, stop, ignore)
        builder = Builder(settings_file, content, output, args.cache)
        if not builder.build():
            announcer.announce(builder.errors)
        # Served only now: pages opened during the first build (or a restart) wait for it, then show it.
        start(server)
        builder.start_indexing()
        serving = True
        url = f"http://{args.host}:{server.server_address[1]}/"
        print(f"Serving {os.path.relpath(output)}/ on {url} (drafts and scheduled releases shown; Ctrl-C stops).", flush=True)
        while True:
            try:
                # Idle for a while after a build: the cycles that builds left are collected, in one pass over
                # the whole heap (0.35-0.45 s at N = 5 000); builds freeze what they leave instead (outputs.build).
                changed = changes.get(timeout=IDLE_COLLECTION if builder.uncollected else None)
            except queue.Empty:
                builder.collect()
                continue
            # An editor may save several files at once: the watcher already waits until 15 ms pass with
            # no change (its step) before it reports a batch; batches the other folders' watchers report
            # meanwhile are taken too.  (A second sleep of 30 ms here was a tenth of a rebuild at N = 1 000.)
            time.sleep(0.002)
            while not changes.empty():
                changed |= changes.get_nowait()
            if any(path == settings_file or path.startswith(PLUGINS + os.sep) for path in changed):
                print("devserver: the settings or a plugin changed: restarting.", flush=True)
                builder.stop_indexing()
                stop.set()
                server.shutdown()
                server.server_close()
                os.execv(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]])
            names = ", ".join(sorted(os.path.relpath(p) for p in changed)[:3]) + (" ..." if len(changed) > 3 else "")
            started = time.perf_counter()
            announcer.rebuilding()  # pages asked for from now on wait for this build (announce ends it)
            swapped = builder.build()
            announcer.announce(builder.errors)  # a failure too: the open pages reload and show why
            if swapped:
                print(f"devserver: {names} changed; rebuilt in {time.perf_counter() - started:.2f} s, reloading.", flush=True)
                builder.start_indexing()  # search follows the reload, and never delays it
            else:
                print(f"devserver: {names} changed; the build failed, the last good site is still served "
                      "with the errors at the top of each page.", flush=True)
                builder.start_indexing()  # the last good site's index, if a rebuild abandoned it
    except KeyboardInterrupt:
        print()
    finally:
        if "builder" in locals():
            builder.stop_indexing()
            builder.memory.flush()
        stop.set()
        if serving:
            server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
