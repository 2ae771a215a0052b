"""Machine endpoints: ``POST /ping`` from nodes, health and metrics, the CLI's admin calls.

``GET /health`` answers ``200`` with a small JSON status, ``503`` when the store cannot be read;
``GET /metrics`` answers the Prometheus text format (DESIGN §11).

``POST /ping`` with ``{"catalog": URL}`` (JSON) or the form field ``catalog`` from a registered
node answers ``202`` and schedules a crawl of that node at once (rate-limited per node, see
:class:`~pios_ld.aggregator.service.CrawlService`); an unknown catalog is ``404`` with a message.

``/admin/crawl`` lets ``pios aggregator crawl`` ask the running server (the store's single
writer) to crawl; it answers only requests from loopback that carry the secret the server wrote
to ``server.json`` in the instance folder.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, jsonify, request
from pios_ld.aggregator import parts

from pios_ld.errors import Forbidden, InputError, NotFoundError

blueprint = Blueprint("api", __name__)
log = logging.getLogger("pios_ld.aggregator")


@blueprint.route("/ping", methods=["POST"])
def ping() -> tuple[Response, int]:
    data = request.get_json(silent=True) if request.is_json else None
    catalog = (data or {}).get("catalog") if isinstance(data, dict) else None
    catalog = catalog or request.form.get("catalog")
    if not catalog or not isinstance(catalog, str):
        raise InputError(
            'A ping needs the catalog URL: {"catalog": "https://…/catalog"} as JSON, or the form '
            "field catalog.",
            'En ping behöver katalogens adress: {"catalog": "https://…/catalog"} som JSON, eller '
            "formulärfältet catalog.")
    state = parts.of().state
    node = state.instance.registry.by_catalog(catalog)
    if node is None:
        raise NotFoundError(
            f"No registered node publishes the catalog {catalog}; the operator registers nodes "
            "with `pios aggregator add-node`.",
            f"Ingen registrerad nod publicerar katalogen {catalog}; operatören registrerar noder "
            "med `pios aggregator add-node`.")
    when = state.service.ping(node.id)
    return jsonify({"accepted": True, "node": node.id, "crawl": when}), 202


@blueprint.route("/health")
def health() -> tuple[Response, int]:
    """``200`` with a small status when the instance can answer, ``503`` when it cannot."""
    from pios_ld import __version__

    state = parts.of().state
    try:
        status = state.health()
    except Exception as exc:  # noqa: BLE001 - any failure to read the store is "unhealthy"
        log.error("health check failed: %s", exc)
        return jsonify({"status": "unavailable", "version": __version__,
                        "reason": f"{type(exc).__name__}: {exc}"}), 503
    return jsonify({**status, "version": __version__}), 200


@blueprint.route("/metrics")
def metrics() -> Response:
    """The Prometheus text format (see :mod:`pios_ld.aggregator.monitor`)."""
    from pios_ld.aggregator.monitor import CONTENT_TYPE

    body = parts.of().state.monitor.exposition()
    return Response(body, content_type=CONTENT_TYPE)


#: Longest free text /api/similar reads (a draft's title and description fit many times over).
SIMILAR_MAX_TEXT = 20_000


@blueprint.route("/api/similar")
def similar() -> Response:
    """Initiatives of the same kind at other organisations (DESIGN §9)."""
    text = (request.args.get("text") or "").strip()
    initiative = (request.args.get("initiative") or "").strip()
    if not text and not initiative:
        raise InputError(
            "Say what to compare: ?text=… (a draft's title and description) or "
            "?initiative=IRI (an initiative in the national graph).",
            "Ange vad som ska jämföras: ?text=… (ett utkasts titel och beskrivning) eller "
            "?initiative=IRI (ett initiativ i den nationella grafen).")
    if len(text) > SIMILAR_MAX_TEXT:
        raise InputError(f"The text is longer than {SIMILAR_MAX_TEXT:,} characters.",
                         f"Texten är längre än {SIMILAR_MAX_TEXT:,} tecken.")
    raw = request.args.get("limit", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise InputError(f"limit is a whole number from 1 to 100, not {raw!r}.",
                         f"limit är ett heltal från 1 till 100, inte {raw!r}.")
    search = parts.of().state.similar
    results = search.search(text=text, initiative=initiative or None, limit=int(raw))
    response = jsonify({"results": results, "complete": search.ready.is_set()})
    response.headers["Access-Control-Allow-Origin"] = "*"  # a node's editor asks from its page
    return response


def _check_admin() -> None:
    state = parts.of().state
    token = request.headers.get("X-Pios-Admin", "")
    if request.remote_addr not in ("127.0.0.1", "::1") or not state.admin_token \
            or not hmac.compare_digest(token, state.admin_token):
        raise Forbidden("Admin calls come only from the instance's own command line.",
                        "Administrativa anrop kommer bara från instansens egen kommandorad.")


@blueprint.route("/admin/crawl", methods=["POST"])
def admin_crawl() -> tuple[Response, int]:
    _check_admin()
    state = parts.of().state
    body = request.get_json(silent=True) or {}
    job = state.service.request(body.get("nodes"))
    return jsonify(job.as_dict()), 202


@blueprint.route("/admin/crawl/<int:job_id>")
def admin_job(job_id: int) -> Response:
    _check_admin()
    job = parts.of().state.service.job(job_id)
    if job is None:
        raise NotFoundError(f"No crawl job {job_id}.", f"Inget genomsökningsjobb {job_id}.")
    return jsonify(job.as_dict())
