"""The exceptions of pios-ld: every error a user or an operator can see, in one tree.

Each carries a message in Swedish and English, and on its class the HTTP ``status``, the
``code`` that JSON answers name it by and the ``exit_code`` of a command it stops, so that the
node, the aggregator and the ``pios`` command render it the same way (each in one place:
``node.errorpage``, the aggregator's application factory, :func:`pios_ld.cli.fail`)::

    PiosError                     (500) anything pios-ld raises on purpose
    ├── InputError                (400) the input cannot be used
    │   ├── ParseError            (400) not well-formed JSON, JSON-LD, Turtle or N-Triples
    │   ├── RemoteContextError    (400) a JSON-LD @context other than the bundled one
    │   ├── TooLargeError         (413) over a size limit
    │   ├── QuerySyntaxError      (400) a SPARQL request that is not a query
    │   └── ForbiddenQueryError   (403) a SPARQL request the endpoint will not run (SERVICE, update)
    │       └── ReadOnly          (403) an update sent to the read-only endpoint
    ├── FetchError                (502) a URL could not be fetched
    │   ├── ForbiddenAddressError (403) loopback, private or link-local address, or not http(s)
    │   ├── FetchTimeoutError     (504) the server was too slow
    │   └── BudgetError           (502) a node used up its time or byte budget for this crawl
    ├── NotFoundError             (404) no such record, organisation or resource
    ├── ConfigurationError        (500) a required setting is missing or wrong
    ├── Unauthorized              (401) no valid token or login
    ├── Forbidden                 (403) a valid caller that may not do this
    ├── CsrfError                 (400) a form without its CSRF token
    ├── TooManyAttempts           (429) too many failed logins
    ├── Conflict                  (409) the request conflicts with what is stored
    │   └── WriterBusy            (409) another process holds the aggregator's store for writing
    ├── NotAcceptable             (406) no format the client accepts fits the answer
    ├── TooManyResults            (413) a SPARQL answer over the result cap
    ├── QueryTimeout              (503) a SPARQL query past its deadline
    ├── Busy                      (503) every query worker is busy (Retry-After)
    ├── QueueFull                 (429) one client has too many queries waiting (Retry-After)
    │   └── QueueBusy             (503) the query queue is full, or a query waited too long
    ├── SimilarUnavailable        (503) the similarity search is not installed or not ready
    ├── StoreError                (503) the external store could not be read or written
    │   ├── StoreTimeout          (503) it did not answer in time
    │   └── StoreMissing          (503) it has no such graph (HTTP 404)
    ├── ScreeningError            (500) screening a document overran its limit or its worker died
    ├── ValidationError           (500) validation could not run at all (not: data that fails)
    └── DemoError                 (500) ``pios demo`` could not start (exit 1)
        └── Interrupted           (500) a signal stopped the demo while it was starting

Exit codes of the ``pios`` commands: ``0`` done; ``1`` done, and what was read has problems
(violations, invalid rows, failed nodes) or the demo stopped; ``2`` a :class:`PiosError` stopped
the command (its ``exit_code``; :class:`DemoError` keeps the demo's ``1``).

A :class:`PiosError` pickles with its class, both messages and any extra attribute (such as
``retry_after``), so that worker processes hand them back as they are (:mod:`workerpool`,
:mod:`queryworker`, :mod:`external`); callers match them by class, never by message text.

Not here, on purpose: control flow that never reaches a person stays in its module
(``jsonld_terms._Decline``, ``shacl_components.Unsupported``, ``terms.UnsupportedTerm``,
``results.Unrepresentable``, ``queryworker.UnknownFunction``, and the worker pool's
``JobTimeout``, ``WorkerCrashed`` and ``PoolUnavailable``, which the crawler turns into a
:class:`ScreeningError` or :class:`BudgetError`). Validation results are not exceptions:
:func:`pios_ld.validation.validate` returns a report; :class:`ValidationError` is for
validation that could not run at all.
"""

from __future__ import annotations

from typing import Any


