"""Processing one photo: decode it once, write every variant, fill the cache."""

from __future__ import annotations

import errno
import io
import os
import re
import secrets
import shutil

from PIL import Image

from incremental.digests import file_identity

from .cache import PhotoCache, entry_key, source_digest, variant_file
from .decode import decode_upright, read_source, variant_widths
from .records import Photo, Variant
from .spec import ENCODER_OPTIONS, EXTENSIONS, VariantSpec

_PILLOW_NAMES = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}


def process_photo(source_path, out_dir, url_prefix: str, spec: VariantSpec, cache: PhotoCache | None = None) -> Photo:
    """Publish one photo: its variants in ``out_dir``, named ``<stem>-<hash10>-<width>.<ext>``.

    ``url_prefix`` is put before each file name in the URLs (``"images/"`` gives
    ``images/forum-1a2b3c4d5e-960.webp``).  With a ``cache``, a photo already
    encoded with this spec is not encoded again: its files are hard-linked (or
    copied) from the cache folder, and ``cache.encoded``/``cache.reused`` count
    what happened.  Raises :class:`PhotoError` for a photo that cannot be
    published; nothing is written for it then.
    """
    photo, encoded, _digest, placements = produce(source_path, out_dir, url_prefix, spec, cache)
    write_placements(placements)
    if cache is not None:
        if encoded:
            cache.encoded += 1
        else:
            cache.reused += 1
    return photo


def produce(source_path, out_dir, url_prefix, spec, cache, reuse_dir=None) -> tuple[Photo, bool, tuple, list]:
    """The work of :func:`process_photo` but writing nothing outside the cache: (the photo, whether it
    was encoded, (hash of its bytes, file identity), its placements for :func:`write_placements`)."""
    source = os.fspath(source_path)
    identity = file_identity(source)
    data = read_source(source)
    digest = source_digest(data)
    key = entry_key(digest, spec)
    record = cache.lookup(key) if cache is not None else None
    encoded = record is None
    files: dict[str, bytes] = {}
    if record is None:
        record, files = encode(data, spec)
        if cache is not None:
            cache.store(key, record, files)
    photo, placements = plan_place(source, out_dir, url_prefix, key, record, cache, files, reuse_dir)
    return photo, encoded, (digest, identity), placements


def place(
    source: str, out_dir, url_prefix: str, key: str, record: dict, cache: PhotoCache | None, files=None, reuse_dir=None,
    listings: dict | None = None,
) -> Photo:
    """Put the variants of an encoded photo (cache entry ``key``, or ``files``) in ``out_dir``
    (:func:`plan_place`, then :func:`write_placements`)."""
    photo, placements = plan_place(source, out_dir, url_prefix, key, record, cache, files, reuse_dir, listings)
    write_placements(placements)
    return photo


def plan_place(
    source: str, out_dir, url_prefix: str, key: str, record: dict, cache: PhotoCache | None, files=None, reuse_dir=None,
    listings: dict | None = None,
) -> tuple[Photo, list]:
    """Where the variants of an encoded photo (cache entry ``key``, or ``files``) go in ``out_dir``,
    writing nothing: (the photo, its placements: ``(target, cached file or None, bytes or None)``).

    A variant already in ``reuse_dir`` as the cache's own file (or one of its size: names carry
    the content's hash) stays there: its ``path`` is that file's, and it has no placement.
    ``listings``: a dict that remembers, for one run, the folders listed (:func:`_linked`), so that
    a photo placed again costs one listing of its cache entry instead of two ``stat`` calls per
    variant; with it, a variant missing from the cache entry raises FileNotFoundError here.
    """
    out_dir = os.fspath(out_dir)
    reuse_dir = os.fspath(reuse_dir) if reuse_dir is not None else None
    base = f"{_slug(os.path.basename(source))}-{key[:10]}"
    entry = cache.entry_dir(key) if cache is not None else None
    placements = []
    variants: dict[str, list[Variant]] = {}
    for fmt, width, height in record["variants"]:
        name = f"{base}-{width}.{EXTENSIONS[fmt]}"
        target = out_dir + os.sep + name
        inner = variant_file(fmt, width)
        cached = entry + os.sep + inner if entry is not None else None
        kept = reuse_dir + os.sep + name if reuse_dir is not None else None
        if cached is not None and listings is not None and inner not in _listing(listings, entry)[1]:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), cached)
        if cached is not None and kept is not None and (
            (listings is not None and _linked(listings, entry, inner, reuse_dir, name)) or _same(cached, kept)
        ):
            target = kept
        else:
            placements.append((target, cached, None if cached is not None else files[inner]))
        variants.setdefault(fmt, []).append(Variant(width, height, _url(url_prefix, name), target))
    photo = Photo(
        source=source,
        width=record["width"],
        height=record["height"],
        transparent=record["transparent"],
        variants={fmt: tuple(rows) for fmt, rows in variants.items()},
    )
    return photo, placements


