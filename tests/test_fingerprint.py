"""The render fingerprint: equal inputs give equal digests, and a change anywhere a page can reach changes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from incremental.fingerprint import Fingerprinter, Unfingerprintable
from contract.model import Group, Item, OutputPage
from outputs.state import OutputState, Record


def _item(key="press/2025/a", lang="en", title="A release", **fields) -> Item:
    return Item(kind="press", key=key, name=key.rsplit("/", 1)[1], lang=lang, path=f"content/{key}.{lang}.md",
                fields={"title": title, "date": dt.datetime(2025, 7, 30, 14, 30), **fields}, url=f"{lang}/{key}/")


def _page(item: Item, **data) -> OutputPage:
    return OutputPage(key=item.key, lang=item.lang, url=item.url, template="release.html", title=item.title,
                      data={"item": item, **data}, item=item)


def _digest(value) -> bytes:
    return Fingerprinter().digest(value)


def test_equal_inputs_built_apart_give_equal_digests():
    assert _digest(_page(_item())) == _digest(_page(_item()))


@pytest.mark.parametrize("change", [
    lambda item: item.fields.update(title="Another title"),
    lambda item: item.fields.update(date=dt.datetime(2025, 7, 31, 14, 30)),
    lambda item: setattr(item, "url", "en/press/2025/b/"),
    lambda item: item.fields.update(tags=["Innovation"]),
    lambda item: setattr(item, "saved", dt.datetime(2026, 3, 1, 12, 0)),  # by the clock: its revision, in every list and feed
])
def test_a_change_to_the_item_changes_the_page_digest(change):
    item = _item()
    before = _digest(_page(item))
    change(item)
    assert _digest(_page(item)) != before


def test_a_forum_title_reaches_the_release_that_names_it():
    forum = _item(key="forums/forum-a", title="Forum A")
    release = _item()
    release.links["forum"] = Group("forums/forum-a", "forum", {"en": forum})
    before = _digest(_page(release))
    forum.fields["title"] = "Forum A, renamed"
    assert _digest(_page(release)) != before


def test_references_are_followed_to_a_fixed_depth_without_looping():
    a, b = _item(key="press/2025/a"), _item(key="press/2025/b")
    a.links["other"] = b
    b.links["other"] = a  # a cycle
    assert len(_digest(_page(a))) == 16


def test_set_order_does_not_matter():  # a set's order can change from one process to the next
    assert _digest({"a": 1, "b": {"x", "y", "z"}}) == _digest({"a": 1, "b": {"z", "y", "x"}})
    assert _digest({"b": {"x"}}) != _digest({"b": {"y"}})


def test_equal_values_shared_or_not_give_one_digest():  # the bytes depend on values, not on object identity
    title = "Shared title"
    shared = {"title": title, "crumbs": [(title, "en/")]}
    apart = {"title": "Shared " + "title", "crumbs": [("Shared " + "title", "en/")]}
    assert _digest(shared) == _digest(apart)


@dataclass(frozen=True)
class _Located:
    url: str
    path: str = field(metadata={"fingerprint": False})


def test_fields_marked_out_of_the_fingerprint_are_left_out():
    assert _digest(_Located("/a.jpg", "/tmp/staging-1/a.jpg")) == _digest(_Located("/a.jpg", "/tmp/staging-2/a.jpg"))
    assert _digest(_Located("/a.jpg", "/x")) != _digest(_Located("/b.jpg", "/x"))


def test_an_unknown_type_is_refused_rather_than_guessed():
    with pytest.raises(Unfingerprintable):
        _digest({"helper": object()})


def test_a_kept_file_must_still_be_what_the_last_build_wrote(tmp_path):
    final = tmp_path / "output"
    (final / "en").mkdir(parents=True)
    page = final / "en" / "index.html"
    page.write_text("<p>home</p>")
    status = page.stat()
    state = OutputState(str(final), str(tmp_path / "staging"), None, "code")
    state.incremental = True
    state.previous = {"en/index.html": Record(b"f" * 16, status.st_size, status.st_mtime_ns)}
    assert state.reusable("en/index.html", b"f" * 16)
    assert not state.reusable("en/index.html", b"g" * 16)  # other inputs
    assert not state.reusable("en/index.html", None)  # no fingerprint: always rendered
    page.write_text("<p>edited by hand</p>")
    assert not state.reusable("en/index.html", b"f" * 16)  # changed since


def test_a_rebuild_replaces_a_file_by_a_folder_and_removes_what_is_gone(tmp_path):
    final, staging = tmp_path / "output", tmp_path / "staging"
    (final / "en").mkdir(parents=True)
    (final / "en" / "news").write_text("a file where a folder now goes")
    (final / "en" / "old").mkdir()
    (final / "en" / "old" / "index.html").write_text("gone")
    (staging / "en" / "news").mkdir(parents=True)
    (staging / "en" / "news" / "index.html").write_text("new")
    state = OutputState(str(final), str(staging), None, "code")
    state.incremental = True
    state.staged("en/news/index.html", None)  # declared, as a stage does through the output ledger
    counts = state.commit()
    assert (final / "en" / "news" / "index.html").read_text() == "new"
    assert not (final / "en" / "old").exists()  # its file deleted, then its empty folder
    assert counts == {"written": 1, "unchanged": 0, "deleted": 1}  # the file in the way went with the write
    assert not staging.exists()


def test_each_digest_is_of_its_value_alone_though_picklers_are_reused():
    # picklers are reused between digests: a dump that failed half-way must not leak into the next
    class Opaque:
        pass

    fingerprinter = Fingerprinter()
    assert fingerprinter.digest("first") == _digest("first")
    for _ in range(3):
        with pytest.raises(Unfingerprintable):
            fingerprinter.digest({"a": [1, "x", Opaque()]})
    assert fingerprinter.digest({"a": [1, "x"]}) == _digest({"a": [1, "x"]})
    assert fingerprinter.digest("first") == _digest("first")


def test_dates_count_with_their_time_zone():
    from zoneinfo import ZoneInfo

    hong_kong = dt.datetime(2025, 7, 30, 14, 30, tzinfo=ZoneInfo("Asia/Hong_Kong"))
    assert _digest(hong_kong) == _digest(dt.datetime(2025, 7, 30, 14, 30, tzinfo=ZoneInfo("Asia/Hong_Kong")))
    assert _digest(hong_kong) != _digest(dt.datetime(2025, 7, 30, 14, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert _digest(hong_kong) != _digest(dt.datetime(2025, 7, 30, 14, 30))
    assert _digest(hong_kong) != _digest(hong_kong.replace(minute=31))
