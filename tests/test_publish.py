"""Publishing: `make publish` (publishconf.py), reproducible output, precompressed files,
the GitHub Actions workflow and the upload script's order."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import subprocess
from pathlib import Path

import brotli
import pytest

from tests.conftest import BUILD_EPOCH
from tests.helpers import PELICAN, ROOT, Build, environ, fixture_content, no_traceback, tree_digest

SITEURL = "https://smartlab.example.gov.hk"
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
UPLOAD = ROOT / "tools" / "upload.sh"
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".txt", ".svg", ".ics"}  # a subset of publishconf's list


def publish(content: Path, output: Path, cache: Path, **env) -> Build:
    """Build as `make publish` does: publishconf.py, SITEURL and SOURCE_DATE_EPOCH from the environment."""
    command = [*PELICAN, str(content), "-s", str(ROOT / "publishconf.py"), "-o", str(output), "--log-handler", "plain",
               "-e", f'CACHE_PATH="{cache}"']
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=environ(**env), timeout=600)
    return Build(done.returncode, done.stdout, done.stderr, output)


def make(*args: str, env: dict) -> subprocess.CompletedProcess:
    # -o: the virtual environment and the sample photos are taken as they are (make test prepared them)
    command = ["make", "--no-print-directory", "-o", ".venv/.requirements", "-o", "sample-photos", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The fixture site published twice from one content folder, each build with its own cache."""
    work = tmp_path_factory.mktemp("publish")
    content = work / "content"
    fixture_content(content)
    builds = []
    for name in ("first", "second"):
        result = publish(content, work / name / "output", work / name / "cache",
                         SITEURL=SITEURL, SOURCE_DATE_EPOCH=str(BUILD_EPOCH))
        assert result.returncode == 0, result.text
        builds.append(result)
    return builds


# -- make publish ---------------------------------------------------------------------------------
def test_publish_without_siteurl_fails_with_one_line_and_no_traceback(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "SITEURL"}
    done = make("publish", f"OUTPUT={tmp_path / 'output'}", env=env)
    text = done.stdout + done.stderr
    assert done.returncode != 0
    assert no_traceback(text), text
    lines = [line for line in done.stderr.splitlines() if "SITEURL" in line]
    assert lines == ["publishconf.py: SITEURL is not set. Fix: run e.g. SITEURL=https://smartlab.example.gov.hk make publish"]
    assert not (tmp_path / "output").exists()


def test_publish_target_takes_the_build_date_from_the_last_commit():
    recipe = subprocess.run(["make", "-n", "-o", ".venv/.requirements", "-o", "sample-photos", "publish"],
                            cwd=ROOT, capture_output=True, text=True, env=environ(SITEURL=SITEURL), timeout=60).stdout
    assert "git log -1 --format=%ct" in recipe and "SOURCE_DATE_EPOCH" in recipe
    assert "-s publishconf.py" in recipe


def test_published_pages_use_the_absolute_siteurl(two_builds):
    page = two_builds[0].page("/en/press/2025/beta/")
    assert page.find("link", rel="canonical")["href"] == f"{SITEURL}/en/press/2025/beta/"


# -- reproducible ---------------------------------------------------------------------------------
def test_two_builds_of_one_commit_are_byte_identical(two_builds):
    first, second = (tree_digest(build.output) for build in two_builds)
    assert sorted(first) == sorted(second), "the two builds wrote different files"
    assert any(path.endswith(".gz") for path in first) and any(path.startswith("pagefind/") for path in first)
    assert any(path.endswith((".avif", ".webp", ".jpg")) for path in first)
    # (Pagefind's own pagefind-entry.json lists languages in a random order: plugins/search sorts them.)
    assert sorted(path for path in first if first[path] != second[path]) == []


def test_build_date_is_not_the_clock(two_builds):
    """Nothing in the output carries the time of the build: the fixed date only."""
    today = dt.date.today().isoformat()
    for path in two_builds[0].output.rglob("*"):
        if path.suffix in (".html", ".xml", ".ics", ".json") and path.is_file():
            assert today not in path.read_text(encoding="utf-8"), f"{path} holds today's date"


# -- precompressed files --------------------------------------------------------------------------------
def test_text_files_have_gzip_and_brotli_versions_that_decompress_to_them(two_builds):
    output = two_builds[0].output
    texts = [p for p in output.rglob("*") if p.is_file() and p.suffix in COMPRESSED]
    assert len(texts) > 50
    for path in texts:
        data = path.read_bytes()
        gz, br = path.with_name(path.name + ".gz"), path.with_name(path.name + ".br")
        if path.suffix == ".html":  # every page is worth compressing
            assert gz.is_file() and br.is_file(), path
        if gz.is_file():
            packed = gz.read_bytes()
            assert gzip.decompress(packed) == data, gz
            # no file name (FLG.FNAME) and no modification time in the header: the same bytes every build
            assert packed[3] & 0x08 == 0 and packed[4:8] == b"\0\0\0\0", gz
        if br.is_file():
            assert brotli.decompress(br.read_bytes()) == data, br
    for path in output.rglob("*"):  # no stray compressed file without its original
        if path.suffix in (".gz", ".br"):
            assert path.with_suffix("").is_file(), path


