"""Draw the site's default social-sharing image (Open Graph / Twitter card).

The build does not run this: the picture is kept in the theme as
``theme/static/images/og-default.png`` (published at ``/theme/images/og-default.png``)
and drawn again only when the site's name or colours change::

    .venv/bin/python plugins/seo/og_image.py

1200 x 630 pixels is the size Facebook, LinkedIn and X all crop well from.
The names come from pelicanconf.py; the colours are those of theme/static/css/site.css.
"""

from __future__ import annotations

import os
import runpy

from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.path.join(ROOT, "theme", "static", "images", "og-default.png")
SIZE = (1200, 630)

BRAND_DARK = "#002f56"
ACCENT = "#007a70"
FOCUS = "#ffd24c"
WHITE = "#ffffff"
SOFT = "#c9d6e3"

# Noto Sans CJK holds Latin and Chinese glyphs alike; the collection's faces differ by region.
CJK_FONTS = {
    "bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "regular": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}
LATIN_FONTS = {
    "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}


def _face(weight: str, size: int, region: str = "HK"):
    """A font for ``weight``: the Hong Kong face of Noto Sans CJK when installed, else DejaVu, else Pillow's own."""
    path = CJK_FONTS[weight]
    if os.path.exists(path):
        for index in range(10):
            try:
                font = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            if font.getname()[0].endswith(f"CJK {region}"):
                return font, True
    if os.path.exists(LATIN_FONTS[weight]):
        return ImageFont.truetype(LATIN_FONTS[weight], size), False
    return ImageFont.load_default(size), False


def _fit(draw, text: str, weight: str, size: int, width: int):
    """The largest font not above ``size`` in which ``text`` fits ``width`` pixels."""
    while True:
        font, cjk = _face(weight, size)
        if draw.textlength(text, font=font) <= width or size <= 20:
            return font, cjk
        size -= 2


def draw(settings: dict) -> Image.Image:
    languages = settings["LANGUAGES"]
    english = languages[settings["DEFAULT_LANG"]]["sitename"]
    chinese = next((spec["sitename"] for code, spec in languages.items() if code != settings["DEFAULT_LANG"] and not spec.get("derived_from")), "")

    image = Image.new("RGB", SIZE, BRAND_DARK)
    pen = ImageDraw.Draw(image)
    width, height = SIZE

    # the favicon's mark (theme/static/images/favicon.svg, 32 units) at 6.25 pixels a unit
    left, top, side = 88, 120, 200
    unit = side / 32
    pen.rounded_rectangle((left, top, left + side, top + side), radius=round(6 * unit), fill=ACCENT)
    corners = [(left + 8 * unit, top + 22 * unit), (left + 16 * unit, top + 8 * unit), (left + 24 * unit, top + 22 * unit)]
    pen.line([*corners, *corners[:2]], fill=WHITE, width=round(3 * unit), joint="curve")  # closed, no seam
    centre, radius = (left + 16 * unit, top + 18 * unit), 2.5 * unit
    pen.ellipse((centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius), fill=FOCUS)

    text_left = left + side + 64
    room = width - text_left - 80
    font, cjk = _fit(pen, english, "bold", 64, room)
    pen.text((text_left, top + 4), english, font=font, fill=WHITE)
    if chinese and cjk:
        font, _ = _fit(pen, chinese, "bold", 60, room)
        pen.text((text_left, top + 112), chinese, font=font, fill=WHITE)

    organisation = "Digital Policy Office"
    font, _ = _face("regular", 34)
    pen.text((left, height - 150), organisation, font=font, fill=SOFT)

    pen.rectangle((0, height - 28, width, height), fill=ACCENT)
    pen.rectangle((0, height - 28, 240, height), fill=FOCUS)
    return image


def main() -> None:
    settings = runpy.run_path(os.path.join(ROOT, "pelicanconf.py"))
    os.makedirs(os.path.dirname(TARGET), exist_ok=True)
    draw(settings).save(TARGET, "PNG", optimize=True)
    print(f"wrote {os.path.relpath(TARGET, ROOT)} ({SIZE[0]} x {SIZE[1]})")


if __name__ == "__main__":
    main()
