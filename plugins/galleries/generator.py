from __future__ import annotations

import os
from dataclasses import dataclass

from markupsafe import Markup

from contract import DateTime, OutputPage, Schema, Section, SourceGenerator, Text, latest_revision
from contract.generator import NAME_RE, files_for, reference_line, shown_path
from i18n import listing
from images import PhotoCache, PhotoJob, VariantSpec, place_all, plan_all

from .photos import PHOTO_EXTENSIONS, problem_with, split_photos

SCHEMA = Schema(
    "gallery",
    [
        Text("Title", required=True, example="19th Technology Forum"),
        DateTime("Date", required=True, example="2025-07-30 14:30"),
        Text("Summary", example="One sentence for lists and search results."),
        DateTime("Modified", example="2025-08-01 09:00"),
    ],
)

LIST_KEY = "galleries:list"
PHOTO_CACHE = "images"  # <CACHE_PATH>/images/: the photos' encoded variants and their records (images.PhotoCache)


@dataclass(frozen=True)
class GalleryPhoto:
    """A processed photo with its alt text and caption in one language."""

    photo: object  # images.Photo
    alt: str
    caption: str


class GalleriesGenerator(SourceGenerator):
    kind = "gallery"
    folder = "galleries"
    photos_by_name = True  # its text lists its photos by file name: checked in resolve
    schema = SCHEMA
    section = Section("galleries", key=LIST_KEY, title="Photo galleries")

    def locate(self, rel_dir, name, shown):
        parts = rel_dir.split("/")
        if len(parts) != 2 or name != "index":
            self.log.error(
                shown,
                "a gallery is a folder with an index file per language.",
                field="file name",
                fix="use content/galleries/<name>/index.en.md and index.tc.md, with the photos beside them.",
            )
            return None
        if not NAME_RE.match(parts[1]):
            self.log.error(
                shown,
                f"the folder name '{parts[1]}' cannot be used in a web address.",
                field="folder",
                fix="rename the folder with lower-case letters, digits and hyphens only.",
            )
            return None
        return f"galleries/{parts[1]}"

    def url(self, lang, key, fields):
        return f"{lang}/galleries/{key.split('/', 1)[1]}/"

    # -- photos, and the references to galleries from releases and forums ---------
    _planned = None  # images.BatchResult: the photos planned, whose variants generate_output places

    def resolve(self, site):
        """Plan every photo some gallery lists: checked, encoded into the photo cache when it is not
        there yet, its variants' URLs and sizes known; nothing is written into the site (that is
        :meth:`generate_output`'s)."""
        previous = site.previous_output  # a rebuild: variants already published stay where they are
        jobs, wanted = [], []
        listed = {}  # gallery folder -> file names some language lists
        for item in site.items:
            if item.kind != self.kind:
                continue
            intro, refs = split_photos(item.content.content)
            item.links["intro"] = Markup(intro)
            folder = os.path.join(self.path, item.key)
            good = []
            for ref in refs:
                wrong = problem_with(ref) or self._unreadable(item.key, ref.file, folder)
                if wrong:
                    if item.derived_from is None:  # report once, on the source written
                        line = reference_line(item.content.source_path, f"]({ref.file}", None)
                        site.log.error(item.path, wrong[0], line=line, field="photo", fix=wrong[1])
                    continue
                good.append(ref)
                source = os.path.join(folder, ref.file)
                listed.setdefault(folder, set()).add(ref.file)
                name = item.key.split("/", 1)[1]
                folder_in_output = os.path.join("media", "galleries", name)
                jobs.append(
                    PhotoJob(
                        source,
                        os.path.join(self.output_path, folder_in_output),
                        self._media_url(name),
                        reuse_dir=os.path.join(previous, folder_in_output) if previous is not None else None,
                    )
                )
            wanted.append((item, good))
        self._warn_unlisted(site, listed)
        build_cache = self.build_cache
        cache = PhotoCache(build_cache.folder(PHOTO_CACHE), digests=build_cache.digests)
        result = self._planned = plan_all(jobs, VariantSpec(**self.settings.get("PHOTO_VARIANTS", {})), cache, workers=build_cache.workers)
        if jobs:
            print(f"images: encoded {result.encoded}, reused {result.reused} in {result.seconds:.1f} s")
        site.log.extend(result.problems)
        if not site.log.errors:  # every source read and every photo planned: the cache keeps those only
            cache.prune(result.keys)  # (a typo in a gallery's index must not cost its photos' encoding)
        if previous is not None:
            inside = previous + os.sep  # variant paths are made from it: cut, not os.path.relpath
            for photo in result.photos.values():
                for variants in photo.variants.values():
                    for variant in variants:
                        if variant.path.startswith(inside):
                            site.reused_files.add(variant.path[len(inside):].replace(os.sep, "/"))
        for item, refs in wanted:
            sources = [(os.path.join(self.path, item.key, ref.file), ref) for ref in refs]
            item.links["photos"] = [GalleryPhoto(result.photos[s], ref.alt, ref.caption) for s, ref in sources if s in result.photos]
        self._link_references(site)

    def generate_output(self, writer) -> list[str]:
        """Render: put the planned variants that the last output does not hold into the staging
        folder; the files written."""
        if self._planned is None:
            return []
        targets = self._planned.targets()
        self.site.log.extend(place_all(self._planned))  # an error: the build fails, nothing is committed
        inside = self.output_path + os.sep  # targets are made from it: cut, not os.path.relpath
        return [target[len(inside):].replace(os.sep, "/") for target in targets]

    def _unreadable(self, key: str, file: str, folder: str) -> tuple[str, str] | None:
        """(what is wrong, the fix) when the photo is not a regular file inside the gallery's folder."""
        files = files_for(self.context)
        refusal = files.refusal(f"{key}/{file}", what="photo")
        if refusal is None:
            return None
        if refusal.message != "does not exist.":
            return f"the photo '{file}' {refusal.message}", refusal.fix
        beside = [listed.rel for listed in files.listing(key) if listed.refusal is None and "/" not in listed.rel[len(key) + 1:]]
        guess = files.closest(f"{key}/{file}", beside)
        if guess:
            name = guess.rsplit("/", 1)[-1]
            return f"the photo '{file}' is not in the gallery's folder.", f"did you mean {name}? Write ![...]({name}), or rename the file."
        return f"the photo '{file}' is not in the gallery's folder.", f"add {file} to {shown_path(folder)}/ or correct the name."

    def _media_url(self, name: str) -> str:
        return f"{self.settings['SITEURL'].rstrip('/')}/media/galleries/{name}/"

    def _warn_unlisted(self, site, listed):
        for group in site.groups_of(self.kind):
            folder = os.path.join(self.path, group.key)
            for file in sorted(os.listdir(folder)):
                if file.lower().endswith(PHOTO_EXTENSIONS) and file not in listed.get(folder, set()):
                    site.log.warning(
                        shown_path(os.path.join(folder, file)),
                        "this photo is in the gallery's folder but no language lists it, so it is not published.",
                        field="photo",
                        fix=f"add ![alt text]({file} \"caption\") to the gallery's index files, or delete the photo.",
                    )

    def _link_references(self, site):
        names = sorted(g.key.split("/", 1)[1] for g in site.groups_of(self.kind))
        for item in site.items:
            name = item.fields.get("gallery")
            if name is None or item.kind == self.kind:
                continue
            group = site.groups.get(f"galleries/{name}")
            if group is None:
                if item.derived_from is None:
                    site.log.error(
                        item.path,
                        f"'{name}' names no gallery in content/galleries/.",
                        line=item.lines.get("gallery"),
                        field="Gallery",
                        fix=f"use the folder name of a gallery ({', '.join(names) or 'none yet'}).",
                    )
                continue
            item.links["gallery"] = group

    # -- pages -------------------------------------------------------------------
    def build_pages(self, site, catalogs):
        groups = sorted(site.groups_of(self.kind), key=lambda g: (g.primary.date, g.key), reverse=True)
        pages = []
        for item in site.items:
            if item.kind != self.kind:
                continue
            tr = catalogs.translator(item.lang)
            photos = item.links.get("photos", [])
            pages.append(
                OutputPage.of_item(
                    item,
                    "gallery.html",
                    {
                        "item": item,
                        "photos": photos,
                        "jsonld": self._jsonld(site, item, photos),
                        "og_image": photos[0].photo.largest() if photos else None,
                        "og_image_alt": photos[0].alt if photos else "",
                        "section": LIST_KEY,
                    },
                    crumbs=[(tr("Photo galleries"), f"{item.lang}/galleries/")],
                )
            )
        for lang in site.languages:
            tr = catalogs.translator(lang.code)
            entries = listing(site, groups, lang.code)
            pages.append(
                OutputPage(
                    key=LIST_KEY,
                    lang=lang.code,
                    url=f"{lang.code}/galleries/",
                    template="gallery_list.html",
                    title=tr("Photo galleries"),
                    data={"entries": entries},
                    revised=latest_revision(e.item for e in entries),
                )
            )
        return pages

    def _jsonld(self, site, item, photos):
        return {
            "@context": "https://schema.org",
            "@type": "ImageGallery",
            "name": item.title,
            "description": item.summary or item.title,
            "inLanguage": site.language[item.lang].html_lang,
            "datePublished": item.date.isoformat(),
            "image": [
                {
                    "@type": "ImageObject",
                    "contentUrl": p.photo.largest().url,
                    "width": p.photo.largest().width,
                    "height": p.photo.largest().height,
                    "caption": p.caption or p.alt,
                }
                for p in photos
            ],
        }
