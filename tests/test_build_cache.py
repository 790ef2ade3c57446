"""The build's one cache object (incremental.build_cache.BuildCache): its keyed caches, the memo of file
digests, the saving of each once, forked workers, compiled templates, folders and the dev server's
memory; and that the stages reach these through it alone."""

from __future__ import annotations

import ast
import os

import pytest

from incremental import BuildCache
from incremental.build_cache import CONTEXT_KEY
from incremental.cache import KeyedCache
from incremental.digests import FileDigests
from incremental.memory import BuildMemory
from tests.helpers import ROOT
from tests.test_ledger import _code_names


def _settings(tmp_path, **more) -> dict:
    return {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, **more}


def test_a_context_holds_one_build_cache_made_from_its_settings_when_the_driver_gave_none(tmp_path):
    given = BuildCache(_settings(tmp_path))
    assert BuildCache.of({CONTEXT_KEY: given}) is given  # the driver's
    context = _settings(tmp_path, BUILD_WORKERS=3)
    made = BuildCache.of(context)
    assert context[CONTEXT_KEY] is made and BuildCache.of(context) is made  # one, kept for the other stages
    assert made.workers == 3 and made.memory is None and made.folder("search", for_rebuilds=True) is None


def test_a_keyed_cache_is_one_per_name_and_build_in_its_file_and_one_fingerprint(tmp_path):
    build = BuildCache(_settings(tmp_path))
    sources = build.keyed("sources", "v1")
    assert build.keyed("sources", "v1") is sources and build.keyed("sc", "v1") is not sources
    assert sources.path == str(tmp_path / "cache" / "sources.pickle")
    with pytest.raises(ValueError, match="two fingerprints"):
        build.keyed("sources", "v2")
    assert isinstance(build.digests, FileDigests) and build.digests is build.digests
    assert build.digests.path == str(tmp_path / "cache" / "digests.pickle")
    assert BuildCache({"CACHE_PATH": str(tmp_path / "cache")}).keyed("sources", "v1").path is None  # CACHE_CONTENT off


def _writes(monkeypatch) -> list[str]:
    written = []
    real = KeyedCache.write

    def counted(cache):
        written.append(os.path.basename(cache.path))
        real(cache)

    monkeypatch.setattr(KeyedCache, "write", counted)
    return written


def test_each_cache_is_saved_once_when_its_owner_says_and_the_rest_together(tmp_path, monkeypatch):
    written = _writes(monkeypatch)
    build = BuildCache(_settings(tmp_path))
    for name in ("sources", "sc", "calendars"):
        build.keyed(name, "v").get(name.encode(), lambda: "value")
    build.save("sources")  # every source read
    assert written == ["sources.pickle"]
    build.save("sc", "absent")  # a name no stage asked for is nothing to save
    assert written == ["sources.pickle", "sc.pickle"]
    build.save()  # planning ends: the others, and not those saved already
    assert written == ["sources.pickle", "sc.pickle", "calendars.pickle"]
    build.save()
    assert written == ["sources.pickle", "sc.pickle", "calendars.pickle"]
    later = BuildCache(_settings(tmp_path))
    assert later.keyed("calendars", "v").get(b"calendars", lambda: "made again") == "value"


def test_in_the_dev_server_a_cache_is_continued_from_memory_and_written_after_the_reload(tmp_path, monkeypatch):
    written = _writes(monkeypatch)
    memory = BuildMemory()
    first = BuildCache(_settings(tmp_path), memory)
    first.keyed("sources", "v").get(b"a", lambda: "parsed")
    first.save()
    assert written == []  # deferred: the reload first
    memory.flush()
    assert written == ["sources.pickle"]
    second = BuildCache(_settings(tmp_path), memory)
    made = []
    assert second.keyed("sources", "v").get(b"a", lambda: made.append(1) or "parsed again") == "parsed"
    assert made == []
    os.unlink(tmp_path / "cache" / "sources.pickle")  # its file is not the one the last build wrote: read again
    third = BuildCache(_settings(tmp_path), memory)
    assert third.keyed("sources", "v").get(b"a", lambda: "parsed again") == "parsed again"


def _pid(_item) -> int:
    return os.getpid()


def test_the_workers_share_a_batch_from_build_parallel_from_on(tmp_path):
    build = BuildCache({"BUILD_WORKERS": 2, "BUILD_PARALLEL_FROM": 4})
    assert build.workers == 2
    assert set(build.map(_pid, [1, 2, 3], step=1)) == {os.getpid()}  # fewer: in this process
    forked = build.map(_pid, [1, 2, 3, 4], step=1)
    assert len(forked) == 4 and os.getpid() not in forked
    assert sorted(index for index, _pid_of in build.each(_pid, [1, 2, 3])) == [0, 1, 2]
    assert BuildCache({"BUILD_WORKERS": 0}).workers >= 1  # 0: every core


def _environment():
    from jinja2 import DictLoader, Environment

    return Environment(loader=DictLoader({"page.html": "<p>{{ text }}</p>"}))


def test_compiled_templates_are_kept_in_the_dev_server_s_memory_else_on_disk(tmp_path):
    memory = BuildMemory()
    env = _environment()
    BuildCache(_settings(tmp_path), memory).templates(env, "pages")
    assert env.bytecode_cache is memory.templates
    env.get_template("page.html")
    assert memory.templates.stored and not (tmp_path / "cache").exists()
    again = _environment()
    BuildCache(_settings(tmp_path), memory).templates(again, "pages")
    assert again.bytecode_cache is memory.templates  # the next build of the process loads them
    on_disk = _environment()
    BuildCache(_settings(tmp_path)).templates(on_disk, "pages")
    on_disk.get_template("page.html")
    assert [name[:6] for name in os.listdir(tmp_path / "cache" / "templates")] == ["pages-"]


def test_a_stage_s_folder_is_under_the_cache_path_and_one_for_rebuilds_only_when_the_output_is_recorded(tmp_path):
    settings = _settings(tmp_path, CACHE_CONTENT=False)  # folders do not depend on the content cache
    assert BuildCache(settings).folder("images") == str(tmp_path / "cache" / "images")
    assert BuildCache(settings).folder("search", for_rebuilds=True) is None  # make check, INCREMENTAL_OUTPUT off
    assert BuildCache(settings, records_output=True).folder("search", for_rebuilds=True) == str(tmp_path / "cache" / "search")
    assert BuildCache({"CACHE_PATH": ""}).folder("images") is None


# What the build cache replaced: keys of Pelican's context and the helpers that kept them there.
REPLACED = {"build_memory", "_source_cache", "_build_caches", "cache_for", "file_digests", "keyed_cache",
            "save_build_caches", "keep_compiled_templates", "map_forked", "cache_folder"}
CONTENT_TYPES = {"press", "forums", "workshops", "galleries", "pages", "events"}


def test_the_stages_reach_the_build_s_caches_through_the_one_object():
    plugins = ROOT / "plugins"
    offending, makers, remembering = [], [], []
    for path in sorted(plugins.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        names, attributes, strings = _code_names(path)
        if path.relative_to(plugins).parts[0] != "incremental":  # the object's own (BuildMemory.keyed_cache)
            offending += [f"{rel}: {name}" for name in sorted((names | attributes | strings) & REPLACED)]
        if path.relative_to(plugins).parts[0] in CONTENT_TYPES and "memory" in attributes:
            remembering.append(rel)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "BuildCache":
                makers.append(rel)
    assert not offending, offending
    assert not remembering, remembering  # a content type knows nothing of the dev server's memory
    assert makers == ["plugins/outputs/build.py"], makers  # the driver makes it (and BuildCache.of, for tests)
