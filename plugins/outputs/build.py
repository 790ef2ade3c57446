"""The build as a short list of stages, with an all-or-nothing output.

``SiteBuild`` is Pelican's ``PELICAN_CLASS`` for this project.  It runs the
same stages and signals as Pelican (context → all_generators_finalized →
output → finalized) with three differences:

* it writes into a fresh staging folder beside ``output/`` and swaps it in
  only when the build succeeded, so a failed build leaves the previous site
  exactly as it was and a visitor never sees a half-written one;
* it prints every problem the content checks found, one line each, and
  exits non-zero when any is an error (``STRICT_BUILD``; the development
  server turns it off to keep watching);
* it runs only this project's generators and Pelican's static one.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time

from pelican import Pelican
from pelican.generators import StaticGenerator
from pelican.plugins import signals

from contract.model import Site


class _ErrorCounter(logging.Handler):
    """Counts errors that Pelican or a library logs during the build."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += 1


def swap_in(staging: str, final: str) -> None:
    """Replace ``final`` by ``staging`` with two renames on one file system."""
    if os.path.isdir(final):
        retired = tempfile.mkdtemp(prefix=".retired-", dir=os.path.dirname(final))
        os.rename(final, os.path.join(retired, "output"))
        os.rename(staging, final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, final)


class SiteBuild(Pelican):
    def _get_generator_classes(self):
        generators = []
        for _receiver, values in signals.get_generators.send(self):
            values = values if isinstance(values, (list, tuple)) else (values,)
            generators.extend(v for v in values if v is not None)
        return [*generators, StaticGenerator]

    def run(self):
        started = time.perf_counter()
        final = os.path.abspath(self.settings["OUTPUT_PATH"])
        parent = os.path.dirname(final)
        os.makedirs(parent, exist_ok=True)
        for stale in os.listdir(parent):  # left by a build that was killed
            if stale.startswith((".staging-", ".retired-")):
                shutil.rmtree(os.path.join(parent, stale), ignore_errors=True)
        staging = tempfile.mkdtemp(prefix=".staging-", dir=parent)
        self.output_path = self.settings["OUTPUT_PATH"] = staging
        counter = _ErrorCounter()
        logging.getLogger().addHandler(counter)
        try:
            site = self._run_stages()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            logging.getLogger().removeHandler(counter)
            self.output_path = self.settings["OUTPUT_PATH"] = final

        site.log.print()
        errors = len(site.log.errors) + counter.count
        if errors:
            shutil.rmtree(staging, ignore_errors=True)
            print(
                f"Build failed: {errors} error(s) above; the site in {os.path.relpath(final)}/ was left as it was.",
                file=sys.stderr,
            )
            if self.settings.get("STRICT_BUILD", True):
                raise SystemExit(1)
            return
        swap_in(staging, final)
        print(
            f"Built {len(site.pages)} pages from {sum(1 for i in site.items if not i.derived_from)} sources in "
            f"{len(site.languages)} languages into {os.path.relpath(final)}/ "
            f"in {time.perf_counter() - started:.2f} s"
            + (f" ({len(site.log.warnings)} warning(s) above)." if site.log.warnings else "."),
        )

    def _run_stages(self) -> Site:
        context = self.settings.copy()
        context["generated_content"] = {}
        context["static_links"] = set()
        context["static_content"] = {}
        context["localsiteurl"] = self.settings["SITEURL"]
        site = Site.of(context)
        generators = [
            cls(context=context, settings=self.settings, path=self.path, theme=self.theme, output_path=self.output_path)
            for cls in self._get_generator_classes()
        ]
        # 1. read every source into the model
        for generator in generators:
            if hasattr(generator, "generate_context"):
                generator.generate_context()
        # 2. plan: translation groups, pages of every language, checks
        signals.all_generators_finalized.send(generators)
        # 3. render and write (skipped by the renderer when there are errors)
        if not site.log.errors:
            writer = self._get_writer()
            for generator in generators:
                if hasattr(generator, "generate_output"):
                    generator.generate_output(writer)
            signals.finalized.send(self)
        return site
