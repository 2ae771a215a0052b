"""The web pages: national overview, search, initiative, nodes and publisher pages, dumps.

Each page answers HTML (Swedish by default, ``?lang=en`` for English) and has a JSON twin: the
same path with ``.json`` (``/initiatives.json?theme=education``) or ``Accept: application/json``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, request, send_file, url_for
from pios_ld.aggregator import progress, views
from pios_ld.aggregator.store import HISTORY_DATASET
from pios_ld.aggregator.tables import csv_response
from pios_ld.aggregator.views import KINDS

from pios_ld import organizations
from pios_ld.errors import NotFoundError

blueprint = Blueprint("web", __name__)


def _ui():
    return current_app.extensions["pios_ui"]


def _state():
    return current_app.extensions["pios"]


@blueprint.route("/index.json")
@blueprint.route("/")
def overview() -> Response:
    ui = _ui()
    data = ui.views.overview(ui.lang())
    data["dump"] = latest_dump_name()
    return ui.render("overview.html", data=data, title=ui.t("National overview"))


@blueprint.route("/initiatives.json")
@blueprint.route("/initiatives")
def initiatives() -> Response:
    ui = _ui()
    args = {k: request.args.get(k, "").strip() for k in ("q", "phase", "theme", "org", "county",
                                                          "kind")}
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    data = ui.views.search(ui.lang(), page=page, **args)
    data["filters"] = args
    overview = ui.views.overview(ui.lang())
    counties = sorted({o.county_name for o in organizations.load() if o.county_name})
    publishing = [o for o in organizations.load() if ui.views.per_org().get(o.iri)]
    return ui.render("initiatives.html", data=data, title=ui.t("Initiatives"),
                     phases=overview["byPhase"], themes=overview["byTheme"], counties=counties,
                     kinds=KINDS, orgs=sorted(publishing, key=lambda o: o.name))


@blueprint.route("/initiative.json")
@blueprint.route("/initiative")
def initiative() -> Response:
    ui = _ui()
    iri = request.args.get("iri", "")
    data = ui.views.initiative(iri, ui.lang()) if iri else None
    if data is None:
        raise NotFoundError(f"No initiative {iri!r} in the national graph.",
                            f"Inget initiativ {iri!r} i den nationella grafen.")
    return ui.render("initiative.html", data=data, title=data["title"] or iri)


@blueprint.route("/nodes.json")
@blueprint.route("/nodes")
def nodes() -> Response:
    ui = _ui()
    data = [n.as_dict() for n in _state().instance.registry.nodes()]
    return ui.render("nodes.html", data=data, title=ui.t("Nodes"))


@blueprint.route("/nodes/<int:node_id>.json")
@blueprint.route("/nodes/<int:node_id>")
def node(node_id: int) -> Response:
    ui = _ui()
    registry = _state().instance.registry
    found = registry.get(node_id)
    crawls = registry.crawls(node_id)
    data = views.publisher(found.as_dict(), crawls, ui.lang())
    org = found.organization
    return ui.render("node.html", data=data, title=org.name if org else found.url)


def latest_dump_name() -> str | None:
    folder = Path(_state().instance.folder) / "dumps"
    dumps = sorted(folder.glob("*.nq.gz")) if folder.is_dir() else []
    return dumps[-1].name if dumps else None


@blueprint.route("/dumps/latest")
def latest_dump() -> Response:
    name = latest_dump_name()
    if not name:
        raise NotFoundError("No dump has been made yet (`pios aggregator dump`).",
                            "Ingen dump har gjorts ännu (`pios aggregator dump`).")
    return redirect(url_for("web.dump_file", name=name))


@blueprint.route("/dumps/<name>")
def dump_file(name: str) -> Response:
    folder = Path(_state().instance.folder) / "dumps"
    path = folder / Path(name).name
    if not path.is_file():
        raise NotFoundError(f"No dump {name}.", f"Ingen dump {name}.")
    mimetype = "application/gzip" if name.endswith(".gz") else "text/turtle"
    return send_file(path, mimetype=mimetype, as_attachment=name.endswith(".gz"))


# -- progress over time (history) ------------------------------------------------------------------
def _progress() -> dict:
    """The progress report for the request's ``period`` and ``county``, made once per store
    change (the history's versions are read in one query)."""
    views_ = _ui().views
    period = request.args.get("period", "quarter")
    period = period if period in progress.PERIODS else "quarter"
    county = request.args.get("county", "").strip()

    def make() -> dict:
        rows = views_.cached("history-versions",
                             lambda: views_.rows(progress.VERSIONS, dataset=HISTORY_DATASET))
        report = progress.report(rows, views_.broader(), datetime.now(UTC), period, county)
        if report["quiet"]:
            titles = views_.cached("titles-sv", lambda: {
                r["i"]: r["title"] for r in views_.rows(progress.TITLES)})
            for entry in report["quiet"]:
                entry["title"] = titles.get(entry["initiative"])
        return report

    return views_.cached(("progress", period, county), make)


@blueprint.route("/progress.json")
@blueprint.route("/progress")
def progress_page() -> Response:
    ui = _ui()
    data = _progress()
    counties = sorted({o.county_name for o in organizations.load() if o.county_name})
    return ui.render("progress.html", data=data, title=ui.t("Progress over time"),
                     chart=progress.chart(data["byPeriod"]), counties=counties)


@blueprint.route("/progress/<table>.csv")
def progress_csv(table: str) -> Response:
    found = progress.tables(_progress()).get(table)
    if found is None:
        raise NotFoundError(f"No table {table!r}: choose one of "
                            f"{', '.join(progress.tables(_progress()))}.",
                            f"Ingen tabell {table!r}: välj en av "
                            f"{', '.join(progress.tables(_progress()))}.")
    header, rows = found
    return csv_response(f"progress-{table}", header, rows)
