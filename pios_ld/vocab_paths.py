"""Where the bundled vocabulary and shapes files are, whether installed from a wheel or editable."""

from pios_ld.shapes import SHAPES
from pios_ld.vocab import (
    AGGREGATOR_VOCABULARY,
    CONTEXT,
    EXAMPLES,
    ORGANIZATIONS,
    REFERENCE,
    VOCABULARY,
)

__all__ = ["AGGREGATOR_VOCABULARY", "CONTEXT", "EXAMPLES", "ORGANIZATIONS", "REFERENCE", "SHAPES",
           "VOCABULARY"]
