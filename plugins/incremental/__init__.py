"""What one build keeps for the next, in one object that the stages use explicitly.

A library, not a plugin: nothing here registers with Pelican, and no content type imports it
(``contract.SourceGenerator``, the base of content types, does, for reading through the parse
cache).

* ``build_cache``: :class:`BuildCache`, the one object the build driver makes per build and puts
  in Pelican's context (``context["build_cache"]``; ``BuildCache.of(context)``, or
  ``build_cache`` on a generator).  It gives out the build's caches keyed on content, by name
  (``keyed``: parses, conversions, calendars), the one memo of file digests (``digests``), forked
  workers (``workers``, ``map``, ``each``), the compiled templates (``templates``), a folder under
  ``CACHE_PATH`` for a stage's own files (``folder``: photos, search's kept documents) and the dev
  server's memory (``memory``), and saves the caches when their owners say (``save``).
* ``cache``: what a cache keyed on the bytes its values come from is (``KeyedCache``), the
  compiled templates' signature and the dev server's in-memory bytecode cache, and the
  crash-safe way every cache file is written (``replace_whole``, with the fault points of
  tests/test_crash_safety.py).
* ``digests``: the hash of a file's bytes, remembered by the file's identity (``FileDigests``).
* ``fingerprint``: the render fingerprint of a page, a digest of everything its template reads.
* ``memory``: what the dev server keeps in memory between its builds (``BuildMemory``).
* ``workers``: the one way jobs are shared between forked processes (``each_forked``: sources,
  pages, photos).

The record of the last output (which file of ``output/`` came from which fingerprint) and the
commit of a new site are ``outputs.state``; the stages that write the site reach them only through
the output ledger (``outputs.ledger``), which the build driver hands them.
"""

from .build_cache import BuildCache  # noqa: F401
