"""What the node's and the aggregator's pages promise a browser, as plain values (no Flask here).

- :func:`linkable`: whether a value from a record may become a link (``href``). Only ``http``,
  ``https`` and ``mailto`` IRIs do; anything else (``javascript:``, ``data:``, ``vbscript:``, a
  relative reference, a value with whitespace or control characters that a browser would strip
  before reading the scheme) is shown as text. Both applications expose it to their templates as
  the Jinja test ``linkable``; the text itself is escaped by Jinja's autoescaping like every value.
- :data:`SECURITY_HEADERS`: the headers every response of both applications carries: a
  Content-Security-Policy that allows scripts, styles, images and fonts from the site itself
  only (no inline script or style: the pages have none), no framing, no ``<base>``, forms posting
  only to the site; ``X-Content-Type-Options``, ``Referrer-Policy``, ``X-Frame-Options`` for old
  browsers, and a Permissions-Policy that turns off the powerful features no page uses.
  ``<script type="application/ld+json">`` blocks are data, not scripts, and need no allowance.
  A static build (``pios node build``) carries :data:`META_CONTENT_SECURITY_POLICY` in a
  ``<meta>`` element instead, since whatever host serves it sends no such header.
"""

from __future__ import annotations

import re

#: URL schemes a page renders as links.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
#: C0 controls, space, DEL and the Unicode whitespace a browser or a reader could be fooled by.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\s]")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
#: The same policy for a ``<meta http-equiv>`` element in static pages that no server sends
#: headers for (browsers ignore ``frame-ancestors`` there, and say so in the console).
META_CONTENT_SECURITY_POLICY = "; ".join(
    d for d in CONTENT_SECURITY_POLICY.split("; ") if not d.startswith("frame-ancestors"))
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "serial=(), bluetooth=(), midi=()")
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
)


def linkable(value: object) -> bool:
    """Whether *value* is an absolute ``http``, ``https`` or ``mailto`` IRI safe to put in href."""
    if not isinstance(value, str) or not value or _UNSAFE.search(value):
        return False
    found = _SCHEME.match(value)
    if found is None or found.group(1).lower() not in LINK_SCHEMES:
        return False
    if found.group(1).lower() == "mailto":
        return len(value) > len("mailto:")
    return value[found.end():].startswith("//") and len(value) > found.end() + 2
