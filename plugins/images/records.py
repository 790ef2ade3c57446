"""What processing a photo produced: its size and its published variants."""

from __future__ import annotations

from dataclasses import dataclass, field

from .spec import MIME_TYPES


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    url: str  # url_prefix + file name
    # where the file is, in this build's output (staging) folder: not part of what pages show
    path: str = field(metadata={"fingerprint": False})


@dataclass(frozen=True)
class Photo:
    """One processed photo.

    ``width`` and ``height`` are those of the original once its EXIF orientation
    is applied (what a reader sees).  ``variants`` maps each format to its
    variants, narrowest first; formats are in order of preference, the fallback
    (``"jpeg"``, or ``"png"`` for a photo with transparency) last.
    """

    source: str
    width: int
    height: int
    transparent: bool
    variants: dict[str, tuple[Variant, ...]] = field(default_factory=dict)

    def __fingerprint__(self) -> tuple:
        """What pages show of it, as plain values: one digest a photo, not one per variant
        (``contract.fingerprint``; a variant's ``path`` is where this build put it, not shown)."""
        return (
            self.source, self.width, self.height, self.transparent,
            [(fmt, [(v.width, v.height, v.url) for v in rows]) for fmt, rows in self.variants.items()],
        )

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.variants)

    @property
    def fallback(self) -> str:
        """The format for the <img> element itself: ``"jpeg"`` or ``"png"``."""
        return self.formats[-1]

    def srcset(self, fmt: str | None = None) -> str:
        """``"a-480.webp 480w, a-960.webp 960w"`` for one format (the fallback by default)."""
        return ", ".join(f"{v.url} {v.width}w" for v in self.variants[fmt or self.fallback])

    def largest(self, fmt: str | None = None) -> Variant:
        """The widest variant of a format (the fallback by default): a ``src`` for <img>."""
        return self.variants[fmt or self.fallback][-1]

    @staticmethod
    def mime_type(fmt: str) -> str:
        """``"image/avif"`` etc., for the ``type`` of a <source> element."""
        return MIME_TYPES[fmt]
