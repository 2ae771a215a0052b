"""The editing UI (Swedish, English switchable), behind a login and with CSRF protection.

List, create, edit, delete, record a status update, import a spreadsheet (upload, then a
mapping step: each column's field, a preview and the trial run's report, nothing saved until
confirmed; the sheet is kept meanwhile by :mod:`node.uploads`), export the portfolio and
download the import template. Forms work without JavaScript; each
validation message is shown beside the field it concerns and linked from a summary at the top.

With aggregators configured, the form for a new initiative shows similar initiatives at other
organisations (:mod:`node.similar`): ``GET /edit/similar?text=…`` answers an HTML fragment (JSON
when asked for), which ``static/similar.js`` fetches as the person types; without JavaScript the
form's "Find similar" button posts the draft back to ``/edit/new``, which shows the list and saves
nothing, and a suggestion's "We reuse this" button adds its IRI to the draft's ``reuses``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.datastructures import MultiDict

from pios_ld.errors import InputError, NotFoundError, PiosError
from pios_ld.validation import VIOLATION

from . import auth, columns, spreadsheet
from . import parts as node_parts
from .forms import (
    FieldMessage,
    errors_by_field,
    money_problems,
    partner_problems,
    to_form,
    to_record,
)
from .i18n import HEALTH, PHASE_GROUPS, themes
from .importer import SheetPlan, inspect_sheet, run_import
from .records import prepare
from .similar import Suggester, Suggestions, draft_text
from .store import Store, now
from .uploads import Upload, Uploads

bp = Blueprint("editor", __name__)


def _store() -> Store:
    return node_parts.of().store


def _config():
    return current_app.config["PIOS"]


def _changed() -> None:
    node_parts.of().notifier.changed()


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
        throttle: auth.LoginThrottle = node_parts.of().login_throttle
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
               status: int = 200, notice: str | None = None,
               similar: Suggestions | None = None):
    if not is_new or not _suggester().enabled:
        similar = None  # the list is for new initiatives, from configured aggregators
    elif similar is None:
        similar = Suggestions(asked=False)
    return render_template(
        "edit_form.html", record=record, form=form, errors=errors, is_new=is_new,
        phase_groups=PHASE_GROUPS, themes=themes(), summary=_summary(errors), notice=notice,
        similar=similar,
    ), status


def _suggester() -> Suggester:
    found = current_app.extensions.get("pios_suggester")
    if found is None:
        found = current_app.extensions.setdefault("pios_suggester", Suggester(
            _config().aggregator_urls, str(_config().organization)))
    return found


def _draft_text(values: Any) -> str:
    return draft_text(*(values.get(k) for k in
                        ("title_sv", "title_en", "description_sv", "description_en")))


@bp.get("/edit/similar")
@auth.login_required
def similar():
    """Similar initiatives at other organisations for ``?text=`` (or the draft's fields)."""
    text = request.args.get("text") or _draft_text(request.args)
    found = _suggester().suggest(text)
    wants = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if request.args.get("format") == "json" or wants == "application/json":
        return jsonify(found.as_dict())
    return render_template("_similar.html", similar=found)


def _with_reuse(values: dict[str, Any], iri: str) -> dict[str, Any]:
    lines = [line.strip() for line in str(values.get("reuses") or "").splitlines()
             if line.strip()]
    if iri and iri not in " ".join(lines).replace(",", " ").replace(";", " ").split():
        lines.append(iri)
    return {**values, "reuses": "\n".join(lines)}


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
    unknown_partners = partner_problems(data)
    if unknown_partners:   # said per name, with suggestions, instead of "must be a link"
        errors["participant"] = unknown_partners + [
            m for m in errors.get("participant", []) if m.severity != VIOLATION]
    if problems or unknown_partners or not prepared.ok:
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
    if "similar" in request.form or "reuse" in request.form:  # the draft back, not saved
        values = _with_reuse(_form_values(), request.form.get("reuse", "").strip())
        return _form_page(None, values, {}, True, similar=_suggester().suggest(
            _draft_text(values)))
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
    """Step 1: the upload, kept on the server; then its columns are shown (step 2)."""
    if request.method == "GET":
        return render_template("import.html", outcome=None, error=None)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InputError("Choose a file to import.", "Välj en fil att importera.")
        data = upload.read(_config().max_upload_bytes + 1)
        if len(data) > _config().max_upload_bytes:
            cap = _config().max_upload_bytes
            size = f"{cap / 1_000_000:g} MB" if cap >= 1_000_000 else f"{cap / 1000:g} kB"
            raise InputError(f"The file is larger than {size}, the most this node accepts.",
                             f"Filen är större än {size.replace('.', ',')}, det mesta noden "
                             "tar emot.")
    except PiosError as exc:
        return render_template("import.html", outcome=None, error=exc), 422
    kept = _uploads().keep(auth.current_user() or "", upload.filename, data)
    return redirect(url_for("editor.import_columns", token=kept.token), 303)


@bp.route("/edit/import/<token>", methods=["GET", "POST"])
@auth.login_required
def import_columns(token: str):
    """Step 2: each column with its field, a preview and the report; step 3: the import.

    Checking again stores the choices and redirects here, so that a reload or the language
    switch shows the same step; the import itself answers with its outcome.
    """
    uploads = _uploads()
    kept, data = uploads.get(token, auth.current_user() or "")
    action = request.form.get("action") if request.method == "POST" else None
    if action is not None and kept.recognised is not None:
        kept.mapping = _chosen_mapping(kept.recognised)
        kept.partial = bool(request.form.get("partial"))
        uploads.save(kept)
    try:
        if action == "import":
            outcome = run_import(_store(), _config(), kept.filename, data,
                                 partial=kept.partial, mapping=kept.mapping)
            if outcome.saved:
                _changed()
            if not (outcome.blocked or (outcome.invalid and not outcome.partial)):
                uploads.discard(token)
                return render_template("import.html", outcome=outcome, error=None)
        elif action is not None:
            return redirect(url_for("editor.import_columns", token=token), 303)
        plan = inspect_sheet(_store(), kept.filename, data, mapping=kept.mapping,
                             lang=auth.language(), config=_config())
    except PiosError as exc:
        uploads.discard(token)   # the file cannot be read: it is of no use kept
        return render_template("import.html", outcome=None, error=exc), 422
    if kept.recognised is None:   # the first look: what the node recognised by itself
        kept.recognised = plan.mapping
        uploads.save(kept)
    return _mapping_page(kept, plan, refused=action == "import")


def _uploads() -> Uploads:
    return Uploads(_config().instance / "uploads")


def _chosen_mapping(recognised: dict[str, str | None]) -> dict[str, str | None]:
    """{heading: field or None} for each column whose choice differs from what was recognised.

    The form carries, per column, its heading (``heading-N``) and the field chosen
    (``field-N``, empty: not imported).
    """
    mapping: dict[str, str | None] = {}
    for key, heading in request.form.items():
        if key.startswith("heading-") and heading in recognised:
            chosen = request.form.get("field-" + key.removeprefix("heading-"), "").strip()
            if (chosen or None) != recognised[heading]:
                mapping[heading] = chosen or None
    return mapping


_UNITS = {1000: ("belopp i tusen kronor", "amounts in thousands of kronor"),
          1_000_000: ("belopp i miljoner kronor", "amounts in millions of kronor")}


def _mapping_page(kept: Upload, plan: SheetPlan, refused: bool = False):
    lang = auth.language()
    seen: dict[str, dict[str, Any]] = {}
    for column in plan.columns:
        if not column.heading:
            continue
        key = columns.fold(column.heading)
        if key in seen:
            seen[key]["sheets"].append(column.sheet)
            continue
        samples = [str(row.get(column.heading, "")) for row in plan.preview]
        seen[key] = {"heading": column.heading, "field": column.field or "",
                     "why": column.why(lang), "person": column.person, "sheets": [column.sheet],
                     "unit": _UNITS.get(column.unit or 1, ("", ""))[lang == "en"]
                     if column.field in ("budget", "spentToDate") else "",
                     "changed": column.heading in kept.mapping,
                     "samples": [v for v in samples if v.strip()][:3]}
    report = plan.report
    many = len(plan.sheets) > 1
    return render_template(
        "import_columns.html", kept=kept, plan=plan, rows=list(seen.values()),
        fields=[(f, en if lang == "en" else sv) for f, sv, en in plan.fields],
        report=report, refused=refused, many=many,
        warnings=_grouped([n for n in report.notes if n.severity != VIOLATION] + [
            n for row in report.rows for _, n in row.warnings], lang, many),
    ), 422 if refused else 200


def _grouped(notes: list, lang: str, many: bool) -> list[str]:
    """Warnings said once per message, with the rows they concern."""
    grouped: dict[tuple[str, str, str], list] = {}
    for note in notes:
        grouped.setdefault((note.sheet if many else "", note.column, note.message(lang)),
                           []).append(note)
    lines = []
    for group in grouped.values():
        numbers = [str(n.row) for n in group if n.row]
        shown = ", ".join(numbers[:30]) + (" …" if len(numbers) > 30 else "")
        lines.append(_CLI_HINT.sub(" i kolumnlistan ovan" if lang != "en" else
                                   " in the list of columns above",
                                   group[0].line(lang, many, shown)))
    return lines


#: the report's hint for the command line (``--map "Projektledare=fält"``); here it is the list
_CLI_HINT = re.compile(r' (?:med|with) --map "[^"]*"')


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
