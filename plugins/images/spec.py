"""The settings that shape every published variant of a photo."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Mapping

from PIL import features

# Bump when the processing itself changes (resampling, colour handling,
# encoder options below): every photo then gets new files and new URLs.
PIPELINE_VERSION = 1

# Encoder options that are not settings of the site but still shape the
# bytes written; they are part of the fingerprint.  AVIF: speed 8 encodes about
# a third faster than the default 6 for files a few per cent larger; one thread
# per encoder because libavif's output depends on the thread count (the same
# photo must give the same bytes on every machine) and process_all already
# keeps every core busy with one photo each.
ENCODER_OPTIONS = {
    "avif": {"speed": 8, "max_threads": 1},
    "webp": {"method": 4},
    "jpeg": {"optimize": True, "progressive": True},
    "png": {"compress_level": 6},
}

DEFAULT_QUALITY = {"avif": 60, "webp": 80, "jpeg": 82}

# The file-name extension and the MIME type (for <source type="...">) of each format.
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}

MODERN_FORMATS = ("avif", "webp")  # offered in <source> elements, best first
FALLBACK_FORMATS = ("jpeg", "png")  # the <img> itself: png only for photos with transparency


def avif_supported() -> bool:
    """Whether this Pillow can write AVIF (Pillow >= 11.3 built with libavif)."""
    try:
        return bool(features.check("avif"))
    except Exception:  # an older Pillow does not know the feature name
        return False


def default_formats() -> tuple[str, ...]:
    return ("avif", "webp") if avif_supported() else ("webp",)


@dataclass(frozen=True)
class VariantSpec:
    """What to write for each photo.

    ``widths``: the widths of the variants in pixels; a photo gets those not wider
    than itself (never upscaled), or a single variant at its own width when it is
    narrower than all of them.
    ``formats``: the modern formats, best first (``"avif"``, ``"webp"``); by default
    AVIF when this Pillow can write it, and WebP.  A fallback is always added:
    JPEG, or PNG when the photo has transparency.
    ``quality``: a mapping of format to quality 1-100; formats not given keep
    :data:`DEFAULT_QUALITY` (PNG is lossless and has none).
    """

    widths: tuple[int, ...] = (480, 960, 1600)
    formats: tuple[str, ...] = field(default_factory=default_formats)
    quality: Mapping[str, int] | tuple[tuple[str, int], ...] = ()

    def __post_init__(self):
        widths = tuple(sorted(set(int(w) for w in self.widths)))
        if not widths or widths[0] < 1:
            raise ValueError(f"VariantSpec.widths must be positive pixel widths, not {self.widths!r}")
        formats = tuple(dict.fromkeys(str(f).lower() for f in self.formats))
        for name in formats:
            if name not in MODERN_FORMATS:
                raise ValueError(
                    f"VariantSpec.formats: {name!r} is not one of {', '.join(MODERN_FORMATS)} "
                    "(the JPEG/PNG fallback is always written)"
                )
        if "avif" in formats and not avif_supported():
            raise ValueError("VariantSpec.formats: this Pillow cannot write AVIF (it needs Pillow >= 11.3 with libavif)")
        given = dict(self.quality)
        unknown = set(given) - set(DEFAULT_QUALITY)
        if unknown:
            raise ValueError(f"VariantSpec.quality: unknown format(s) {sorted(unknown)}")
        quality = {**DEFAULT_QUALITY, **{k: int(v) for k, v in given.items()}}
        for name, value in quality.items():
            if not 1 <= value <= 100:
                raise ValueError(f"VariantSpec.quality: {name} quality {value} is not between 1 and 100")
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "formats", formats)
        object.__setattr__(self, "quality", tuple(sorted(quality.items())))

    def quality_for(self, fmt: str) -> int:
        return dict(self.quality)[fmt]

    def output_formats(self, transparent: bool) -> tuple[str, ...]:
        """The formats written for one photo, best first, its fallback last."""
        return self.formats + ("png" if transparent else "jpeg",)

    def fingerprint(self) -> str:
        """A short stable hash of everything that shapes the output bytes (computed once per spec)."""
        known = self.__dict__.get("_fingerprint")
        if known is not None:
            return known
        described = {
            "pipeline": PIPELINE_VERSION,
            "widths": list(self.widths),
            "formats": list(self.formats),
            "quality": dict(self.quality),
            "encoders": ENCODER_OPTIONS,
        }
        text = json.dumps(described, sort_keys=True, separators=(",", ":"))
        known = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        object.__setattr__(self, "_fingerprint", known)  # frozen: its fields cannot change
        return known
