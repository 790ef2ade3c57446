"""The output ledger (outputs.ledger): the one way a stage says what it produces and reuses, keeps its
own record for the next build, and replaces a folder of the committed site later; and that no plugin
outside ``outputs`` knows the manifest or the state behind the ledger."""

from __future__ import annotations

import ast
import datetime as dt

from outputs.ledger import OutputLedger
from outputs.state import LastBuild, OutputState
from tests.helpers import ROOT

BUILT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
INPUTS = {"content": {"a.md": (1, 2, 3)}, "theme": {}}


class Builds:
    """Builds of a tiny site in ``tmp_path``, each through its ledger, as the build driver makes them."""

    def __init__(self, tmp_path):
        self.root = tmp_path
        self.final, self.cache = tmp_path / "output", tmp_path / "cache"

    def state(self) -> OutputState:
        staging = self.root / "staging"
        staging.mkdir(exist_ok=True)
        return OutputState(str(self.final), str(staging), str(self.cache), "code")

    def commit(self, state: OutputState) -> None:
        state.last_build = LastBuild(INPUTS, BUILT, None, False, {})
        state.commit()

    def build(self, write: dict[str, str], reuse=(), remember=None, pending=False) -> OutputLedger:
        state = self.state()
        ledger = OutputLedger(state)
        for rel, text in write.items():
            path = self.root / "staging" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            ledger.produced(rel, text.encode().ljust(16, b"."), rendered=True)
        for rel in reuse:
            ledger.reused(rel, (self.final / rel).read_bytes().ljust(16, b"."))
        if remember is not None:
            ledger.remember("stage", remember)
        if pending:
            ledger.pending("stage")
        self.commit(state)
        return ledger

    def files(self) -> dict[str, str]:
        return {str(path.relative_to(self.final)): path.read_text(encoding="utf-8") for path in self.final.rglob("*") if path.is_file()}


def test_a_stage_declares_its_files_and_keeps_its_own_record_through_the_ledger(tmp_path):
    builds = Builds(tmp_path)
    first = builds.build({"a.html": "a", "b.html": "b"}, remember={"shards": 1})
    assert not first.incremental and first.recall("stage") is None  # cold: nothing to build on
    ledger = OutputLedger(builds.state())
    assert ledger.incremental and ledger.recall("stage") == {"shards": 1} and ledger.recall("other") is None
    assert ledger.reusable("a.html", b"a".ljust(16, b".")) and not ledger.reusable("a.html", b"x".ljust(16, b"."))
    assert ledger.last_output("a.html") == str(builds.final / "a.html")
    # a file of the last output no stage declares reused is not in the new site; a record not
    # remembered again is forgotten
    builds.build({"c.html": "c"}, reuse=["a.html"])
    assert builds.files() == {"a.html": "a", "c.html": "c"}
    assert OutputLedger(builds.state()).recall("stage") is None


def test_a_pending_stage_keeps_the_next_build_from_finding_nothing_changed(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"a.html": "a"})
    assert builds.state().nothing_changed(INPUTS, BUILT)
    builds.build({}, reuse=["a.html"], pending=True)
    assert not builds.state().nothing_changed(INPUTS, BUILT)
    builds.build({}, reuse=["a.html"])
    assert builds.state().nothing_changed(INPUTS, BUILT)


def test_a_folder_committed_as_it_was_is_replaced_after_the_commit_in_one_step(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"a.html": "a", "index/x.js": "x", "index/old.pf": "old"}, remember={"v": 1})
    state = builds.state()
    ledger = OutputLedger(state)
    assert ledger.can_defer("stage", "index") and not ledger.can_defer("stage", "missing") and not ledger.can_defer("other", "index")
    ledger.reused("a.html", b"a".ljust(16, b"."))
    later = ledger.later("stage", "index")  # the folder kept as it is, its record too, marked pending
    builds.commit(state)
    assert builds.files() == {"a.html": "a", "index/x.js": "x", "index/old.pf": "old"}
    assert OutputLedger(builds.state()).recall("stage") == {"v": 1}
    assert not builds.state().nothing_changed(INPUTS, BUILT)  # its index is not the pages' yet

    with later.lock():
        assert later.still_current()
        work = later.begin()
        assert work.recall("stage") == {"v": 1}
        assert work.current("a.html") == str(builds.final / "a.html")  # the committed site
        work.reused("index/x.js")
        (tmp_path / "cache" / "stage-next" / "index" / "new.pf").write_text("new", encoding="utf-8")
        work.produced("index/new.pf")
        work.remember("stage", {"v": 2})
        assert later.commit(work)
    assert builds.files() == {"a.html": "a", "index/x.js": "x", "index/new.pf": "new"}
    assert OutputLedger(builds.state()).recall("stage") == {"v": 2}
    assert builds.state().nothing_changed(INPUTS, BUILT)  # no longer pending, output/ as recorded
    assert not (tmp_path / "cache" / "stage-next").exists()

    builds.build({"a.html": "A"}, reuse=["index/x.js", "index/new.pf"])  # another build swapped a site in
    assert not later.still_current()


