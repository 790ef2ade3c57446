"""The photo pipeline (plugins/images): what it publishes and what it refuses.

Test photos are drawn here, small, in tmp_path.  Most tests write WebP and the
JPEG/PNG fallback only (AVIF is the slowest encoder); the metadata and
transparency tests include AVIF when this Pillow can write it.
"""

import io
import os
import shutil
import time
import struct
import zlib

import pytest
from PIL import Image, ImageCms, ImageFile, ImageOps
from PIL.ExifTags import GPS, IFD, Base
from PIL.TiffImagePlugin import IFDRational

import images
from contract.problems import ERROR, shown_path
from images import (
    PhotoCache,
    PhotoError,
    PhotoJob,
    ProgressPrinter,
    VariantSpec,
    avif_supported,
    process_all,
    process_photo,
)

FAST = VariantSpec(widths=(32, 64), formats=("webp",))
ALL_FORMATS = VariantSpec(widths=(32, 64), formats=("avif", "webp") if avif_supported() else ("webp",))

RED, GREEN, BLUE, YELLOW = (230, 20, 20), (20, 200, 20), (20, 20, 230), (240, 230, 20)

# How an upright picture is stored so that a viewer applying EXIF orientation N
# shows it upright (written from the EXIF definition of each value; checked
# against Pillow's own exif_transpose below).
STORE_FOR = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


