"""Running Pagefind on the documents of one shard, in a process of its own."""

from __future__ import annotations

import os
import subprocess
import time


PAGEFIND_TIMEOUT = 300  # seconds; the sample site (97 pages) takes about 1.5


def pagefind_executable() -> str:
    """The extended Pagefind binary (it segments Chinese) of the pinned ``pagefind[extended]``
    packages, or ``PAGEFIND_BINARY_PATH`` as Pagefind's own wrapper reads it; ImportError when missing.

    The binary's own package is asked directly: ``pagefind.service`` would import asyncio and the
    service's client (≈ 35 ms of every build) only to ask it.
    """
    given = os.environ.get("PAGEFIND_BINARY_PATH")
    if given:
        return given
    from pagefind_bin_extended import get_executable  # ImportError: not installed

    try:
        return str(get_executable())
    except FileNotFoundError as error:  # the package without its binary
        raise ImportError(f"no Pagefind binary: {error}") from None


class PagefindRun:
    """One Pagefind process indexing the HTML files of ``folder`` into the bundle folder ``bundle``.

    The binary runs as its command-line tool, not through the Python package's service: the
    service reads its answers from the same pipe the binary prints warnings to, and a warning
    arriving at the wrong moment breaks the exchange (it failed so once in this project's benchmark
    runs, with a JSONDecodeError).  What it prints goes to a file (a pipe nobody reads while the
    build goes on could fill and stop it).  Raises ImportError when Pagefind is not installed.
    """

    def __init__(self, folder: str, bundle: str, said: str):
        command = [pagefind_executable(), "--site", folder, "--output-path", bundle, "--quiet"]
        self.started = time.perf_counter()
        self._said = open(said, "w+b")  # noqa: SIM115 - closed by wait() or kill()
        try:
            self.process = subprocess.Popen(command, stdout=self._said, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError:
            self._said.close()
            raise

    def done(self) -> bool:
        return self.process.poll() is not None

    def overdue(self) -> bool:
        return time.perf_counter() - self.started >= PAGEFIND_TIMEOUT

    def wait(self) -> None:
        """Wait for the end (at most ``PAGEFIND_TIMEOUT`` from the start); RuntimeError if it failed."""
        try:
            self.process.wait(timeout=max(0.0, PAGEFIND_TIMEOUT - (time.perf_counter() - self.started)))
        except subprocess.TimeoutExpired:
            self.kill()
            raise TimeoutError(f"pagefind ran for more than {PAGEFIND_TIMEOUT} s") from None
        self._said.seek(0)
        output = self._said.read()
        self._said.close()
        if self.process.returncode != 0:
            said = " ".join(output.decode("utf-8", "replace").split())[-300:]
            raise RuntimeError(f"pagefind exited with status {self.process.returncode}: {said}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._said.close()
