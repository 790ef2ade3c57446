"""Reading a source photo: checking it, decoding it upright, in sRGB.

Everything here works on the bytes of the file, read once.  Problems raise
:class:`PhotoError`, which carries the message and the fix an editor reads.
"""

from __future__ import annotations

import io
import re
import warnings

from PIL import Image, ImageCms

ACCEPTED = ("JPEG", "PNG", "WEBP")  # identified by content, whatever the extension says
MAX_PIXELS = 50_000_000  # refuse larger images before decoding a pixel

_ORIENTATION_TAG = 0x0112
# EXIF orientation -> the transposition that makes the stored pixels upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_AXES = {5, 6, 7, 8}

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

CORRUPT = "the file is not a readable JPEG/PNG/WebP image (truncated or corrupt)."
CORRUPT_FIX = "export it again from the photo editor."


class PhotoError(Exception):
    """A photo that cannot be published; ``message`` and ``fix`` are for the editor."""

    def __init__(self, message: str, fix: str):
        super().__init__(f"{message} Fix: {fix}")
        self.message = message
        self.fix = fix

    def __reduce__(self):  # keep both parts when sent back from a worker process
        return (PhotoError, (self.message, self.fix))


def read_source(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise PhotoError(
            f"the file cannot be read ({error.strerror or error}).",
            "check that the file exists and that it can be read.",
        ) from None
    if not data:
        raise PhotoError("the file is empty.", "copy the photo again; the copy may have failed part way.")
    return data


def over_limit(megapixels: float, size: tuple[int, int] | None = None) -> PhotoError:
    limit = MAX_PIXELS / 1e6
    shown = f" ({size[0]}×{size[1]})" if size else ""
    example_w = max(500, int((MAX_PIXELS * 4 / 3) ** 0.5) // 500 * 500)
    return PhotoError(
        f"the image is {megapixels:.1f} megapixels{shown}, over the {limit:g}-megapixel limit.",
        f"resize it below {limit:g} megapixels (e.g. {example_w}×{example_w * 3 // 4}) before adding it.",
    )


def _kind_by_signature(data: bytes) -> str | None:
    """The accepted format the first bytes claim, even if the rest is damaged."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _other_format(data: bytes) -> str | None:
    """The name of an image format we do not accept, when we can tell."""
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1"):
            return "HEIC"
        if brand in (b"avif", b"avis"):
            return "AVIF"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as other:
                return other.format
    except Exception:
        return None


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=ACCEPTED)
    except Image.DecompressionBombError as error:
        # Pillow's own guard fires on opening for sizes far over ours.
        found = re.search(r"\((\d+) pixels\)", str(error))
        raise over_limit(int(found.group(1)) / 1e6 if found else float("inf")) from None
    except Exception:
        pass
    if _kind_by_signature(data):
        raise PhotoError(CORRUPT, CORRUPT_FIX)
    other = _other_format(data)
    if other:
        raise PhotoError(
            f"the file is a {other} image; only JPEG, PNG and WebP images are accepted.",
            "export it as JPEG (or as PNG if it needs transparency) and replace the file.",
        )
    raise PhotoError(
        "the file is not an image (its content is not JPEG, PNG or WebP, whatever its name says).",
        "replace it with the photo exported as JPEG, or remove it.",
    )


def _orientation(image: Image.Image) -> int:
    try:
        value = int(image.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:  # damaged EXIF: the pixels are still fine
        return 1
    return value if value in _UPRIGHT else 1


def _alpha_of(image: Image.Image) -> Image.Image | None:
    """The alpha channel, or None when the image has none or it is fully opaque."""
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        alpha = image.getchannel("A")
    elif "transparency" in image.info:
        alpha = image.convert("RGBA").getchannel("A")
    else:
        return None
    return alpha if alpha.getextrema()[0] < 255 else None


def _colour_in_srgb(image: Image.Image) -> Image.Image:
    """The colour channels as an RGB image in sRGB, without any alpha."""
    icc = image.info.get("icc_profile")
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        # 16-bit grey: scale to 8 bits (a plain convert would clip at 255).
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    elif mode in ("LA", "La", "1", "F"):
        image = image.convert("L")
    elif mode in ("P", "PA", "RGBA", "RGBa", "RGBX"):
        image = image.convert("RGB")
    if icc and image.mode in ("RGB", "L", "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if not (image.mode == "RGB" and "srgb" in ImageCms.getProfileDescription(profile).lower()):
                return ImageCms.profileToProfile(
                    image, profile, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB"
                )
        except Exception:  # an unusable profile: read the numbers as sRGB
            pass
    return image if image.mode == "RGB" else image.convert("RGB")


def decode_upright(data: bytes, widths: tuple[int, ...]) -> tuple[Image.Image, tuple[int, int]]:
    """The checked photo, upright, RGB or RGBA (RGBA only when some pixel is transparent).

    Returns the image and the original's upright size.  The image may be smaller
    than that size (JPEGs are decoded at a reduced scale when the widest variant
    allows it), but never narrower than the widest variant written.
    """
    image = _open(data)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise over_limit(width * height / 1e6, (width, height))
    orientation = _orientation(image)
    upright = (height, width) if orientation in _SWAPS_AXES else (width, height)

    try:
        if image.format == "PNG":
            # verify() checks every chunk's checksum, which decoding alone does not.
            with Image.open(io.BytesIO(data), formats=("PNG",)) as checked:
                checked.verify()
        if image.format in ("JPEG", "MPO"):
            target_w = widest_variant(upright[0], widths)
            target_h = max(1, round(target_w * upright[1] / upright[0]))
            stored = (target_h, target_w) if orientation in _SWAPS_AXES else (target_w, target_h)
            image.draft(None, stored)  # decode at 1/2, 1/4 or 1/8 scale when that is enough
        image.load()
    except Exception:
        raise PhotoError(CORRUPT, CORRUPT_FIX) from None

    alpha = _alpha_of(image)
    result = _colour_in_srgb(image)
    if alpha is not None:
        result.putalpha(alpha)
    if orientation in _UPRIGHT:
        result = result.transpose(_UPRIGHT[orientation])
    result.info = {}  # nothing of the source's metadata travels further
    return result, upright


def variant_widths(width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The widths written for a photo this wide: never wider than the photo itself."""
    fitting = tuple(w for w in widths if w <= width)
    return fitting or (width,)


def widest_variant(width: int, widths: tuple[int, ...]) -> int:
    return variant_widths(width, widths)[-1]
