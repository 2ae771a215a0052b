"""The pios vocabulary, its JSON-LD context, concept schemes and reference organisations (data)."""

from importlib.resources import files

HERE = files(__name__)
VOCABULARY = HERE / "pios.ttl"
#: The aggregator's own terms (crawl log, stale marks).
AGGREGATOR_VOCABULARY = HERE / "aggregator.ttl"
CONTEXT = HERE / "context.jsonld"
ORGANIZATIONS = HERE / "organizations.ttl"
EXAMPLES = HERE / "examples"
REFERENCE = HERE / "reference"
SIMILARITY_TERMS = HERE / "similarity-terms.csv"
