"""Photos for the site: checked, upright, stripped of metadata, in responsive variants.

A library (no Pelican signals); the gallery plugin calls it.  In short::

    from images import PhotoCache, PhotoJob, VariantSpec, process_all

    spec = VariantSpec()                      # widths 480/960/1600; AVIF (when Pillow
                                              # can write it) and WebP, plus JPEG/PNG
    cache = PhotoCache(".cache/images")
    result = process_all([PhotoJob("content/gallery/a.jpg", "output/images", "/images/")], spec, cache)
    log.extend(result.problems)               # one Problem per photo that cannot be published
    photo = result.photos["content/gallery/a.jpg"]
    photo.srcset("webp")                      # "/images/a-1a2b3c4d5e-480.webp 480w, ..."

``process_all`` is ``plan_all`` (check, encode into the cache, compute every variant's URL
and size: what pages need, nothing written outside the cache) then ``place_all`` (put the
variants in their folders); a build calls the first when it plans and the second when it
renders.

What each photo goes through (:mod:`images.decode`, :mod:`images.process`):

* identified by content: only JPEG, PNG and WebP; a damaged or non-image file,
  or one over 50 megapixels (checked from the header, before decoding) is an error;
* decoded fully (a truncated file is an error), turned upright from its EXIF
  orientation, converted to sRGB (ICC profiles, CMYK, palette, 16-bit grey);
* written at each width of the spec not wider than itself (never upscaled), in
  each format, with no metadata at all (no EXIF, GPS, XMP, ICC profile, comment);
  the original itself is never published;
* named ``<stem>-<hash10>-<width>.<ext>``, the hash covering the photo's bytes
  and the spec, so a changed photo gets new URLs and one file serves all languages.

:class:`PhotoCache` keeps the encoded files (``.cache/images/<key>/``): a rebuild
without changes encodes nothing, even into an empty output folder.
"""

from .batch import BatchResult, PhotoJob, ProgressPrinter, place_all, plan_all, process_all
from .cache import PhotoCache
from .decode import MAX_PIXELS, PhotoError
from .process import process_photo
from .records import Photo, Variant
from .spec import MIME_TYPES, VariantSpec, avif_supported

__all__ = [
    "BatchResult",
    "MAX_PIXELS",
    "MIME_TYPES",
    "Photo",
    "PhotoCache",
    "PhotoError",
    "PhotoJob",
    "ProgressPrinter",
    "Variant",
    "VariantSpec",
    "avif_supported",
    "place_all",
    "plan_all",
    "process_all",
    "process_photo",
]
