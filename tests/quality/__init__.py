"""Quality gates for the built site: accessibility, HTML validity, links, privacy, reflow, Lighthouse.

Two ways in:

* ``pytest tests/quality`` builds the sample site once and checks one page of every page type in
  every language in a browser (and every page for the checks that need no browser);
* ``python -m tests.quality.check_site [OUTPUT_DIR]`` checks every page of a site already built.

Both use the helpers in this package, so a rule lives in one place only.
"""
