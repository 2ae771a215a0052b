"""The pios vocabulary, its JSON-LD context, concept schemes and reference organisations (data)."""

from importlib.resources import files

HERE = files(__name__)
VOCABULARY = HERE / "pios.ttl"
CONTEXT = HERE / "context.jsonld"
ORGANIZATIONS = HERE / "organizations.ttl"
EXAMPLES = HERE / "examples"
REFERENCE = HERE / "reference"
ORGANIZATION_ALIASES = REFERENCE / "organization_aliases.csv"