# -- drawing test photos ----------------------------------------------------------------
def quadrants(size=(120, 80)):
    """Upright picture: red top-left, green top-right, blue bottom-left, yellow bottom-right."""
    w, h = size
    image = Image.new("RGB", size)
    image.paste(RED, (0, 0, w // 2, h // 2))
    image.paste(GREEN, (w // 2, 0, w, h // 2))
    image.paste(BLUE, (0, h // 2, w // 2, h))
    image.paste(YELLOW, (w // 2, h // 2, w, h))
    return image


def camera_exif(orientation=1):
    """EXIF as a phone writes it: make, model, date taken, orientation, GPS in Hong Kong."""
    exif = Image.Exif()
    exif[Base.Make] = "TestCamMakeXYZ"
    exif[Base.Model] = "Model 9000"
    exif[Base.Orientation] = orientation
    exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = "2025:07:30 14:30:00"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N"
    gps[GPS.GPSLatitude] = (IFDRational(22, 1), IFDRational(17, 1), IFDRational(3943, 100))
    gps[GPS.GPSLongitudeRef] = "E"
    gps[GPS.GPSLongitude] = (IFDRational(114, 1), IFDRational(10, 1), IFDRational(1461, 100))
    return exif


# The GPS latitude as Pillow stores the EXIF above (big-endian): three rationals.
GPS_LATITUDE_BYTES = struct.pack(">6L", 22, 1, 17, 1, 3943, 100)
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/><?xpacket end="w"?>'


def save(image, path, fmt=None, **params):
    image.save(path, fmt, **params)
    return str(path)


def variant_files(out_dir):
    return sorted(p for p in os.listdir(out_dir) if not p.startswith(".")) if os.path.isdir(out_dir) else []


def colour_near(actual, expected, tolerance=40):
    return all(abs(a - e) <= tolerance for a, e in zip(actual[:3], expected))


def settled(paths, age: int = 3600):
    """Date the files ``age`` seconds back: saved long before a build reads them (only those are
    remembered by their identity; see test_a_photo_saved_just_now_is_read_again_next_time)."""
    when = time.time() - age
    for path in paths:
        os.utime(path, (when, when))
    return paths


def run(jobs, spec=FAST, cache=None, workers=1):
    return process_all(jobs, spec, cache, workers=workers, progress=False)


# -- orientation --------------------------------------------------------------------------
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_published_upright(tmp_path, orientation):
    upright = quadrants((120, 80))
    stored = upright if STORE_FOR[orientation] is None else upright.transpose(STORE_FOR[orientation])
    source = save(stored, tmp_path / f"o{orientation}.jpg", "JPEG", quality=95, exif=camera_exif(orientation))
    # The test's own table agrees with Pillow's reading of the orientation.
    with Image.open(source) as check:
        shown = ImageOps.exif_transpose(check)
        assert shown.size == (120, 80) and colour_near(shown.getpixel((10, 10)), RED)

    photo = process_photo(source, tmp_path / "out", "", FAST)

    assert (photo.width, photo.height) == (120, 80)
    for fmt in ("webp", "jpeg"):
        assert [(v.width, v.height) for v in photo.variants[fmt]] == [(32, 21), (64, 43)]
        with Image.open(photo.largest(fmt).path) as out:
            assert out.size == (64, 43)
            w, h = out.size
            assert colour_near(out.getpixel((w // 4, h // 4)), RED)
            assert colour_near(out.getpixel((3 * w // 4, h // 4)), GREEN)
            assert colour_near(out.getpixel((w // 4, 3 * h // 4)), BLUE)
            assert colour_near(out.getpixel((3 * w // 4, 3 * h // 4)), YELLOW)


def test_orientation_in_a_png_is_applied_too(tmp_path):
    source = save(quadrants().transpose(STORE_FOR[6]), tmp_path / "turned.png", "PNG", exif=camera_exif(6))
    photo = process_photo(source, tmp_path / "out", "", FAST)
    assert (photo.width, photo.height) == (120, 80)
    with Image.open(photo.largest().path) as out:
        assert colour_near(out.getpixel((8, 8)), RED)


# -- metadata ------------------------------------------------------------------------------
def test_no_metadata_of_any_kind_reaches_any_output(tmp_path):
    exif = camera_exif(6).tobytes()
    jpeg = save(quadrants(), tmp_path / "camera.jpg", "JPEG", exif=exif, icc_profile=SRGB_ICC, xmp=XMP, comment=b"secret note")
    png = save(quadrants().convert("RGBA"), tmp_path / "edited.png", "PNG", exif=exif, icc_profile=SRGB_ICC)
    webp = save(quadrants(), tmp_path / "shared.webp", "WEBP", exif=exif, icc_profile=SRGB_ICC, xmp=XMP)
    tiny = save(quadrants((20, 14)), tmp_path / "tiny.jpg", "JPEG", exif=exif)  # narrower than every width
    for source in (jpeg, png, webp, tiny):  # the sources do carry what must not get through
        data = open(source, "rb").read()
        assert b"TestCamMakeXYZ" in data and GPS_LATITUDE_BYTES in data

    result = run([(s, tmp_path / "out", "") for s in (jpeg, png, webp, tiny)], ALL_FORMATS)

    assert not result.problems
    outputs = variant_files(tmp_path / "out")
    assert len(outputs) == (3 * 2 + 1) * len(ALL_FORMATS.formats + ("jpeg",))  # two widths each, one for tiny
    for name in outputs:
        path = tmp_path / "out" / name
        with Image.open(path) as out:
            assert not out.getexif(), name
            for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"):
                assert key not in out.info, (name, key)
        data = path.read_bytes()
        assert b"exif" not in data.lower(), name
        assert GPS_LATITUDE_BYTES not in data and b"TestCamMakeXYZ" not in data, name
        assert b"xpacket" not in data and b"ns.adobe.com" not in data and b"secret note" not in data, name
        assert b"acsp" not in data, name  # the signature every ICC profile carries
        assert data not in (open(s, "rb").read() for s in (jpeg, png, webp, tiny))  # never the original


# -- cache ---------------------------------------------------------------------------------
def three_photos(folder):
    folder.mkdir()
    paths = []
    for i, colour in enumerate((RED, GREEN, BLUE)):
        image = quadrants()
        image.paste(colour, (0, 0, 30, 30))
        paths.append(save(image, folder / f"p{i}.jpg", "JPEG", quality=90))
    return paths


def test_a_rebuild_without_changes_encodes_nothing_even_into_an_empty_output(tmp_path):
    sources = three_photos(tmp_path / "src")
    out = tmp_path / "out"
    jobs = [PhotoJob(s, out, "/img/") for s in sources]

    first = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    assert (first.encoded, first.reused) == (3, 0)

    cache = PhotoCache(tmp_path / "cache")
    second = run(jobs, cache=cache)
    assert (second.encoded, second.reused) == (0, 3)
    assert (cache.encoded, cache.reused) == (0, 3)
    assert second.photos == first.photos

    before = {name: (out / name).read_bytes() for name in variant_files(out)}
    for name in before:
        (out / name).unlink()
    out.rmdir()
    third = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    assert (third.encoded, third.reused) == (0, 3)
    assert {name: (out / name).read_bytes() for name in variant_files(out)} == before


def test_a_cache_entry_missing_a_file_is_made_again_not_served(tmp_path):
    sources = three_photos(tmp_path / "src")
    jobs = [PhotoJob(s, tmp_path / "out", "/img/") for s in sources]
    first = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    run(jobs, cache=PhotoCache(tmp_path / "cache"))  # the records of the entries are now remembered too
    for name in variant_files(tmp_path / "out"):
        (tmp_path / "out" / name).unlink()  # nothing to keep: every file comes from the cache
    entry = next(p for p in (tmp_path / "cache").iterdir() if p.is_dir() and (p / "photo.json").exists())
    lost = next(p for p in entry.iterdir() if p.name != "photo.json")
    lost.unlink()  # removed by hand

    third = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    assert (third.encoded, third.reused, third.problems) == (1, 2, [])
    assert lost.exists()
    assert third.photos == first.photos
    assert all(os.path.isfile(v.path) for photo in third.photos.values() for vs in photo.variants.values() for v in vs)


def test_changing_one_photo_re_encodes_only_that_photo_and_changes_its_urls(tmp_path):
    sources = three_photos(tmp_path / "src")
    jobs = [PhotoJob(s, tmp_path / "out", "") for s in sources]
    first = run(jobs, cache=PhotoCache(tmp_path / "cache"))

    changed = quadrants()
    changed.paste((0, 0, 0), (50, 20, 70, 40))
    save(changed, sources[1], "JPEG", quality=90)
    second = run(jobs, cache=PhotoCache(tmp_path / "cache"))

    assert (second.encoded, second.reused) == (1, 2)
    assert second.photos[sources[0]] == first.photos[sources[0]]
    assert second.photos[sources[2]] == first.photos[sources[2]]
    old_urls = {v.url for vs in first.photos[sources[1]].variants.values() for v in vs}
    new_urls = {v.url for vs in second.photos[sources[1]].variants.values() for v in vs}
    assert not old_urls & new_urls


def test_file_names_are_content_addressed_and_shared_by_languages(tmp_path):
    source = save(quadrants(), tmp_path / "Forum Photo 1.JPG", "JPEG")
    en = process_photo(source, tmp_path / "out", "/images/", FAST, PhotoCache(tmp_path / "cache"))
    tc = process_photo(source, tmp_path / "out", "/images/", FAST, PhotoCache(tmp_path / "cache"))
    assert en == tc
    url = en.largest("webp").url
    assert url.startswith("/images/forum-photo-1-") and url.endswith("-64.webp")
    hash10 = url.split("-")[-2]
    assert len(hash10) == 10 and all(c in "0123456789abcdef" for c in hash10)
    other_spec = process_photo(source, tmp_path / "out2", "/images/", VariantSpec(widths=(32, 64), formats=("webp",), quality={"webp": 50}))
    assert other_spec.largest("webp").url != url  # the spec is part of the hash


# -- widths --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "width, expected",
    [(100, [40, 80]), (80, [40, 80]), (200, [40, 80, 160]), (30, [30])],
)
def test_variants_are_never_wider_than_the_original(tmp_path, width, expected):
    source = save(quadrants((width, width // 2)), tmp_path / "w.png", "PNG")
    photo = process_photo(source, tmp_path / "out", "", VariantSpec(widths=(160, 40, 80), formats=("webp",)))
    for fmt in ("webp", "jpeg"):
        assert [v.width for v in photo.variants[fmt]] == expected
        for variant in photo.variants[fmt]:
            with Image.open(variant.path) as out:
                assert out.size == (variant.width, variant.height) == (variant.width, round(variant.width / 2))


def test_srcset_lists_every_width_of_a_format(tmp_path):
    source = save(quadrants(), tmp_path / "a.jpg", "JPEG")
    photo = process_photo(source, tmp_path / "out", "img", FAST)
    assert photo.formats == ("webp", "jpeg") and photo.fallback == "jpeg"
    stem = os.path.basename(photo.variants["webp"][0].path).rsplit("-", 1)[0]
    assert photo.srcset("webp") == f"img/{stem}-32.webp 32w, img/{stem}-64.webp 64w"
    assert photo.srcset() == f"img/{stem}-32.jpg 32w, img/{stem}-64.jpg 64w"
    assert photo.mime_type("avif") == "image/avif"


# -- colour modes and transparency --------------------------------------------------------
def test_transparency_keeps_a_png_fallback_and_alpha_in_modern_formats(tmp_path):
    image = quadrants().convert("RGBA")
    image.paste((0, 0, 0, 0), (60, 0, 120, 80))  # right half fully transparent
    source = save(image, tmp_path / "logo.png", "PNG")

    photo = process_photo(source, tmp_path / "out", "", ALL_FORMATS)

    assert photo.transparent
    assert photo.formats == ALL_FORMATS.formats + ("png",)
    for fmt in photo.formats:
        with Image.open(photo.largest(fmt).path) as out:
            out = out.convert("RGBA")
            assert out.getpixel((55, 30))[3] <= 8, fmt  # AVIF's alpha is lossy
            assert out.getpixel((5, 5))[3] >= 247 and colour_near(out.getpixel((5, 5)), RED), fmt


@pytest.mark.parametrize(
    "make, fallback",
    [
        (lambda: Image.new("RGBA", (80, 60), (10, 120, 200, 255)), "jpeg"),  # alpha channel, all opaque
        (lambda: Image.new("LA", (80, 60), (100, 128)), "png"),
        (lambda: quadrants((80, 60)).convert("P"), "jpeg"),
    ],
    ids=["opaque-rgba", "grey-alpha", "palette"],
)
def test_fallback_is_png_only_when_some_pixel_is_transparent(tmp_path, make, fallback):
    photo = process_photo(save(make(), tmp_path / "x.png", "PNG"), tmp_path / "out", "", FAST)
    assert photo.fallback == fallback
    with Image.open(photo.largest().path) as out:
        assert out.mode == ("RGBA" if fallback == "png" else "RGB")


def test_palette_with_a_transparent_colour_keeps_transparency(tmp_path):
    image = Image.new("P", (80, 60), 0)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.paste(1, (40, 0, 80, 60))
    source = save(image, tmp_path / "p.png", "PNG", transparency=1)
    photo = process_photo(source, tmp_path / "out", "", FAST)
    assert photo.fallback == "png"
    with Image.open(photo.largest().path) as out:
        assert out.getpixel((5, 5)) == (255, 0, 0, 255) and out.getpixel((60, 30))[3] == 0


def test_cmyk_jpeg_is_published_as_rgb(tmp_path):
    source = save(Image.new("CMYK", (80, 60), (0, 255, 255, 0)), tmp_path / "print.jpg", "JPEG", quality=95)
    photo = process_photo(source, tmp_path / "out", "", FAST)
    with Image.open(photo.largest().path) as out:
        assert out.mode == "RGB" and colour_near(out.getpixel((30, 20)), (255, 0, 0), 50)


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path):
    image = Image.new("I;16", (80, 60), 32768)  # mid grey in 16 bits
    source = save(image, tmp_path / "scan.png", "PNG")
    photo = process_photo(source, tmp_path / "out", "", FAST)
    with Image.open(photo.largest().path) as out:
        assert colour_near(out.getpixel((30, 20)), (128, 128, 128), 6)


def test_colour_profiles_are_converted_to_srgb_and_never_kept(tmp_path, monkeypatch):
    # Make the built-in sRGB profile look like another one, so that it is converted.
    monkeypatch.setattr(ImageCms, "getProfileDescription", lambda profile: "Some camera RGB")
    converted = save(quadrants(), tmp_path / "profiled.jpg", "JPEG", quality=95, icc_profile=SRGB_ICC)
    broken = save(quadrants(), tmp_path / "broken.png", "PNG", icc_profile=b"not a profile at all")
    result = run([(converted, tmp_path / "out", ""), (broken, tmp_path / "out", "")])
    assert not result.problems
    for photo in result.photos.values():
        with Image.open(photo.largest().path) as out:
            assert "icc_profile" not in out.info and colour_near(out.getpixel((8, 8)), RED)


@pytest.mark.parametrize("orientation", [1, 6])
def test_big_jpegs_are_decoded_at_reduced_scale_never_below_the_widest_variant(tmp_path, orientation):
    upright = quadrants((1000, 500))
    stored = upright if orientation == 1 else upright.transpose(STORE_FOR[orientation])
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=camera_exif(orientation))
    image, size = images.decode.decode_upright(buffer.getvalue(), (60, 120))
    assert size == (1000, 500)
    assert 120 <= image.width < 500 and image.width > image.height
    assert colour_near(image.getpixel((4, 4)), RED)


def test_content_decides_the_format_not_the_extension(tmp_path):
    source = save(quadrants(), tmp_path / "really-a-png.jpg", "PNG")
    photo = process_photo(source, tmp_path / "out", "", FAST)
    assert (photo.width, photo.height) == (120, 80)


# -- refused photos ------------------------------------------------------------------------
def png_claiming(width, height):
    """A PNG whose header claims this size; no pixel data follows."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


def truncated_jpeg():
    buffer = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()[: buffer.tell() // 2]


def gif():
    buffer = io.BytesIO()
    quadrants().save(buffer, "GIF")
    return buffer.getvalue()


BAD = {
    "huge.png": (png_claiming(9050, 6784), "the image is 61.4 megapixels (9050×6784), over the 50-megapixel limit.",
                 "resize it below 50 megapixels (e.g. 8000×6000) before adding it."),
    "bomb.png": (png_claiming(30000, 30000), "the image is 900.0 megapixels, over the 50-megapixel limit.",
                 "resize it below 50 megapixels (e.g. 8000×6000) before adding it."),
    "cut.jpg": (truncated_jpeg(), "the file is not a readable JPEG/PNG/WebP image (truncated or corrupt).",
                "export it again from the photo editor."),
    "notes.jpg": (b"Minutes of the meeting\n" * 20, "the file is not an image",
                  "replace it with the photo exported as JPEG, or remove it."),
    "anim.gif": (gif(), "the file is a GIF image; only JPEG, PNG and WebP images are accepted.",
                 "export it as JPEG (or as PNG if it needs transparency) and replace the file."),
    "empty.jpg": (b"", "the file is empty.", "copy the photo again"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_photo_gives_one_problem_with_its_fix_and_no_files(tmp_path, name):
    data, message, fix = BAD[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    good = save(quadrants(), tmp_path / "good.jpg", "JPEG")

    result = run([(bad, tmp_path / "out", ""), (good, tmp_path / "out", "")], cache=PhotoCache(tmp_path / "cache"))

    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.level == ERROR and problem.path.endswith(name)
    assert problem.message.startswith(message) and problem.fix.startswith(fix)
    line = problem.format()
    assert "\n" not in line and line.startswith(problem.path + ": error: ") and " Fix: " in line
    assert str(bad) not in result.photos and good in result.photos
    stem = name.split(".")[0]
    assert not [f for f in variant_files(tmp_path / "out") if f.startswith(stem)]
    assert (result.encoded, result.reused) == (1, 0)


def test_the_pixel_limit_is_checked_before_decoding(tmp_path, monkeypatch):
    source = save(quadrants((120, 80)), tmp_path / "big.jpg", "JPEG")
    monkeypatch.setattr("images.decode.MAX_PIXELS", 9000)
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    with pytest.raises(PhotoError) as caught:
        process_photo(source, tmp_path / "out", "", FAST)
    assert "0.0 megapixels (120×80), over the 0.009-megapixel limit" in caught.value.message
    assert not decoded and not (tmp_path / "out").exists()


# -- batches -------------------------------------------------------------------------------
def test_two_workers_give_the_same_results_as_one(tmp_path):
    sources = three_photos(tmp_path / "src")
    sources.append(save(quadrants().convert("RGBA"), tmp_path / "src" / "alpha.png", "PNG"))
    serial = run([(s, tmp_path / "one", "/i/") for s in sources], ALL_FORMATS, PhotoCache(tmp_path / "c1"), workers=1)
    parallel = run([(s, tmp_path / "two", "/i/") for s in sources], ALL_FORMATS, PhotoCache(tmp_path / "c2"), workers=2)

    assert (parallel.encoded, parallel.problems) == (4, [])

    def without_paths(result):
        return {
            source: (p.width, p.height, p.transparent, {f: [(v.width, v.height, v.url) for v in vs] for f, vs in p.variants.items()})
            for source, p in result.photos.items()
        }

    assert without_paths(parallel) == without_paths(serial)
    assert variant_files(tmp_path / "one") == variant_files(tmp_path / "two")
    for name in variant_files(tmp_path / "one"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_progress_is_reported_for_every_photo(tmp_path):
    sources = three_photos(tmp_path / "src")
    seen = []
    process_all([(s, tmp_path / "out", "") for s in sources], FAST, None, workers=1, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_worker_that_dies_is_one_problem_naming_its_photo_and_the_batch_goes_on(tmp_path, monkeypatch):
    import signal

    import images.batch

    sources = three_photos(tmp_path / "src")
    doomed = os.fspath(sources[1])
    work = images.batch._work

    def dies_on_one(job, spec, cache):
        if job.source == doomed:  # the kernel's out-of-memory killer, say
            time.sleep(0.3)
            os.kill(os.getpid(), signal.SIGKILL)
        return work(job, spec, cache)

    monkeypatch.setattr(images.batch, "_work", dies_on_one)  # inherited by the forked workers
    seen = []
    result = process_all([(s, tmp_path / "out", "") for s in sources], FAST, None, workers=2, progress=lambda d, t: seen.append((d, t)))
    # the dying worker's photo is one error naming it; a photo still waiting when the pool broke
    # may share its fate (the same line), one done before keeps its variants
    assert shown_path(doomed) in [p.path for p in result.problems]
    assert all(p.level == ERROR and "ended before" in p.message and p.fix for p in result.problems)
    assert doomed not in result.photos and result.photos and len(result.photos) + len(result.problems) == 3
    assert seen[-1] == (3, 3)  # every photo answered


def test_default_progress_prints_long_runs_only(capsys):
    printer = ProgressPrinter(interval=0)
    for done in range(1, 21):
        printer(done, 20)
    assert capsys.readouterr().err == ""
    printer = ProgressPrinter(interval=0)
    for done in range(1, 41):
        printer(done, 40)
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "images: 40/40" and "images: 20/40" in lines


def test_a_photo_listed_twice_is_processed_once(tmp_path):
    source = save(quadrants(), tmp_path / "a.jpg", "JPEG")
    result = run([(source, tmp_path / "out", ""), (source, tmp_path / "out", "")])
    assert result.encoded == 1 and list(result.photos) == [source]
    with pytest.raises(ValueError):
        run([(source, tmp_path / "out", ""), (source, tmp_path / "elsewhere", "")])


# -- the spec --------------------------------------------------------------------------------
def test_spec_fingerprint_is_stable_and_follows_every_setting():
    base = VariantSpec(widths=(480, 960), formats=("webp",))
    assert base.fingerprint() == VariantSpec(widths=(960, 480), formats=("webp",), quality={}).fingerprint()
    assert base.fingerprint() != VariantSpec(widths=(480, 961), formats=("webp",)).fingerprint()
    assert base.fingerprint() != VariantSpec(widths=(480, 960), formats=("webp",), quality={"jpeg": 90}).fingerprint()
    assert len(base.fingerprint()) == 16
    assert VariantSpec().formats == (("avif", "webp") if avif_supported() else ("webp",))
    with pytest.raises(ValueError):
        VariantSpec(formats=("gif",))
    with pytest.raises(ValueError):
        VariantSpec(quality={"webp": 0})
    assert images.MAX_PIXELS == 50_000_000


def test_a_rebuild_does_not_read_photos_whose_files_are_unchanged(tmp_path, monkeypatch):
    from images import process as process_module

    sources = settled(three_photos(tmp_path / "src"))
    jobs = [PhotoJob(s, tmp_path / "out", "/img/") for s in sources]
    first = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    read = []
    real_read = process_module.read_source
    monkeypatch.setattr(process_module, "read_source", lambda path: read.append(path) or real_read(path))

    again = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    assert read == []  # known by size, time and inode: not read, not hashed
    assert again.photos == first.photos and (again.encoded, again.reused) == (0, 3)

    Image.new("RGB", (80, 60), (200, 10, 10)).save(sources[1])  # an editor replaces one photo
    changed = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    assert read == [sources[1]]
    assert (changed.encoded, changed.reused) == (1, 2)
    assert changed.photos[sources[1]] != first.photos[sources[1]]


def test_a_photo_saved_just_now_is_read_again_next_time(tmp_path, monkeypatch):
    from images import process as process_module

    sources = three_photos(tmp_path / "src")
    settled(sources[1:])  # the first was saved a moment ago: it could change again within the same tick
    jobs = [PhotoJob(s, tmp_path / "out", "/img/") for s in sources]
    run(jobs, cache=PhotoCache(tmp_path / "cache"))
    read = []
    real_read = process_module.read_source
    monkeypatch.setattr(process_module, "read_source", lambda path: read.append(path) or real_read(path))
    again = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    assert read == [sources[0]]
    assert (again.encoded, again.reused) == (0, 3)


def test_published_variants_stay_where_they_are_only_when_they_hold_the_cached_bytes(tmp_path, monkeypatch):
    from images import process as process_module

    sources = settled(three_photos(tmp_path / "src"))
    published = tmp_path / "output"
    run([PhotoJob(s, published, "/img/") for s in sources], cache=PhotoCache(tmp_path / "cache"))
    names = variant_files(published)
    linked, copied, replaced = names[0], names[1], names[2]
    shutil.copyfile(published / copied, published / f"{copied}.tmp")
    os.replace(published / f"{copied}.tmp", published / copied)  # the same bytes, another inode
    (published / replaced).unlink()
    (published / replaced).write_bytes(b"not the variant")  # another inode and size
    stats = []
    real_same = process_module._same
    monkeypatch.setattr(process_module, "_same", lambda a, b: stats.append(os.path.relpath(b, tmp_path)) or real_same(a, b))

    again = run([PhotoJob(s, tmp_path / "staging", "/img/", reuse_dir=published) for s in sources], cache=PhotoCache(tmp_path / "cache"))
    paths = {os.path.basename(v.path): v.path for photo in again.photos.values() for vs in photo.variants.values() for v in vs}
    assert paths[linked] == str(published / linked)  # a link to the cache's file: known from the listings
    assert paths[copied] == str(published / copied)  # a copy of the bytes: known by a stat
    assert paths[replaced] == str(tmp_path / "staging" / replaced)  # something else: placed again
    assert (tmp_path / "staging" / replaced).read_bytes() != b"not the variant"
    # stat'ed in output/: only the files the listings could not vouch for
    assert sorted(rel for rel in stats if rel.startswith("output")) == sorted([f"output/{copied}", f"output/{replaced}"])


def test_pruning_keeps_the_entries_a_run_used_and_removes_the_others(tmp_path):
    sources = three_photos(tmp_path / "src")
    jobs = [PhotoJob(s, tmp_path / "out", "/img/") for s in sources]
    everything = run(jobs, cache=PhotoCache(tmp_path / "cache"))
    assert len(everything.keys) == 3
    interrupted = tmp_path / "cache" / ".new-abc"  # left by a run that was stopped
    interrupted.mkdir()
    os.utime(interrupted, (time.time() - 7200, time.time() - 7200))
    starting = tmp_path / "cache" / ".new-def"  # another run writing an entry right now
    starting.mkdir()

    cache = PhotoCache(tmp_path / "cache")
    two = run(jobs[:2], cache=cache)  # one photo was taken out of its gallery
    assert two.keys < everything.keys and len(two.keys) == 2
    assert cache.prune(two.keys) == 2  # the third photo's entry, and the interrupted folder
    assert sorted(p.name for p in (tmp_path / "cache").iterdir() if p.is_dir()) == sorted([*two.keys, ".new-def"])
    again = run(jobs[:2], cache=PhotoCache(tmp_path / "cache"))
    assert (again.encoded, again.reused) == (0, 2) and again.keys == two.keys


def test_an_entry_stored_whole_by_another_worker_is_kept_not_replaced(tmp_path):
    """Two workers encoding the same bytes (one photo under two paths) store the same entry: the
    second must not remove the first's folder, from which a job may be placing files."""
    from images.cache import ENTRY_VERSION, PhotoCache

    cache = PhotoCache(tmp_path / "cache")
    record = {"variants": [["jpeg", 320, 240]]}
    folder = cache.store("k", record, {"320.jpg": b"first"})
    assert cache.lookup("k")["version"] == ENTRY_VERSION
    inode = os.stat(os.path.join(folder, "320.jpg")).st_ino
    again = cache.store("k", record, {"320.jpg": b"second"})
    assert again == folder and os.stat(os.path.join(folder, "320.jpg")).st_ino == inode
    assert open(os.path.join(folder, "320.jpg"), "rb").read() == b"first"
    assert [name for name in os.listdir(tmp_path / "cache") if name.startswith(".new-")] == []


# -- planning, then placing -------------------------------------------------------------------
def test_planning_writes_nothing_but_the_cache_and_placing_writes_what_was_planned(tmp_path):
    from images import place_all, plan_all

    sources = settled(three_photos(tmp_path / "src"))
    out = tmp_path / "out"
    cache = PhotoCache(tmp_path / "cache")
    planned = plan_all([PhotoJob(s, out, "/i/") for s in sources], FAST, cache, workers=1, progress=False)
    assert (planned.encoded, planned.problems) == (3, [])
    assert not out.exists()  # planning: URLs and sizes known, nothing placed
    paths = sorted(v.path for photo in planned.photos.values() for vs in photo.variants.values() for v in vs)
    assert place_all(planned) == []
    assert paths == sorted(str(out / name) for name in variant_files(out))  # placed where the plan said

    # planned again from the cache (nothing read), with the last output to reuse: no placement at all
    again = plan_all([PhotoJob(s, tmp_path / "next", "/i/", reuse_dir=out) for s in sources], FAST, PhotoCache(tmp_path / "cache"), workers=1, progress=False)
    assert (again.encoded, again.reused, again.placements) == (0, 3, {})
    assert sorted(v.path for photo in again.photos.values() for vs in photo.variants.values() for v in vs) == paths


def test_a_variant_that_cannot_be_placed_is_one_problem_naming_its_photo(tmp_path):
    from images import place_all, plan_all

    sources = three_photos(tmp_path / "src")
    (tmp_path / "taken").write_text("a file where the folder should be")
    jobs = [PhotoJob(sources[0], tmp_path / "taken", "/i/")] + [PhotoJob(s, tmp_path / "out", "/i/") for s in sources[1:]]
    planned = plan_all(jobs, FAST, PhotoCache(tmp_path / "cache"), workers=1, progress=False)
    problems = place_all(planned)
    assert [p.path for p in problems] == [shown_path(os.fspath(sources[0]))] and problems[0].level == ERROR and problems[0].fix
    assert {name.split("-")[0] for name in variant_files(tmp_path / "out")} == {"p1", "p2"}  # the others are placed


def test_location_is_taken_out_of_a_jpeg_segment_by_segment():
    """images.location: the GPS block of the EXIF goes, an XMP packet naming a place goes, the rest stays."""
    import io

    from PIL import Image
    from PIL.ExifTags import IFD, GPS

    from images.location import has_location, without_location

    image = Image.new("RGB", (32, 24), (10, 200, 90))
    exif = image.getexif()
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", (22.0, 17.0, 1.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=b'<x:xmpmeta><rdf:Description exif:GPSLatitude="22,17.0N"/></x:xmpmeta>')
    data = out.getvalue()
    assert has_location(data)
    stripped = without_location(data)
    assert stripped is not None and not has_location(stripped)
    assert b"GPSLatitude" not in stripped
    with Image.open(io.BytesIO(stripped)) as result:
        assert result.getexif().get(0x010F) == "Camera maker"
    assert without_location(stripped) is None  # nothing left to take out: left as it is
    plain = io.BytesIO()
    image.save(plain, "JPEG")
    assert without_location(plain.getvalue()) is None
    assert without_location(b"%PDF-1.4 not a photo") is None
    assert without_location(data[:40]) is None  # cut short: not understood, not touched
