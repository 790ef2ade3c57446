"""The content folder as the build may read it: regular files inside ``content/``, nothing else.

Every path the build reads because of what an editor wrote goes through :class:`ContentFiles`:
the sources each content type lists, the files copied as they are (``content/files``), the
targets of ``{filename}``, ``{static}`` and ``{attach}`` links, and the photos a gallery lists.
A path is allowed when, after every symbolic link in it is followed, it names a regular file
inside the content folder.  Anything else is a :class:`Refusal`: what is wrong and the fix, for
one line of the build's report.

The folder is walked without following links blindly (Pelican's own walk follows them, so a
link back to a parent folder never ends): a link to a folder inside ``content/`` is walked once,
a link to a folder outside it, a link that leads nowhere and a loop of links are each refused.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

# A source larger than this is refused before it is read: a release is a few kilobytes, and a
# file of many megabytes is a mistake (a pasted data dump, a photo saved as .md) that would
# otherwise cost the parser minutes.
MAX_SOURCE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Refusal:
    """Why a path may not be read: the message and the fix, for the build's report."""

    message: str
    fix: str


@dataclass(frozen=True)
class Listed:
    """A file found in the content folder, and, if it may not be read, why."""

    rel: str  # relative to the content folder, with "/": "press/2025/a.en.md"
    refusal: Refusal | None = None
    size: int = 0
    folder: bool = False  # a folder that was not walked (a link leading out, a loop, unreadable)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


