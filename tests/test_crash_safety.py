"""Crash-safe, exclusive builds: output/ is at every instant the whole previous site or the whole new one.

A build killed at any step of its commit or of writing a cache (the ``BUILD_FAULT`` switch,
``incremental.cache.FAULT_STEPS``) leaves ``output/`` equal, byte for byte, to a cold build of the
sources before the edit or of those after it, and the next build equals a cold build.  Two builds
started together run one after the other.  A broken output folder is one line, a non-zero exit, the
site as it was and no folder left behind.
"""

from __future__ import annotations

import fcntl
import os
import re
import selectors
import shutil
import signal
import subprocess
import time

import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import FIXTURE_SETTINGS, PELICAN, ROOT, build, environ, fixture_content, no_traceback, tree_digest

from incremental.cache import FAULT_STEPS

COLD_STEPS = ("commit:start", "commit:swap", "commit:swapped", "commit:retiring")  # those a cold build reaches


def _edit(content):
    """One release's text changed, and a photo that was in the gallery's folder published."""
    alpha = content / "press" / "2024" / "alpha.en.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("## A subheading", "A sentence added later.\n\n## A subheading"), encoding="utf-8")
    for lang, alt in (("en", "A green field"), ("tc", "綠色的田")):
        index = content / "galleries" / "forum-a" / f"index.{lang}.md"
        index.write_text(index.read_text(encoding="utf-8") + f'\n![{alt}](unlisted.jpg "{alt}")\n', encoding="utf-8")


def _build(content, output, cache, *settings, **env):
    return build(content, output, *FIXTURE_SETTINGS, *settings, cache=cache, env=environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH), **env))


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """The sources before and after the edit, and the files of a cold build of each."""
    work = tmp_path_factory.mktemp("crash-safety")
    before, after = work / "before", work / "after"
    fixture_content(before)
    shutil.copytree(before, after)
    _edit(after)
    digests = []
    for content in (before, after):
        result = _build(content, work / content.name / "output", work / content.name / "cache")
        assert result.returncode == 0, result.text
        digests.append(tree_digest(work / content.name / "output"))
    assert digests[0] != digests[1]
    return before, digests[0], digests[1]


def _litter(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith((".staging-", ".retired-")))


def _killed_then_mended(references, tmp_path, step, *settings):
    before, old, new = references
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(before, content)
    assert _build(content, output, cache, *settings).returncode == 0
    _edit(content)
    killed = _build(content, output, cache, *settings, BUILD_FAULT=step)
    assert killed.returncode == -signal.SIGKILL, f"the build did not reach {step}:\n{killed.text}"
    now = tree_digest(output)
    assert now in (old, new), f"killed at {step}, output/ is neither the old site nor the new one"
    mended = _build(content, output, cache, *settings)
    assert mended.returncode == 0, mended.text
    assert tree_digest(output) == new
    assert not _litter(tmp_path)
    temporaries = [path.name for path in cache.rglob("*") if re.fullmatch(r".+\.\d+", path.name)]
    assert not temporaries, f"half-written cache files left: {temporaries}"


@pytest.mark.parametrize("step", FAULT_STEPS)
def test_a_rebuild_killed_at_each_step_leaves_the_old_or_the_new_site_and_the_next_build_is_a_cold_one(references, tmp_path, step):
    _killed_then_mended(references, tmp_path, step)


@pytest.mark.parametrize("step", COLD_STEPS)
def test_a_cold_build_over_a_site_killed_at_each_step_leaves_the_old_or_the_new_site(references, tmp_path, step):
    _killed_then_mended(references, tmp_path, step, "INCREMENTAL_OUTPUT=false")  # no manifest: every build cold


# -- two builds at once ---------------------------------------------------------------------------


class HeldLock:
    """The build lock of ``cache``, taken by the test as a build would take it."""

    def __init__(self, cache):
        cache.mkdir(parents=True, exist_ok=True)
        self.descriptor = os.open(cache / "build.lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(self.descriptor, fcntl.LOCK_EX)
        os.write(self.descriptor, f"{os.getpid()} {time.time():.0f}\n".encode())

    def release(self):
        os.close(self.descriptor)


def _command(content, output, cache, *settings):
    overrides = [*FIXTURE_SETTINGS, *settings, f'CACHE_PATH="{cache}"']
    return [*PELICAN, str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output), "--log-handler", "plain", "-e", *overrides]


