"""Scheduled publishing: when a release falls due (plugins/press/schedule.py), and the workflow that asks."""

import datetime as dt

import yaml

from press import schedule
from tests.helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def write(content, name, text):
    path = content / "press" / "2026" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def site(tmp_path):
    content = tmp_path / "content"
    write(content, "evening.en.md", "Title: Evening release\nDate: 2026-12-04 18:00\n\nText.\n")
    write(content, "evening.tc.md", "Title: 傍晚公報\nDate: 2026-12-04 18:00\n\n內文。\n")
    write(content, "draft.en.md", "Title: A draft\nDate: 2026-12-04 17:00\nStatus: draft\n\nText.\n")
    write(content, "later.en.md", "Title: Later\nDate: 2026-12-10 09:30\n\nText.\n")
    write(content, "morning.en.md", "Title: Morning\nDate: 2026-12-04 09:00\n\nText.\n")
    return content


def hk(text):
    return dt.datetime.fromisoformat(text + "+08:00")


def test_a_release_is_not_due_before_its_time_and_due_at_it(tmp_path):
    content = site(tmp_path)
    since = hk("2026-12-04 17:45")  # the last run that succeeded
    assert schedule.due(content, since, hk("2026-12-04 17:59")) == []
    at = schedule.due(content, since, hk("2026-12-04 18:00"))
    assert [path.rsplit("/", 1)[1] for _date, path in at] == ["evening.en.md", "evening.tc.md"]
    # the next run, after a deployment that published it, finds nothing more to do
    assert schedule.due(content, hk("2026-12-04 18:02"), hk("2026-12-04 18:15")) == []


def test_a_late_or_missed_run_still_publishes_what_fell_due_since_the_last_success(tmp_path):
    content = site(tmp_path)
    found = schedule.due(content, hk("2026-12-04 08:50"), hk("2026-12-04 19:10"))
    assert [date.hour for date, _path in found] == [9, 18, 18]  # the draft at 17:00 is not among them


def test_the_next_due_time_skips_drafts_and_past_releases(tmp_path):
    content = site(tmp_path)
    assert schedule.next_due(content, hk("2026-12-04 10:00")) == hk("2026-12-04 18:00")
    assert schedule.next_due(content, hk("2026-12-04 18:00")) == hk("2026-12-10 09:30")
    assert schedule.next_due(content, hk("2026-12-11 00:00")) is None


def test_the_command_writes_the_decision_for_github(tmp_path, monkeypatch, capsys):
    content = site(tmp_path)
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    schedule.main(["due", str(content), "--since", "2026-12-04T09:45:00Z", "--now", "2026-12-04T09:59:00Z"])  # 17:59 HKT
    schedule.main(["due", str(content), "--since", "2026-12-04T09:45:00Z", "--now", "2026-12-04T10:00:00Z"])  # 18:00 HKT
    assert output.read_text().splitlines() == ["due=false", "due=true"]
    printed = capsys.readouterr().out
    assert "no scheduled release became due since 2026-12-04 17:45 (Hong Kong time); the next: 2026-12-04 18:00" in printed
    assert "evening.en.md: due since 2026-12-04 18:00" in printed


def test_the_workflow_runs_every_15_minutes_and_deploys_only_what_is_due_with_the_present_clock():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["schedule"] == [{"cron": "*/15 * * * *"}]
    jobs = workflow["jobs"]
    assert jobs["due"]["if"] == "github.event_name == 'schedule'"
    assert "plugins/press/schedule.py due content" in jobs["due"]["steps"][-1]["run"]
    assert "needs.due.outputs.due == 'true'" in jobs["build"]["if"]
    publish = next(step for step in jobs["build"]["steps"] if "make publish" in step.get("run", ""))
    assert 'SOURCE_DATE_EPOCH="$(date +%s)"' in publish["run"]
    tests = next(step for step in jobs["build"]["steps"] if step.get("run") == "make test")
    assert tests["if"] == "github.event_name != 'schedule'"
    assert "github.event_name != 'pull_request'" in jobs["deploy"]["if"]


def test_the_due_job_may_read_the_runs_and_the_code_and_nothing_else():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["jobs"]["due"]["permissions"] == {"contents": "read", "actions": "read"}
    checkout = workflow["jobs"]["due"]["steps"][0]
    assert checkout["with"]["persist-credentials"] is False
