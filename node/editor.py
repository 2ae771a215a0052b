"""The editing UI (Swedish, English switchable), behind a login and with CSRF protection.

List, create, edit, delete, record a status update, import a spreadsheet (with a trial run),
export the portfolio and download the import template. Forms work without JavaScript; each
validation message is shown beside the field it concerns and linked from a summary at the top.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import MultiDict

from pios_ld.errors import InputError, NotFoundError, PiosError
from pios_ld.validation import VIOLATION

from . import auth, spreadsheet
from .forms import FieldMessage, errors_by_field, money_problems, to_form, to_record
from .i18n import HEALTH, PHASE_GROUPS, themes
from .importer import run_import
from .records import prepare
from .store import Store, now

bp = Blueprint("editor", __name__)


def _store() -> Store:
    return current_app.extensions["pios_store"]


def _config():
    return current_app.config["PIOS"]


def _changed() -> None:
    current_app.extensions["pios_notifier"].changed()


@bp.before_request
def protect() -> None:
    if request.method == "POST":
        auth.check_csrf()


@bp.route("/login", methods=["GET", "POST"])
def login():
    failed = False
    target = auth.local_target(request.args.get("next"), url_for("editor.index"))
    if request.method == "POST":
        name = request.form.get("username", "").strip()
        throttle: auth.LoginThrottle = current_app.extensions["pios_login_throttle"]
        address = request.remote_addr or ""
        throttle.check(name, address)
        if _store().check_user(name, request.form.get("password", "")):
            csrf = session.get("csrf")
            session.clear()
            session["user"] = name
            session["csrf"] = csrf or auth.csrf_token()
            return redirect(target)
        throttle.failed(name, address)
        failed = True
    status = 401 if failed else 200
    return render_template("login.html", failed=failed, target=target), status


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("public.home"))


@bp.get("/edit")
@auth.login_required
def index():
    query = request.args.get("q", "").strip().casefold()
    phase = request.args.get("phase", "")
    records = [c for c in _store().current()
               if (not query or query in c.identifier or any(
                   query in str(t).casefold() for t in (c.record.get("title") or {}).values()))
               and (not phase or c.record.get("phase") == phase)]
    return render_template("edit_list.html", records=records, notice=request.args.get("notice"),
                           query=request.args.get("q", ""), phase=phase,
                           phase_groups=PHASE_GROUPS)


def _form_page(record: dict[str, Any] | None, form: dict[str, Any], errors: dict, is_new: bool,
               status: int = 200, notice: str | None = None):
    return render_template(
        "edit_form.html", record=record, form=form, errors=errors, is_new=is_new,
        phase_groups=PHASE_GROUPS, themes=themes(), summary=_summary(errors), notice=notice,
    ), status


def _summary(errors: dict[str, list[FieldMessage]]) -> list[tuple[str, FieldMessage]]:
    return [(field, m) for field, messages in errors.items() for m in messages
            if m.severity == VIOLATION]


def _form_data() -> MultiDict:
    data = MultiDict(request.form)
    data.setdefault("openForCollaboration", "")
    if "theme" not in data:  # no box ticked: the form still manages the themes (none)
        data.add("theme", "")
    return data


def _save_from_form(existing: dict[str, Any] | None, identifier: str | None):
    data = _form_data()
    record = to_record(data, existing)
    problems = money_problems(data)
    try:
        prepared = prepare(record, _config().base_url, _config().organization, now(), identifier)
    except InputError as exc:
        errors = {"_form": [FieldMessage(VIOLATION, exc.message_sv, exc.message)]}
        return None, errors
    errors = errors_by_field(prepared.report.results)
    for key, message in problems.items():
        if message not in errors.setdefault(key, []):
            errors[key].insert(0, message)
    if problems or not prepared.ok:
        return None, errors
    if existing is None and _store().get(prepared.record["identifier"]) is not None:
        errors.setdefault("identifier", []).append(FieldMessage(
            VIOLATION, "Det finns redan ett initiativ med den identifieraren.",
            "An initiative with that identifier exists already."))
        return None, errors
    [change] = _store().save([prepared.record])
    if change.version:
        _changed()
    return change, errors


@bp.route("/edit/new", methods=["GET", "POST"])
@auth.login_required
def new():
    if request.method == "GET":
        return _form_page(None, to_form(None), {}, True)
    change, errors = _save_from_form(None, None)
    if change is None:
        return _form_page(None, _form_values(), errors, True, 422)
    return redirect(url_for("editor.edit", identifier=change.identifier, notice="saved"))


def _form_values() -> dict[str, Any]:
    data = _form_data()
    values = data.to_dict()
    values["theme"] = [code for code in data.getlist("theme") if code]
    return values


def _found(identifier: str):
    found = _store().get(identifier)
    if found is None:
        raise NotFoundError(f"No initiative {identifier!r}.", f"Inget initiativ {identifier!r}.")
    return found


@bp.route("/edit/<identifier>", methods=["GET", "POST"])
@auth.login_required
def edit(identifier: str):
    found = _found(identifier)
    if request.method == "GET":
        return _form_page(found.record, to_form(found.record), {}, False,
                          notice=request.args.get("notice"))
    change, errors = _save_from_form(found.record, identifier)
    if change is None:
        values = _form_values()
        values["identifier"] = identifier
        return _form_page(found.record, values, errors, False, 422)
    notice = "saved" if change.version else "unchanged"
    return redirect(url_for("editor.edit", identifier=identifier, notice=notice))


@bp.route("/edit/<identifier>/delete", methods=["GET", "POST"])
@auth.login_required
def delete(identifier: str):
    found = _found(identifier)
    if request.method == "GET":
        return render_template("delete.html", record=found.record)
    _store().delete(identifier)
    _changed()
    return redirect(url_for("editor.index", notice="deleted"))


@bp.route("/edit/<identifier>/status", methods=["GET", "POST"])
@auth.login_required
def status(identifier: str):
    found = _found(identifier)
    form = {"date": now()[:10], "phase": found.record.get("phase", ""), "health": "",
            "summary": "", "spentToDate": ""}
    errors: dict[str, list[FieldMessage]] = {}
    if request.method == "POST":
        form = {key: request.form.get(key, "").strip() for key in form}
        update: dict[str, Any] = {"type": "StatusUpdate", "date": form["date"]}
        if form["phase"]:
            update["phase"] = form["phase"]
        if form["health"]:
            update["health"] = form["health"]
        if form["summary"]:
            update["summary"] = {auth.language(): form["summary"]}
        problems = money_problems({"spentToDate": form["spentToDate"]})
        record = dict(found.record)
        if form["spentToDate"] and not problems:
            amount = to_record({"spentToDate": form["spentToDate"]})["spentToDate"]
            update["spentToDate"] = amount
            record["spentToDate"] = amount
        if form["phase"]:
            record["phase"] = form["phase"]
        record["statusUpdate"] = [*record.get("statusUpdate", []), update]
        prepared = prepare(record, _config().base_url, _config().organization, now(), identifier)
        errors = errors_by_field(prepared.report.results)
        for key, message in problems.items():
            errors.setdefault(key, []).insert(0, message)
        if prepared.ok and not problems:
            _store().save([prepared.record])
            _changed()
            return redirect(url_for("editor.edit", identifier=identifier, notice="saved"))
    return render_template("status_form.html", record=found.record, form=form, errors=errors,
                           summary=_summary(errors), phase_groups=PHASE_GROUPS,
                           health=HEALTH), 422 if errors and _summary(errors) else 200


@bp.route("/edit/import", methods=["GET", "POST"])
@auth.login_required
def import_page():
    outcome = None
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = InputError("Choose a file to import.", "Välj en fil att importera.")
        else:
            data = upload.read(_config().max_upload_bytes + 1)
            try:
                if len(data) > _config().max_upload_bytes:
                    raise InputError("The file is too large.", "Filen är för stor.")
                outcome = run_import(_store(), _config(), upload.filename, data,
                                     dry_run=bool(request.form.get("dry_run")),
                                     partial=bool(request.form.get("partial")))
                if outcome.saved:
                    _changed()
            except PiosError as exc:
                error = exc
    status = 422 if error or (outcome and outcome.invalid) else 200
    return render_template("import.html", outcome=outcome, error=error), status


@bp.get("/edit/export.<fmt>")
@auth.login_required
def export(fmt: str):
    return _spreadsheet([c.record for c in _store().current()], fmt, "portfolj")


@bp.get("/edit/template.<fmt>")
def template(fmt: str):
    return _spreadsheet([], fmt, "mall-initiativ")


def _spreadsheet(records: list[dict], fmt: str, name: str) -> Response:
    media = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}
    if fmt not in media:
        raise NotFoundError(f"No export as {fmt!r}: use xlsx or csv.",
                            f"Ingen export som {fmt!r}: använd xlsx eller csv.")
    body = spreadsheet.export(records, "." + fmt)
    return Response(body, mimetype=media[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
