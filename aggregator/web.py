"""The web pages: national overview, search, initiative, nodes and publisher pages, dumps.

Each page answers HTML (Swedish by default, ``?lang=en`` for English) and has a JSON twin: the
same path with ``.json`` (``/initiatives.json?theme=education``) or ``Accept: application/json``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, request, send_file, url_for
from pios_ld.aggregator import parts, progress, reuse, tables, views
from pios_ld.aggregator.store import HISTORY_DATASET
from pios_ld.aggregator.tables import csv_response
from pios_ld.aggregator.views import KINDS

from pios_ld import organizations
from pios_ld.errors import NotFoundError

blueprint = Blueprint("web", __name__)


def _ui():
    return parts.of().ui


def _state():
    return parts.of().state


@blueprint.route("/index.json")
@blueprint.route("/")
def overview() -> Response:
    ui = _ui()
    data = ui.views.overview(ui.lang())
    data["dump"] = latest_dump_name()
    data["citation"] = dataset_citation()
    return ui.render("overview.html", data=data, title=ui.t("National overview"))


#: The search's filters, as the query arguments of /initiatives (and of its CSV download).
SEARCH_FILTERS = ("q", "phase", "theme", "org", "county", "kind")


def _search_filters() -> dict[str, str]:
    return {k: request.args.get(k, "").strip() for k in SEARCH_FILTERS}


@blueprint.route("/initiatives.json")
@blueprint.route("/initiatives")
def initiatives() -> Response:
    ui = _ui()
    args = _search_filters()
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
    data.update(_reused_by(iri))
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


# -- the tables of /initiatives, /nodes and /nodes/<id> as CSV (aggregator/tables.py) -------------
@blueprint.route("/initiatives.csv")
def initiatives_csv() -> Response:
    """Every initiative the search with the page's filters finds (all pages, newest first)."""
    data = _ui().views.search(_ui().lang(), page_size=None, **_search_filters())
    return csv_response("initiatives", *tables.initiative_rows(data["items"]))


@blueprint.route("/nodes.csv")
def nodes_csv() -> Response:
    return csv_response("nodes", *tables.node_rows(
        [n.as_dict() for n in _state().instance.registry.nodes()]))


@blueprint.route("/nodes/<int:node_id>/<table>.csv")
def node_csv(node_id: int, table: str) -> Response:
    registry = _state().instance.registry
    found = registry.get(node_id)  # an unknown node: 404 with its message, as the page
    if table not in tables.NODE_TABLES:
        raise NotFoundError(f"No table {table!r}: choose {' or '.join(tables.NODE_TABLES)}.",
                            f"Ingen tabell {table!r}: välj {' eller '.join(tables.NODE_TABLES)}.")
    data = views.publisher(found.as_dict(), registry.crawls(node_id), _ui().lang())
    rows = tables.crawl_rows(data) if table == "crawls" else tables.problem_rows(data)
    return csv_response(f"node-{node_id}-{table}", *rows)


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
            titles = _titles()
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


# -- the reuse network -----------------------------------------------------------------------------
def _titles() -> dict[str, str]:
    views_ = _ui().views
    return views_.cached("titles-sv", lambda: {
        r["i"]: r["title"] for r in views_.rows(progress.TITLES)})


def _reused_by(iri: str) -> dict:
    """Who reuses the initiative *iri*, from the reuse network (as its solution page lists)."""
    found = reuse.solution(_network(), iri)
    adopters = found["adopters"] if found else []
    return {"reusedBy": [{"iri": a["initiative"], "title": a["title"],
                          "organization": a["organization"]["iri"],
                          "organizationName": a["organization"]["name"],
                          "county": a["organization"]["county"], "since": a["since"],
                          "own": a["own"]} for a in adopters],
            "reuseSolution": found is not None}


def _network() -> dict:
    """The reuse network, made once per store change."""
    views_ = _ui().views

    def make() -> dict:
        return reuse.network(views_.rows(reuse.REUSES), views_.rows(reuse.PARTNERS),
                             views_.rows(reuse.ADOPTED, dataset=HISTORY_DATASET), _titles(),
                             views_.rows(reuse.PARTNERED, dataset=HISTORY_DATASET))

    return views_.cached("reuse-network", make)


@blueprint.route("/reuse.json")
@blueprint.route("/reuse")
def reuse_page() -> Response:
    ui = _ui()
    return ui.render("reuse.html", data=_network(), title=ui.t("Reuse network"))


@blueprint.route("/reuse/solution.json")
@blueprint.route("/reuse/solution")
def reuse_solution() -> Response:
    ui = _ui()
    iri = request.args.get("iri", "")
    data = reuse.solution(_network(), iri) if iri else None
    if data is None:
        raise NotFoundError(f"Nobody has said they reuse {iri!r} (pios:reuses).",
                            f"Ingen har angett att de återanvänder {iri!r} (pios:reuses).")
    return ui.render("reuse_solution.html", data=data, title=data["title"] or iri,
                     chart=_curve_chart(data["curve"]))


