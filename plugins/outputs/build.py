"""The build as a short list of stages, with an all-or-nothing output.

``SiteBuild`` is Pelican's ``PELICAN_CLASS`` for this project.  It runs the
same stages and signals as Pelican (context → all_generators_finalized →
output → finalized) with three differences:

* it holds the build lock (``outputs.lock``) while it runs, so a second
  build waits for it (or, with ``BUILD_WAIT = False``, ends at once);
* it writes into a fresh staging folder beside ``output/`` and puts the new
  site in place only when the build succeeded, whole, in one atomic swap of
  two folders (``outputs.state``), so a failed or killed build leaves the
  previous site exactly as it was and ``output/`` is never a mix of two;
  a fault of the output folder (a file in its place, read-only or immutable
  parts, a full disk) is one line naming the path and the fix;
* it prints every problem the content checks found, one line each, and
  exits non-zero when any is an error (``STRICT_BUILD``; the development
  server turns it off to keep watching);
* it runs only this project's generators and Pelican's static one.

With ``CHECK_ONLY`` (``make check``) it reads and plans the whole site, runs
every check, prints the problems and a one-line summary, and writes nothing:
no staging folder beside ``output/`` and no rendering (exit 1 on errors).
"""

from __future__ import annotations

import atexit
import dataclasses
import errno
import gc
import logging
import os
import re
import shutil
import sys
import tempfile
import time

from importlib import metadata

from pelican import Pelican
from pelican.plugins import signals

from incremental import BuildCache
from incremental.build_cache import CONTEXT_KEY
from incremental.fingerprint import Fingerprinter, Unfingerprintable
from incremental.workers import WorkerDied
from contract import check_site_addresses
from contract.generator import StaticFiles, parse_ahead
from contract.model import Site, build_date
from contract.problems import ERROR, Problem, ProblemLog

from .ledger import OutputLedger
from .lock import BuildBusy, BuildLock, LockUnavailable, lock_path
from .order import generator_problem, plugin_order_problem
from .state import LastBuild, OutputFault, OutputState, StaleWitness, code_fingerprint, fault_message, tree_stats

