"""Where a photo was taken, taken out of a file published as it is (``{static}``, ``{attach}``, downloads).

Gallery photos are encoded again with no metadata at all (``images.process``).  A JPEG an editor
links from a body or puts in ``content/files`` is published byte for byte, and a phone's photo
carries the place it was taken: its EXIF GPS block, and often the same again in XMP.  Here the
GPS block is removed from the EXIF segment and an XMP segment that names a location is dropped;
every other segment, the image data included, is copied unchanged, so the picture (and its
orientation, camera and date) is exactly what the editor saw.

Only JPEG is rewritten.  Another format whose metadata gives a location (PNG, WebP, TIFF, HEIC
with GPS EXIF) is reported by :func:`location_problem`: the editor exports it without location.
"""

from __future__ import annotations

import io
import warnings

GPS_IFD = 0x8825
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_HEADER = b"Exif\x00\x00"
JPEG_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".jfif")
CHECKED_SUFFIXES = (*JPEG_SUFFIXES, ".png", ".webp", ".tif", ".tiff", ".heic", ".heif", ".avif")
_XMP_LOCATION = (b"GPSLatitude", b"GPSLongitude", b"exif:GPS", b"LocationShown", b"LocationCreated")


def without_location(data: bytes) -> bytes | None:
    """``data`` (a JPEG) without the location its metadata gives; None when it gives none (or is
    not a JPEG this can read: it is then left as it is)."""
    if data[:2] != b"\xff\xd8":
        return None
    parts, position, changed = [data[:2]], 2, False
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None  # not a segment: a file this does not understand is not touched
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            parts.append(data[position:position + 1])
            position += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan (the image data, to the end) or end of image
            parts.append(data[position:])
            break
        length = int.from_bytes(data[position + 2:position + 4], "big")
        segment = data[position:position + 2 + length]
        payload = segment[4:]
        if marker == 0xE1 and payload.startswith(EXIF_HEADER):
            rewritten = _exif_without_gps(payload[len(EXIF_HEADER):])
            if rewritten is not None:  # b"": damaged, dropped whole
                body = EXIF_HEADER + rewritten
                segment = b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body if rewritten else b""
                changed = True
        elif marker == 0xE1 and payload.startswith(XMP_HEADER) and any(name in payload for name in _XMP_LOCATION):
            segment = b""  # XMP is not needed to show the picture: dropped whole
            changed = True
        parts.append(segment)
        position += 2 + length
    else:
        return None
    return b"".join(parts) if changed else None


def _exif_without_gps(tiff: bytes) -> bytes | None:
    """The EXIF data (a TIFF structure) without its GPS block; None when it has none or cannot be read."""
    from PIL import Image

    exif = Image.Exif()
    try:
        with warnings.catch_warnings():  # Pillow warns of damaged EXIF: handled here
            warnings.simplefilter("ignore")
            exif.load(tiff)
            if GPS_IFD not in exif:
                return None
            for tag in (0x8769, 0xA005):  # the Exif and interoperability blocks, read so that they are written again
                exif.get_ifd(tag)
            del exif[GPS_IFD]
            written = exif.tobytes()
    except Exception:  # noqa: BLE001 - damaged EXIF: the segment goes, and with it any location
        return b""
    return written[len(EXIF_HEADER):] if written.startswith(EXIF_HEADER) else written


def has_location(source) -> bool:
    """Whether the metadata of an image file (a path, or its bytes; any format Pillow reads) gives
    where it was taken.  Only the file's header and metadata are read."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
            if image.getexif().get_ifd(GPS_IFD):
                return True
            xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    except Exception:  # noqa: BLE001 - not an image Pillow reads: nothing to say
        return False
    xmp = xmp.encode("utf-8", "replace") if isinstance(xmp, str) else xmp
    return any(name in xmp for name in _XMP_LOCATION)
