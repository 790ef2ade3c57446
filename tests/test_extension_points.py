"""The declared extension points: what the planner calls on content types and page builders, the
navigation order, the page kind a content type declares, the order of PLUGINS, and the page types
of the quality checks.  Without a build, except for the check of PLUGINS."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from types import SimpleNamespace

import pytest
from pelican.generators import Generator
from pelican.settings import read_settings

from contract import OutputPage, PageBuilder, PageKind, Section, SourceGenerator
from contract.model import Item, Site
from i18n.plan import SitePlanner
from i18n.render import SiteRenderer
from outputs.order import generator_problem, plugin_order_problem
from tests.helpers import FIXTURE, FIXTURE_SETTINGS, ROOT, build, environ

HOOKS = ("resolve", "build_pages", "home_blocks", "sitemap_links")  # and SourceGenerator.item_pages


def renderer(tmp_path, **overrides) -> SiteRenderer:
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"CACHE_CONTENT": False, **overrides})
    context = settings.copy()
    return SiteRenderer(context=context, settings=settings, path=str(tmp_path), theme=settings["THEME"], output_path=str(tmp_path))


def planned(site_renderer: SiteRenderer, generators):
    """The plan of ``generators`` (i18n.plan), as the plan stage makes it; the renderer gets it."""
    site_renderer.site_plan = SitePlanner(site_renderer.site, site_renderer.catalogs, site_renderer.context).plan(generators)
    return site_renderer.site_plan


class Workshops(PageBuilder):
    """A content type's page builder that declares only what it has: its pages and its section."""

    section = Section("workshops", key="workshops:list", title="Workshops")

    def build_pages(self, site, catalogs):
        return [OutputPage(key="workshops:list", lang=lang.code, url=f"{lang.code}/workshops/", template="page.html", title="Workshops")
                for lang in site.languages]


class Undeclared(Generator):
    """A generator with methods named like hooks but not declared a PageBuilder: never called."""

    def build_pages(self, site, catalogs):
        raise AssertionError("build_pages of a generator that is not a PageBuilder was called")

    home_blocks = sitemap_links = resolve = build_pages


def test_every_hook_is_declared_once_with_a_default_and_a_docstring():
    for name in HOOKS:
        hook = getattr(PageBuilder, name)
        assert inspect.getdoc(hook), name
        assert list(inspect.signature(hook).parameters)[:2] == ["self", "site"], name
    assert issubclass(SourceGenerator, PageBuilder) and PageBuilder.section is None
    assert inspect.getdoc(SourceGenerator.item_pages)  # the pages of one item alone, which the dev server may keep
    assert list(inspect.signature(SourceGenerator.item_pages).parameters) == ["self", "site", "item", "catalogs"]
    assert SourceGenerator.item_pages(None, None, None, None) == []
    builder = PageBuilder.__new__(PageBuilder)  # the defaults do nothing and give nothing
    assert builder.resolve(None) is None and builder.build_pages(None, None) == []
    assert builder.home_blocks(None, "en", str) == [] and builder.sitemap_links(None, "en", str) == []


def test_the_site_wide_page_builders_use_the_declared_base():
    from redirects.generator import RedirectPages
    from search.pages import SearchPages
    from seo.generator import SeoGenerator

    assert all(issubclass(cls, PageBuilder) for cls in (RedirectPages, SearchPages, SeoGenerator))


def test_the_planner_calls_the_declared_hooks_only_and_orders_sections_by_nav_sections(tmp_path):
    site_renderer = renderer(tmp_path, NAV_SECTIONS=["workshops"])
    args = dict(context=site_renderer.context, settings=site_renderer.settings, path=str(tmp_path), theme=site_renderer.theme,
                output_path=str(tmp_path))
    plan = planned(site_renderer, [site_renderer, Undeclared(**args), Workshops(**args)])
    site = Site.of(site_renderer.context)
    assert not site.log.errors, site.log.problems
    assert [link.url for link in plan.nav["en"]][:2] == ["en/", "en/workshops/"]  # Home, then the declared section


def test_a_section_missing_from_nav_sections_is_one_error_naming_the_setting(tmp_path):
    site_renderer = renderer(tmp_path, NAV_SECTIONS=["press"])
    args = dict(context=site_renderer.context, settings=site_renderer.settings, path=str(tmp_path), theme=site_renderer.theme,
                output_path=str(tmp_path))
    planned(site_renderer, [site_renderer, Workshops(**args)])
    messages = [str(problem) for problem in Site.of(site_renderer.context).log.errors]
    assert any("NAV_SECTIONS" in m and "'workshops'" in m and "add 'workshops' to NAV_SECTIONS" in m for m in messages), messages
    assert any("'press' names no section" in m for m in messages), messages  # listed, but no plugin declares it
    assert all("\n" not in m for m in messages)


