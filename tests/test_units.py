"""Unit tests of the plugins' logic, without a build."""

import datetime as dt
import os

import pytest

from contract.fields import DateTime, FieldError, Schema, Text, CommaList, WholeNumber
from contract.model import Group, Item, Language, OutputPage, Site
from contract.problems import Problem, ProblemLog, SourceError
from contract.reader import split_header, decode
from i18n.catalogs import Catalogs
from i18n.links import link_pages, listing

LANGS = {
    "en": {"locale": "en_HK", "html_lang": "en", "name": "English", "label": "English", "og_locale": "en_HK",
           "sitename": "Lab", "only_label": "(English only)"},
    "tc": {"locale": "zh_Hant_HK", "html_lang": "zh-Hant-HK", "name": "繁體", "label": "Traditional Chinese",
           "og_locale": "zh_HK", "sitename": "實驗室", "only_label": "(只有中文)"},
}


def make_site():
    return Site({"LANGUAGES": LANGS, "DEFAULT_LANG": "en"})


# -- header reader -----------------------------------------------------------------
def test_header_keeps_line_numbers_and_continuations():
    header, body, body_line = split_header("Title: A long\n    title\nDate: 2025-07-30 14:30\n\nText\n", "x.md")
    assert header.fields["title"].value == "A long title"
    assert header.fields["title"].line == 1
    assert header.fields["date"].line == 3
    assert body == "Text\n" and body_line == 5


def test_header_field_given_twice_is_an_error():
    with pytest.raises(SourceError) as caught:
        split_header("Title: A\nTitle: B\n\nText", "x.md")
    assert caught.value.problems[0].format() == "x.md:2: error: Title: is given twice (first on line 1). Fix: keep one of the two lines."


def test_a_file_without_header_has_no_fields():
    header, body, _ = split_header("Just text\n", "x.md")
    assert header.fields == {} and body == "Just text\n"


def test_decode_reports_the_line_of_a_bad_byte():
    with pytest.raises(SourceError) as caught:
        decode(b"Title: x\n\n\xff\xfe", "x.md")
    assert caught.value.problems[0].line == 3


def test_decode_drops_a_byte_order_mark_and_windows_newlines():
    assert decode("\ufeffTitle: x\r\n".encode("utf-8"), "x.md") == "Title: x\n"


# -- fields --------------------------------------------------------------------------
def test_date_is_hong_kong_time():
    value = DateTime("Date").parse("2025-07-30 14:30")
    assert value.isoformat() == "2025-07-30T14:30:00+08:00"


@pytest.mark.parametrize("raw", ["2025-02-30 10:00", "2025-07-30 24:00", "2025-7-30 10:00", "tomorrow", ""])
def test_bad_dates_are_refused(raw):
    with pytest.raises(FieldError):
        DateTime("Date").parse(raw)


def test_comma_lists_accept_chinese_commas():
    assert CommaList("Tags").parse("科技論壇，人工智能、創新, AI") == ("科技論壇", "人工智能", "創新", "AI")


def test_whole_number():
    assert WholeNumber("Order").parse("12") == 12
    with pytest.raises(FieldError):
        WholeNumber("Order").parse("-1")


def test_schema_collects_every_problem():
    header, _, _ = split_header("Date: never\nColour: red\n\nx", "x.md")
    log = ProblemLog()
    schema = Schema("press release", [Text("Title", required=True), DateTime("Date", required=True)])
    assert schema.check(header, "x.md", log) is None
    assert [(p.field, p.line) for p in log.errors] == [("Date", 1), ("Colour", 2), ("Title", 2)]


def test_problem_is_one_line_even_with_newlines_in_the_input():
    line = Problem("x.md", 3, "error", "Title", "is\nodd.", "fix\nit.").format()
    assert line == "x.md:3: error: Title: is odd. Fix: fix it."


