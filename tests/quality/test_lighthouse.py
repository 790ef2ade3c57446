"""Lighthouse on the home page and a release: accessibility and best practices at least 0.9;
SEO and performance reported (printed at the end of the run and kept as JSON)."""

import json

import pytest

from . import lighthouse
from .conftest import note, tools_needed
from .failures import assert_none

LANGUAGE = "en"  # one language is enough: both share the templates, and each run takes ~15 s


@pytest.mark.lighthouse
def test_lighthouse_scores(request, base_url, representatives, artifacts):
    pages = [page for page in representatives if page.type.lighthouse and page.lang == LANGUAGE]
    assert pages, "no page type is marked lighthouse=True in tests/quality/site.py"
    folder = artifacts / "lighthouse"
    reports = []
    with tools_needed():
        for page in pages:
            reports.append(lighthouse.run(base_url + page.path, page.path, folder / f"{page.label}.json"))
    summary = {report.path: {"scores": report.scores, "lost_points": report.lost, "report": str(report.json_file)}
               for report in reports}
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    note(request.config, f"Lighthouse (gates: {lighthouse.GATES}; SEO and performance reported only):")
    for report in reports:
        for line in report.summary_lines():
            note(request.config, "  " + line)
            print(line)
    assert_none([f for report in reports for f in report.failures()], "Lighthouse")
