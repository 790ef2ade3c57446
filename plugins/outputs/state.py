"""What the previous build wrote, so that a rebuild writes only what changed; and the commit.

Every build writes into a fresh staging folder beside ``output/``.  What it
puts there depends on what the last build left:

* **cold** (no usable manifest, or no ``output/``): every file is staged, and
  the staging folder is the new site;
* **incremental**: a page whose render fingerprint (``incremental.fingerprint``)
  equals the one recorded for the file in ``output/``, and whose file there
  still has the size and modification time recorded, is *kept*: not rendered,
  not written.  Everything else is staged.  The new site is then assembled in
  the *spare* folder (``CACHE_PATH``/``site-spare``, which holds the site before
  the last one): every file of the new site is made a hard link to its source
  (the staged file, or the kept one in ``output/``; a staged file identical to
  the one in ``output/`` counts as kept, its time too), and whatever else the
  spare holds is deleted.  Only what differs from the spare's last state is
  touched: the files of the last two builds' changes.

Either way the new site is complete in a folder of its own before anything
visible changes, and becomes ``output/`` in one step: ``renameat2`` with
``RENAME_EXCHANGE`` swaps the two folders' names atomically, so ``output/`` is
at every instant the whole old site or the whole new one.  After an
incremental build the old site is the next spare; after a cold build it is
deleted.  (Without ``RENAME_EXCHANGE``, on a file system or system that lacks
it, two renames do the swap, and for the instant between them there is no
``output/``.)

The manifest (``CACHE_PATH``/``output-manifest.pickle``) names the output folder,
the code it was built with (plugins, templates, catalogs, settings: any change
there makes the next build cold) and the identity (device, inode) of the folder
it describes.  It is written, as ``output-manifest.next.pickle``, before the swap
and renamed over the current one after it; a build reads whichever of the two
describes the folder that is ``output/``, so a kill at any instant leaves a
manifest that tells the truth about the visible site, or none.

**In the dev server** (one process building again and again, ``incremental.memory``), the state
leaves a :class:`Witness` in the build memory after each commit: the identity and content of
the manifest this process wrote last (or read, and found ``output/`` to match file for file:
:meth:`OutputState.vouch`), and the listing of the spare folder (the site before the last).  A build that finds the manifest still the one it wrote trusts it without reading it
again: a kept page's file in ``output/`` is taken to be as recorded (no ``stat`` of every page)
and the spare to hold what it held (no listing of it), and the old site's folders are not
checked again for write permission.  The dev server's contract is that nothing but its own
builds writes into ``output/`` and ``.cache/`` while it runs; another build (``make html``
beside it) writes another manifest, which ends the trust.  A trusted build whose commit finds
a file missing is run again without trust (``StaleWitness``).  ``make html`` and ``make
publish`` start in a new process and always check every file.

No stage reads this module: the stages that write the site say what they produce
and reuse, and keep their own records, through the output ledger
(``outputs.ledger.OutputLedger``), which the build driver makes over the state.  Before
anything is assembled the commit checks that the staging folder holds exactly the files declared
produced (:func:`undeclared`): one line per file that differs, and ``output/`` as it was.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import pickle
import shutil
import struct
import tempfile
from dataclasses import dataclass

from incremental.cache import fault_point, replace_whole
from incremental.digests import RECENT_NS

MANIFEST = "output-manifest.pickle"
NEXT_MANIFEST = "output-manifest.next.pickle"  # the manifest of a site about to be swapped in
MANIFEST_VERSION = 5
SPARE = "site-spare"  # <CACHE_PATH>/site-spare: the site before the last, where the next one is assembled
# Settings that name this build's folders or how it waits for another, not what is in the pages.
VOLATILE_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH", "PATH", "BUILD_WAIT"}


@dataclass(frozen=True)
class Record:
    fingerprint: bytes
    size: int
    mtime_ns: int


@dataclass
class Witness:
    """What this process saw of the output it committed last (kept by the dev server's build memory)."""

    manifest: tuple  # identity of the manifest file it wrote last: (size, mtime_ns, inode, device)
    stored: dict  # that manifest's content
    spare: tuple | None = None  # identity of the spare folder after the swap, when its listing is known
    spare_files: dict | None = None  # its files: '/'-separated path -> inode
    spare_folders: set | None = None  # its folders


class StaleWitness(Exception):
    """A trusted build found ``output/`` or the spare not as its witness recorded: build again, checking."""


class OutputFault(Exception):
    """The new site could not be put in place; ``output/`` is as it was.  The message is one line per problem."""


def fault_message(error: OSError, final: str) -> str:
    """One line for a failure of the output folder: the path, what happened, the fix."""
    path = error.filename or final
    shown = os.path.relpath(path) if os.path.isabs(path) else path
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        what, fix = "the disk is full", f"free some space on it (df -h {shown}), then build again"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = "cannot be changed (read-only, immutable, or on a read-only file system)"
        fix = f"make it writable (chmod -R u+w {shown}; chattr -R -i {shown} if it is immutable), then build again"
    elif code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR, errno.ENOTEMPTY):
        what, fix = "is in the way (a file where a folder goes, or the reverse)", f"move or delete {shown}, then build again"
    elif code == errno.ENOENT:
        what = "disappeared during the build (another program removed it?)"
        fix = "build again, with nothing else changing the output folder while it runs"
    elif code in (errno.EBUSY, errno.EXDEV):
        what = "cannot be replaced (a mount point, or on another file system than the staging folder)"
        fix = "set OUTPUT_PATH to a folder inside the mount, then build again"
    else:
        what, fix = f"failed ({error.strerror})", "check the folder, then build again"
    if code not in (errno.ENOENT,) and error.strerror and error.strerror not in what:
        what += f" ({error.strerror})"
    return f"{shown}: error: {what}. Fix: {fix}; the site in {os.path.relpath(final)}/ was left as it was."


