"""Galleries on the fixture site: photos published upright and stripped, in responsive variants."""

import json
import os

from PIL import Image

from tests.helpers import FIXTURE_SETTINGS, address, environ


def test_gallery_page_lists_photos_in_order_with_captions_in_its_language(fixture_site):
    page = fixture_site.page("/tc/galleries/forum-a/")
    figures = page.select(".sl-gallery figure")
    assert [f.img["alt"] for f in figures] == ["講者在講台前，背後是圖表", "有星形圖案的圓形徽章"]
    assert [f.figcaption.get_text() for f in figures] == ["開幕演講", "論壇徽章"]
    assert "測試論壇的相片。" in page.select_one(".sl-prose").get_text()
    assert page.select_one(".sl-prose img") is None  # the photos are not repeated in the introduction


def test_photos_are_responsive_with_dimensions_and_lazy_below_the_first_screen(fixture_site):
    page = fixture_site.page("/en/galleries/forum-a/")
    stage = page.select(".sl-gallery picture")[0]
    types = [s["type"] for s in stage.select("source")]
    assert "image/webp" in types
    img = stage.img
    assert img["src"].startswith("/media/galleries/forum-a/") and img["src"].endswith(".jpg")
    # upright: stored 800x1200 with orientation 6, shown landscape (its widest variant, 960x640)
    assert (img["width"], img["height"]) == ("960", "640")
    assert [c.split()[1] for c in img["srcset"].split(", ")] == ["480w", "960w"]  # never upscaled to 1600
    badge = page.select(".sl-gallery picture")[1].img
    assert badge["src"].endswith(".png")  # transparency keeps a PNG fallback
    link = page.select(".sl-gallery a.js-gallery-link")[0]
    assert (fixture_site.output / link["href"].lstrip("/")).is_file()  # works without JavaScript


def test_published_photos_carry_no_metadata_and_are_upright(fixture_site):
    files = sorted((fixture_site.output / "media" / "galleries" / "forum-a").iterdir())
    assert files and not any(f.name.startswith(("stage.", "badge.")) for f in files)  # originals never published
    for path in files:
        data = path.read_bytes()
        assert b"Exif" not in data and b"FixtureCam" not in data, path.name
        with Image.open(path) as image:
            assert not image.getexif(), path.name
            assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info), path.name
    stage = max((f for f in files if f.name.startswith("stage-") and f.suffix == ".jpg"), key=lambda f: f.stat().st_size)
    with Image.open(stage) as image:
        assert image.width > image.height
        red = image.convert("RGB").getpixel((5, 5))
        assert red[0] > 200 and red[1] < 60, red  # the red corner is top-left again


def test_variants_are_written_once_for_all_languages(fixture_site):
    assert not list(fixture_site.output.glob("*/media"))
    en = fixture_site.page("/en/galleries/forum-a/").select_one(".sl-gallery img")["src"]
    sc = fixture_site.page("/sc/galleries/forum-a/").select_one(".sl-gallery img")["src"]
    assert en == sc


def test_release_with_a_gallery_shows_its_photos_and_is_marked(fixture_site, fixture_plan):
    release = fixture_site.page("/en/press/2025/beta/")
    assert release.h1.select_one(".sl-with-photos").get_text() == "(with photos)"
    assert len(release.select(".sl-photos .sl-gallery figure")) == 2
    lists = [fixture_site.page(address(page)) for page in fixture_plan.pages_of("press:list:", "tc")]
    [listed] = [a for page in lists for a in page.select("a.sl-entry__link") if a["href"] == "/en/press/2025/beta/"]
    assert listed.select_one(".sl-with-photos").get_text() == "（附圖）"


def test_gallery_json_ld_and_list_with_cover(fixture_site):
    page = fixture_site.page("/en/galleries/forum-a/")
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "ImageGallery" and len(data["image"]) == 2
    assert data["image"][0]["caption"] == "The opening talk"
    cover = fixture_site.page("/en/galleries/").select_one(".sl-cover")
    assert cover.select_one("img")["alt"] == ""  # decorative: the title names the gallery
    assert "2 photos" in cover.get_text()


def test_unlisted_photo_is_a_warning(fixture_site):
    assert any("unlisted.jpg: warning: photo: this photo is in the gallery's folder but no language lists it" in line
               for line in fixture_site.text.splitlines())


def test_a_rebuild_encodes_no_photo_again(fixture_site, tmp_path):
    from tests.helpers import build

    again = build(fixture_site.output.parent / "content", tmp_path / "out", *FIXTURE_SETTINGS,
                  cache=fixture_site.output.parent / "cache", env=environ(SOURCE_DATE_EPOCH="1767196800"))
    assert again.returncode == 0, again.text
    assert "images: encoded 0" in again.text


def test_gallery_page_offers_its_cover_as_open_graph_image(fixture_site):
    page = fixture_site.page("/en/galleries/forum-a/")
    image = page.select_one('meta[property="og:image"]')["content"]
    assert image.startswith("/media/galleries/forum-a/stage-") and image.endswith(".jpg")
    assert page.select_one('meta[property="og:image:width"]')["content"] == "960"
    assert page.select_one('meta[property="og:image:alt"]')["content"] == "A speaker at a lectern in front of a chart"


def test_a_gallery_missing_one_languages_index_is_named_with_the_fix(fixture_site, tmp_path):
    import shutil

    from tests.helpers import build

    content = tmp_path / "content"
    shutil.copytree(fixture_site.output.parent / "content", content)
    (content / "galleries" / "forum-a" / "index.tc.md").unlink()
    result = build(content, tmp_path / "out", cache=fixture_site.output.parent / "cache")
    assert result.returncode == 0, result.text
    assert any(
        "galleries/forum-a/index.en.md: warning: has no Traditional Chinese (tc) translation" in line
        and "add " in line and "galleries/forum-a/index.tc.md" in line
        for line in result.stderr.splitlines()
    ), result.stderr


def test_planning_computes_every_variant_and_writes_nothing_into_the_site(fixture_site, tmp_path):
    """Planning knows each photo's variants (URLs, sizes, formats), encoding into the photo cache only;
    the render stage then puts the files where the plan said (issue 20: planning computes, rendering writes)."""
    from tests.conftest import BUILD_EPOCH
    from tests.helpers import plan

    work = tmp_path / "work"
    planned = plan(fixture_site.output.parent / "content", work, *FIXTURE_SETTINGS, epoch=BUILD_EPOCH)
    assert not (work / "output").exists() and not list(work.glob(".staging-*"))
    assert any(name != "records.json" for name in os.listdir(work / "cache" / "images"))  # encoded into the cache
    galleries = [item for item in planned.site.items if item.kind == "gallery"]
    variants = [v for item in galleries for shown in item.links["photos"] for vs in shown.photo.variants.values() for v in vs]
    assert variants
    staged = str(work / "output") + os.sep
    for variant in variants:
        assert variant.path.startswith(staged)  # where rendering will put it
        published = fixture_site.output / variant.url.lstrip("/")
        assert Image.open(published).size == (variant.width, variant.height)  # what the built site holds
