"""What the previous build wrote, so that a rebuild writes only what changed.

Every build writes into a fresh staging folder beside ``output/``.  What it
puts there depends on what the last build left:

* **cold** (no usable manifest, or no ``output/``): every file is staged and
  the staging folder replaces ``output/`` with two renames (``swap_in``);
* **incremental**: a page whose render fingerprint (``contract.fingerprint``)
  equals the one recorded for the file in ``output/``, and whose file there
  still has the size and modification time recorded, is *kept*: not rendered,
  not written.  Everything else is staged.  On success each staged file that
  differs from the one in ``output/`` replaces it by an atomic rename,
  identical ones are left alone (their modification times too), and files of
  ``output/`` that this build neither kept nor staged are deleted.

Either way nothing in ``output/`` changes before the whole build succeeded; a
failed build leaves it as it was.  The manifest (``CACHE_PATH``/
``output-manifest.pickle``) names the output folder and the code it was
built with (plugins, templates, catalogs, settings): any change there makes
the next build cold.  The manifest is written after ``output/`` is complete,
and removed before it is changed, so a build killed half-way is followed by a
cold one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass

MANIFEST = "output-manifest.pickle"
MANIFEST_VERSION = 2
# Settings that name this build's folders, not what is in the pages.
VOLATILE_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH", "PATH"}


@dataclass(frozen=True)
class Record:
    fingerprint: bytes
    size: int
    mtime_ns: int


def swap_in(staging: str, final: str) -> None:
    """Replace ``final`` by ``staging`` with two renames on one file system."""
    if os.path.isdir(final):
        retired = tempfile.mkdtemp(prefix=".retired-", dir=os.path.dirname(final))
        os.rename(final, os.path.join(retired, "output"))
        os.rename(staging, final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, final)


def files_under(folder: str) -> set[str]:
    """Every file below ``folder``, as '/'-separated paths relative to it."""
    found = set()
    stack = [("", folder)]
    while stack:
        prefix, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((prefix + entry.name + "/", entry.path))
                else:
                    found.add(prefix + entry.name)
    return found


def tree_stats(folder: str) -> dict[str, tuple[int, int, int]]:
    """Every file below ``folder`` (symbolic links followed, as Pelican reads them): '/'-separated
    path -> (size, modification time in ns, inode).  Empty when the folder is missing."""
    found: dict[str, tuple[int, int, int]] = {}
    stack = [("", folder)]
    while stack:
        prefix, path = stack.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        stack.append((prefix + entry.name + "/", entry.path))
                    continue
                status = entry.stat()
            except OSError:
                continue
            found[prefix + entry.name] = (status.st_size, status.st_mtime_ns, status.st_ino)
    return found


@dataclass
class LastBuild:
    """What a build leaves for the next one to tell, without reading anything, that nothing changed.

    ``inputs``: the files of the content and the theme as they were when the build started;
    ``build_date``, ``horizon`` (the first date after it that some source carries: a forum
    becomes past, a scheduled release is published) and ``clock`` (whether some page shows the
    build's own date); ``summary``: what its closing line and its problem lines said.
    """

    inputs: dict
    build_date: object
    horizon: object
    clock: bool
    summary: dict


def same_file_content(a: str, b: str) -> bool:
    try:
        if os.path.samefile(a, b):
            return True
        if os.path.getsize(a) != os.path.getsize(b):
            return False
        with open(a, "rb") as first, open(b, "rb") as second:
            return first.read() == second.read()
    except OSError:
        return False


def code_fingerprint(roots: list[str], settings: dict, describe) -> str:
    """A digest of the code and settings every page depends on.

    ``roots``: folders whose files count (plugins, templates, catalogs); ``describe``:
    the fingerprint function for setting values (unknown types count by type name).
    """
    out = hashlib.blake2b(digest_size=16)
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".pyc", ".mo")):
                    continue
                path = os.path.join(dirpath, name)
                out.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as handle:
                    out.update(hashlib.blake2b(handle.read(), digest_size=16).digest())
    for key in sorted(settings):
        if key in VOLATILE_SETTINGS or not key.isupper():
            continue
        out.update(key.encode())
        out.update(describe(settings[key]))
    return out.hexdigest()


class OutputState:
    def __init__(self, final: str, staging: str, manifest_dir: str | None, code: str):
        self.final = final
        self.staging = staging
        self.code = code
        self.manifest_path = os.path.join(manifest_dir, MANIFEST) if manifest_dir else None
        self.previous: dict[str, Record] = {}
        self.previous_extra: dict = {}
        self.previous_build: LastBuild | None = None
        self.previous_outputs: dict[str, tuple[int, int, int]] = {}
        self.incremental = False
        self._load()
        self.last_build: LastBuild | None = None  # this build's, set before commit()
        self.outputs: dict[str, tuple[int, int, int]] = {}  # output/ as this build leaves it
        self.kept: set[str] = set()  # files of output/ this build keeps as they are
        self.fingerprints: dict[str, bytes] = {}  # page file -> fingerprint, kept or rendered
        self.extra: dict = {}  # what other stages want the next build to know (search: per-language digests)
        self.rendered = 0

    def _load(self) -> None:
        if not self.manifest_path or not os.path.isdir(self.final):
            return
        try:
            with open(self.manifest_path, "rb") as handle:
                stored = pickle.load(handle)
        except Exception:  # missing or damaged: a cold build
            return
        if stored.get("version") != MANIFEST_VERSION or stored.get("final") != self.final or stored.get("code") != self.code:
            return
        self.previous = stored["files"]
        self.previous_extra = stored.get("extra", {})
        self.previous_build = stored.get("last_build")
        self.previous_outputs = stored.get("outputs", {})
        self.incremental = True

    def nothing_changed(self, inputs: dict, build_date) -> bool:
        """Whether the last build's output is what this one would write, with nothing read or planned.

        True when the code and settings (checked on loading), every file of the content and the
        theme, and every file of ``output/`` are as the last build left them, and the clock has not
        passed a date that changes what is built: the same build date, or (when no page shows the
        build's own date) a later one still before the first date some source carries after it.
        """
        last = self.previous_build
        if not self.incremental or last is None or last.inputs != inputs:
            return False
        if build_date != last.build_date:
            if last.clock or build_date < last.build_date or (last.horizon is not None and build_date >= last.horizon):
                return False
        return bool(self.previous_outputs) and tree_stats(self.final) == self.previous_outputs

    # -- during the build ------------------------------------------------------------------
    def reusable(self, rel: str, fingerprint: bytes | None) -> bool:
        """Whether ``output/rel`` is what this build would write for a page with ``fingerprint``."""
        if fingerprint is None or not self.incremental:
            return False
        record = self.previous.get(rel)
        if record is None or record.fingerprint != fingerprint:
            return False
        try:
            status = os.stat(os.path.join(self.final, rel))
        except OSError:
            return False
        return status.st_size == record.size and status.st_mtime_ns == record.mtime_ns

    def keep(self, rel: str, fingerprint: bytes | None = None) -> None:
        self.kept.add(rel)
        if fingerprint is not None:
            self.fingerprints[rel] = fingerprint

    def staged(self, rel: str, fingerprint: bytes | None, rendered: bool = True) -> None:
        """``rel`` is written into the staging folder (``rendered``: from a template)."""
        self.rendered += rendered
        if fingerprint is not None:
            self.fingerprints[rel] = fingerprint

    def current(self, rel: str) -> str:
        """Where this build's version of ``rel`` is: staged, else kept in ``output/``."""
        staged = os.path.join(self.staging, rel)
        return staged if os.path.exists(staged) else os.path.join(self.final, rel)

    # -- after a successful build -------------------------------------------------------------
    def commit(self) -> dict[str, int]:
        """Put this build into ``output/``; return counts of files written, unchanged and deleted."""
        self._forget()
        if not self.incremental:
            written = len(files_under(self.staging))
            swap_in(self.staging, self.final)
            counts = {"written": written, "unchanged": 0, "deleted": 0}
            self.outputs = tree_stats(self.final)
        else:
            counts = self._merge()
        self._save()
        return counts

    def _merge(self) -> dict[str, int]:
        staged = files_under(self.staging)
        written = unchanged = 0
        replaced = set()
        for rel in sorted(staged):
            source = os.path.join(self.staging, rel)
            target = os.path.join(self.final, rel)
            if same_file_content(source, target):
                unchanged += 1
                continue
            _make_room(self.final, rel)
            os.replace(source, target)
            replaced.add(rel)
            written += 1
        wanted = staged | self.kept
        deleted = 0
        for rel in files_under(self.final) - wanted:
            os.unlink(os.path.join(self.final, rel))
            _remove_empty_parents(self.final, rel)
            deleted += 1
        shutil.rmtree(self.staging, ignore_errors=True)
        # output/ is now exactly the wanted files: those left alone as last recorded, the rest stat'ed
        self.outputs = {}
        for rel in wanted:
            known = self.previous_outputs.get(rel)
            if known is None or rel in replaced:
                try:
                    status = os.stat(os.path.join(self.final, rel))
                except OSError:
                    continue
                known = (status.st_size, status.st_mtime_ns, status.st_ino)
            self.outputs[rel] = known
        return {"written": written, "unchanged": unchanged + len(self.kept), "deleted": deleted}

    def _forget(self) -> None:
        if self.manifest_path and os.path.exists(self.manifest_path):
            os.unlink(self.manifest_path)

    def _save(self) -> None:
        if not self.manifest_path:
            return
        files = {}
        for rel, fingerprint in self.fingerprints.items():
            earlier = self.previous.get(rel)
            if rel in self.kept and earlier is not None and earlier.fingerprint == fingerprint:
                files[rel] = earlier  # checked against the file by reusable(), and left alone since
                continue
            try:
                status = os.stat(os.path.join(self.final, rel))
            except OSError:
                continue
            files[rel] = Record(fingerprint, status.st_size, status.st_mtime_ns)
        os.makedirs(os.path.dirname(self.manifest_path), exist_ok=True)
        temporary = f"{self.manifest_path}.{os.getpid()}"
        with open(temporary, "wb") as handle:
            pickle.dump(
                {
                    "version": MANIFEST_VERSION,
                    "final": self.final,
                    "code": self.code,
                    "files": files,
                    "extra": self.extra,
                    "last_build": self.last_build,
                    "outputs": self.outputs if self.last_build is not None else {},
                },
                handle,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        os.replace(temporary, self.manifest_path)


def _make_room(root: str, rel: str) -> None:
    """Make ``root/rel`` writable as a file: its folders exist, and no file or folder is in the way."""
    folder = root
    for part in rel.split("/")[:-1]:
        folder = os.path.join(folder, part)
        if os.path.isfile(folder) or os.path.islink(folder):
            os.unlink(folder)  # a page that was a file is now a folder of pages
        if not os.path.isdir(folder):
            os.makedirs(folder)
    target = os.path.join(root, rel)
    if os.path.isdir(target) and not os.path.islink(target):
        shutil.rmtree(target)


def _remove_empty_parents(root: str, rel: str) -> None:
    """Remove the folders of ``rel`` below ``root`` that its deletion left empty."""
    folder = os.path.dirname(rel)
    while folder:
        try:
            os.rmdir(os.path.join(root, folder))
        except OSError:  # not empty
            return
        folder = os.path.dirname(folder)