class ContentFiles:
    """The content folder's files, checked; one instance per build (it remembers what it listed)."""

    def __init__(self, root: str, max_bytes: int = MAX_SOURCE_BYTES):
        self.root = os.path.abspath(root)
        self.real_root = os.path.realpath(self.root)
        self.max_bytes = max_bytes
        self._listing: list[Listed] | None = None  # the whole folder, walked once
        self._readable: set[str] = set()  # rel paths of the regular files in it

    # -- one path ------------------------------------------------------------------------------
    def inside(self, real: str) -> bool:
        return real == self.real_root or real.startswith(self.real_root + os.sep)

    def refusal(self, rel: str, *, what: str = "file") -> Refusal | None:
        """Why ``rel`` (relative to the content folder) may not be read, or None when it may."""
        if rel in self._readable:  # found by the walk: a regular file, reached inside the folder
            return None
        full = os.path.join(self.root, rel)
        try:
            link = os.path.islink(full)
            real = os.path.realpath(full, strict=True)
        except FileNotFoundError:
            if os.path.lexists(full):
                return Refusal(
                    "is a symbolic link to something that does not exist.",
                    f"delete the link, or replace it with the {what} itself.",
                )
            return Refusal("does not exist.", "check the spelling of the name and of its folders.")
        except OSError as err:  # ELOOP: a loop of links; EACCES and the like
            if "loop" in str(err).lower() or getattr(err, "errno", None) == 40:
                return Refusal("is a loop of symbolic links.", f"delete the link, or replace it with the {what} itself.")
            return Refusal(f"cannot be read ({err.strerror or err}).", "check the file's permissions.")
        if not self.inside(real):
            how = "a symbolic link" if link else "a path"
            return Refusal(
                f"is {how} leading outside the content folder (to {real}); only files inside content/ are published.",
                f"copy the {what} into content/ instead of linking to it.",
            )
        try:
            info = os.stat(real)
        except OSError as err:
            return Refusal(f"cannot be read ({err.strerror or err}).", "check the file's permissions.")
        if not stat.S_ISREG(info.st_mode):
            return Refusal(f"is {_kind(info.st_mode)}, not a regular file.", f"replace it with the {what} itself, or delete it.")
        return None

    # -- the folder ----------------------------------------------------------------------------
    def walk(self, folder: str = "") -> list[Listed]:
        """Every file below ``folder`` (relative to the content folder), sorted, each with its refusal.

        Folders reached through a link are walked when the link leads inside the content folder
        and to a folder not walked already; otherwise the link itself is listed, refused.
        """
        start = os.path.join(self.root, folder) if folder else self.root
        if folder and not (os.path.isdir(start) and self.inside(os.path.realpath(start))):
            return [self._listed(folder)] if os.path.lexists(start) else []  # a file, a link leading out, nothing
        found: list[Listed] = []
        seen = {os.path.realpath(start)}
        pending = [folder]
        while pending:
            rel_dir = pending.pop()
            full_dir = os.path.join(self.root, rel_dir) if rel_dir else self.root
            try:
                entries = sorted(os.scandir(full_dir), key=lambda e: e.name)
            except OSError as err:
                found.append(Listed(rel_dir or ".", Refusal(f"cannot be listed ({err.strerror or err}).", "check the folder's permissions."), folder=True))
                continue
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.is_symlink():
                    try:
                        real = os.path.realpath(entry.path, strict=True)
                        is_dir = os.path.isdir(real)
                    except OSError:
                        found.append(self._listed(rel))
                        continue
                    if is_dir:
                        if not self.inside(real):
                            found.append(Listed(rel, self.refusal(rel, what="folder"), folder=True))
                        elif real in seen or self.inside_any(real, seen):
                            found.append(Listed(rel, Refusal(
                                "is a symbolic link to a folder that is already part of the content (a loop, or the same files twice).",
                                "delete the link.",
                            ), folder=True))
                        else:
                            seen.add(real)
                            pending.append(rel)
                        continue
                    found.append(self._listed(rel))
                elif entry.is_dir(follow_symlinks=False):
                    seen.add(os.path.realpath(entry.path))
                    pending.append(rel)
                else:  # inside by construction: its folder was reached from the content folder
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        found.append(self._listed(rel))
                        continue
                    if stat.S_ISREG(info.st_mode):
                        found.append(Listed(rel, None, info.st_size))
                    else:
                        found.append(Listed(rel, Refusal(f"is {_kind(info.st_mode)}, not a regular file.", "replace it with the file itself, or delete it.")))
        found.sort(key=lambda listed: listed.rel)
        return found

    def _listed(self, rel: str) -> Listed:
        refusal = self.refusal(rel)
        size = 0 if refusal is not None else os.stat(os.path.join(self.root, rel)).st_size
        return Listed(rel, refusal, size)

    def too_large(self, listed: Listed) -> Refusal | None:
        """Why a source listed by :meth:`walk` may not be read because of its size, or None."""
        if listed.size <= self.max_bytes:
            return None
        return Refusal(
            f"is {listed.size // 1024} KiB; a source may be at most {self.max_bytes // 1024} KiB.",
            "split the text into several items, or link large documents as files with {static}.",
        )

    @staticmethod
    def inside_any(real: str, folders: set[str]) -> bool:
        """Whether ``real`` is a folder below one already walked (its files would be listed twice)."""
        return any(real.startswith(folder + os.sep) for folder in folders)

    def listing(self, folder: str = "") -> list[Listed]:
        """What :meth:`walk` finds below ``folder``, from one walk of the whole content folder per build."""
        if self._listing is None:
            self._listing = self.walk()
            self._readable = {listed.rel for listed in self._listing if listed.refusal is None}
        if not folder:
            return self._listing
        prefix = folder.rstrip("/") + "/"
        return [listed for listed in self._listing if listed.rel.startswith(prefix) or listed.rel == folder]

    # -- suggestions ---------------------------------------------------------------------------
    def all_files(self) -> list[str]:
        return [listed.rel for listed in self.listing() if listed.refusal is None]

    def closest(self, rel: str, candidates: list[str] | None = None) -> str | None:
        """The real file ``rel`` was most likely meant to be, or None when none is close.

        The same path in another case; else a file of the same kind (the same extension, language
        suffix included) whose name differs by a slip of the keyboard (``_close_names``), in the
        same folder first, then anywhere.  A name that shares only its extension with every file
        (``nope.en.md`` against ``index.en.md``) gets no guess: a wrong one would mislead."""
        candidates = self.all_files() if candidates is None else candidates
        folded = {name.lower(): name for name in candidates}
        if rel.lower() in folded:
            return folded[rel.lower()]
        folder, _, base = rel.lower().rpartition("/")
        same_folder = [name for name in candidates if name.lower().rpartition("/")[0] == folder]
        for pool in (same_folder, candidates):
            best = _close_names(base, pool)
            if best is not None:
                return best
        return None


def _close_names(base: str, pool: list[str]) -> str | None:
    """The name in ``pool`` whose file name is ``base`` with the fewest slips: the same extension,
    and a stem at most one edit away (two for stems of five letters or more, three from twelve)."""
    stem, dot, extension = base.partition(".")
    limit = 1 if len(stem) < 5 else 2 if len(stem) < 12 else 3
    best, fewest = None, limit + 1
    for name in pool:
        other_stem, other_dot, other_extension = name.rpartition("/")[2].lower().partition(".")
        if (other_dot, other_extension) != (dot, extension):
            continue
        edits = edit_distance(stem, other_stem, limit)
        if edits < fewest:
            best, fewest = name, edits
    return best


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of two names, or ``limit + 1`` once it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