class PiosError(Exception):
    """Base of every error pios-ld raises on purpose.

    A subclass sets its attributes in the class statement:
    ``class Conflict(PiosError, status=409, code="conflict")``.
    """

    status = 500
    code = "error"
    exit_code = 2
    #: seconds a client should wait before asking again (the ``Retry-After`` header), if any
    retry_after: int | None = None

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None,
                          exit_code: int | None = None, retry_after: int | None = None,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, given in (("status", status), ("code", code), ("exit_code", exit_code),
                            ("retry_after", retry_after)):
            if given is not None:
                setattr(cls, name, given)

    def __init__(self, message: str, message_sv: str | None = None, *,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_sv = message_sv or message
        if retry_after is not None:
            self.retry_after = retry_after

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.message, self.message_sv), dict(self.__dict__)

    def text(self, lang: str = "en") -> str:
        return self.message_sv if lang == "sv" else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "message_sv": self.message_sv}


class InputError(PiosError, status=400, code="bad-input"):
    """The input cannot be used."""


class ParseError(InputError, code="parse-error"):
    """Not well-formed JSON, JSON-LD, Turtle or N-Triples."""


class RemoteContextError(InputError, code="remote-context"):
    """A JSON-LD ``@context`` other than the bundled one."""


class TooLargeError(InputError, status=413, code="too-large"):
    """Over a size limit."""


class QuerySyntaxError(InputError, code="query-syntax"):
    """A SPARQL request that is not a query (with the parser's reason)."""


class ForbiddenQueryError(InputError, status=403, code="forbidden-query"):
    """A SPARQL request the endpoint will not run (an update, a SERVICE clause)."""


class ReadOnly(ForbiddenQueryError):
    """An update sent to the read-only endpoint."""


class FetchError(PiosError, status=502, code="fetch-failed"):
    """A URL could not be fetched."""


class ForbiddenAddressError(FetchError, status=403, code="forbidden-address"):
    """Loopback, private or link-local address, or not http(s)."""


class FetchTimeoutError(FetchError, status=504, code="fetch-timeout"):
    """The server was too slow."""


class BudgetError(FetchError, code="budget"):
    """A node used up its time or byte budget for this crawl."""


class NotFoundError(PiosError, status=404, code="not-found"):
    """No such record, organisation or resource."""


class ConfigurationError(PiosError, code="configuration"):
    """A required setting is missing or wrong."""


class Unauthorized(PiosError, status=401, code="unauthorized"):
    """No valid token or login."""


class Forbidden(PiosError, status=403, code="forbidden"):
    """A caller that is known but may not do this."""


class CsrfError(PiosError, status=400, code="csrf"):
    """A form sent without its CSRF token, or with a wrong one."""


class TooManyAttempts(PiosError, status=429, code="too-many-attempts"):
    """Too many failed logins for this name or address."""


class Conflict(PiosError, status=409, code="conflict"):
    """The request conflicts with what is stored."""


class WriterBusy(Conflict, code="writer-busy"):
    """Another process holds the aggregator's store for writing."""


class NotAcceptable(PiosError, status=406, code="not-acceptable"):
    """No format the client accepts fits (or can carry) the answer."""


class TooManyResults(PiosError, status=413, code="too-many-results"):
    """A SPARQL answer with more results than the cap."""


class QueryTimeout(PiosError, status=503, code="query-timeout"):
    """A SPARQL query ran past its deadline and was stopped."""


class Busy(PiosError, status=503, code="busy", retry_after=2):
    """Every query worker is busy."""


class QueueFull(PiosError, status=429, code="too-many-requests"):
    """One client has too many queries waiting (raised with ``retry_after``)."""


class QueueBusy(QueueFull, status=503, code="busy"):
    """The queue is full, or a query waited too long (raised with ``retry_after``)."""


class SimilarUnavailable(PiosError, status=503, code="similar-unavailable"):
    """The similarity search is not installed, or its index is not ready."""


class StoreError(PiosError, status=503, code="store-unavailable"):
    """The external store could not be read or written."""


class StoreTimeout(StoreError):
    """The external store did not answer in time."""


class StoreMissing(StoreError):
    """The external store has no such graph (it answered 404)."""


class ScreeningError(PiosError, code="screening"):
    """Screening one document overran its time limit or its worker died."""


class ValidationError(PiosError):
    """Validation could not run at all (never raised for data that merely fails the shapes)."""


class DemoError(PiosError, exit_code=1):
    """The demo could not start."""


class Interrupted(DemoError):
    """A signal asked the demo to stop while it was starting."""
