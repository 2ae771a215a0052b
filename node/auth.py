"""Who may write: API bearer tokens, logins for the editing UI, CSRF tokens, the UI language.

- The write API takes ``Authorization: Bearer <token>``; tokens are stored as SHA-256 hashes
  (``pios node token create``). No or an unknown token → ``401``.
- The editing UI needs a login (``pios node user create``); the session cookie is signed with
  the instance's secret key, ``HttpOnly`` and ``SameSite=Lax``.
- Every form that changes something carries a CSRF token kept in the session and compared in
  constant time; a missing or wrong token → ``400`` and nothing happens.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, redirect, request, session, url_for

from pios_ld.errors import PiosError

from .i18n import LANGUAGES


class Unauthorized(PiosError):
    status = 401
    code = "unauthorized"


class TooManyAttempts(PiosError):
    status = 429
    code = "too-many-attempts"


class LoginThrottle:
    """At most *limit* failed logins per user name and address in *window* seconds."""

    def __init__(self, limit: int = 5, window: float = 600) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return times

    def check(self, name: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when the key has failed too often lately."""
        with self._lock:
            if len(self._recent((name, address), time.monotonic())) >= self.limit:
                raise TooManyAttempts(
                    "Too many failed logins; wait ten minutes and try again.",
                    "För många misslyckade inloggningar; vänta tio minuter och försök igen.")

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent((name, address), now).append(now)
            if len(self._failures) > 10000:
                self._failures.clear()


class CsrfError(PiosError):
    status = 400
    code = "csrf"


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
        name = current_app.extensions["pios_store"].check_token(token)
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
    wanted = request.args.get("lang") or request.cookies.get("lang")
    if wanted in LANGUAGES:
        return wanted
    return current_app.config["PIOS"].default_language
