"""One timed build: a whole ``pelican`` subprocess.

The wall time runs from just before the process is started to just after it
is reaped, so it includes the interpreter's start-up and imports: what an
editor waits for.  Peak memory is measured two ways:

* ``max_rss_kib``: the maximum resident set size of the build process, read
  from ``os.wait4`` (the per-child form of ``getrusage(RUSAGE_CHILDREN)``,
  which would otherwise keep the maximum of every child the benchmark ever
  ran).  When the build starts worker processes (the photo pipeline does), the
  kernel reports the largest single process, not their sum;
* ``tree_rss_kib``: the largest sum of the memory of the build process and all
  its descendants, sampled every 100 ms from ``/proc`` (Linux only; a short
  peak between two samples can be missed).  Each process counts its
  proportional set size (PSS: a page shared by k processes counts 1/k in
  each), so pages that forked workers share with the parent count once.

The report uses the larger of the two.
"""

from __future__ import annotations

import compileall
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the project


class BuildFailed(RuntimeError):
    pass


@dataclass
class Run:
    seconds: float
    max_rss_kib: int  # the largest single process (wait4)
    status: int
    log: str  # path of the captured stdout+stderr
    tree_rss_kib: int = 0  # the largest sampled PSS sum over the process tree

    @property
    def peak_kib(self) -> int:
        return max(self.max_rss_kib, self.tree_rss_kib)


PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def _memory_kib(pid: int) -> int:
    """The process's proportional set size (shared pages split among their sharers), else its RSS.

    Forked workers share most of their pages with their parent; adding their
    RSS would count those pages once per process, adding PSS counts them once.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self):
        if not os.path.exists(f"/proc/{self.pid}"):
            return
        while not self._stop_event.is_set():
            pending, total = [self.pid], 0
            while pending:
                pid = pending.pop()
                total += _memory_kib(pid)
                pending += _children(pid)
            self.peak = max(self.peak, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def pelican_command() -> list[str]:
    """The ``pelican`` script beside this interpreter (the venv's), else ``python -m pelican``."""
    script = os.path.join(os.path.dirname(sys.executable), "pelican")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "pelican"]


def snapshot(dest: str, root: str = ROOT) -> str:
    """Copy what the build runs (settings, plugins, theme) to ``dest``; return ``dest``.

    Others edit the project while a benchmark runs; timing a copy taken at the
    start means every build of one run uses the same code.  pelicanconf.py finds
    its plugins and theme beside itself, so the copy is self-contained (the
    interpreter and libraries stay the venv's).
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    for name in SNAPSHOT_FILES:
        if os.path.exists(os.path.join(root, name)):
            shutil.copy2(os.path.join(root, name), os.path.join(dest, name))
    for name in SNAPSHOT_FOLDERS:
        shutil.copytree(os.path.join(root, name), os.path.join(dest, name), ignore=ignore, dirs_exist_ok=True)
    # compile now, so that the first timed build does not pay for writing the bytecode
    compileall.compile_dir(os.path.join(dest, "plugins"), quiet=1)
    compileall.compile_file(os.path.join(dest, "pelicanconf.py"), quiet=1)
    return dest


SNAPSHOT_FILES = ("pelicanconf.py", "requirements.txt")
SNAPSHOT_FOLDERS = ("plugins", "theme")


def ours_command(content: str, output: str, cache: str, *, root: str = ROOT, prefix: list[str] | None = None) -> list[str]:
    """The project's build, as the Makefile runs it, with the cache moved into the work folder.

    ``root`` holds pelicanconf.py (the project, or a snapshot of it).  Pelican
    keeps only the last ``-e``, so every override goes after one ``-e``.
    """
    base = prefix if prefix is not None else pelican_command()
    return [
        *base,
        content,
        "-s",
        os.path.join(root, "pelicanconf.py"),
        "-o",
        output,
        "--log-handler",
        "plain",
        "-e",
        f'CACHE_PATH="{cache}"',
    ]


def core_command(settings: str, *, prefix: list[str] | None = None) -> list[str]:
    base = prefix if prefix is not None else pelican_command()
    return [*base, "-s", settings, "--log-handler", "plain"]


# The builds' "now": after the corpus's last date (2026-12-20), so that every release is published
# whatever the clock says and two runs build the same site (core Pelican ignores it).
BUILD_EPOCH = "1798732800"  # 2027-01-01 00:00 Hong Kong time


def run(command: list[str], log: str, *, cwd: str = ROOT) -> Run:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["SOURCE_DATE_EPOCH"] = BUILD_EPOCH
    with open(log, "wb") as handle:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT, env=env)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        tree = sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped above; keep Popen from waiting again
    return Run(seconds=seconds, max_rss_kib=usage.ru_maxrss, status=process.returncode, log=log, tree_rss_kib=tree)


def checked(result: Run, what: str) -> Run:
    if result.status != 0:
        with open(result.log, encoding="utf-8", errors="replace") as handle:
            tail = "".join(handle.readlines()[-15:])
        raise BuildFailed(f"{what} exited with status {result.status}; last lines of {result.log}:\n{tail}")
    return result


def empty(*folders: str) -> None:
    """Remove ``folders`` (output, cache): the state of a cold build."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def count_files(folder: str, suffixes=(".html",)) -> int:
    total = 0
    for _, _, files in os.walk(folder):
        total += sum(1 for name in files if name.endswith(suffixes))
    return total


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".avif")


def photos_encoded(cache: str, output: str, since: float) -> int:
    """Photos a build encoded: photo cache entries (``<cache>/images/<key>/photo.json``) new since ``since``.

    The galleries plugin keeps one cache entry per encoded photo and reuses it
    for an unchanged photo.  With no such entry (a site without the cache), the
    image files new in the output (the theme's aside) are counted instead.
    """
    entries = 0
    for base, _dirs, files in os.walk(os.path.join(cache, "images")):
        if "photo.json" in files and os.stat(os.path.join(base, "photo.json")).st_mtime >= since:
            entries += 1
    if entries or os.path.isdir(os.path.join(cache, "images")):
        return entries
    total = 0
    for base, dirs, files in os.walk(output):
        if base == output:
            dirs[:] = [d for d in dirs if d != "theme"]
        for name in files:
            if name.lower().endswith(IMAGE_SUFFIXES) and os.stat(os.path.join(base, name)).st_mtime >= since:
                total += 1
    return total


def code_fingerprint(root: str = ROOT) -> str:
    """A hash of what decides the build's work: settings, plugins, theme, requirements.

    Other people change the project while a benchmark runs; comparing this before
    and after each size tells whether one run timed two versions of the code.
    """
    digest = hashlib.sha256()
    paths = [os.path.join(root, name) for name in SNAPSHOT_FILES]
    for folder in SNAPSHOT_FOLDERS:
        for base, dirs, files in os.walk(os.path.join(root, folder)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            paths += [os.path.join(base, name) for name in sorted(files) if not name.endswith(".pyc")]
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        digest.update(os.path.relpath(path, root).encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]
