"""schema.org NewsArticle data for a press release page (JSON-LD).

Templates call it through the ``news_article`` global (see ``__init__.py``) and
write the result with ``tojson`` into a ``<script type="application/ld+json">``
data block, which the pages' Content-Security-Policy allows (it runs nothing).
"""

from __future__ import annotations

OG_IMAGE = "theme/images/og-default.png"  # theme/static/images/og-default.png, drawn by og_image.py


def news_article(siteurl: str, page, lang, publisher: str) -> dict:
    """The NewsArticle of ``page`` (a release, ``page.item`` set) in ``lang`` (a Language).

    ``siteurl``: SITEURL without its trailing slash, so that ``url`` and
    ``mainEntityOfPage`` are the page's canonical URL (root-relative in a
    development build, as every other link is there).
    ``publisher``: the organisation's name in the page's language.
    """
    item = page.item
    url = f"{siteurl}/{page.url}"
    organisation = {"@type": "Organization", "name": str(publisher)}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title,
        "datePublished": item.date.isoformat(),
        "dateModified": (item.modified or item.date).isoformat(),
        "inLanguage": lang.html_lang,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": organisation,
        "author": organisation,
        "image": [f"{siteurl}/{OG_IMAGE}"],
    }
    if item.summary:
        data["description"] = item.summary
    if item.fields.get("tags"):
        data["keywords"] = list(item.fields["tags"])
    return data
