"""Processing many photos at once, on every core, reporting problems instead of raising."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from incremental.workers import WorkerDied, cores, each_forked

from . import cache as _cache, process as _process
from .cache import PhotoCache
from .decode import PhotoError
from .records import Photo
from .spec import VariantSpec


@dataclass(frozen=True)
class PhotoJob:
    """One photo to publish: its file, the folder for its variants, the URL of that folder."""

    source: str
    out_dir: str
    url_prefix: str = ""
    # A folder where this photo's variants may be already (the output of the last build): a variant
    # found there is used where it is, and its ``path`` says so, instead of being placed in out_dir.
    reuse_dir: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "source", os.fspath(self.source))
        object.__setattr__(self, "out_dir", os.fspath(self.out_dir))
        if self.reuse_dir is not None:
            object.__setattr__(self, "reuse_dir", os.fspath(self.reuse_dir))


@dataclass
class BatchResult:
    """What :func:`process_all` did.  ``photos`` is keyed on each job's ``source``."""

    photos: dict[str, Photo] = field(default_factory=dict)
    problems: list = field(default_factory=list)  # contract.problems.Problem, one per failed photo
    encoded: int = 0
    reused: int = 0
    seconds: float = 0.0
    keys: set = field(default_factory=set)  # the cache entries the published photos came from
    # source -> the variants still to put in place (images.process.plan_place): place_all() writes them
    placements: dict[str, list] = field(default_factory=dict)

    def targets(self) -> list[str]:
        """Every file :func:`place_all` is to write (the variants the last output does not hold)."""
        return [target for placements in self.placements.values() for target, _cached, _content in placements]


class ProgressPrinter:
    """The default progress report: ``images: 40/120`` at most every ``interval`` seconds.

    Silent for batches of ``minimum`` photos or fewer, and for runs that end before
    the first interval; a run that printed anything also prints its last count.
    """

    def __init__(self, stream=None, interval: float = 2.0, minimum: int = 20, label: str = "images"):
        self.stream = stream
        self.interval = interval
        self.minimum = minimum
        self.label = label
        self._start = self._last = None
        self._printed = False

    def __call__(self, done: int, total: int) -> None:
        if total <= self.minimum:
            return
        now = time.monotonic()
        if self._start is None:
            self._start = self._last = now
        if now - self._last >= self.interval or (done == total and self._printed):
            print(f"{self.label}: {done}/{total}", file=self.stream or sys.stderr, flush=True)
            self._last = now
            self._printed = True


def process_all(jobs: Iterable[PhotoJob | tuple], spec: VariantSpec | None = None, cache: PhotoCache | None = None, **options) -> BatchResult:
    """Process many photos in parallel; never raises for a bad photo.

    ``jobs``: :class:`PhotoJob` or ``(source, out_dir, url_prefix)`` tuples; a job
    listed twice is done once.  ``options``: ``workers``, processes to use (default: every
    core; 1 works in this process); ``progress``, called with ``(done, total)``
    after each photo; None prints with :class:`ProgressPrinter`, False is silent.
    Each photo that cannot be published gives one error :class:`Problem` in
    ``problems`` and no output files.  The counts are also added to ``cache``.

    The same as :func:`plan_all` then :func:`place_all`, for a caller that has no stage between.
    """
    result = plan_all(jobs, spec, cache, **options)
    result.problems.extend(place_all(result))
    return result