# -- catalogs and dates ----------------------------------------------------------------
def test_dates_in_each_language(tmp_path):
    site = make_site()
    catalogs = Catalogs(str(tmp_path), site.languages)  # no catalogs: English msgids
    day = dt.datetime(2025, 7, 30, 14, 30)
    assert catalogs.date("en", day) == "30 July 2025"
    assert catalogs.date("tc", day) == "2025年7月30日"
    assert catalogs.datetime("tc", day) == "2025年7月30日 14:30"


def test_theme_catalog_translates_interface_strings():
    from tests.helpers import ROOT

    site = make_site()
    catalogs = Catalogs(str(ROOT / "theme" / "translations"), site.languages)
    assert catalogs.gettext("tc", "Press releases") == "新聞公報"
    assert catalogs.gettext("en", "Press releases") == "Press releases"
    assert catalogs.translator("tc")("Press releases in %(year)s", year=2025) == "2025年新聞公報"


# -- translation groups and links ----------------------------------------------------------
def item(lang, key="press/2025/a", day=1):
    return Item("press", key, key.rsplit("/", 1)[1], lang, f"{key}.{lang}.md",
                {"title": f"{key} {lang}", "date": dt.datetime(2025, 1, day)}, f"{lang}/{key}/")


def test_a_second_version_in_one_language_is_refused():
    site = make_site()
    assert site.add(item("en"))
    assert not site.add(item("en"))
    assert "second English (en) version" in site.log.errors[0].message


def test_listing_falls_back_to_the_language_an_item_has():
    site = make_site()
    site.add(item("tc", "press/2025/only-tc"))
    site.add(item("en", "press/2025/both"))
    site.add(item("tc", "press/2025/both"))
    entries = listing(site, list(site.groups.values()), "en")
    assert [(e.item.lang, e.foreign) for e in entries] == [("tc", True), ("en", False)]


def test_switcher_falls_back_to_home_and_x_default_prefers_english():
    site = make_site()
    site.pages = [
        OutputPage("home", "en", "en/", "home.html", "Home"),
        OutputPage("home", "tc", "tc/", "home.html", "首頁"),
        OutputPage("home", None, "", "root.html", "Lab"),
        OutputPage("press/2025/a", "tc", "tc/press/2025/a/", "release.html", "A"),
    ]
    links = link_pages(site)
    release = links["tc/press/2025/a/"]
    assert [(s.code, s.url, s.translated) for s in release.switcher] == [("en", "en/", False), ("tc", "tc/press/2025/a/", True)]
    assert release.x_default == "tc/press/2025/a/"
    assert links["en/"].x_default == ""
    assert links["en/"].alternates == (("en", "en/"), ("zh-Hant-HK", "tc/"))
    # one object for every language of a page: its fingerprint is described once
    assert links["tc/"] is links["en/"]


def test_ignored_files_are_matched_as_pelican_matches_them():
    import fnmatch

    from contract.generator import _ignore_pattern

    patterns = (".#*", "*~", ".*.swp", ".DS_Store", "Thumbs.db", ".gitkeep")
    names = ["a.md", ".#a.md", "a.md~", ".a.md.swp", ".DS_Store", "Thumbs.db", ".gitkeep", "x.gitkeep", "Thumbs.db.md", "~a.md"]
    for name in names:
        expected = any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
        assert bool(_ignore_pattern(patterns).match(name)) == expected, name
    assert not _ignore_pattern(()).match("a.md")