# What the ledger hides: the state behind it, the manifest and its records, the old calls.
HIDDEN_NAMES = {"OutputState", "manifest_path", "next_manifest_path", "previous_records", "previous_pending", "previous_outputs",
                "MANIFEST", "NEXT_MANIFEST", "MANIFEST_VERSION", "output_state"}
HIDDEN_METHODS = {"keep", "staged"}  # the state's own, which the ledger's reused() and produced() replace


def _code_names(path) -> tuple[set[str], set[str], set[str]]:
    """(names, attributes, strings) the code of ``path`` uses: modules and names imported, names,
    attributes, and string constants other than docstrings (comments and docstrings do not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    names, attributes, strings = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            attributes.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            strings.add(node.value)
    return names, attributes, strings


def test_no_plugin_outside_outputs_knows_the_state_behind_the_ledger():
    plugins = ROOT / "plugins"
    offending = []
    holders = set()
    for path in sorted(plugins.rglob("*.py")):
        package = path.relative_to(plugins).parts[0]
        if package == "outputs":
            continue
        names, attributes, strings = _code_names(path)
        known = ((names | attributes) & HIDDEN_NAMES) | (attributes & HIDDEN_METHODS)
        known |= {name for name in names if name.startswith("outputs.state")}
        known |= {text for text in strings if text in HIDDEN_NAMES or "output-manifest" in text}
        offending += [f"{path.relative_to(ROOT)}: {name}" for name in sorted(known)]
        if "output_ledger" in strings:
            holders.add(package)
    assert not offending, offending
    # only the stages that write the site hold the ledger; a content type reports reused files in Site.reused_files
    assert holders == {"i18n", "search"}, holders


# -- every file of the new site is declared ----------------------------------------------------------
def test_a_file_written_into_the_new_site_and_not_declared_fails_the_commit_naming_it(tmp_path):
    import pytest
    from outputs.state import OutputFault

    builds = Builds(tmp_path)
    builds.build({"a.html": "a"})
    for cold in (False, True):  # a rebuild assembles in the spare, a cold build swaps the staging folder in
        if cold:
            (builds.cache / "output-manifest.pickle").unlink()
        state = builds.state()
        assert state.incremental is not cold
        ledger = OutputLedger(state)
        (tmp_path / "staging" / "b.html").write_text("b", encoding="utf-8")
        ledger.produced("b.html", b"b".ljust(16, b"."))
        (tmp_path / "staging" / "stray.tmp").write_text("written behind the ledger's back", encoding="utf-8")
        ledger.produced("gone.html", b"g".ljust(16, b"."))  # declared, never written
        with pytest.raises(OutputFault) as fault:
            builds.commit(state)
        lines = str(fault.value).splitlines()
        assert "stray.tmp: error: written into the new site without being declared to the output ledger. Fix:" in lines[0]
        assert lines[1].endswith("declared written into the new site, but not there. Fix: a fault of the build's code, not of the content: "
                                 "the stage that writes it must write it, or not declare it.") and "gone.html: error:" in lines[1]
        assert lines[-1].startswith("Build failed: the site in ") and len(lines) == 3
        assert builds.files() == {"a.html": "a"}  # output/ as it was
        assert not (tmp_path / "staging").exists()


def test_a_folder_replaced_later_holds_only_what_its_stage_declared(tmp_path):
    import pytest
    from outputs.state import OutputFault

    builds = Builds(tmp_path)
    builds.build({"a.html": "a", "index/x.js": "x"}, remember={"v": 1})
    state = builds.state()
    ledger = OutputLedger(state)
    ledger.reused("a.html", b"a".ljust(16, b"."))
    later = ledger.later("stage", "index")
    builds.commit(state)
    with later.lock():
        assert later.still_current()
        work = later.begin()
        work.reused("index/x.js")
        (tmp_path / "cache" / "stage-next" / "index" / "y.js").write_text("y", encoding="utf-8")
        work.produced("index/y.js")
        (tmp_path / "cache" / "stage-next" / "index" / "z.tmp").write_text("not declared", encoding="utf-8")
        work.remember("stage", {"v": 2})
        with pytest.raises(OutputFault, match=r"index/z\.tmp: error: written into the new site without being declared"):
            later.commit(work)
    assert builds.files() == {"a.html": "a", "index/x.js": "x"}  # output/ as it was


def test_a_companion_written_beside_a_declared_file_by_another_package_is_accepted_only_when_its_suffix_is_declared(tmp_path):
    import pytest
    from outputs.state import OutputFault

    for companions, accepted in (((".gz",), True), ((), False)):
        builds = Builds(tmp_path / f"with{len(companions)}")
        staging = builds.root / "staging"
        staging.mkdir(parents=True)
        state = OutputState(str(builds.final), str(staging), str(builds.cache), "code", companions=companions)
        (staging / "a.html").write_text("a", encoding="utf-8")
        (staging / "a.html.gz").write_text("a, compressed (pelican-precompress)", encoding="utf-8")
        OutputLedger(state).produced("a.html", b"a".ljust(16, b"."))
        if accepted:
            builds.commit(state)
            assert builds.files() == {"a.html": "a", "a.html.gz": "a, compressed (pelican-precompress)"}
        else:
            with pytest.raises(OutputFault, match=r"a\.html\.gz: error: written into the new site without being declared"):
                builds.commit(state)
