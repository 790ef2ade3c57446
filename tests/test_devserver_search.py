"""The dev server's reload comes before search indexing, and the index catches up afterwards.

Pagefind is replaced (``PAGEFIND_BINARY_PATH``) by a script that, while a gate file exists,
waits before running the real Pagefind, and notes when it starts and when it has ended: the
edited page must be served while the rebuild's Pagefind is held at the gate, with the last
index still whole in ``output/pagefind``; once the gate opens, the index must become the one a
cold build of the same site writes.
"""

from __future__ import annotations

import signal
import stat
import time
from pathlib import Path

import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import build, environ, no_traceback, tree_digest
from tests.test_editor_workflow import DevServer, content  # noqa: F401 - the fixture

from search.later import LATER_FAULT_STEPS

WAIT = 180  # seconds before a test gives up waiting for something that should happen (not a speed limit)

GATED_PAGEFIND = """#!/bin/sh
: > "$FAKE_PAGEFIND_STARTED"
i=0
while [ -e "$FAKE_PAGEFIND_GATE" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
"$FAKE_PAGEFIND_REAL" "$@"
status=$?
: > "$FAKE_PAGEFIND_ENDED"
exit $status
"""


def real_pagefind() -> str:
    from pagefind_bin_extended import get_executable

    return str(get_executable())


class GatedServer(DevServer):
    """The dev server, with the gated Pagefind."""

    def __init__(self, content: Path, work: Path):
        self.gate, self.started, self.ended = work / "gate", work / "started", work / "ended"
        fake = work / "pagefind"
        fake.write_text(GATED_PAGEFIND, encoding="utf-8")
        fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
        super().__init__(content, work, env=environ(
            PAGEFIND_BINARY_PATH=str(fake), FAKE_PAGEFIND_REAL=real_pagefind(), FAKE_PAGEFIND_GATE=str(self.gate),
            FAKE_PAGEFIND_STARTED=str(self.started), FAKE_PAGEFIND_ENDED=str(self.ended), SOURCE_DATE_EPOCH=str(BUILD_EPOCH),
        ))

    def text(self) -> str:
        return "".join(self.log)

    def page(self, path: str) -> str:
        return self.get(path)[1]

    def gate_after_the_first_build(self) -> None:
        """Wait for the first build (cold: it indexes before it serves), then hold Pagefind at the gate."""
        assert self.ready.wait(WAIT), self.text()
        self.until(lambda: self.ended.exists(), "the first build's indexing")
        for marker in (self.started, self.ended):
            marker.unlink()
        self.gate.touch()

    def until(self, condition, what: str) -> None:
        deadline = time.monotonic() + WAIT
        while not condition():
            assert self.process.poll() is None, f"the dev server ended while waiting for {what}:\n{self.text()}"
            assert time.monotonic() < deadline, f"never happened: {what}\n{self.text()}"
            time.sleep(0.02)


def write_first(source: Path, original: str, sentence: str) -> None:
    """Save ``source`` as ``original`` with ``sentence`` first in its body."""
    head, sep, body = original.partition("\n\n")
    source.write_text(head + sep + sentence + "\n\n" + body, encoding="utf-8")


def stopped_equals_a_cold_build(server: GatedServer, content: Path, work: Path) -> None:
    """Stop the server: it printed no traceback, and its site is a cold build's, byte for byte."""
    server.stop()
    log = server.text()
    assert no_traceback(log), log
    cold = build(content, work / "cold", "PREVIEW=true", "STRICT_BUILD=false", cache=work / "cold-cache",
                 env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert cold.returncode == 0, cold.stderr
    assert tree_digest(server.output / "pagefind") == tree_digest(work / "cold" / "pagefind"), "the index is a cold build's"
    assert tree_digest(server.output) == tree_digest(work / "cold"), "and so is the whole site"


def test_the_reload_comes_before_search_indexing_and_the_index_catches_up(content, tmp_path):
    server = GatedServer(content, tmp_path)
    try:
        server.gate_after_the_first_build()
        before = tree_digest(server.output / "pagefind")
        source = content / "press" / "2025" / "beta.en.md"
        write_first(source, source.read_text(encoding="utf-8"), "Zanzibarquux appears in this edit.")

        server.until(lambda: "Zanzibarquux" in server.page("/en/press/2025/beta/"), "the edited page served")
        assert not server.ended.exists(), "the page was served only after the rebuild's search indexing ended"
        announced = len(server.log)
        server.until(lambda: server.started.exists(), "the rebuild's Pagefind started (after the reload)")
        assert tree_digest(server.output / "pagefind") == before, "meanwhile the last index is served, whole"
        assert not any("index updated" in line for line in server.log), server.text()

        server.gate.unlink()
        server.until(lambda: any("search: index updated" in line for line in server.log[announced:]), "the index updated")
        assert tree_digest(server.output / "pagefind") != before, "the index catches up with the edit"
    finally:
        server.stop()
    stopped_equals_a_cold_build(server, content, tmp_path)


def test_a_rebuild_meanwhile_abandons_the_indexing_and_indexes_both_edits(content, tmp_path):
    server = GatedServer(content, tmp_path)
    try:
        server.gate_after_the_first_build()
        source = content / "press" / "2025" / "beta.en.md"
        original = source.read_text(encoding="utf-8")
        write_first(source, original, "Quokkafirst was added.")
        server.until(lambda: "Quokkafirst" in server.page("/en/press/2025/beta/"), "the first edit served")
        server.until(lambda: server.started.exists(), "the first edit's Pagefind held at the gate")
        write_first(source, original, "Quokkasecond replaced it.")
        server.until(lambda: "Quokkasecond" in server.page("/en/press/2025/beta/"), "the second edit served")
        server.gate.unlink()
        server.until(lambda: any("search: index updated" in line for line in server.log), "the index updated")
        assert any("abandoned" in line for line in server.log), server.text()
    finally:
        server.stop()
    stopped_equals_a_cold_build(server, content, tmp_path)


def digest_or_none(folder: Path):
    try:
        return tree_digest(folder)
    except OSError:  # a file went in a swap while it was read
        return None


@pytest.mark.parametrize("step", LATER_FAULT_STEPS)
def test_a_kill_in_the_index_commit_leaves_a_site_that_catches_up_after_a_restart(content, tmp_path, step):
    killed = DevServer(content, tmp_path, env=environ(BUILD_FAULT=step, SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    try:
        assert killed.ready.wait(WAIT), "".join(killed.log)
        source = content / "press" / "2025" / "beta.en.md"
        write_first(source, source.read_text(encoding="utf-8"), "Wombatkilled was added.")
        assert killed.process.wait(timeout=WAIT) == -signal.SIGKILL, "".join(killed.log)
    finally:
        killed.stop()
    assert "Wombatkilled" in (killed.output / "en" / "press" / "2025" / "beta" / "index.html").read_text(encoding="utf-8")
    cold = build(content, tmp_path / "cold", "PREVIEW=true", "STRICT_BUILD=false", cache=tmp_path / "cold-cache",
                 env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH)))
    assert cold.returncode == 0, cold.stderr
    wanted = tree_digest(tmp_path / "cold")
    server = GatedServer(content, tmp_path)  # the gate stays open: Pagefind runs at once
    try:
        assert server.ready.wait(WAIT), server.text()
        server.until(lambda: digest_or_none(server.output) == wanted, "the site and its index equal to a cold build's")
    finally:
        server.stop()
    assert no_traceback(server.text()), server.text()
