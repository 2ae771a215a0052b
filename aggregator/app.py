"""Building the Flask application: state, blueprints, error handling, CORS."""

from __future__ import annotations

import atexit
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from pios_ld.aggregator import admission, api, external, parts, sparql, web
from pios_ld.aggregator.crawler import Crawler
from pios_ld.aggregator.instance import Instance
from pios_ld.aggregator.monitor import Monitor, folder_bytes, gauge, node_states
from pios_ld.aggregator.queryworker import QueryPool
from pios_ld.aggregator.service import CrawlService
from pios_ld.aggregator.similarsearch import SimilarSearch
from pios_ld.aggregator.store import latest_snapshot
from pios_ld.aggregator.ui import UI

from pios_ld import negotiate
from pios_ld.errors import NotFoundError, PiosError
from pios_ld.logs import AccessLog

#: Page queries that may run at once (more wait for one of them, within their deadline).
PAGE_QUERY_THREADS = 4


class State:
    """What the running application holds: the instance, the writer store, the crawl service."""

    def __init__(self, instance: Instance, wait_for_writer: bool) -> None:
        self.instance = instance
        self.settings = instance.settings
        self.store = instance.acquire_writer(wait=wait_for_writer)
        self.crawler = Crawler(instance.registry, self.store, self.settings)
        self._snapshot = str(latest_snapshot(instance.snapshots) or "")
        self._snapshot_lock = threading.Lock()
        self._published = self.store.writes
        self.monitor = Monitor()
        #: the pages' queries run here, so that a page waits at most sparql_timeout for them
        self.page_queries = ThreadPoolExecutor(max_workers=PAGE_QUERY_THREADS,
                                               thread_name_prefix="pios-page-query")
        self.similar = SimilarSearch(self.store, instance.registry)
        self.service = CrawlService(self.crawler, self.settings["ping_interval"],
                                    on_commit=self.publish, on_outcome=self._crawled,
                                    on_finished=self._finished)
        self.crawler.on_commit = self.publish  # nodes committed so far, during a long crawl
        self.monitor.watch(self._live_metrics)
        self.admin_token: str | None = None
        self._closed = False

    def publish(self) -> None:
        """Make the store's current state visible to query workers and pages."""
        seen = self.store.writes
        path = str(self.store.snapshot())
        with self._snapshot_lock:
            self._snapshot = path
            self._published = seen

    def _crawled(self, outcome) -> None:
        self.monitor.crawled(outcome)
        if outcome.status != "unchanged" and outcome.status != "failed":
            self.similar.node_changed(outcome.node.graph)

    def _finished(self, outcomes) -> None:
        self.monitor.run_finished(outcomes)
        self.similar.forget_removed()

    def _live_metrics(self):
        folder = Path(self.instance.folder)
        yield node_states(self.instance.registry.nodes())
        yield gauge("pios_aggregator_crawl_queue_depth", "Crawl requests and pings waiting.",
                    self.service.depth())
        yield gauge("pios_aggregator_store_bytes",
                    "Bytes on disk of the store, the history and the snapshots.",
                    folder_bytes(p for p in folder.iterdir() if p.is_dir()))

    def health(self) -> dict[str, Any]:
        """A small status for ``GET /health``; raises when the store cannot be read."""
        self.store.query("ASK { ?s ?p ?o }")
        return {"status": "ok", "snapshot": Path(self.snapshot()).name or None,
                "nodes": len(self.instance.registry.nodes()),
                "crawl_queue": self.service.depth()}

    def snapshot(self) -> str:
        if (isinstance(self.store, external.ExternalStore)  # another process wrote to it
                and self._published != self.store.writes):
            self.publish()
        with self._snapshot_lock:
            return self._snapshot

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.page_queries.shutdown(wait=True, cancel_futures=True)
        self.service.stop()
        self.crawler.close()
        self.instance.release_writer()
        self.instance.registry.close()


def build(config: dict[str, Any]) -> Flask:
    config = dict(config)
    folder = config.pop("instance")
    wait = bool(config.pop("wait_for_writer", False))
    instance = Instance.open(folder, config)
    app = Flask("pios_ld.aggregator")
    app.config["PIOS"] = instance.settings
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    state = State(instance, wait)
    remote = (external.Connection.from_settings(instance.settings)
              if external.configured(instance.settings) else None)
    pool = QueryPool(instance.settings["sparql_workers"], instance.settings["sparql_timeout"],
                     instance.settings["sparql_max_results"], remote)
    ui = UI(app, state)

    def close() -> None:
        pool.close()
        state.close()
        external.close_clients(remote)
        atexit.unregister(close)  # else the exit hook keeps every closed application alive

    app.extensions[parts.KEY] = parts.Parts(
        state=state, queries=pool, admission=admission.Admission.from_settings(instance.settings),
        trusted_proxies=admission.trusted_networks(str(instance.settings["trusted_proxies"])),
        ui=ui, close=close)
    atexit.register(close)

    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(web.blueprint)

    @app.errorhandler(PiosError)
    def pios_error(exc: PiosError) -> Response:
        """The one renderer of the aggregator's errors, with the status, code and Retry-After
        of the error's class: an HTML page for a browser, plain text for a SPARQL client of
        /sparql, JSON otherwise (the API, ``.json`` pages, a browser's request to /sparql)."""
        # an error's own order: JSON unless HTML is preferred (a client asking for anything
        # gets the message as data)
        offers = negotiate.PAGE_OFFERS[::-1]
        wants_html = ((negotiate.preferences(request.headers.get("Accept"), offers)
                       or ["json"])[0] == "html" and not request.path.endswith(".json")
                      and request.path != "/ping" and not request.path.startswith("/admin"))
        sparql_path = request.path in ("/sparql", "/sparql/history")
        if wants_html and not sparql_path:
            ui = parts.of(app).ui
            response = ui.render("error.html", title=ui.t("Error"), error=exc,
                                 data=exc.as_dict(), status=exc.status)
        elif sparql_path and not wants_html:
            response = Response(f"{exc.message}\n{exc.message_sv}\n", status=exc.status,
                                mimetype="text/plain")
        else:
            response = jsonify(exc.as_dict())
            response.status_code = exc.status
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Response:
        return pios_error(NotFoundError(f"Nothing at {request.path}.",
                                        f"Det finns inget på {request.path}."))

    @app.after_request
    def cors(response: Response) -> Response:
        if request.path.startswith("/sparql") or request.path.endswith(".json") \
                or response.mimetype == "application/json":
            response.headers["Access-Control-Allow-Origin"] = instance.settings["cors_origin"]
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.wsgi_app = AccessLog(app.wsgi_app, state.monitor.request)  # type: ignore[method-assign]
    return app