# -- reading sources again -------------------------------------------------------------
def test_a_file_hashed_long_enough_ago_is_trusted_by_its_identity_and_read_again_when_it_changes(tmp_path):
    import hashlib
    import os

    from incremental.digests import RECENT_NS, FileDigests

    source = tmp_path / "a.md"
    source.write_bytes(b"Title: A\n\nOld text\n")
    old = os.stat(source).st_mtime_ns - 2 * RECENT_NS
    os.utime(source, ns=(old, old))  # saved well before this build began
    memo_file = str(tmp_path / "digests.pickle")
    first = FileDigests(memo_file)
    key, data = first.digest(str(source))
    assert data == b"Title: A\n\nOld text\n" and key == hashlib.sha256(data).digest()
    first.save()

    again = FileDigests(memo_file)
    assert again.known(str(source)) == key  # not read: size, time, inode and device are as hashed
    assert again.digest(str(source)) == (key, None)

    source.write_bytes(b"Title: A\n\nNew text\n")  # same size, new time
    os.utime(source, ns=(old + 1, old + 1))
    changed = FileDigests(memo_file)
    assert changed.known(str(source)) is None
    key2, data2 = changed.digest(str(source))
    assert data2 == b"Title: A\n\nNew text\n" and key2 != key


def test_a_file_saved_just_before_it_was_hashed_is_read_again_next_time(tmp_path):
    import os

    from incremental.digests import FileDigests, file_identity

    source = tmp_path / "a.md"
    source.write_bytes(b"Title: A\n\nText\n")  # now: it could change again within the same clock tick
    memo_file = str(tmp_path / "digests.pickle")
    first = FileDigests(memo_file)
    first.digest(str(source))
    photo = tmp_path / "p.jpg"  # hashed in a worker, remembered by the build with the identity it read
    photo.write_bytes(b"not really a photo")
    first.remember(str(photo), b"x" * 32, file_identity(str(photo)))
    first.save()
    assert not os.path.exists(memo_file)  # nothing to keep
    assert FileDigests(memo_file).digest(str(source))[1] == b"Title: A\n\nText\n"