def test_og_type_and_article_data_come_from_the_page_kind_the_content_type_declares(tmp_path):
    site_renderer = renderer(tmp_path)
    site = Site.of(site_renderer.context)
    kinds = {"workshop": PageKind(og_type="article"), "note": PageKind()}
    site_renderer.site_plan.nav = site_renderer.site_plan.footer = {lang.code: [] for lang in site.languages}

    def head(kind):
        item = Item(kind=kind, key=f"{kind}s/a", name="a", lang="en", path="x.md",
                    fields={"title": "A", "date": dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)}, url=f"en/{kind}s/a/",
                    content=SimpleNamespace(content="<p>A</p>"))
        page = OutputPage(key=item.key, lang="en", url=item.url, template="page.html", title="A", data={"item": item}, item=item,
                          kind=kinds[kind])
        return site_renderer.render(page)

    assert '<meta property="og:type" content="article">' in head("workshop")  # a kind the template never names
    assert '<meta property="og:type" content="website">' in head("note")
    assert "article:published_time" not in head("workshop")  # only where the type declares news_article


def test_plugins_in_the_project_order_pass_the_check():
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    from press import _generators as press_generators

    assert plugin_order_problem(settings["PLUGINS"], [(press_generators, press_generators(None))]) is None


def test_every_generator_of_the_project_is_one_the_build_knows_how_to_call():
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    from press import _generators as press_generators
    from i18n import _generators as i18n_generators

    receivers = [(press_generators, press_generators(None)), (i18n_generators, i18n_generators(None))]
    assert generator_problem(settings["PLUGINS"], receivers) is None

    class Plain(Generator):  # a plain Pelican generator: the build would call nothing on it
        pass

    def plain_generators(pelican):
        return Plain

    problem = generator_problem(settings["PLUGINS"], receivers + [(plain_generators, plain_generators(None))])
    assert problem is not None and "\n" not in problem and "Plain" in problem and "contract.BuildStage" in problem, problem


@pytest.mark.parametrize(
    "plugins, first, then",
    [
        (["contract", "sc", "press", "i18n"], "press", "sc"),
        (["contract", "press", "i18n", "sc"], "sc", "i18n"),
        (["press", "sc", "i18n", "contract"], "contract", "sc"),
    ],
)
def test_a_misordered_plugins_setting_is_one_line_with_the_fixed_list(plugins, first, then):
    from press import _generators as press_generators

    problem = plugin_order_problem(plugins, [(press_generators, press_generators(None))])
    assert problem is not None and "\n" not in problem
    assert f"PLUGINS lists '{first}'" in problem and f"after '{then}'" in problem
    fixed = ast.literal_eval(problem.split("Fix: PLUGINS = ", 1)[1])  # the list it suggests passes
    assert sorted(fixed) == sorted(plugins)
    assert plugin_order_problem(fixed, [(press_generators, press_generators(None))]) is None


def test_a_build_with_a_misordered_plugins_setting_stops_with_one_line_and_writes_nothing(tmp_path):
    plugins = '["contract","press","forums","galleries","pages","redirects","i18n","sc","seo","search","outputs"]'
    result = build(FIXTURE, tmp_path / "output", *FIXTURE_SETTINGS, f"PLUGINS={plugins}", env=environ(SOURCE_DATE_EPOCH="1767196800"))
    assert result.returncode == 1
    assert "Traceback" not in result.text
    lines = [line for line in result.text.splitlines() if "PLUGINS" in line]
    assert len(lines) == 1 and lines[0].startswith("pelicanconf.py: error:") and "Fix: PLUGINS = [" in lines[0], result.text
    assert not (tmp_path / "output").exists()


def test_a_new_list_page_is_not_taken_for_a_standing_page():
    from tests.quality.site import page_type

    assert page_type("/en/about/")[0].name == "standing"  # content/pages/about.en.md
    # a list page of a content type no PageType names yet: no source content/pages/<name>.*.md, so of no type, reported
    unknown = "no-such-content-type"
    assert not list((ROOT / "content" / "pages").glob(f"{unknown}.*")) and not (ROOT / "content" / unknown).exists()
    assert page_type(f"/en/{unknown}/")[0] is None


def test_search_and_sitemap_inclusion_and_standing_pages_come_from_the_page_kind(tmp_path):
    """The planner stamps each item page with the PageKind its content type declares; search, the
    sitemaps and the HTML sitemap read that, whatever the kind is called."""
    from search.documents import indexed
    from seo.sitemaps import listed

    site_renderer = renderer(tmp_path)
    site = Site.of(site_renderer.context)
    site.page_kinds = {"note": PageKind(searched=False, in_sitemaps=False), "memo": PageKind(standing=True), "story": PageKind()}

    class Notes(PageBuilder):
        def build_pages(self, site, catalogs):
            return [OutputPage(key=f"{kind}s/a", lang="en", url=f"en/{kind}s/a/", template="page.html", title="A",
                               item=Item(kind=kind, key=f"{kind}s/a", name="a", lang="en", path="x.md", fields={"title": "A"}, url=f"en/{kind}s/a/"))
                    for kind in ("note", "story")]

    planned(site_renderer, [Notes(context=site_renderer.context, settings=site_renderer.settings, path=str(tmp_path),
                              theme=site_renderer.settings["THEME"], output_path=str(tmp_path))])
    note, story = (next(p for p in site.pages if p.key == key) for key in ("notes/a", "storys/a"))
    assert note.kind.searched is False and not indexed(note) and not listed(note)
    assert indexed(story) and listed(story)
    assert site.kinds_where(standing=True) == ["memo"]
