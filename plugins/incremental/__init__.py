"""What one build keeps for the next, in one place that the stages use explicitly.

A library, not a plugin: nothing here registers with Pelican, and no content type imports it
(``contract.SourceGenerator``, the base of content types, does, for reading through the parse
cache).

* ``cache``: caches keyed on the bytes their values come from (``KeyedCache``: parses,
  conversions, calendars; ``build_cache``: one cache several owners share in a build), the
  compiled-template cache, and the crash-safe way every cache file is written
  (``replace_whole``, with the fault points of tests/test_crash_safety.py).
* ``digests``: the hash of a file's bytes, remembered by the file's identity (``FileDigests``: one
  memo for the build's sources and photos, ``file_digests``).
* ``fingerprint``: the render fingerprint of a page, a digest of everything its template reads.
* ``memory``: what the dev server keeps in memory between its builds (``BuildMemory``).
* ``workers``: the one way a stage shares independent jobs between forked processes (sources,
  pages, photos).

The record of the last output (which file of ``output/`` came from which fingerprint) and the
commit of a new site are ``outputs.state``; the stages that write the site reach them only through
the output ledger (``outputs.ledger``), which the build driver hands them.
"""