def test_sources_and_photos_share_the_build_s_one_memo_of_file_digests(tmp_path):
    import os

    from images import PhotoCache
    from incremental import BuildCache
    from incremental.digests import RECENT_NS, file_identity

    source, photo = tmp_path / "a.md", tmp_path / "p.jpg"
    for path in (source, photo):
        path.write_bytes(path.name.encode())
        old = os.stat(path).st_mtime_ns - 2 * RECENT_NS
        os.utime(path, ns=(old, old))
    build = BuildCache({"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True})
    memo = build.digests
    assert build.digests is memo  # one a build
    key, _data = memo.digest(str(source))
    photos = PhotoCache(tmp_path / "cache" / "images", digests=memo)
    photos.remember_digest(str(photo), "ab" * 32, file_identity(str(photo)))
    photos.save_records()
    build.save()  # the planner saves it, once
    assert sorted(os.listdir(tmp_path / "cache")) == ["digests.pickle", "images"]
    assert sorted(os.listdir(tmp_path / "cache" / "images")) == ["records.json"]  # no memo of its own

    later = BuildCache({"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True})
    assert later.digests.digest(str(source)) == (key, None)
    assert PhotoCache(tmp_path / "cache" / "images", digests=later.digests).known_digest(str(photo)) == "ab" * 32


def test_a_body_gives_what_pelican_gives_with_and_without_links(tmp_path):
    from types import SimpleNamespace

    from pelican.contents import Content
    from pelican.settings import DEFAULT_CONFIG

    from contract.generator import Body

    settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path)}
    about = SimpleNamespace(url="en/about/")
    context = {"localsiteurl": "", "generated_content": {"pages/about.en.md": about}, "static_content": {}, "static_links": set()}
    source = str(tmp_path / "press" / "2025" / "a.en.md")
    linked = ['<p><a href="{filename}/pages/about.en.md">About</a></p>', '<p><a href="{filename}../../pages/about.en.md">About</a></p>']
    for html in ['<p>No links | here</p>', *linked, "<p>Plain text</p>"]:
        ours = Body(content=html, metadata={"title": "A"}, settings=settings, source_path=source, context=context)
        pelicans = Content(content=html, metadata={"title": "A"}, settings=settings, source_path=source, context=context)
        assert ours.content == pelicans.content
        assert ("en/about/" in ours.content) == (html in linked)
        assert ours.relative_source_path == pelicans.relative_source_path == "press/2025/a.en.md"
    odd = str(tmp_path / "press" / ".." / "press" / "a.en.md")  # not in normal form: Pelican's own way
    assert Body(content="", metadata={}, settings=settings, source_path=odd, context=context).relative_source_path == "press/a.en.md"


def test_photo_tags_are_read_as_an_html_parser_reads_them():
    from galleries.photos import _Attributes, _attributes

    def parsed(tag):
        parser = _Attributes()
        parser.feed(tag)
        return parser.attrs

    tags = [
        '<img alt="Tom &amp; Jerry &quot;on stage&quot;" src="stage.jpg" title="Day 1 &lt;morning&gt;" />',
        '<img alt="講者" src="a.jpg" />',
        "<img src='raw.jpg' alt=raw>",  # raw HTML an editor wrote
        '<IMG SRC="upper.jpg" ALT="Upper">',
        '<img alt="" src="b.png">',
    ]
    for tag in tags:
        assert _attributes(tag) == parsed(tag), tag


def test_paths_in_messages_are_relative_to_the_working_folder_only_inside_it(monkeypatch, tmp_path):
    import os

    from contract.generator import shown_path

    monkeypatch.chdir(tmp_path)
    here = str(tmp_path)
    for path in [f"{here}/content/a.md", "/elsewhere/a.md", f"{here}/../{os.path.basename(here)}/a.md",
                 "content/a.md", f"{here}x/a.md", f"{here}/.hidden/a.md"]:
        relative = os.path.relpath(path)
        assert shown_path(path) == (path if relative.startswith("..") else relative), path


def test_a_cache_is_written_again_only_when_what_it_holds_changed(tmp_path):
    import os

    from incremental.cache import KeyedCache

    path = str(tmp_path / "cache.pickle")
    first = KeyedCache(path, "v")
    first.get(b"a", lambda: "A")
    first.save()
    written = os.stat(path).st_mtime_ns

    same = KeyedCache(path, "v")
    assert same.get(b"a", lambda: "never") == "A"
    os.utime(path, ns=(written - 10**9, written - 10**9))
    same.save()  # the same entries: nothing to write
    assert os.stat(path).st_mtime_ns == written - 10**9

    fewer = KeyedCache(path, "v")  # a build that no longer uses "a": the entry is dropped
    fewer.save()
    assert KeyedCache(path, "v").get(b"a", lambda: "made again") == "made again"


# -- compiled templates kept between builds -----------------------------------------
def _template_env(folder, settings, **filters):
    from jinja2 import Environment, FileSystemLoader

    from incremental import BuildCache

    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=True)
    env.filters.update(filters)
    BuildCache(settings).templates(env, "pages")
    compiled = []
    original = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(source, name, filename, raw, defer_init)

    env.compile = counting
    return env, compiled


def test_compiled_templates_are_loaded_by_the_next_build_and_compiled_again_when_changed(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text("<p>{{ text|shout }}</p>")
    settings = {"CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path / "cache")}
    first, compiled = _template_env(tmp_path / "t", settings, shout=str.upper)
    assert first.get_template("page.html").render(text="a") == "<p>A</p>" and compiled == ["page.html"]
    second, compiled = _template_env(tmp_path / "t", settings, shout=str.upper)
    assert second.get_template("page.html").render(text="b") == "<p>B</p>" and compiled == []
    (tmp_path / "t" / "page.html").write_text("<b>{{ text|shout }}</b>")
    third, compiled = _template_env(tmp_path / "t", settings, shout=str.upper)
    assert third.get_template("page.html").render(text="c") == "<b>C</b>" and compiled == ["page.html"]


def test_compiled_templates_of_another_environment_are_not_loaded_and_are_removed(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text("{{ text }}")
    settings = {"CACHE_CONTENT": True, "CACHE_PATH": str(tmp_path / "cache")}
    (tmp_path / "cache" / "templates" / "redirects-0").mkdir(parents=True)  # another use's folder stays
    env, compiled = _template_env(tmp_path / "t", settings)
    env.get_template("page.html")
    old = set(os.listdir(tmp_path / "cache" / "templates"))
    env, compiled = _template_env(tmp_path / "t", settings, shout=str.upper)  # a filter more: compiled again
    env.get_template("page.html")
    assert compiled == ["page.html"]
    now = set(os.listdir(tmp_path / "cache" / "templates"))
    assert "redirects-0" in now and len(now) == 2 and not (old - {"redirects-0"}) & now


def test_compiled_templates_are_not_kept_without_the_content_cache(tmp_path):
    (tmp_path / "t").mkdir()
    env, _compiled = _template_env(tmp_path / "t", {"CACHE_CONTENT": False, "CACHE_PATH": str(tmp_path / "cache")})
    assert env.bytecode_cache is None and not (tmp_path / "cache").exists()


def _collector_on(_item) -> bool:
    import gc

    return gc.isenabled()


def test_a_build_runs_with_the_garbage_collector_off_and_turns_it_on_again():
    """The collector's passes over the growing model were 10-20 % of a rebuild (docs/performance.md)."""
    import gc

    from outputs.build import SiteBuild

    class Fake:
        memory = None  # make html: no build memory

        def _run(self):
            self.during = gc.isenabled()
            self.kept = [[index] for index in range(1000)]  # what the build leaves

    fake = Fake()
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    SiteBuild.run(fake)
    assert fake.during is False
    assert gc.isenabled()  # the development server builds in this process again and again
    assert gc.get_freeze_count() == frozen  # nothing frozen outside the dev server
    fake.memory = object()  # the dev server: what a build leaves is frozen for the collector's next pass
    try:
        SiteBuild.run(fake)
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + 1000
    finally:
        gc.unfreeze()


def _dies_on_three(item):
    import signal
    import time

    if item == 3:
        time.sleep(0.3)  # the other worker ends its first jobs meanwhile
        os.kill(os.getpid(), signal.SIGKILL)
    return item * 10


def test_a_worker_that_dies_gives_its_jobs_an_error_and_the_others_their_results():
    from incremental import BuildCache
    from incremental.workers import WorkerDied, each_forked

    results = dict(each_forked(_dies_on_three, list(range(6)), 2))
    assert sorted(results) == list(range(6))  # every job answered, none lost
    assert isinstance(results[3], WorkerDied)
    done = {index: value for index, value in results.items() if not isinstance(value, WorkerDied)}
    assert all(value == index * 10 for index, value in done.items())
    assert len(done) >= 2  # jobs that ended before the pool broke keep their results
    with pytest.raises(WorkerDied):  # rendering has no job-by-job report: the batch fails, it does not hang
        BuildCache({"BUILD_WORKERS": 2, "BUILD_PARALLEL_FROM": 2}).map(_dies_on_three, list(range(6)), step=1)


def test_the_pool_gives_results_as_jobs_end_and_in_one_process_without_forking():
    from incremental.workers import each_forked

    assert list(each_forked(lambda item: item + 1, [5, 6, 7], 1)) == [(0, 6), (1, 7), (2, 8)]
    parent = os.getpid()
    forked = dict(each_forked(lambda item: os.getpid(), list(range(4)), 2))
    assert sorted(forked) == [0, 1, 2, 3] and parent not in forked.values()


def test_forked_workers_collect_their_own_garbage_but_not_the_inherited_heap():
    import gc

    from incremental import BuildCache

    gc.disable()
    try:
        enabled = BuildCache({"BUILD_WORKERS": 2, "BUILD_PARALLEL_FROM": 2}).map(_collector_on, list(range(8)), step=2)
    finally:
        gc.enable()
    assert enabled == [True] * 8  # each worker turned it on
    assert gc.get_freeze_count() == 0  # the parent's objects were frozen for the workers only
