"""Tools built on the library, not part of it: what the demo, the benchmarks and the docs need.

- :mod:`~pios_ld.tools.demo`: ``pios demo``, a small federation of real nodes and an aggregator
  on this machine.
- :mod:`~pios_ld.tools.generate`: deterministic, realistic initiatives and catalogs (from the
  phrase bank :mod:`~pios_ld.tools.phrases`) for the demo, the benchmarks and tests.
- :mod:`~pios_ld.tools.vocabdoc`: ``python -m pios_ld.tools.vocabdoc`` writes
  ``docs/vocabulary.md`` and ``docs/vocabulary.html`` from ``vocab/pios.ttl``.

The library's core (every other module of :mod:`pios_ld`) never imports from here.
"""