def _curve_chart(curve: list[dict]) -> dict:
    """The adoption curve as bars of :func:`progress.chart` (all in one 'completed' segment)."""
    return progress.chart([{"period": r["period"], "planned": 0, "ongoing": 0,
                            "completed": r["total"], "total": r["total"]} for r in curve])


@blueprint.route("/reuse/scaling.json")
@blueprint.route("/reuse/scaling")
def reuse_scaling() -> Response:
    ui = _ui()
    data = reuse.scaling(_network())
    return ui.render("reuse_scaling.html", data=data, title=ui.t("Scaling follow-up"),
                     charts=[_curve_chart(s["curve"]) for s in data["solutions"]])


@blueprint.route("/reuse/map.json")
@blueprint.route("/reuse/map")
def reuse_map() -> Response:
    ui = _ui()
    chosen = request.args.get("solution", "") or None
    data = {"solution": chosen, "title": _titles().get(chosen) if chosen else None,
            "counties": reuse.county_tiles(_network(), ui.views.per_org(), chosen)}
    return ui.render("reuse_map.html", data=data, title=ui.t("Coverage and adoption by county"))


@blueprint.route("/reuse/<table>.csv")
def reuse_csv(table: str) -> Response:
    data = _network()
    if table == "network":
        header, rows = reuse.edge_rows(data)
    elif table == "solutions":
        header, rows = reuse.solution_rows(data)
    elif table == "map":
        header = ["county_code", "county", "organizations", "publishing", "coverage_percent",
                  "adopting_organizations"]
        rows = [[c["code"], c["county"], c["organizations"], c["publishing"], c["coverage"],
                 c["adopting"]] for c in reuse.county_tiles(data, _ui().views.per_org(),
                                                            request.args.get("solution") or None)]
    else:
        raise NotFoundError(f"No table {table!r}: choose network, solutions or map.",
                            f"Ingen tabell {table!r}: välj network, solutions eller map.")
    return csv_response(f"reuse-{table}", header, rows)


@blueprint.route("/reuse/network.graphml")
def reuse_graphml() -> Response:
    body = _ui().views.cached("reuse-graphml", lambda: reuse.graphml(_network()))
    response = Response(body, mimetype="application/graphml+xml")
    response.headers["Content-Disposition"] = 'attachment; filename="reuse-network.graphml"'
    return response


# -- the national dataset in DCAT-AP-SE (aggregator/dcat.py) --------------------------------------
@blueprint.route("/catalog.<suffix>")
@blueprint.route("/catalog")
def catalog(suffix: str | None = None) -> Response:
    from pios_ld.aggregator import dcat

    from pios_ld import negotiate
    if suffix is None:
        offers = [(key, [media]) for key, (media, _) in dcat.FORMATS.items()]
        suffix = (negotiate.preferences(request.headers.get("Accept"), offers) or ["ttl"])[0]
    elif suffix not in dcat.FORMATS:
        raise NotFoundError(f"No catalog .{suffix}: choose .ttl, .rdf or .jsonld.",
                            f"Ingen katalog .{suffix}: välj .ttl, .rdf eller .jsonld.")
    base, publisher, modified = _dataset_facts()
    body, media = dcat.serialize(dcat.describe(base, publisher, modified,
                                               latest_dump_name()), suffix)
    return Response(body, mimetype=media)


def _dataset_facts():
    """The national dataset's base URL, publisher (from the operator's settings) and latest
    crawl, as /catalog and the overview's citation state them."""
    from pios_ld.aggregator import dcat

    base = str(current_app.config["PIOS"]["public_url"] or request.url_root)
    latest = _state().instance.registry.latest_crawl()  # one query, not every node's state
    modified = datetime.fromisoformat(latest) if latest else None
    settings = current_app.config["PIOS"]
    publisher = dcat.Publisher(name=settings["publisher_name"] or urlsplit(base).hostname
                               or "pios-ld",
                               homepage=settings["publisher_homepage"] or base,
                               email=settings["publisher_email"],
                               license=settings["dataset_license"])
    return base, publisher, modified


def dataset_citation() -> str:
    """How to cite the national dataset: the text of /catalog's ``dct:bibliographicCitation``."""
    from pios_ld.aggregator import dcat

    base, publisher, modified = _dataset_facts()
    return dcat.citation(publisher, base, dcat.citation_year(modified))


@blueprint.route("/overview/<table>.csv")
def overview_csv(table: str) -> Response:
    data = _ui().views.overview(_ui().lang())
    if table == "coverage-kind":
        header = ["kind", "publishing", "organizations"]
        rows = [[c["kind"], c["publishing"], c["total"]] for c in data["coverageByKind"]]
    elif table == "coverage-county":
        header = ["county", "publishing", "organizations", "initiatives"]
        rows = [[c["county"], c["publishing"], c["total"], c["initiatives"]]
                for c in data["coverageByCounty"]]
    else:
        raise NotFoundError(f"No table {table!r}: choose coverage-kind or coverage-county.",
                            f"Ingen tabell {table!r}: välj coverage-kind eller coverage-county.")
    return csv_response(f"overview-{table}", header, rows)