# -- the swap -------------------------------------------------------------------------------------
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    _renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
except (AttributeError, OSError):  # not Linux, or a C library without it
    _renameat2 = None


def exchange(a: str, b: str) -> bool:
    """Swap the names of ``a`` and ``b`` atomically; False when the system or file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), b)


def swap(tree: str, final: str) -> None:
    """Make ``tree`` (a complete site) ``final``; what was ``final`` is then at ``tree``'s path."""
    if not os.path.lexists(final):
        os.rename(tree, final)
        return
    if exchange(tree, final):
        return
    # Two renames: for the instant between them there is no final.  The old site waits in a
    # .retired-* folder beside it, which the next build deletes if this one is killed meanwhile.
    aside = os.path.join(tempfile.mkdtemp(prefix=".retired-", dir=os.path.dirname(final)), "site")
    os.rename(final, aside)
    try:
        os.rename(tree, final)
    except OSError:
        os.rename(aside, final)
        shutil.rmtree(os.path.dirname(aside), ignore_errors=True)
        raise
    os.rename(aside, tree)
    os.rmdir(os.path.dirname(aside))


def remove_tree(folder: str) -> None:
    """Delete ``folder`` and what it holds (``commit:retiring``: with half its entries gone)."""
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return
    for index, name in enumerate(names):
        if index == len(names) // 2:
            fault_point("commit:retiring", folder)
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass
    shutil.rmtree(folder, ignore_errors=True)


_FS_IOC_GETFLAGS = 0x80086601
_UNREMOVABLE_FLAGS = 0x00000010 | 0x00000020  # FS_IMMUTABLE_FL, FS_APPEND_FL


