"""The good initiative record the library's tests start from: it conforms to the shapes, and each
test changes one thing in a copy of it."""

from __future__ import annotations

from pios_ld import jsonld

RECORD = {
    "@context": jsonld.CONTEXT_URL,
    "id": "https://pios.example.se/initiatives/digital-tillsyn",
    "type": "Initiative",
    "identifier": "digital-tillsyn",
    "title": {"sv": "Digital tillsyn i hemtjänsten", "en": "Digital night checks"},
    "description": {"sv": "Kameror ersätter nattliga besök."},
    "responsibleOrganization": "http://dataportal.se/organisation/SE2120000019",
    "phase": "pilot",
    "theme": ["elderly-care"],
    "goal": {"sv": "Färre nattliga besök."},
    "budget": {"value": 1200000, "currency": "SEK"},
    "contactPoint": {"email": "mailto:digitalisering@example.se"},
    "modified": "2026-11-20T10:00:00Z",
}
