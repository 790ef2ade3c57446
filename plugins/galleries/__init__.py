"""Photo galleries: ``content/galleries/<name>/`` holds the photos and ``index.<lang>.md``.

The index lists the photos in display order as ``![alt](photo.jpg "caption")``,
alt text and caption in that file's language.  Photos are processed once
(``images``: upright, stripped, responsive variants, cached) and shared by all
languages under ``/media/galleries/<name>/``.  Pages: ``/<lang>/galleries/``
and ``/<lang>/galleries/<name>/``.  A release or forum with ``Gallery: <name>``
shows the gallery's photos and is marked "(with photos)".
"""

from pelican import signals

from .generator import GalleriesGenerator


def _generators(pelican):
    return GalleriesGenerator


def register():
    signals.get_generators.connect(_generators)