def test_the_development_build_is_not_precompressed(fixture_site):
    assert not list(fixture_site.output.rglob("*.gz")) and not list(fixture_site.output.rglob("*.br"))


# -- the GitHub Actions workflow ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workflow():
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_runs_on_pushes_to_main_and_on_pull_requests(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "pull_request" in triggers
    assert workflow["permissions"] == {}


def test_workflow_tests_builds_and_deploys(workflow):
    build = workflow["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert any("make test" in run for run in runs)
    assert any("make publish" in run for run in runs)
    assert runs.index(next(r for r in runs if "make test" in r)) < runs.index(next(r for r in runs if "make publish" in r))
    publish_step = next(step for step in build["steps"] if "make publish" in step.get("run", ""))
    assert "vars.SITEURL" in publish_step["env"]["SITEURL"]
    uses = [step.get("uses", "") for step in build["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    checkout = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    assert build["permissions"] == {"contents": "read"}

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    # a push to main and a scheduled run deploy (tests/test_schedule.py); a pull request never does
    assert "github.event_name != 'pull_request'" in deploy["if"] and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] == "pages"
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy["steps"])
    # pull requests build and test, but never upload or deploy
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert "github.event_name != 'pull_request'" in upload["if"]


def test_every_action_is_pinned_to_a_commit_with_its_version():
    lines = [line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if re.match(r"\s*-?\s*uses:", line)]
    assert len(lines) >= 3
    for line in lines:
        assert re.search(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+# v\d+\.\d+\.\d+\s*$", line), line


# -- uploads ---------------------------------------------------------------------------------------------
def upload(*args: str, **env) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in ("RSYNC_TARGET", "S3_BUCKET")}
    base.update(env)
    return subprocess.run(["bash", str(UPLOAD), *args], cwd=ROOT, capture_output=True, text=True, env=base, timeout=60)


def commands(done: subprocess.CompletedProcess) -> list[str]:
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line and not line.startswith("#")]


def test_rsync_upload_sends_assets_then_pages_then_deletes(two_builds):
    run = commands(upload("--dry-run", "rsync", str(two_builds[0].output), RSYNC_TARGET="deploy@www.example.gov.hk:/srv/site"))
    assert len(run) == 3 and all(line.startswith("rsync ") for line in run)
    assets, pages, stale = run
    assert r"--exclude=\*.html" in assets and r"--exclude=\*.xml" in assets and r"--exclude=\*.ics" in assets
    assert "--delete" not in assets and "--delete" not in pages
    assert r"--include=\*.html" in pages and r"--include=\*.html.gz" in pages and pages.rstrip().endswith("deploy@www.example.gov.hk:/srv/site/")
    assert r"--exclude=\*" in pages.split(r"--include=\*.ics.br")[1]  # everything else left out, after the pages
    assert "--delete" in stale and "exclude" not in stale
    assert all("--checksum" in line for line in run)


def test_s3_upload_sends_assets_then_pages_then_deletes(two_builds):
    run = commands(upload("--dry-run", "s3", str(two_builds[0].output), S3_BUCKET="s3://smartlab-site"))
    assert len(run) == 3 and all(line.startswith("aws s3 sync ") for line in run)
    assets, pages, stale = run
    assert r"--exclude \*.html" in assets and "--delete" not in assets
    assert r"--exclude \* --include \*.html" in pages and "--delete" not in pages
    assert "--delete" in stale
    assert all("s3://smartlab-site/" in line for line in run)


@pytest.mark.parametrize("method, variable", [("rsync", "RSYNC_TARGET"), ("s3", "S3_BUCKET")])
def test_upload_without_its_setting_fails_with_one_line(method, variable, two_builds):
    done = upload("--dry-run", method, str(two_builds[0].output))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and f"{variable} is not set. Fix:" in done.stderr


def test_upload_refuses_a_development_build(fixture_site):
    done = upload("--dry-run", "rsync", str(fixture_site.output), RSYNC_TARGET="/srv/site")
    assert done.returncode == 1 and "was not built by make publish" in done.stderr


@pytest.mark.parametrize("target, variable", [("rsync_upload", "RSYNC_TARGET"), ("s3_upload", "S3_BUCKET")])
def test_make_upload_checks_its_setting_before_building(target, variable, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("RSYNC_TARGET", "S3_BUCKET")}
    done = make(target, f"OUTPUT={tmp_path / 'output'}", env=env | {"SITEURL": SITEURL})
    assert done.returncode != 0
    assert f"{variable} is not set" in done.stderr and no_traceback(done.stdout + done.stderr)
    assert "pelican" not in done.stdout and not (tmp_path / "output").exists()