def _unremovable(path: str) -> bool:
    """Whether the file at ``path`` is immutable or append-only (``chattr +i`` / ``+a``): not deletable."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        flags = struct.unpack("l", fcntl.ioctl(descriptor, _FS_IOC_GETFLAGS, b"\0" * 8))[0]
    except OSError:  # a file system without these flags
        return False
    finally:
        os.close(descriptor)
    return bool(flags & _UNREMOVABLE_FLAGS)


def scan(folder: str) -> tuple[dict[str, int], set[str]]:
    """Every file below ``folder`` ('/'-separated path -> inode, as the folder lists it) and every folder."""
    files: dict[str, int] = {}
    folders: set[str] = set()
    stack = [("", folder)]
    while stack:
        prefix, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.add(prefix + entry.name)
                    stack.append((prefix + entry.name + "/", entry.path))
                else:
                    files[prefix + entry.name] = entry.inode()
    return files, folders


UNDECLARED_SHOWN = 10  # files named, one line each, when the staging folder and the ledger disagree


def undeclared(staged: set[str], declared: set[str], final: str) -> None:
    """OutputFault unless the files ``staged`` (in the folder to become ``final``) are exactly those
    ``declared`` written (``OutputLedger.produced``): one line for each file that disagrees.

    Every stage that writes the site says what it writes, so that what the build records and
    publishes is what its stages meant to publish: a file written behind the ledger's back (a stray
    temporary, a plugin copying what it was not asked to) is never published unnoticed."""
    stray, missing = sorted(staged - declared), sorted(declared - staged)
    if not stray and not missing:
        return
    shown = os.path.relpath(final)
    fix = "Fix: a fault of the build's code, not of the content: the stage that writes it"
    lines = [f"{shown}/{rel}: error: written into the new site without being declared to the output ledger. "
             f"{fix} must return it from generate_output (or declare it with OutputLedger.produced)." for rel in stray]
    lines += [f"{shown}/{rel}: error: declared written into the new site, but not there. {fix} must write it, or not declare it." for rel in missing]
    more = len(lines) - UNDECLARED_SHOWN
    lines = lines[:UNDECLARED_SHOWN] + ([f"{shown}/: error: and {more} more such file(s)."] if more > 0 else [])
    lines.append(f"Build failed: the site in {shown}/ was left as it was.")
    raise OutputFault("\n".join(lines))


def companions_of(staged: set[str], declared: set[str], suffixes: tuple[str, ...]) -> set[str]:
    """The files of ``staged`` that are a ``declared`` file's companion: its name with one of
    ``suffixes`` added (``OUTPUT_COMPANIONS``: ``index.html.gz`` beside ``index.html``)."""
    return {rel for rel in staged for suffix in suffixes if rel.endswith(suffix) and rel[: -len(suffix)] in declared} if suffixes else set()


def folders_of(files) -> set[str]:
    """The folders (and their parents) the '/'-separated paths ``files`` lie in."""
    found: set[str] = set()
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder and folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


def check_removable(folder: str, folders: set[str], files) -> None:
    """OSError naming the first of ``folders`` (below ``folder``) whose entries cannot be deleted, or of
    ``files`` that cannot be: read-only or immutable parts of a site that is to be deleted or reused."""
    for rel in sorted(folders | {""}):
        path = os.path.join(folder, rel) if rel else folder
        if not os.access(path, os.W_OK | os.X_OK):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), path)
    for rel in files:
        if _unremovable(os.path.join(folder, rel)):
            raise OSError(errno.EPERM, os.strerror(errno.EPERM), os.path.join(folder, rel))


def files_under(folder: str) -> set[str]:
    """Every file below ``folder``, as '/'-separated paths relative to it."""
    return set(scan(folder)[0])


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
    build's own date); ``summary``: what its closing line and its problem lines said;
    ``listed_ns``: when the inputs were listed (a file saved close to then may have been saved
    again within the same tick of the file system's clock, keeping its size, time and inode).
    """

    inputs: dict
    build_date: object
    horizon: object
    clock: bool
    summary: dict
    listed_ns: int | None = None


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
    def __init__(self, final: str, staging: str, manifest_dir: str | None, code: str, memory=None, companions=()):
        self.final = final
        # suffixes of files another package's finalizer writes beside a declared one (OUTPUT_COMPANIONS)
        self.companions = tuple(companions)
        # the dev server's build memory (incremental.memory), which carries this state's Witness between builds
        self._memory = memory
        self.trusted = False  # the manifest is the one this process wrote last: see the module's docstring
        self._old_listing: tuple[dict, set] | None = None  # output/ before the swap: files (inodes), folders
        self._read: tuple | None = None  # (identity, content) of the current manifest, as read (not trusted)
        self.staging = staging
        self.code = code
        self.cache = manifest_dir  # the build caches' folder (None: no rebuilds)
        self.manifest_path = os.path.join(manifest_dir, MANIFEST) if manifest_dir else None
        self.next_manifest_path = os.path.join(manifest_dir, NEXT_MANIFEST) if manifest_dir else None
        self.spare = os.path.join(manifest_dir, SPARE) if manifest_dir else None
        self.previous: dict[str, Record] = {}
        self.previous_records: dict = {}  # each stage's own record, as the last build left it (outputs.ledger)
        self.previous_pending: set[str] = set()  # stages whose part of output/ was not final yet
        self.previous_build: LastBuild | None = None
        self.previous_outputs: dict[str, tuple[int, int, int]] = {}
        self.incremental = False
        self._load()
        self.last_build: LastBuild | None = None  # this build's, set before commit()
        self.outputs: dict[str, tuple[int, int, int]] = {}  # output/ as this build leaves it
        self.kept: set[str] = set()  # files of output/ this build keeps as they are
        self.produced: set[str] = set()  # files this build declared written into the staging folder
        self.fingerprints: dict[str, bytes] = {}  # page file -> fingerprint, kept or rendered
        self.records: dict = {}  # stage -> what it wants the next build to know (search: its shards)
        self.pending: set[str] = set()  # stages whose part of the new site is not final at its commit
        self.rendered = 0

    def _load(self) -> None:
        if not self.manifest_path or not os.path.isdir(self.final):
            return
        visible = _identity(self.final)
        witness = self.witness
        if witness is not None and _file_identity(self.manifest_path) == witness.manifest and witness.stored.get("tree") == visible:
            stored = witness.stored  # the manifest this process wrote last, as it wrote it
            self.trusted = True
        else:
            self.witness = None
            for path in (self.manifest_path, self.next_manifest_path):  # the one that describes output/
                identity = _file_identity(path)  # before reading it: a change meanwhile gives it another
                try:
                    with open(path, "rb") as handle:
                        stored = pickle.load(handle)
                except Exception:  # missing or damaged
                    continue
                if stored.get("version") == MANIFEST_VERSION and stored.get("tree") == visible:
                    break
            else:  # none: a cold build
                return
            if path == self.manifest_path:
                self._read = (identity, stored)
        if stored.get("final") != self.final or stored.get("code") != self.code:
            self.trusted = False
            self.witness = None  # a cold build: what the spare holds is known again only after its next commit
            return
        self.previous = stored["files"]
        self.previous_records = stored.get("records", {})
        self.previous_pending = set(stored.get("pending", ()))
        self.previous_build = stored.get("last_build")
        self.previous_outputs = stored.get("outputs", {})
        self.incremental = True

    @property
    def witness(self) -> Witness | None:
        return getattr(self._memory, "output_witness", None)

    @witness.setter
    def witness(self, value: Witness | None) -> None:
        if self._memory is not None:
            self._memory.output_witness = value

    def witnessed(self, manifest: dict) -> None:
        """This process wrote ``manifest`` as the current manifest (a commit, or a stage's later one)."""
        if self._memory is None:
            return
        witness = self.witness
        identity = _file_identity(self.manifest_path)
        if identity is None:
            self.witness = None
        elif witness is None:
            self.witness = Witness(identity, manifest)
        else:
            witness.manifest, witness.stored = identity, manifest

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
        if last.listed_ns is not None:  # a file saved close to the last listing was perhaps saved again since
            recent = last.listed_ns - RECENT_NS
            if any(stats[1] >= recent for files in inputs.values() for stats in files.values()):
                return False
        if self.previous_pending:  # its pages are in, its search index not yet (search.later)
            return False
        if build_date != last.build_date:
            if last.clock or build_date < last.build_date or (last.horizon is not None and build_date >= last.horizon):
                return False
        return bool(self.previous_outputs) and tree_stats(self.final) == self.previous_outputs

    def vouch(self) -> None:
        """``output/`` was just found file for file as the manifest describes it (``nothing_changed``):
        in the dev server, the next build may trust it as if this process had committed it (its
        first edit then checks no page and no folder again; the spare is listed once, when used)."""
        if self._memory is not None and self._read is not None:
            self.witness = Witness(*self._read)

    # -- during the build ------------------------------------------------------------------
    def reusable(self, rel: str, fingerprint: bytes | None) -> bool:
        """Whether ``output/rel`` is what this build would write for a page with ``fingerprint``."""
        if fingerprint is None or not self.incremental:
            return False
        record = self.previous.get(rel)
        if record is None or record.fingerprint != fingerprint:
            return False
        if self.trusted:  # output/ is as this process committed it (see the module's docstring)
            return True
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
        self.produced.add(rel)
        self.rendered += rendered
        if fingerprint is not None:
            self.fingerprints[rel] = fingerprint

    def current(self, rel: str) -> str:
        """Where this build's version of ``rel`` is: staged, else kept in ``output/``."""
        staged = os.path.join(self.staging, rel)
        return staged if os.path.exists(staged) else os.path.join(self.final, rel)

    # -- after a successful build -------------------------------------------------------------
    def commit(self) -> dict[str, int]:
        """Put this build in place as ``output/`` (see the module's docstring); return counts of files
        written, unchanged and deleted.  OutputFault, with ``output/`` as it was, when it cannot."""
        tree = None
        try:
            if not os.path.isdir(self.staging):
                raise OSError(errno.ENOENT, os.strerror(errno.ENOENT), self.staging)
            fault_point("commit:start", self.staging)
            staged = files_under(self.staging)
            self.produced |= companions_of(staged, self.produced | self.kept, self.companions)
            undeclared(staged, self.produced, self.final)
            if self.incremental:
                tree = self._spare_for_assembly()
                counts = self._assemble(tree, staged)
            else:
                tree = self.staging
                counts = {"written": len(staged), "unchanged": 0, "deleted": 0}
                self.outputs = tree_stats(self.staging)
                if os.path.isdir(self.final):  # to be deleted after the swap: it must be deletable
                    files, folders = scan(self.final)
                    check_removable(self.final, folders, files)
            manifest = self._save(tree)
            fault_point("commit:swap", tree)
            before = _identity(self.final) if self._memory is not None and tree == self.spare else None
            swap(tree, self.final)
        except OutputFault:
            self._discard()
            raise
        except OSError as error:
            self._discard()
            if self.trusted:  # not as the witness said (a file removed by hand): again, checking every file
                self.witness = None
                raise StaleWitness(str(error)) from None
            if tree == self.spare and isinstance(error.filename, str) and error.filename.startswith(tree + os.sep):
                error.filename = self.final + error.filename[len(tree):]  # the same file, as it is in output/
            raise OutputFault(fault_message(error, self.final)) from None
        fault_point("commit:swapped", self.final)
        if self.manifest_path:
            os.replace(self.next_manifest_path, self.manifest_path)
            self.witnessed(manifest)
            if self.witness is not None:  # the old site, now the spare, is as listed (else not known: listed when used)
                spare = (before, *self._old_listing) if before is not None else (None, None, None)
                self.witness.spare, self.witness.spare_files, self.witness.spare_folders = spare
        # the folders no longer needed: the staging folder, and the old site unless it is the next spare
        remove_tree(self.staging)
        if tree != self.spare:
            remove_tree(tree)
        if not self.incremental and self._spare_after_cold_build() and self.witness is not None:
            # the spare is now the new site's double: its listing is known (the next rebuild need not list it)
            files = {rel: record[2] for rel, record in self.outputs.items()}
            self.witness.spare, self.witness.spare_files, self.witness.spare_folders = _identity(self.spare), files, folders_of(files)
        return counts

    def _spare_for_assembly(self) -> str:
        """The folder to assemble the new site in: the spare (made when missing), or, when it cannot be
        on the output folder's file system, the staging folder itself."""
        spare = self.spare
        if spare is not None:
            try:
                os.makedirs(spare, exist_ok=True)
                if os.stat(spare).st_dev == os.stat(os.path.dirname(self.final)).st_dev:
                    return spare
            except OSError:
                pass
        return self.staging

    def _assemble(self, tree: str, staged: set[str]) -> dict[str, int]:
        """Make ``tree`` hold exactly the new site: hard links to the ``staged`` and the kept files.

        Only what ``tree`` does not already hold as it should is changed: a file of the new site is
        linked again when ``tree``'s entry is not the very file (same inode) it is to be."""
        written: set[str] = set()  # files of the new site whose bytes this build wrote
        for rel in staged:
            if not same_file_content(os.path.join(self.staging, rel), os.path.join(self.final, rel)):
                written.add(rel)  # (an identical one: the file already in output/, its time too)
        wanted = staged | self.kept
        # the old site's files and their inodes, as the last build recorded them (checked by the
        # kept pages' sizes and times), else as output/ lists them
        if self.previous_outputs:
            old = {rel: record[2] for rel, record in self.previous_outputs.items()}
            old_folders = folders_of(old)
        else:
            old, old_folders = scan(self.final)
        self._old_listing = (old, old_folders)
        needed = folders_of(wanted)
        if not self.trusted:  # the old site is the next spare: its folders and the files this build drops must be changeable
            check_removable(self.final, old_folders, [rel for rel in old if rel not in wanted])
        deleted = sum(1 for rel in old if rel not in wanted and rel not in needed)
        witness = self.witness if self.trusted else None
        listing = None
        if witness is not None and witness.spare is not None and tree == self.spare and _identity(tree) == witness.spare:
            listing = (witness.spare_files, witness.spare_folders)
        if witness is not None:
            witness.spare = witness.spare_files = witness.spare_folders = None  # changed now: listed again after the swap
        self._mirror(tree, wanted, needed, written, old, listing)
        self.outputs = {}
        for rel in wanted:
            known = None if rel in written else self.previous_outputs.get(rel)
            if known is None:
                status = os.stat(os.path.join(tree, rel))
                known = (status.st_size, status.st_mtime_ns, status.st_ino)
            self.outputs[rel] = known
        return {"written": len(written), "unchanged": len(staged) - len(written) + len(self.kept), "deleted": deleted}

    def _mirror(self, tree: str, wanted: set[str], needed: set[str], written: set[str], old: dict[str, int], listing=None) -> None:
        """Make ``tree`` hold exactly the files ``wanted`` (in the folders ``needed``): hard links to
        those this build ``written`` in the staging folder, and to the others in ``output/`` (``old``:
        their inodes).  A file ``tree`` already holds as the very file it is to be is left alone.
        ``listing``: what ``tree`` holds (files and their inodes, folders), when known; else it is listed."""
        present, there = listing if listing is not None else scan(tree)
        for rel in present:  # files the new site does not have, or has as folders
            if rel not in wanted or rel in needed:
                os.unlink(os.path.join(tree, rel))
        for rel in sorted(there - needed):  # folders it does not have (with all they hold)
            if os.path.isdir(os.path.join(tree, rel)):
                shutil.rmtree(os.path.join(tree, rel))
        for rel in sorted(needed - there):
            path = os.path.join(tree, rel)
            if os.path.lexists(path) and not os.path.isdir(path):
                os.unlink(path)
            if not os.path.isdir(path):
                os.mkdir(path)
        relink = [rel for rel in wanted if rel in written or present.get(rel) != old.get(rel, -1)]
        for index, rel in enumerate(relink):
            if index == len(relink) // 2:
                fault_point("commit:linking", tree)
            source = os.path.join(self.staging if rel in written else self.final, rel)
            target = os.path.join(tree, rel)
            if source == target:  # assembled in the staging folder: a file it wrote stays
                continue
            if rel in present and rel not in needed:
                os.unlink(target)
            os.link(source, target, follow_symlinks=False)

    def _spare_after_cold_build(self) -> bool:
        """After a cold build: make the spare the new site's double (its folders reused), so that the
        next rebuild changes only what it changes; a failure only leaves it for that rebuild to mend.
        Whether the spare is now that double."""
        if self.spare is None or self._spare_for_assembly() != self.spare:
            return False
        old = {rel: record[2] for rel, record in self.outputs.items()}
        try:
            self._mirror(self.spare, set(old), folders_of(old), set(), old)
        except OSError:
            return False
        return True

    def _discard(self) -> None:
        """After a commit that failed: no staging folder, no manifest of a site that is not there."""
        remove_tree(self.staging)
        if self.next_manifest_path and os.path.exists(self.next_manifest_path):
            os.unlink(self.next_manifest_path)

    def _save(self, tree: str | None = None) -> dict | None:
        """Write the manifest of the site in ``tree`` (``output/`` itself when not given) as the next
        one; the swap makes it the current one, and until then a build reads it only if ``tree`` is
        what ``output/`` is."""
        if not self.manifest_path:
            return None
        tree = tree or self.final
        files = {}
        for rel, fingerprint in self.fingerprints.items():
            earlier = self.previous.get(rel)
            if rel in self.kept and earlier is not None and earlier.fingerprint == fingerprint:
                files[rel] = earlier  # checked against the file by reusable(), and left alone since
                continue
            try:
                status = os.stat(os.path.join(tree, rel))
            except OSError:
                continue
            files[rel] = Record(fingerprint, status.st_size, status.st_mtime_ns)
        os.makedirs(os.path.dirname(self.manifest_path), exist_ok=True)
        manifest = {
            "version": MANIFEST_VERSION,
            "final": self.final,
            "tree": _identity(tree),
            "code": self.code,
            "files": files,
            "records": self.records,
            "pending": sorted(self.pending),
            "last_build": self.last_build,
            "outputs": self.outputs if self.last_build is not None else {},
        }
        replace_whole(self.next_manifest_path, "commit:manifest", lambda handle: pickle.dump(manifest, handle, protocol=pickle.HIGHEST_PROTOCOL))
        return manifest


def _file_identity(path: str | None) -> tuple | None:
    try:
        status = os.stat(path)
    except (OSError, TypeError):
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino, status.st_dev


def _identity(folder: str) -> tuple[int, int]:
    status = os.stat(folder)
    return status.st_dev, status.st_ino