def _wait_for_line(process, fragment: str) -> str:
    """The first line of ``process``'s stderr holding ``fragment`` (a safety limit, not a timing)."""
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    seen = []
    while selector.select(timeout=120):
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if fragment in line:
            return line
    raise AssertionError(f"no line with {fragment!r}: {seen}")


def test_two_builds_started_together_wait_in_turn_and_end_as_a_cold_build(references, tmp_path):
    before, old, _new = references
    output, cache = tmp_path / "output", tmp_path / "cache"
    held = HeldLock(cache)  # both start while a third build holds the lock: neither may touch anything
    env = environ(SOURCE_DATE_EPOCH=str(BUILD_EPOCH))
    builds = [
        subprocess.Popen(_command(before, output, cache), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        for process in builds:
            line = _wait_for_line(process, "waiting for")
            assert f"waiting for the build started at " in line and f"(pid {os.getpid()})" in line, line
        assert not output.exists()
    finally:
        held.release()
    for process in builds:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stdout + stderr
        assert no_traceback(stdout + stderr), stderr
    assert tree_digest(output) == old
    assert not _litter(tmp_path)


def test_without_waiting_a_second_build_ends_at_once_with_one_line(references, tmp_path):
    before, _old, _new = references
    output, cache = tmp_path / "output", tmp_path / "cache"
    held = HeldLock(cache)
    try:
        result = _build(before, output, cache, "BUILD_WAIT=false")
    finally:
        held.release()
    assert result.returncode == 1, result.text
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"is being built by the build started at " in lines[0] and f"(pid {os.getpid()})" in lines[0], result.stderr
    assert not output.exists() and not _litter(tmp_path)


def test_a_lock_left_by_a_build_that_died_does_not_block(references, tmp_path):
    before, old, _new = references
    output, cache = tmp_path / "output", tmp_path / "cache"
    dead = subprocess.Popen(["true"])
    dead.wait()
    cache.mkdir()
    (cache / "build.lock").write_text(f"{dead.pid} {time.time():.0f}\n")  # its file, no lock held
    result = _build(before, output, cache, "BUILD_WAIT=false")
    assert result.returncode == 0, result.text
    assert "waiting" not in result.text and tree_digest(output) == old


# -- a broken output folder ------------------------------------------------------------------------


@pytest.fixture
def built(references, tmp_path):
    """A site built once, and its sources edited since: the next build has something to put in place."""
    before, _old, _new = references
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(before, content)
    assert _build(content, output, cache).returncode == 0
    _edit(content)
    return content, output, cache


def _fails_in_one_line(built, tmp_path, *fragments, **env):
    content, output, cache = built
    before = tree_digest(output) if output.is_dir() else output.read_bytes()
    result = _build(content, output, cache, **env)
    assert result.returncode == 1, result.text
    assert no_traceback(result.text), result.text
    errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    assert len(errors) == 1, errors
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    assert "Fix: " in errors[0]
    assert (tree_digest(output) if output.is_dir() else output.read_bytes()) == before, "the visible site changed"
    assert not _litter(tmp_path)
    return errors[0]


def test_a_file_where_the_output_folder_goes(built, tmp_path):
    content, output, cache = built
    shutil.rmtree(output)
    output.write_text("not a folder")
    _fails_in_one_line(built, tmp_path, "output: error: is a file")


def test_a_full_disk_while_the_new_site_is_assembled(built, tmp_path):
    _fails_in_one_line(built, tmp_path, "the disk is full", BUILD_FAULT="commit:linking:ENOSPC")


def test_a_full_disk_while_the_manifest_is_written(built, tmp_path):
    _fails_in_one_line(built, tmp_path, "the disk is full", BUILD_FAULT="commit:manifest:ENOSPC")
    assert sorted(path.name for path in (tmp_path / "cache").iterdir() if "manifest" in path.name) == ["output-manifest.pickle"]


def test_a_disk_that_fills_up_while_pages_are_written(references, tmp_path):
    """A real full disk (a small tmpfs): the pages of the rebuild do not fit."""
    before, _old, _new = references
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root in a namespace that allows it)")
    try:
        content, output, cache = tmp_path / "content", disk / "output", disk / "cache"
        shutil.copytree(before, content)
        assert _build(content, output, cache).returncode == 0
        free = shutil.disk_usage(disk).free
        with open(disk / "filler", "wb") as handle:
            handle.write(b"\0" * (free - 40 * 1024))  # 40 KB left
        _edit(content)
        _fails_in_one_line((content, output, cache), disk, "the disk is full")
    finally:
        _unmount_below(tmp_path)


def test_the_staging_folder_removed_during_the_build(built, tmp_path):
    _fails_in_one_line(built, tmp_path, ".staging-", "disappeared during the build", BUILD_FAULT="commit:start:remove")


def _immutable(path, on: bool) -> bool:
    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize("part", ["pagefind", "en/press/2024/alpha/index.html"])  # a folder; the page the edit changes
def test_an_immutable_part_of_the_output(built, tmp_path, part):
    content, output, cache = built
    target = output / part
    if not _immutable(target, True):
        pytest.skip("chattr +i is not allowed here (needs CAP_LINUX_IMMUTABLE and ext2/3/4, xfs or btrfs)")
    try:
        _fails_in_one_line(built, tmp_path, f"output/{part}", "cannot be changed")
    finally:
        _immutable(target, False)


def _unmount_below(folder) -> None:
    """Unmount whatever is mounted below ``folder`` (a swap may have moved a mount point elsewhere in it)."""
    with open("/proc/mounts", encoding="utf-8") as handle:
        points = [line.split()[1] for line in handle]
    for point in reversed(points):
        if point.startswith(f"{folder}/"):
            subprocess.run(["umount", point], capture_output=True)


def test_a_read_only_part_of_the_output(built, tmp_path):
    """output/pagefind read-only: by its mode, or (root writes whatever the mode) by a read-only bind mount."""
    content, output, cache = built
    part = output / "pagefind"
    if os.geteuid() != 0:
        part.chmod(0o555)
        undo = [lambda: part.chmod(0o755)]
    else:
        mounted = subprocess.run(["mount", "--bind", str(part), str(part)], capture_output=True).returncode == 0
        undo = [lambda: _unmount_below(tmp_path)] if mounted else []
        if not mounted or subprocess.run(["mount", "-o", "remount,bind,ro", str(part)], capture_output=True).returncode != 0:
            for step in undo:
                step()
            pytest.skip("cannot make a read-only bind mount here")
    try:
        _fails_in_one_line(built, tmp_path, "output/pagefind", "cannot be changed")
    finally:
        for step in undo:
            step()


def test_an_output_folder_that_is_a_mount_point(built, tmp_path):
    """A folder something is mounted on cannot be renamed: the swap fails, and says why."""
    content, output, cache = built
    if subprocess.run(["mount", "--bind", str(output), str(output)], capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here")
    try:
        _fails_in_one_line(built, tmp_path, "output: error: cannot be replaced (a mount point")
    finally:
        _unmount_below(tmp_path)


def test_an_output_that_is_a_symbolic_link_stays_one(references, tmp_path):
    before, old, new = references
    content, real, output, cache = tmp_path / "content", tmp_path / "real" / "site", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(before, content)
    real.mkdir(parents=True)
    output.symlink_to(real)
    for digest in (old, new):
        if digest is new:
            _edit(content)
        result = _build(content, output, cache)
        assert result.returncode == 0, result.text
        assert output.is_symlink() and tree_digest(real) == digest
    assert not _litter(tmp_path) and not _litter(real.parent)


def test_a_worker_that_dies_while_rendering_is_one_line_and_the_site_is_left_as_it_was(references, tmp_path):
    """A forked worker killed mid-render (the out-of-memory killer, say): one line saying what happened
    and what to do, exit 1, no traceback, ``output/`` the old site; the next build mends it."""
    before, old, new = references
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(before, content)
    # every batch of pages forked, even this small site's; a cold build renders all of its pages in one
    # batch, which makes shares for two workers (a rebuild's few pages would be one share, rendered in-process)
    shared = ("BUILD_PARALLEL_FROM=1", "BUILD_WORKERS=2", "INCREMENTAL_OUTPUT=false")
    assert _build(content, output, cache, *shared).returncode == 0
    _edit(content)
    died = _build(content, output, cache, *shared, BUILD_FAULT="render:page:worker")
    assert died.returncode == 1, died.text
    assert no_traceback(died.text), died.text
    lines = [line for line in died.stderr.splitlines() if "a process of the build ended before its work did" in line]
    assert len(lines) == 1 and "Fix: build again" in lines[0] and "BUILD_WORKERS=1" in lines[0], died.text
    assert tree_digest(output) == old and not _litter(tmp_path)
    mended = _build(content, output, cache, *shared)
    assert mended.returncode == 0, mended.text
    assert tree_digest(output) == new
