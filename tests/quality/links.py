"""Internal links and fragment anchors of the built files, the language switcher and hreflang included."""

from __future__ import annotations

from urllib.parse import unquote, urljoin, urlsplit

from .failures import Failure
from .site import Site, SitePage, tag_label

# Attributes that hold one URL.
URL_ATTRIBUTES = {
    "a": ["href"], "area": ["href"], "link": ["href"], "script": ["src"], "img": ["src"], "iframe": ["src"],
    "source": ["src"], "video": ["src", "poster"], "audio": ["src"], "track": ["src"], "embed": ["src"],
    "object": ["data"], "form": ["action"], "input": ["src"], "blockquote": ["cite"], "q": ["cite"],
}
SRCSET_TAGS = {"img", "source"}
NOT_LINKS = ("mailto:", "tel:", "data:", "javascript:", "about:", "urn:")
ORIGIN = "http://site.invalid"  # stands for the site's own origin while resolving relative links


def _urls(tag) -> list[tuple[str, str]]:
    found = [(name, tag[name]) for name in URL_ATTRIBUTES.get(tag.name, []) if tag.get(name) is not None]
    if tag.name in SRCSET_TAGS and tag.get("srcset"):
        found += [("srcset", candidate.split()[0]) for candidate in tag["srcset"].split(",") if candidate.strip()]
    return found


class LinkChecker:
    def __init__(self, site: Site):
        self.site = site

    def _target(self, page: SitePage, href: str) -> tuple[str | None, str, str] | None:
        """(path, fragment, scheme-less description) for an internal URL; None for an external one."""
        href = href.strip()
        if href.lower().startswith(NOT_LINKS):
            return None
        local = self.site.local_path(href.split("#")[0]) if "://" in href else None
        resolved = urlsplit(urljoin(ORIGIN + page.path, href))
        if local is None and f"{resolved.scheme}://{resolved.netloc}" != ORIGIN:
            return None  # another site: not ours to check here
        path = local if local is not None else resolved.path or "/"
        return path, unquote(resolved.fragment), href

    def check_page(self, page: SitePage) -> list[Failure]:
        site = self.site
        soup = site.soup(page.file)
        failures: list[Failure] = []
        for tag in soup.find_all(list(URL_ATTRIBUTES)):
            for attribute, href in _urls(tag):
                target = self._target(page, href)
                if target is None:
                    continue
                path, fragment, _ = target
                where = tag_label(tag) if tag.get(attribute) == href and attribute in ("href", "src") \
                    else f'{tag_label(tag)} {attribute}="{href}"'
                if not href.strip():
                    failures.append(Failure(page.path, "empty-link", f"{where} is empty"))
                    continue
                file = site.file_for(path)
                if file is None:
                    failures.append(Failure(page.path, "broken-link", f"{where}: nothing at {path} in the output"))
                    continue
                if fragment and fragment != "top":
                    if file.suffix != ".html":
                        continue
                    if fragment not in site.ids(file):
                        failures.append(Failure(page.path, "broken-fragment",
                                                f'{where}: {path} has no element with id="{fragment}"'))
                if tag.name == "link" and tag.get("hreflang") and file.suffix == ".html":
                    failures += self._alternate(page, tag.get("hreflang"), path, file, where)
                elif tag.name == "a" and tag.find_parent("nav", class_="sl-switcher") is not None:
                    failures += self._switcher(page, tag, path, file, where)
        return failures

    def _alternate(self, page: SitePage, hreflang: str, path: str, file, where: str) -> list[Failure]:
        failures = []
        lang = self.site.html_lang(file)
        if hreflang.lower() != "x-default" and (lang or "").lower() != hreflang.lower():
            failures.append(Failure(page.path, "hreflang-target-lang",
                                    f'{where}: the target page is <html lang="{lang}">, not "{hreflang}"'))
        if hreflang.lower() != "x-default":
            back = [self._target(self.site.page(path) or page, href) for code, href in self.site.alternates(file)]
            if not any(found and found[0] == page.path for found in back):
                failures.append(Failure(page.path, "hreflang-no-return-link",
                                        f"{where}: {path} has no <link rel=\"alternate\" hreflang> back to {page.path}"))
        return failures

    def _switcher(self, page: SitePage, tag, path: str, file, where: str) -> list[Failure]:
        lang = (self.site.html_lang(file) or "").lower()
        said = (tag.get("hreflang") or tag.get("lang") or "").lower()
        if said and lang != said:
            return [Failure(page.path, "switcher-target-lang",
                            f'{where}: leads to a page in <html lang="{lang}">, not "{said}"')]
        if path == page.path:
            return [Failure(page.path, "switcher-to-self", f"{where}: the switcher links to the page itself")]
        return []


def check_favicon(site: Site, pages: list[SitePage]) -> list[Failure]:
    """Browsers ask every page without <link rel="icon"> for /favicon.ico: missing, it is a 404 in the console."""
    if site.file_for("/favicon.ico"):
        return []
    bare = sorted((page.path for page in pages if not site.soup(page.file).select('link[rel~="icon"]')),
                  key=lambda path: (path.count("/"), path))
    if not bare:
        return []
    others = f" (nor on {len(bare) - 1} other page(s))" if len(bare) > 1 else ""
    return [Failure(bare[0], "favicon-missing",
                    f"no <link rel=\"icon\"> on this page{others} and no /favicon.ico in the output, so browsers "
                    "ask for /favicon.ico and log its 404 as a console error")]


def check_site(site: Site, pages: list[SitePage] | None = None) -> list[Failure]:
    pages = site.pages if pages is None else pages
    checker = LinkChecker(site)
    failures: list[Failure] = check_favicon(site, pages)
    for page in pages:
        failures += checker.check_page(page)
    return failures
