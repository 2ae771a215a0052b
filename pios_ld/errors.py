"""The exceptions of pios-ld.

Every error a user can cause carries a message in Swedish and English and an HTTP status, so that
the node, the aggregator and the CLI render it the same way::

    PiosError                     (500) anything pios-ld raises on purpose
    ├── InputError                (400) the input cannot be used
    │   ├── ParseError            (400) not well-formed JSON, JSON-LD, Turtle or N-Triples
    │   ├── RemoteContextError    (400) a JSON-LD @context other than the bundled one
    │   └── TooLargeError         (413) over a size limit
    ├── FetchError                (502) a URL could not be fetched
    │   ├── ForbiddenAddressError (403) loopback, private or link-local address, or not http(s)
    │   └── FetchTimeoutError     (504) the server was too slow
    ├── NotFoundError             (404) no such record, organisation or resource
    └── ConfigurationError        (500) a required setting is missing or wrong

Validation results are not exceptions: :func:`pios_ld.validation.validate` returns a report.
"""

from __future__ import annotations

from typing import Any


class PiosError(Exception):
    """Base of every error pios-ld raises on purpose."""

    status = 500
    code = "error"

    def __init__(self, message: str, message_sv: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_sv = message_sv or message

    def text(self, lang: str = "en") -> str:
        return self.message_sv if lang == "sv" else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "message_sv": self.message_sv}


class InputError(PiosError):
    status = 400
    code = "bad-input"


class ParseError(InputError):
    code = "parse-error"


class RemoteContextError(InputError):
    code = "remote-context"


class TooLargeError(InputError):
    status = 413
    code = "too-large"


class FetchError(PiosError):
    status = 502
    code = "fetch-failed"


class ForbiddenAddressError(FetchError):
    status = 403
    code = "forbidden-address"


class FetchTimeoutError(FetchError):
    status = 504
    code = "fetch-timeout"


class NotFoundError(PiosError):
    status = 404
    code = "not-found"


class ConfigurationError(PiosError):
    status = 500
    code = "configuration"
