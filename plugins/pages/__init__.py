"""Standing pages: ``content/pages/<name>.<lang>.md`` at ``/<lang>/<name>/``.

About, important notices, privacy policy, accessibility statement, contact.
Which of them the main navigation and the footer link is set in
``NAV_PAGES`` and ``FOOTER_PAGES`` (pelicanconf.py).
"""

from pelican import signals

from contract import DateTime, OutputPage, PageKind, Schema, SourceGenerator, Text, WholeNumber

SCHEMA = Schema(
    "page",
    [
        Text("Title", required=True, example="About Smart Lab"),
        DateTime("Modified", example="2025-08-01 09:00"),
        WholeNumber("Order", example="1"),
    ],
)


class PagesGenerator(SourceGenerator):
    kind = "page"
    folder = "pages"
    schema = SCHEMA
    page_kind = PageKind(standing=True)  # listed apart in the HTML sitemap

    def locate(self, rel_dir, name, shown):
        if rel_dir != "pages":
            self.log.error(
                shown,
                "standing pages cannot be in sub-folders.",
                field="folder",
                fix="move the file to content/pages/.",
            )
            return None
        return f"pages/{name}"

    def url(self, lang, key, fields):
        return f"{lang}/{key.split('/', 1)[1]}/"

    def item_pages(self, site, item, catalogs):
        return [
            OutputPage.of_item(item, "page.html", {"item": item})
        ]


def _generators(pelican):
    return PagesGenerator


def register():
    signals.get_generators.connect(_generators)