def plan_all(
    jobs: Iterable[PhotoJob | tuple],
    spec: VariantSpec | None = None,
    cache: PhotoCache | None = None,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None | bool = None,
) -> BatchResult:
    """What pages need of many photos (each :class:`Photo`: its variants' URLs, sizes and formats,
    and where each will be), writing nothing outside ``cache``: a photo the cache lacks is checked
    and encoded into it here, on ``workers`` processes.  :func:`place_all` then puts the variants
    in their folders.  Arguments and problems as :func:`process_all`; with no ``cache``, the
    encoded bytes wait in ``placements``.
    """
    started = time.monotonic()
    spec = spec or VariantSpec()
    unique = _unique_jobs(jobs)
    if progress is None:
        progress = ProgressPrinter()
    elif progress is False:
        progress = None
    workers = workers or cores()
    result = BatchResult()
    outcomes: dict[PhotoJob, tuple] = {}

    def finished(job, outcome):
        outcomes[job] = outcome
        if progress:
            progress(len(outcomes), len(unique))

    # Photos whose file is unchanged since its bytes were hashed, and whose variants are in the
    # cache, are placed here without reading them; the rest go to the workers.
    todo = []
    listings: dict = {}  # folders listed by place(), for this run
    for job in unique:
        known = _cached(job, spec, cache, listings)
        if known is not None:
            photo, key, placements = known
            result.keys.add(key)
            finished(job, (photo, False, None, None, placements))
        else:
            todo.append(job)
    for index, outcome in each_forked(lambda job: _work(job, spec, cache), todo, workers):
        if isinstance(outcome, WorkerDied):  # the worker process itself died
            outcome = (None, False, _died(), None, None)
        finished(todo[index], outcome)

    for job in unique:  # in the order given
        photo, encoded, failure, read, placements = outcomes[job]
        if read is not None and cache is not None:
            cache.remember_digest(job.source, *read)
            if photo is not None:
                result.keys.add(_cache.entry_key(read[0], spec))
        if photo is not None:
            result.photos[job.source] = photo
            if placements:
                result.placements[job.source] = placements
            if encoded:
                result.encoded += 1
            else:
                result.reused += 1
        else:
            result.problems.append(_problem(job.source, *failure))
    if cache is not None:
        cache.encoded += result.encoded
        cache.reused += result.reused
        cache.save_records()
    result.seconds = time.monotonic() - started
    return result


def place_all(result: BatchResult) -> list:
    """Put the variants :func:`plan_all` planned in their folders (the render stage's part); one error
    :class:`Problem` for each photo whose files could not be written (the others are placed)."""
    problems = []
    for source, placements in result.placements.items():
        try:
            _process.write_placements(placements)
        except OSError as error:
            problems.append(_problem(source, *_unexpected(error)))
    result.placements = {}
    return problems


def _problem(source: str, message: str, fix: str):
    from contract.problems import ERROR, Problem, shown_path  # the build has it loaded; workers need not

    return Problem(shown_path(source), None, ERROR, None, message, fix)


def _cached(job: PhotoJob, spec: VariantSpec, cache: PhotoCache | None, listings: dict | None = None) -> tuple[Photo, str, list] | None:
    """(the photo from the cache, its entry's key, its placements), when its file is known unchanged and its entry is complete."""
    if cache is None:
        return None
    digest = cache.known_digest(job.source)
    if digest is None:
        return None
    key = _cache.entry_key(digest, spec)
    record = cache.known_record(key)  # plan_place() lists the entry's files
    if record is None:
        return None
    try:
        photo, placements = _process.plan_place(job.source, job.out_dir, job.url_prefix, key, record, cache, reuse_dir=job.reuse_dir, listings=listings)
    except OSError:  # a file of the entry is missing: the photo goes to the workers, which make it again
        return None
    return photo, key, placements


def _work(job: PhotoJob, spec: VariantSpec, cache: PhotoCache | None):
    """(photo, encoded, None, read, placements) or (None, False, (message, fix), None, None); runs in a worker.

    ``read``: the hash of the photo's bytes and the identity of its file when it was read.
    """
    try:
        photo, encoded, read, placements = _process.produce(job.source, job.out_dir, job.url_prefix, spec, cache, job.reuse_dir)
        return photo, encoded, None, read, placements
    except PhotoError as error:
        return None, False, (error.message, error.fix), None, None
    except Exception as error:
        return None, False, _unexpected(error), None, None


def _unexpected(error: Exception) -> tuple[str, str]:
    return (
        f"the photo could not be processed ({type(error).__name__}: {error}).",
        "check that the output and cache folders can be written and the disk is not full; "
        "if it goes on, report this message.",
    )


def _died() -> tuple[str, str]:
    return (
        "the process encoding the photo ended before it did (killed, or out of memory).",
        "build again; if it happens again, make the photo smaller (a very large photo needs much memory) "
        "or set BUILD_WORKERS lower.",
    )


def _unique_jobs(jobs) -> list[PhotoJob]:
    unique: dict[str, PhotoJob] = {}
    for job in jobs:
        if not isinstance(job, PhotoJob):
            job = PhotoJob(*job)
        known = unique.setdefault(job.source, job)
        if known != job:
            raise ValueError(
                f"process_all: {job.source} is listed with two destinations "
                f"({known.out_dir!r}, {job.out_dir!r}); publish each photo once and share its URLs"
            )
    return list(unique.values())
