"""pios-ld: the shared library of the node and the aggregator.

Parsing (:mod:`pios_ld.jsonld`, :mod:`pios_ld.rdf`), validation (:mod:`pios_ld.validation`),
the reference organisations (:mod:`pios_ld.organizations`) and safe fetching
(:mod:`pios_ld.fetch`). Nothing here imports Flask.
"""

__version__ = "0.1.0"