_QUOTED_RE = re.compile(r"'([^']+)'")
# Errors of the file system, not of the build, when writing the staging folder or a cache: one line each.
_FOLDER_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def located(problem: Problem) -> Problem:
    """``problem`` with the line of its source it is about, when the check gave none and it can be found.

    The line of the header field the problem names, else the first line that refers
    to the file name the message quotes (a photo of a gallery).  File-level problems
    (a file name, a missing translation) keep no line.
    """
    if problem.line is not None or not problem.path.endswith(".md") or not os.path.isfile(problem.path):
        return problem
    try:
        with open(problem.path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return problem
    header_end = next((index for index, text in enumerate(lines) if not text.strip()), len(lines))
    if problem.field:
        key = f"{problem.field.lower()}:"
        for number, text in enumerate(lines[:header_end], start=1):
            if text.lower().startswith(key):
                return dataclasses.replace(problem, line=number)
    for name in _QUOTED_RE.findall(problem.message):
        for number, text in enumerate(lines, start=1):
            if f"]({name}" in text:
                return dataclasses.replace(problem, line=number)
    return problem


# Libraries whose version changes what a page holds: a new version makes the next build cold.
OUTPUT_PACKAGES = ("pelican", "markdown", "jinja2", "babel", "opencc", "pillow", "pagefind", "icalendar")


def package_versions() -> dict[str, str]:
    versions = {}
    for name in OUTPUT_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return versions


class _ErrorCounter(logging.Handler):
    """Counts errors that Pelican or a library logs during the build."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _plain_handler() -> logging.Handler | None:
    """With ``--log-handler plain`` Pelican installs no handler, and relies on logging's last resort
    (warnings and errors, printed as they are).  The error counter the build adds would silence that
    last resort, and ``-v`` would show nothing more; so, for the build, records of the level Pelican
    was asked for (``-v``: INFO) are printed as they are to stderr.  None when a handler is there."""
    root = logging.getLogger()
    if root.handlers:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(min(logging.WARNING, logging.getLogger("pelican").getEffectiveLevel()))
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    return handler


class _StageTimer:
    """Seconds spent in each stage, logged at INFO level (``pelican -v`` shows them)."""

    def __init__(self):
        self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now

    def report(self) -> None:
        logging.getLogger(__name__).info("stages: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps))


_EXIT_REGISTERED = False


def _exit_without_teardown_once() -> None:
    """After a successful build, let the process end without freeing the model object by object.

    The ``pelican`` command has nothing left to do once the site is committed, but the
    interpreter's teardown frees every object of the model, the caches and the templates: about
    0.35 s of a 3.5 s rebuild with no change at N = 1 000 (docs/performance.md).  An ``atexit``
    handler (it runs only when the process is ending anyway) flushes the logs and the standard
    streams and ends the process with status 0.  Registered only after a build that succeeded,
    and never by the development server, which builds in-process again and again
    (``EXIT_WITHOUT_TEARDOWN`` is off there).
    """
    global _EXIT_REGISTERED
    if _EXIT_REGISTERED:
        return
    _EXIT_REGISTERED = True

    def leave() -> None:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(0)

    atexit.register(leave)


class SiteBuild(Pelican):
    def _get_generator_classes(self):
        generators = []
        for _receiver, values in signals.get_generators.send(self):
            values = values if isinstance(values, (list, tuple)) else (values,)
            generators.extend(v for v in values if v is not None)
        return [*generators, StaticFiles]  # Pelican's StaticGenerator, listing content/ safely

    committed = False
    # What the dev server keeps between its builds in one process (incremental.memory.BuildMemory; it sets
    # this on each build it makes); None for every other build, which starts from its disk caches only.
    memory = None

    def run(self):
        # The cyclic garbage collector is off while the build runs: the model only grows until the
        # end, and every pass of the collector walked all of it again (measured on one English edit:
        # 0.35-0.39 s of 3.3-3.4 s of CPU at N = 1 000, 2.4-2.7 s at N = 5 000).  Unreachable cycles
        # wait for the end of the build; forked workers collect their own garbage (incremental.workers).
        # It stays off when the process ends with the build (EXIT_WITHOUT_TEARDOWN): turned on, its
        # first pass would walk every object the build made (≈ 0.5 s at N = 5 000) for nothing.
        #
        # The dev server (a build memory) builds again and again in one process: what a build leaves is
        # frozen (gc.freeze) before the collector is turned on again, so that its first pass does not walk
        # the tens of thousands of objects the build made while the rebuilt page is being served (60-75 ms
        # at N = 5 000).  The next build unfreezes them; the dev server collects whole when idle
        # (tools/devserver.py), so that the cycles of earlier builds do not accumulate.
        collecting = gc.isenabled()
        gc.disable()
        if self.memory is not None:
            gc.unfreeze()
        try:
            self._run()
        finally:
            if collecting and not _EXIT_REGISTERED:
                if self.memory is not None:
                    gc.freeze()
                gc.enable()

    def _run(self):
        """The build, holding the build lock (``outputs.lock``) from start to end; a fault of the output
        folder, or another build holding the lock, is one line and a non-zero exit."""
        receivers, plugins = signals.get_generators.send(self), self.settings.get("PLUGINS")
        misordered = plugin_order_problem(plugins, receivers) or generator_problem(plugins, receivers)
        if misordered:  # checked before anything is touched: a wrong order would build a wrong site
            print(misordered, file=sys.stderr)
            if self.settings.get("STRICT_BUILD", True):
                raise SystemExit(1)
            return
        final = os.path.abspath(self.settings["OUTPUT_PATH"])
        if os.path.islink(final) and os.path.isdir(final):
            final = os.path.realpath(final)  # output/ links elsewhere: the site is swapped in there
        lock = BuildLock(
            lock_path(self.settings.get("CACHE_PATH"), final), wait=bool(self.settings.get("BUILD_WAIT", True)), output=os.path.relpath(final)
        )
        try:
            with lock:
                self._run_locked(final)
        except (BuildBusy, LockUnavailable, OutputFault) as problem:
            print(problem, file=sys.stderr)
            if self.settings.get("STRICT_BUILD", True):
                raise SystemExit(1) from None

    def _staging_folder(self, final: str) -> str:
        """A fresh staging folder beside ``final``, after removing those of builds that were killed
        (the lock is held: no other build is using one)."""
        if os.path.lexists(final) and not os.path.isdir(final):
            raise OutputFault(
                f"{os.path.relpath(final)}: error: is a file, not the site's folder. "
                f"Fix: move or delete it (the build makes the folder), then build again."
            )
        parent = os.path.dirname(final)
        try:
            os.makedirs(parent, exist_ok=True)
            for stale in os.listdir(parent):
                if stale.startswith((".staging-", ".retired-")):
                    shutil.rmtree(os.path.join(parent, stale), ignore_errors=True)
            return tempfile.mkdtemp(prefix=".staging-", dir=parent)
        except OSError as error:
            raise OutputFault(fault_message(error, final)) from None

    def _run_locked(self, final: str):
        started = time.perf_counter()
        check_only = bool(self.settings.get("CHECK_ONLY"))
        # CHECK_ONLY renders nothing, and planning writes nothing into the site (photos are encoded into
        # their cache only): the stages are given the output folder's name, and no folder is made.
        staging = final if check_only else self._staging_folder(final)
        self.output_path = self.settings["OUTPUT_PATH"] = staging
        state = None if check_only else OutputState(
            final, staging, self._manifest_dir(), self._code_fingerprint(), memory=self.memory, companions=self.settings.get("OUTPUT_COMPANIONS", ())
        )
        listed_ns = time.time_ns()
        inputs = {"content": tree_stats(self.settings["PATH"]), "theme": tree_stats(self.theme)}
        if state is not None and state.nothing_changed(inputs, build_date()):
            state.vouch()  # output/ checked file for file: the dev server's next build may trust it
            shutil.rmtree(staging, ignore_errors=True)
            self.output_path = self.settings["OUTPUT_PATH"] = final
            self._report_unchanged(state.previous_build.summary, final, started)
            return
        shown = _plain_handler()
        counter = _ErrorCounter()
        logging.getLogger().addHandler(counter)
        try:
            site = self._run_stages(write=not check_only, state=state, sources=inputs["content"])
        except BaseException as error:
            if not check_only:
                vanished = not os.path.isdir(staging)
                shutil.rmtree(staging, ignore_errors=True)
                if vanished:  # what failed was writing into it: say that, not the traceback
                    raise OutputFault(fault_message(FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), staging), final)) from None
            if isinstance(error, OSError) and error.errno in _FOLDER_FAULTS:  # a full disk, a read-only cache
                raise OutputFault(fault_message(error, final)) from None
            if isinstance(error, WorkerDied):  # killed, or out of memory: not a fault of the content
                raise OutputFault(
                    f"{os.path.relpath(final)}/: error: a process of the build ended before its work did (killed, or out of memory?). "
                    f"Fix: build again; if it happens again, give the build more memory or fewer processes "
                    f"(PELICANOPTS='-e BUILD_WORKERS=1'). The site was left as it was."
                ) from None
            raise
        finally:
            logging.getLogger().removeHandler(counter)
            if shown is not None:
                logging.getLogger().removeHandler(shown)
            self.output_path = self.settings["OUTPUT_PATH"] = final

        if check_only:
            self._report_check(site, counter.count)
            return
        site.log.print()
        errors = len(site.log.errors) + counter.count
        if errors:
            shutil.rmtree(staging, ignore_errors=True)
            print(
                f"Build failed: {errors} error(s) above; the site in {os.path.relpath(final)}/ was left as it was.",
                file=sys.stderr,
            )
            if self.settings.get("STRICT_BUILD", True):
                raise SystemExit(1)
            return
        state.last_build = LastBuild(
            inputs=inputs,
            listed_ns=listed_ns,
            build_date=site.build_date,
            horizon=min(site.future_dates, default=None),
            # a page with no revision of its own yet shows the build's date (i18n.render)
            clock=any(page.body is None and (page.revised is None or page.revised > site.build_date) for page in site.pages),
            summary={
                "pages": len(site.pages),
                "sources": sum(1 for i in site.items if not i.derived_from),
                "languages": len(site.languages),
                "problems": list(site.log.problems),
                "warnings": len(site.log.warnings),
            },
        )
        try:
            counts = state.commit()
        except StaleWitness:  # the dev server trusted output/ as it left it, and it was not: again, checking
            print(f"{os.path.relpath(final)}/ was not as the last build left it (a file removed by hand?): building again, checking every file.", file=sys.stderr)
            return self._run_locked(final)
        rebuilt = (
            f"; {state.rendered} rendered, the others unchanged; {counts['written']} files written, {counts['deleted']} deleted"
            if state.incremental
            else ""
        )
        self._report_built(state.last_build.summary, final, started, rebuilt)

    def _report_unchanged(self, summary: dict, final: str, started: float) -> None:
        """The closing of a build that found nothing changed: the last build's problems, then its counts."""
        ProblemLog(summary["problems"]).print()
        self._report_built(summary, final, started, " (nothing changed since the last build); 0 rendered, the others unchanged; 0 files written, 0 deleted")

    def _report_built(self, summary: dict, final: str, started: float, detail: str) -> None:
        """The closing line of a build that succeeded; then the process may end without its teardown."""
        self.committed = True  # the development server reloads the pages on this
        warnings = summary["warnings"]
        print(
            f"Built {summary['pages']} pages from {summary['sources']} sources in {summary['languages']} languages "
            f"into {os.path.relpath(final)}/ in {time.perf_counter() - started:.2f} s{detail}"
            + (f" ({warnings} warning(s) above)." if warnings else "."),
        )
        if self.settings.get("EXIT_WITHOUT_TEARDOWN"):
            _exit_without_teardown_once()

    def _report_check(self, site: Site, logged_errors: int) -> None:
        """``CHECK_ONLY``: every problem, pointed at its line where the check did not say, and a summary."""
        log = ProblemLog([located(problem) for problem in site.log.problems])
        log.print()
        shown = {problem.format(): problem.level for problem in log.problems}
        errors = sum(1 for level in shown.values() if level == ERROR) + logged_errors
        warnings = len(shown) - (errors - logged_errors)
        sources = sum(1 for item in site.items if not item.derived_from)
        summary = (
            f"Checked {_count(sources, 'source')} ({_count(len(site.pages), 'page')} planned): "
            f"{_count(errors, 'error')}, {_count(warnings, 'warning')}; nothing was written."
        )
        if errors:
            print(summary, file=sys.stderr)
            raise SystemExit(1)
        print(summary)

    def _manifest_dir(self) -> str | None:
        """Where the record of the last output is kept: beside the content caches (None: no rebuilds)."""
        if not self.settings.get("INCREMENTAL_OUTPUT", True) or not self.settings.get("CACHE_PATH"):
            return None
        return self.settings["CACHE_PATH"]

    def _code_fingerprint(self) -> str:
        """Plugins, theme (templates, catalogs), Pelican's version and the settings: what every page depends on."""
        fingerprinter = Fingerprinter()

        def describe(value) -> bytes:
            try:
                return fingerprinter.digest(value)
            except Unfingerprintable:
                return type(value).__qualname__.encode()

        roots = [os.path.join(self.theme, "templates"), os.path.join(self.theme, "translations")]
        roots += [path for path in self.settings.get("PLUGIN_PATHS", []) if os.path.isdir(path)]
        return code_fingerprint(roots, {**self.settings, "_VERSIONS": package_versions()}, describe)

    def _run_stages(self, write: bool = True, state: OutputState | None = None, sources: dict | None = None) -> Site:
        context = self.settings.copy()
        # The stages that write the site declare what they produce and reuse to the ledger (outputs.ledger);
        # the state behind it (the manifest, the commit) is the driver's alone.
        ledger = OutputLedger(state) if state is not None else None
        context["output_ledger"] = ledger
        memory = self.memory if state is not None else None
        if memory is not None:
            memory.begin(state.code, sources)
        # The build's caches, forked workers and the dev server's memory, which every stage asks for
        # (incremental.build_cache: keyed caches, file digests, compiled templates, cache folders).
        context[CONTEXT_KEY] = BuildCache(self.settings, memory, records_output=state is not None and state.cache is not None)
        context["generated_content"] = {}
        context["static_links"] = set()
        context["static_content"] = {}
        context["localsiteurl"] = self.settings["SITEURL"]
        site = Site.of(context)
        site.previous_output = state.final if state is not None and state.incremental else None
        generators = [
            cls(context=context, settings=self.settings, path=self.path, theme=self.theme, output_path=self.output_path)
            for cls in self._get_generator_classes()
        ]
        timer = _StageTimer()
        # 1. read every source into the model (parses the cache lacks first, on every core)
        parse_ahead(generators, context)
        for generator in generators:  # each a contract.BuildStage, or Pelican's StaticGenerator (checked at start-up)
            generator.generate_context()
        timer.lap("read")
        # 2. plan: translation groups, pages of every language, checks
        signals.all_generators_finalized.send(generators)
        check_site_addresses(site, context)  # every page is planned: links to site addresses resolve
        if ledger is not None:
            for rel in sorted(site.reused_files):  # files of the last output a content stage reuses as they are
                ledger.reused(rel)
        timer.lap("plan")
        # 3. render and write (skipped by the renderer when there are errors, and by CHECK_ONLY)
        if write and not site.log.errors:
            writer = self._get_writer()
            for generator in generators:
                written = generator.generate_output(writer)  # the files it wrote (the renderer and search declare their own)
                if ledger is not None:
                    for rel in written or ():
                        ledger.produced(rel)
            timer.lap("render and write")
            signals.finalized.send(self)
            timer.lap("index and finish")
        if memory is not None:
            memory.end(site, fingerprinted=write and not site.log.errors)
            logging.getLogger(__name__).info("memory: %s", ", ".join(f"{name} {count}" for name, count in memory.counts.items()))
        timer.report()
        return site
