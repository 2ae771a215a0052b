"""Who may write: API bearer tokens, logins for the editing UI, CSRF tokens, the UI language.

- The write API takes ``Authorization: Bearer <token>``; tokens are stored as SHA-256 hashes
  (``pios node token create``). No or an unknown token → ``401``.
- The editing UI needs a login (``pios node user create``); the session cookie is signed with
  the instance's secret key, ``HttpOnly`` and ``SameSite=Lax``.
- Failed logins are throttled per account and per address (:class:`LoginThrottle`), in bounded
  memory that a flood of made-up names or addresses cannot reset.
- After logging in, ``next=`` leads only to a path on this site (:func:`local_target`).
- Every form that changes something carries a CSRF token kept in the session and compared in
  constant time; a missing or wrong token → ``400`` and nothing happens.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, g, redirect, request, session, url_for

from pios_ld.errors import CsrfError, TooManyAttempts, Unauthorized
from pios_ld.i18n import choose

from . import parts as node_parts


class _Failures:
    """Recent failure times per key, for at most *max_keys* keys (``None``: no bound).

    When a new key finds the table full, keys whose last failure is older than the window go
    first, then the key with the oldest last failure that is not locked; a locked key (at least
    *limit* failures within the window) is never dropped before its window ends. If every key is
    locked, the new key is not counted this time.
    """

    def __init__(self, limit: int, window: float, max_keys: int | None) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        #: key → its last *limit* failure times, ordered by last failure (oldest first)
        self._times: OrderedDict[Hashable, list[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._times)

    def _recent(self, key: Hashable, now: float) -> list[float]:
        return [t for t in self._times.get(key, ()) if now - t < self.window]

    def locked(self, key: Hashable, now: float) -> bool:
        return len(self._recent(key, now)) >= self.limit

    def add(self, key: Hashable, now: float) -> None:
        times = self._recent(key, now)
        if key not in self._times and self.max_keys is not None \
                and len(self._times) >= self.max_keys and not self._make_room(now):
            return
        times.append(now)
        self._times[key] = times[-self.limit:]
        self._times.move_to_end(key)

    def _make_room(self, now: float) -> bool:
        while self._times:
            oldest = next(iter(self._times.values()))
            if now - oldest[-1] < self.window:
                break
            self._times.popitem(last=False)
        assert self.max_keys is not None
        if len(self._times) < self.max_keys:
            return True
        victim = next((key for key, times in self._times.items()
                       if sum(1 for t in times if now - t < self.window) < self.limit), None)
        if victim is None:
            return False
        del self._times[victim]
        return True


class LoginThrottle:
    """Failed logins, counted so that no flood of other names or addresses can reset them.

    A login is refused (:class:`TooManyAttempts`) for *window* seconds after

    - *limit* failures for one account from one address,
    - *account_limit* failures for one account from any addresses (a guessing attack spread
      over many addresses), or
    - *address_limit* failures from one address for any names (one address trying many).

    Only names of real accounts (*accounts*, a callable returning the user names) get an account
    counter, so the account table is as small as the list of users and is never evicted: 20,000
    made-up names or addresses leave the attacked account's count where it was. (Without
    *accounts* every name counts, in a table bounded like the others.) The per-address tables
    hold at most *max_entries* keys each and never drop a locked key before its window ends
    (see :class:`_Failures`).
    """

    def __init__(self, limit: int = 5, window: float = 600, account_limit: int = 20,
                 address_limit: int = 50, max_entries: int = 10_000,
                 accounts: Callable[[], Iterable[str]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window = limit, window
        self.accounts, self.clock = accounts, clock
        self._pairs = _Failures(limit, window, max_entries)
        # bounded by the list of users; without one, every name counts and the table is bounded
        self._accounts = _Failures(account_limit, window, None if accounts else max_entries)
        self._addresses = _Failures(address_limit, window, max_entries)
        self._lock = threading.Lock()

    def entries(self) -> int:
        """How many keys the throttle holds (its memory)."""
        with self._lock:
            return len(self._pairs) + len(self._accounts) + len(self._addresses)

    def check(self, name: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when the name or address has failed too often lately."""
        with self._lock:
            now = self.clock()
            if (self._pairs.locked((name, address), now) or self._accounts.locked(name, now)
                    or self._addresses.locked(address, now)):
                raise TooManyAttempts(
                    "Too many failed logins; wait ten minutes and try again.",
                    "För många misslyckade inloggningar; vänta tio minuter och försök igen.")

    def failed(self, name: str, address: str) -> None:
        """Count one failed login of *name* from *address*."""
        known = self.accounts is None or name in set(self.accounts())
        with self._lock:
            now = self.clock()
            self._addresses.add(address, now)
            if known:
                self._accounts.add(name, now)
                self._pairs.add((name, address), now)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token(view: Callable) -> Callable:
    """Refuse the request with ``401`` unless it carries a valid API token."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        if token is None:
            raise Unauthorized(
                "No API token: send the header 'Authorization: Bearer <token>' "
                "(create one with `pios node token create`).",
                "API-nyckel saknas: skicka rubriken 'Authorization: Bearer <nyckel>' "
                "(skapa en med `pios node token create`).")
        name = node_parts.of().store.check_token(token)
        if name is None:
            raise Unauthorized("The API token is not valid.", "API-nyckeln är inte giltig.")
        g.writer = f"token:{name}"
        return view(*args, **kwargs)

    return wrapped


def current_user() -> str | None:
    return session.get("user")


def login_required(view: Callable) -> Callable:
    """Send a visitor who has not logged in to the login page, and back afterwards."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("editor.login", next=request.full_path.rstrip("?")))
        g.writer = f"user:{current_user()}"
        return view(*args, **kwargs)

    return wrapped


#: Characters that never appear in a target we redirect to: a backslash (browsers read ``/\\x``
#: as ``//x``), whitespace and control characters (browsers drop tabs and newlines from URLs).
_NOT_IN_TARGET = re.compile(r"[\\\x00-\x20\x7f\s]")


def local_target(target: str | None, default: str) -> str:
    """*target* when it is a path on this site (``/edit?x=1``), otherwise *default*.

    Refused: anything not starting with one ``/`` (``//evil``, ``https://evil``, ``javascript:``,
    ``%2F%2Fevil`` as it arrives once decoded, or still encoded), any backslash, whitespace or
    control character (``/\\evil``, ``\\/evil``, ``/<tab>/evil``), anything a URL parser reads
    as having a scheme or a host, and anything that is one of these once percent-decoded
    (``/%2F/evil``).
    """
    if not target or not target.startswith("/") or target.startswith("//") \
            or _NOT_IN_TARGET.search(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    decoded = re.sub(r"[\t\r\n]", "", unquote(parts.path))  # as a server that decodes it reads it
    if decoded.startswith(("//", "/\\")):
        return default
    return target


def csrf_token() -> str:
    """The session's CSRF token (made on first use)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Raise :class:`CsrfError` unless the form's token equals the session's."""
    sent = request.form.get("csrf_token", "")
    kept = session.get("csrf", "")
    if not kept or not hmac.compare_digest(sent, kept):
        raise CsrfError("The form's security token is missing or wrong; reload the page and "
                        "try again.",
                        "Formulärets säkerhetsnyckel saknas eller är fel; ladda om sidan och "
                        "försök igen.")


def language() -> str:
    """The UI language: ``?lang=`` (remembered in a cookie), the cookie, or the default."""
    return choose(request.args.get("lang"), request.cookies.get("lang"),
                  default=current_app.config["PIOS"].default_language)
