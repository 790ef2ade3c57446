"""Gallery photos for the benchmark: one set of 4000x3000 JPEGs, made once.

The photos are generated, not downloaded: a sky-to-ground gradient, a few
soft shapes and some sensor-like noise, saved at quality 90, which gives files
of a few megabytes each, like a camera's.  Every gallery of the corpus
hard-links the same set; one extra photo is kept aside for the "add one
photo" measurement.

Needs Pillow (unless ``--no-galleries`` is given).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys

WIDTH, HEIGHT = 4000, 3000
PER_GALLERY = 10


def _pillow():
    try:
        from PIL import Image, ImageDraw, ImageFilter
    except ImportError:  # pragma: no cover - depends on the environment
        raise SystemExit(
            "the benchmark's galleries need Pillow to make the photos (or run it with --no-galleries): .venv/bin/python -m pip install Pillow"
        ) from None
    return Image, ImageDraw, ImageFilter


def _photo(index: int, size=(WIDTH, HEIGHT)):
    Image, ImageDraw, ImageFilter = _pillow()
    rng = random.Random(f"photo:{index}")
    width, height = size
    # gradient: drawn small, scaled up (cheap and smooth)
    small = Image.new("RGB", (64, 48))
    top = tuple(rng.randint(90, 200) for _ in range(3))
    bottom = tuple(rng.randint(20, 120) for _ in range(3))
    pixels = small.load()
    for y in range(48):
        t = y / 47
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom))
        for x in range(64):
            pixels[x, y] = colour
    draw = ImageDraw.Draw(small)
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randint(0, 63), rng.randint(10, 47)
        w, h = rng.randint(3, 20), rng.randint(3, 16)
        draw.ellipse((x, y, x + w, y + h), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    image = small.resize(size, Image.BICUBIC).filter(ImageFilter.GaussianBlur(3))
    # sensor noise, so that the JPEG is as large as a real photo's
    noise = Image.effect_noise(size, rng.randint(18, 28)).convert("RGB")
    return Image.blend(image, noise, 0.2)


def make_set(folder: str, count: int = PER_GALLERY + 1) -> list[str]:
    """Write ``count`` photos into ``folder`` (kept if already there); return their paths."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for index in range(1, count + 1):
        path = os.path.join(folder, f"photo-{index:02d}.jpg")
        if not os.path.exists(path):
            _photo(index).save(path + ".part", "JPEG", quality=90)
            os.replace(path + ".part", path)
        paths.append(path)
    return paths


def make_set_apart(folder: str, count: int = PER_GALLERY + 1) -> list[str]:
    """``make_set`` in a child process: the benchmark's own memory stays small.

    Builds are started by forking the benchmark, and a child's peak resident size
    counts what it shared with its parent before it replaced itself by the build:
    images decoded here would show up as the builds' memory.
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = f"from bench.photos import make_set; make_set({folder!r}, {count})"
    done = subprocess.run([sys.executable, "-c", code], cwd=root)
    if done.returncode != 0:
        raise SystemExit(done.returncode)
    return [os.path.join(folder, f"photo-{index:02d}.jpg") for index in range(1, count + 1)]
