"""The shared host's own pages: the organisations it publishes for, its health, its admin page.

- ``/`` lists the hosted organisations (HTML, or JSON for ``Accept: application/json``).
- ``/health`` checks every tenant's database (``503`` naming the broken ones).
- ``/_admin`` lets a hosting administrator (``pios node tenant admin``) add and remove tenants, as
  ``pios node tenant add|remove`` do: a login with a throttle, a CSRF token on every form, messages
  in Swedish and English. A removed tenant's folder is moved aside, never deleted.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, redirect, render_template, request, session, url_for

from pios_ld import __version__, organizations
from pios_ld.errors import NotFoundError, PiosError
from pios_ld.i18n import NAMES, choose, other

from . import auth, errorpage, i18n, parts
from .hosting import Hosting
from .http import secure
from .store import Store


def _lang() -> str:
    return choose(request.args.get("lang"), request.cookies.get("lang"),
                  request.accept_languages.best_match(list(i18n.LANGUAGES)))


def create_hosting_app(hosting: Hosting) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.config.update(SECRET_KEY=hosting.secret_key, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="pios_hosting",
                      MAX_CONTENT_LENGTH=64 * 1024)
    throttle = auth.LoginThrottle(accounts=hosting.admins.names)
    app.extensions[parts.KEY] = parts.HostParts(login_throttle=throttle)
    app.after_request(secure)

    def render(template: str, status: int = 200, **values: Any):
        lang = _lang()
        return render_template(template, lang=lang, t=lambda text: i18n.t(text, lang),
                               other_lang=other(lang), language_names=NAMES,
                               csrf_token=auth.csrf_token, admin=session.get("admin"),
                               **values), status

    @app.route("/")
    def index():
        tenants = [t.as_dict() for t in hosting.tenants()]
        if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
            return jsonify({"tenants": [{k: v for k, v in t.items() if k != "folder"}
                                        for t in tenants]})
        return render("hosting.html", tenants=tenants)

    @app.route("/health")
    def health():
        broken = []
        tenants = hosting.tenants()
        for tenant in tenants:
            try:
                Store(tenant.config.database_path).count()
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                broken.append({"name": tenant.name, "reason": f"{type(exc).__name__}: {exc}"})
        status = {"status": "unavailable" if broken else "ok", "version": __version__,
                  "tenants": len(tenants), "broken": broken}
        return jsonify(status), 503 if broken else 200

    @app.route("/_admin/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            auth.check_csrf()
            name = request.form.get("username", "")
            throttle.check(name, request.remote_addr or "")
            if hosting.admins.check(name, request.form.get("password", "")):
                session.clear()
                session["admin"] = name
                return redirect(url_for("admin"))
            throttle.failed(name, request.remote_addr or "")
            error = "wrong"
        return render("hosting_login.html", error=error, status=401 if error else 200)

    @app.route("/_admin/logout", methods=["POST"])
    def logout():
        auth.check_csrf()
        session.clear()
        return redirect(url_for("index"))

    @app.route("/_admin", methods=["GET", "POST"])
    def admin():
        if not session.get("admin"):
            return redirect(url_for("login"))
        message = error = None
        form = {"name": "", "org": "", "base_url": ""}
        if request.method == "POST":
            auth.check_csrf()
            action = request.form.get("action")
            try:
                if action == "remove":
                    hosting.remove(request.form.get("name", ""))
                    message = "removed"
                else:
                    form = {k: request.form.get(k, "").strip() for k in form}
                    found = organizations.find(form["org"])
                    hosting.add(form["name"], found.iri, form["base_url"])
                    message, form = "added", {"name": "", "org": "", "base_url": ""}
            except PiosError as exc:
                error = exc.text(_lang())
        return render("hosting_admin.html", tenants=[t.as_dict() for t in hosting.tenants()],
                      message=message, error=error, form=form,
                      status=400 if error else 200)

    def page(status: int, en: str, sv: str):
        return render("hosting_error.html", message=sv if _lang() == "sv" else en, status=status)

    app.register_error_handler(PiosError, lambda exc: errorpage.respond(exc, page))

    app.register_error_handler(404, lambda exc: errorpage.respond(NotFoundError(
        "No organisation is published at this address.",
        "Ingen organisation publiceras på den här adressen."), page))

    return app
