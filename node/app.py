"""The node's Flask application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from pios_ld import __version__
from pios_ld.errors import PiosError
from pios_ld.i18n import other
from pios_ld.logs import AccessLog
from pios_ld.organizations import by_iri

from . import auth, errorpage, i18n, parts, settings
from .http import FastPath
from .notify import Notifier
from .publish import Publisher
from .store import Store

log = logging.getLogger("pios_ld.node")


def create_app(config: settings.Config | Mapping[str, Any], access_log: bool = True) -> Flask:
    """A node application for one instance.

    *config* is a resolved :class:`~node.settings.Config`, or a mapping with ``instance`` (the
    folder) and any settings, resolved like the CLI does (file, environment, then the mapping).
    *access_log* is off for a hosted tenant, whose dispatcher writes the access lines.
    """
    if not isinstance(config, settings.Config):
        values = dict(config)
        instance = Path(values.pop("instance"))
        config = settings.load(instance, values)
    config.instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=max(config.max_body_bytes, config.max_upload_bytes),
        PIOS=config,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    store = Store(config.database_path)
    publisher = Publisher(store, config)
    app.extensions[parts.KEY] = parts.Parts(
        store=store, publisher=publisher,
        login_throttle=auth.LoginThrottle(accounts=store.users),
        notifier=Notifier(config.aggregator_urls, f"{config.base_url}/catalog"))

    from .api import bp as api_bp
    from .editor import bp as editor_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(api_bp)

    org = by_iri(config.organization)

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        lang = auth.language()
        return {
            "lang": lang,
            "t": lambda text: i18n.t(text, lang),
            "field": lambda name: i18n.field(name, lang),
            "other_lang": other(lang),
            "switch": i18n.SWITCH,
            "label": lambda scheme, code: i18n.label(scheme, code, lang),
            "org_name": org.name if org else config.organization,
            "config": config,
            "user": auth.current_user(),
            "csrf_token": auth.csrf_token,
            "version": __version__,
            "static_build": bool(app.config.get("PIOS_STATIC_BUILD")),
            # where the node's own paths start: a hosted tenant's prefix, "" for a node of its own
            "root": (urlsplit(config.base_url).path.rstrip("/")
                     if app.config.get("PIOS_STATIC_BUILD") else request.script_root),
        }

    @app.template_filter("page")
    def page_link(iri: str) -> str:
        """Link to a public document's HTML page (``.html`` in a static build)."""
        static = app.config.get("PIOS_STATIC_BUILD")
        return f"{iri}.html" if static and str(iri).startswith(config.base_url) else iri

    @app.after_request
    def remember_language(response):
        wanted = request.args.get("lang")
        if wanted in i18n.LANGUAGES:
            response.set_cookie("lang", wanted, max_age=365 * 24 * 3600, samesite="Lax")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.register_error_handler(PiosError, lambda exc: errorpage.respond(exc, _page))
    app.register_error_handler(HTTPException, lambda exc: errorpage.respond_http(exc, _page))

    @app.route("/health")
    def health():
        """``200`` with a small status when the database answers, ``503`` when it does not."""
        try:
            initiatives = store.count()
        except Exception as exc:  # noqa: BLE001 - any failure to read the database is unhealthy
            log.error("health check failed: %s", exc)
            return jsonify({"status": "unavailable", "version": __version__,
                            "reason": f"{type(exc).__name__}: {exc}"}), 503
        return jsonify({"status": "ok", "version": __version__, "initiatives": initiatives})

    fast = FastPath(app.wsgi_app, publisher)
    app.wsgi_app = AccessLog(fast) if access_log else fast  # type: ignore[method-assign]
    return app


def _page(status: int, en: str, sv: str):
    """The node's error page (:mod:`errorpage` chooses between it and JSON)."""
    return render_template("error.html", status=status,
                           message=sv if auth.language() == "sv" else en), status
