"""Build benchmark for the site: ``python -m bench --help``.

It writes a synthetic bilingual corpus of press releases into a temporary
folder, times whole ``pelican`` processes on it (cold, warm, after one edit),
times core Pelican with no plugins on the same sources for comparison, and
reports a table, optional JSON and PASS/FAIL against the performance goals.
How it is measured and one real run: docs/performance.md.

Modules:

* ``corpus``  -- the synthetic sources (English and Traditional Chinese text);
* ``photos``  -- gallery photos (unless ``--no-galleries``; needs Pillow);
* ``runner``  -- one timed ``pelican`` subprocess (wall time, peak memory), the
  snapshot of the project's code, counts of pages and encoded photos;
* ``core``    -- the minimal settings file for core Pelican;
* ``report``  -- the table, the targets and the JSON;
* ``profiling`` -- our build under cProfile, summarised by component.
"""
