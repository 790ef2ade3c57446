#!/usr/bin/env python3
"""Draw sample photos for demo galleries.

    python tools/make_sample_photos.py OUT_DIR --count N --seed S

Scenes (skyline, stage with speaker and screen, exhibition booths, harbour,
and cut-out emblems on a transparent background) are drawn with Pillow from
simple shapes and gradients.  The same seed gives the same files, byte for byte.

The photos test the image pipeline the way cameras do: all carry EXIF with a
camera make and model and a DateTimeOriginal; some carry GPS coordinates (in
Hong Kong); most carry an EXIF Orientation other than 1, with the pixels stored
turned so that applying the orientation shows the scene upright.  Every
orientation 1-8 appears among the first eight photos.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction

from PIL import Image, ImageDraw
from PIL.ExifTags import IFD, Base, GPS
from PIL.TiffImagePlugin import IFDRational

ORIENTATIONS = (1, 6, 3, 8, 2, 4, 5, 7)
# How the upright picture is turned for storage, so that a viewer applying the
# EXIF orientation shows it upright again (the inverse of each orientation).
STORED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
CAMERAS = (("Canon", "EOS R6 Mark II"), ("NIKON CORPORATION", "NIKON Z 6_2"), ("SONY", "ILCE-7M4"), ("Apple", "iPhone 15 Pro"))
# Places in Hong Kong (latitude, longitude in degrees).
PLACES = ((22.2819, 114.1582), (22.2934, 114.1722), (22.3027, 114.1772), (22.2855, 114.1577), (22.3193, 114.1694))


# -- drawing helpers -------------------------------------------------------------------
def gradient(size, top, bottom):
    """A vertical gradient from colour top to colour bottom."""
    w, h = size
    column = Image.new("RGB", (1, h))
    span = max(1, h - 1)
    column.putdata([tuple(a + (b - a) * y // span for a, b in zip(top, bottom)) for y in range(h)])
    return column.resize(size, Image.Resampling.NEAREST)


def shade(colour, factor):
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def vivid(rng):
    hue = rng.random()
    r, g, b = _hsv(hue, 0.55 + 0.35 * rng.random(), 0.7 + 0.3 * rng.random())
    return (r, g, b)


def _hsv(h, s, v):
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return int(r * 255), int(g * 255), int(b * 255)


def glow(image, centre, radius, colour, strength=0.6):
    """A soft round light added over the image."""
    box_size = (2 * radius, 2 * radius)
    # Pillow's radial gradient is 0 at the centre and 181 at the middle of each edge.
    mask = Image.radial_gradient("L").point(lambda v: int(max(0, 181 - v) * 255 / 181 * strength))
    mask = mask.resize(box_size, Image.Resampling.BILINEAR)
    light = Image.new("RGB", box_size, colour)
    image.paste(light, (centre[0] - radius, centre[1] - radius), mask)


def grain(image, rng, amount=0.08):
    """Fine noise, so that the photos compress like photos rather than drawings.

    One tile of noise from the seeded generator, laid over the image in place.
    """
    tile = Image.frombytes("L", (256, 256), rng.randbytes(256 * 256)).resize((512, 512), Image.Resampling.BILINEAR)
    tile = tile.point(lambda v: int(v * amount))
    w, h = image.size
    for y in range(0, h, 512):
        for x in range(0, w, 512):
            image.paste((255, 255, 255), (x, y, min(w, x + 512), min(h, y + 512)), tile.crop((0, 0, min(512, w - x), min(512, h - y))))
    return image


def person(draw, x, base, height, colour):
    """A silhouette: head and shoulders/body, feet at base."""
    head = height * 0.13
    draw.ellipse((x - head / 2, base - height, x + head / 2, base - height + head), fill=colour)
    body_top = base - height + head * 1.05
    draw.rounded_rectangle((x - height * 0.14, body_top, x + height * 0.14, base), radius=int(height * 0.06), fill=colour)


# -- scenes ------------------------------------------------------------------------------
def skyline(size, rng):
    w, h = size
    dusk = rng.random() < 0.5
    top, bottom = ((20, 24, 70), (250, 140, 80)) if dusk else ((60, 130, 210), (200, 225, 245))
    image = gradient(size, top, bottom)
    if dusk:
        glow(image, (int(w * rng.uniform(0.2, 0.8)), int(h * 0.62)), int(h * 0.22), (255, 200, 120), 0.8)
    draw = ImageDraw.Draw(image)
    ground = int(h * rng.uniform(0.78, 0.86))
    for layer, (factor, scale) in enumerate(((0.55, 0.55), (0.8, 0.8), (1.0, 1.0))):
        x = -rng.randint(0, w // 20)
        base_colour = (40, 46, 66) if dusk else (90, 104, 128)
        colour = shade(base_colour, 0.6 + 0.25 * layer) if not dusk else shade(base_colour, 1.3 - 0.3 * layer)
        while x < w:
            bw = int(w * rng.uniform(0.035, 0.09) * scale)
            bh = int(h * rng.uniform(0.18, 0.55) * factor)
            top_y = ground - bh
            draw.rectangle((x, top_y, x + bw, ground), fill=colour)
            if rng.random() < 0.15:  # a spire
                draw.polygon([(x + bw * 0.4, top_y), (x + bw * 0.5, top_y - bh * 0.25), (x + bw * 0.6, top_y)], fill=colour)
            if layer == 2:
                lit = (255, 220, 140) if dusk else (170, 200, 230)
                step_x, step_y = max(8, bw // 6), max(10, h // 80)
                for wy in range(top_y + step_y, ground - step_y, step_y):
                    for wx in range(x + step_x // 2, x + bw - step_x // 2, step_x):
                        if rng.random() < (0.45 if dusk else 0.8):
                            draw.rectangle((wx, wy, wx + step_x // 2, wy + step_y // 2), fill=lit)
            x += bw + int(w * rng.uniform(0.0, 0.015))
    draw.rectangle((0, ground, w, h), fill=(30, 32, 36) if dusk else (70, 74, 80))
    return image


def stage(size, rng):
    w, h = size
    image = gradient(size, (10, 10, 18), shade(vivid(rng), 0.35))
    draw = ImageDraw.Draw(image)
    floor = int(h * 0.66)
    draw.polygon([(0, h), (w * 0.08, floor), (w * 0.92, floor), (w, h)], fill=(60, 40, 30))
    # the screen, with a slide: title bar, bar chart
    sx0, sy0, sx1, sy1 = int(w * 0.35), int(h * 0.12), int(w * 0.9), int(h * 0.5)
    draw.rectangle((sx0 - 8, sy0 - 8, sx1 + 8, sy1 + 8), fill=(25, 25, 25))
    draw.rectangle((sx0, sy0, sx1, sy1), fill=(235, 238, 245))
    accent = vivid(rng)
    draw.rectangle((sx0, sy0, sx1, sy0 + (sy1 - sy0) // 6), fill=accent)
    bars = rng.randint(4, 7)
    span = (sx1 - sx0) * 0.8 / bars
    for i in range(bars):
        bh = (sy1 - sy0) * rng.uniform(0.15, 0.6)
        bx = sx0 + (sx1 - sx0) * 0.1 + i * span
        draw.rectangle((bx, sy1 - (sy1 - sy0) * 0.08 - bh, bx + span * 0.6, sy1 - (sy1 - sy0) * 0.08), fill=shade(accent, 0.7))
    glow(image, ((sx0 + sx1) // 2, (sy0 + sy1) // 2), int(w * 0.3), (200, 210, 255), 0.25)
    # lectern and speaker
    lx = int(w * rng.uniform(0.12, 0.28))
    glow(image, (lx, floor - int(h * 0.1)), int(h * 0.3), (255, 240, 200), 0.45)
    draw = ImageDraw.Draw(image)
    person(draw, lx + int(w * 0.05), floor + int(h * 0.02), int(h * 0.36), (15, 15, 20))
    draw.polygon([(lx - w * 0.04, floor + h * 0.04), (lx - w * 0.03, floor - h * 0.16), (lx + w * 0.05, floor - h * 0.16), (lx + w * 0.06, floor + h * 0.04)], fill=(90, 60, 40))
    # audience heads in the foreground
    for row in range(3):
        y = h - int(h * 0.05) - row * int(h * 0.06)
        size_head = int(h * (0.09 - row * 0.015))
        x = rng.randint(-size_head, 0)
        while x < w:
            draw.ellipse((x, y - size_head, x + size_head * 0.8, y), fill=shade((20, 18, 22), 1 + row * 0.4))
            draw.rectangle((x - size_head * 0.2, y - size_head * 0.1, x + size_head, h), fill=shade((20, 18, 22), 1 + row * 0.4))
            x += int(size_head * rng.uniform(1.1, 1.5))
    return image


def booths(size, rng):
    w, h = size
    image = gradient(size, (225, 228, 232), (150, 150, 155))
    draw = ImageDraw.Draw(image)
    horizon = int(h * 0.55)
    draw.rectangle((0, horizon, w, h), fill=(120, 118, 115))
    for i in range(0, w, max(40, w // 24)):  # floor tiles in perspective
        draw.line((i, horizon, (i - w / 2) * 2.2 + w / 2, h), fill=(105, 103, 100), width=3)
    count = rng.randint(3, 5)
    booth_w = w / count
    for i in range(count):
        colour = vivid(rng)
        x0 = int(i * booth_w + booth_w * 0.06)
        x1 = int((i + 1) * booth_w - booth_w * 0.06)
        top = int(h * rng.uniform(0.12, 0.22))
        draw.rectangle((x0, top, x1, horizon + h * 0.05), fill=shade(colour, 1.1))
        draw.rectangle((x0, top, x1, top + h * 0.08), fill=shade(colour, 0.55))
        draw.rectangle((x0 + (x1 - x0) * 0.15, top + h * 0.02, x1 - (x1 - x0) * 0.15, top + h * 0.06), fill=(250, 250, 250))
        # a screen on the back wall and a counter in front
        draw.rectangle((x0 + (x1 - x0) * 0.25, top + h * 0.14, x1 - (x1 - x0) * 0.25, top + h * 0.3), fill=(30, 40, 60))
        draw.rectangle((x0 + (x1 - x0) * 0.1, horizon - h * 0.02, x1 - (x1 - x0) * 0.1, horizon + h * 0.12), fill=(245, 245, 245))
        draw.rectangle((x0 + (x1 - x0) * 0.1, horizon - h * 0.02, x1 - (x1 - x0) * 0.1, horizon + h * 0.01), fill=shade(colour, 0.7))
    for _ in range(rng.randint(6, 12)):  # visitors
        x = rng.uniform(0, w)
        base = rng.uniform(h * 0.75, h * 0.98)
        person(draw, x, base, h * 0.42 * (base / h), shade(vivid(rng), 0.45))
    return image


def harbour(size, rng):
    w, h = size
    image = gradient(size, (110, 160, 215), (225, 235, 245))
    draw = ImageDraw.Draw(image)
    water = int(h * rng.uniform(0.52, 0.6))
    ridge = [(0, water)]
    for i in range(13):  # the hills behind the harbour
        ridge.append((w * i / 12, water - h * rng.uniform(0.12, 0.3)))
    ridge.append((w, water))
    draw.polygon(ridge, fill=(80, 110, 95))
    x = 0
    while x < w:  # the shore skyline
        bw = w * rng.uniform(0.015, 0.04)
        draw.rectangle((x, water - h * rng.uniform(0.05, 0.2), x + bw, water), fill=shade((150, 160, 175), rng.uniform(0.8, 1.1)))
        x += bw + w * 0.004
    water_image = gradient((w, h - water), (40, 90, 140), (15, 40, 70))
    image.paste(water_image, (0, water))
    draw = ImageDraw.Draw(image)
    for _ in range(120):  # ripples
        y = rng.uniform(water + 4, h)
        x = rng.uniform(0, w)
        length = w * rng.uniform(0.02, 0.08) * (y - water) / (h - water)
        draw.line((x, y, x + length, y), fill=(90, 140, 185), width=max(2, int(h * 0.002)))
    for _ in range(rng.randint(2, 5)):  # boats and ferries
        bx = rng.uniform(0, w * 0.85)
        by = rng.uniform(water + h * 0.05, h * 0.92)
        bl = w * rng.uniform(0.08, 0.18) * (by - water) / (h - water) + w * 0.03
        hull = shade(vivid(rng), 0.8)
        draw.polygon([(bx, by), (bx + bl, by), (bx + bl * 0.9, by + bl * 0.12), (bx + bl * 0.08, by + bl * 0.12)], fill=hull)
        draw.rectangle((bx + bl * 0.25, by - bl * 0.14, bx + bl * 0.7, by), fill=(240, 240, 235))
        if rng.random() < 0.5:  # a sail
            draw.polygon([(bx + bl * 0.5, by - bl * 0.9), (bx + bl * 0.5, by - bl * 0.16), (bx + bl * 0.85, by - bl * 0.16)], fill=(250, 250, 245))
    return image


def cutout(size, rng):
    """An emblem on a transparent background, with a soft half-transparent shadow."""
    w, h = size
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    shadow = Image.new("L", size, 0)
    r = int(min(w, h) * 0.38)
    cx, cy = w // 2, h // 2
    ImageDraw.Draw(shadow).ellipse((cx - r + 30, cy - r + 40, cx + r + 30, cy + r + 40), fill=90)
    image.paste((0, 0, 0, 255), (0, 0), shadow)
    draw = ImageDraw.Draw(image)
    colour = vivid(rng)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour + (255,))
    draw.ellipse((cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8), fill=shade(colour, 0.6) + (255,))
    points = []
    for i in range(10):  # a star
        angle = math.pi / 2 + i * math.pi / 5
        radius = r * (0.6 if i % 2 == 0 else 0.25)
        points.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle)))
    draw.polygon(points, fill=(255, 240, 180, 255))
    # a translucent ribbon across the bottom
    draw.rectangle((cx - r * 1.2, cy + r * 0.55, cx + r * 1.2, cy + r * 0.8), fill=shade(colour, 1.2) + (170,))
    return image


SCENES = (("skyline", skyline), ("stage", stage), ("booths", booths), ("harbour", harbour))


# -- EXIF --------------------------------------------------------------------------------
def _dms(value: float):
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    seconds = Fraction(round((minutes_float - minutes) * 60 * 100), 100)
    return (IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds.numerator, seconds.denominator))


def make_exif(rng, orientation, with_gps, taken):
    exif = Image.Exif()
    make, model = rng.choice(CAMERAS)
    exif[Base.Make] = make
    exif[Base.Model] = model
    exif[Base.Orientation] = orientation
    exif[Base.DateTime] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif_ifd = exif.get_ifd(IFD.Exif)
    exif_ifd[Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if with_gps:
        lat, lon = rng.choice(PLACES)
        lat += rng.uniform(-0.003, 0.003)
        lon += rng.uniform(-0.003, 0.003)
        gps = exif.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSVersionID] = b"\x02\x02\x00\x00"
        gps[GPS.GPSLatitudeRef] = "N"
        gps[GPS.GPSLatitude] = _dms(lat)
        gps[GPS.GPSLongitudeRef] = "E"
        gps[GPS.GPSLongitude] = _dms(lon)
    return exif


# -- the photos ----------------------------------------------------------------------------
def plan(index: int):
    """(kind, orientation, with_gps, size) of photo number index (from 0)."""
    orientation = ORIENTATIONS[index % len(ORIENTATIONS)]
    with_gps = index % 3 == 1
    if index % 6 == 5:
        return "cutout", orientation, False, (2000, 1500)
    size = (4000, 3000) if index % 2 == 0 else (3000, 2000)
    return SCENES[index % len(SCENES)][0], orientation, with_gps, size


def make_photo(out_dir: str, index: int, seed: int) -> str:
    rng = random.Random(f"{seed}:{index}")
    kind, orientation, with_gps, size = plan(index)
    draw_scene = dict(SCENES).get(kind, cutout)
    upright = draw_scene(size, rng)
    if kind != "cutout":
        upright = grain(upright, rng)
    stored = upright.transpose(STORED[orientation]) if STORED[orientation] is not None else upright
    taken = dt.datetime(2025, 1, 1, 9, 0) + dt.timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 600))
    exif = make_exif(rng, orientation, with_gps, taken)
    extension = "png" if kind == "cutout" else "jpg"
    name = f"sample-{index + 1:03d}-{kind}-o{orientation}{'-gps' if with_gps else ''}.{extension}"
    path = os.path.join(out_dir, name)
    if extension == "png":
        stored.save(path, "PNG", exif=exif, compress_level=3)
    else:
        stored.save(path, "JPEG", quality=88, exif=exif)
    return path


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", metavar="OUT_DIR", help="folder to write the photos into (created if needed)")
    parser.add_argument("--count", type=int, default=12, help="how many photos (default 12)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same photos (default 1)")
    parser.add_argument("--jobs", type=int, default=0, help="processes to draw with (default: one per core)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    os.makedirs(args.out_dir, exist_ok=True)
    started = time.monotonic()
    jobs = max(1, min(args.jobs or _cores(), args.count))
    indexes = range(args.count)
    if jobs == 1:
        paths = (make_photo(args.out_dir, index, args.seed) for index in indexes)
        for path in paths:
            print(path)
    else:  # each photo has its own random generator, so the order of work does not matter
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for path in pool.map(make_photo, [args.out_dir] * args.count, indexes, [args.seed] * args.count):
                print(path)
    print(f"{args.count} photos in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