def write_placements(placements: list) -> None:
    """Put each planned variant (:func:`plan_place`) at its target: a hard link to the cache's file
    (or a copy), or the bytes encoded without a cache."""
    made = set()
    for target, cached, content in placements:
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if cached is not None:
            _place(cached, target)
        else:
            _write(target, content)


def _listing(listings: dict, folder: str) -> tuple[int | None, dict[str, int]]:
    """(the folder's device, its file names -> inodes), listed once per run; (None, {}) if unreadable."""
    known = listings.get(folder)
    if known is None:
        try:
            device = os.stat(folder).st_dev
            with os.scandir(folder) as entries:
                known = (device, {entry.name: entry.inode() for entry in entries})  # inodes come with the listing
        except OSError:
            known = (None, {})
        listings[folder] = known
    return known


def _linked(listings: dict, entry: str, inner: str, reuse_dir: str, name: str) -> bool:
    """Whether ``reuse_dir/name`` is a hard link to the cache's ``entry/inner``: the same inode on
    the same device (files of one folder are on its device).  False also when it cannot tell, and
    the caller then asks :func:`_same`."""
    entry_device, entry_files = _listing(listings, entry)
    kept_device, kept_files = _listing(listings, reuse_dir)
    inode = entry_files.get(inner)
    return entry_device is not None and entry_device == kept_device and inode is not None and kept_files.get(name) == inode


def encode(data: bytes, spec: VariantSpec) -> tuple[dict, dict[str, bytes]]:
    """Every variant of a photo, in memory: (record, {cache file name: bytes})."""
    image, (width, height) = decode_upright(data, spec.widths)
    transparent = image.mode == "RGBA"
    formats = spec.output_formats(transparent)
    rows, files = [], {}
    for target_w in variant_widths(width, spec.widths):
        target_h = max(1, round(target_w * height / width))
        if image.size == (target_w, target_h):
            scaled = image
        else:
            scaled = image.resize((target_w, target_h), Image.Resampling.LANCZOS, reducing_gap=3.0)
        scaled.info = {}
        for fmt in formats:
            files[variant_file(fmt, target_w)] = _encoded(scaled, fmt, spec)
            rows.append([fmt, target_w, target_h])
    record = {"width": width, "height": height, "transparent": transparent, "variants": rows}
    return record, files


def _encoded(image: Image.Image, fmt: str, spec: VariantSpec) -> bytes:
    options = dict(ENCODER_OPTIONS[fmt])
    if fmt != "png":
        options["quality"] = spec.quality_for(fmt)
    # No exif/icc_profile/xmp/comment is passed, and image.info is empty, so
    # the encoders write none.
    buffer = io.BytesIO()
    image.save(buffer, _PILLOW_NAMES[fmt], **options)
    return buffer.getvalue()


def _slug(file_name: str) -> str:
    stem = os.path.splitext(file_name)[0]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:60].strip("-") or "photo"


def _url(prefix: str, name: str) -> str:
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix + name


def _same(cached: str, target: str) -> bool:
    """Whether ``target`` holds the cached file (names are content-addressed: the same name holds the same bytes)."""
    try:
        return os.path.samefile(cached, target) or os.path.getsize(cached) == os.path.getsize(target)
    except OSError:
        return False


def _place(cached: str, target: str) -> None:
    """Put a cached file at target: a hard link when possible, else a copy."""
    if _same(cached, target):
        return
    temporary = _temporary_name(target)
    try:
        try:
            os.link(cached, temporary)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(cached, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _write(target: str, content: bytes) -> None:
    temporary = _temporary_name(target)
    try:
        with open(temporary, "xb") as stream:  # mode from the umask, like any output file
            stream.write(content)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _temporary_name(target: str) -> str:
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
