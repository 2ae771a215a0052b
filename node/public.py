"""Public pages and documents: the overview, catalog, initiatives, versions and the feed.

Every document answers JSON-LD, Turtle, N-Triples, N-Quads and HTML (negotiated, or by suffix);
the HTML embeds the JSON-LD and a schema.org description of each initiative. Every value of a
record is escaped; an IRI becomes a link only when :func:`pios_ld.webpolicy.linkable` allows it
(the templates' ``link`` macro in ``_links.html``), and every response of the node carries the
security headers (:func:`node.http.secure`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
)
from markupsafe import Markup

from pios_ld import catalog, feed
from pios_ld.i18n import pick
from pios_ld.jsonld import CONTEXT_URL
from pios_ld.organizations import by_iri
from pios_ld.webpolicy import META_CONTENT_SECURITY_POLICY, linkable

from . import auth, negotiate, overview
from . import parts as node_parts
from .http import respond, secure
from .i18n import label
from .publish import Document, Publisher, bundled_context_entry, route

bp = Blueprint("public", __name__)
bp.after_app_request(secure)
bp.add_app_template_test(linkable, "linkable")
bp.add_app_template_global(META_CONTENT_SECURITY_POLICY, "meta_content_security_policy")


def publisher() -> Publisher:
    return node_parts.of().publisher


def _send(entry, vary_accept: bool = True) -> Response:
    status, headers, body = respond(entry, request.headers, False, vary_accept)
    return Response(body, status=int(status[:3]), headers=headers)


@bp.route("/")
def home():
    store = node_parts.of().store
    lang = auth.language()
    records = [c.record for c in store.current()]
    figures = overview.portfolio(records, date.today())
    config = current_app.config["PIOS"]
    org = by_iri(config.organization)
    described = [
        {"@context": CONTEXT_URL, "id": catalog.catalog_url(config.base_url), "type": "Catalog",
         "publisher": config.organization, "feed": catalog.feed_url(config.base_url),
         "totalItems": figures.count},
        {"@context": "https://schema.org", "@type": "GovernmentOrganization",
         "@id": config.organization, "name": org.name if org else config.organization},
    ]
    return render_template(
        "overview.html", figures=figures, charts=overview.charts(figures, lang),
        described=[_script(d) for d in described],
        recent=store.recent(12), money=lambda v: overview.money(v, lang),
        titles={c.iri: _title(c.record, lang) for c in store.current()},
    )


@bp.route("/.well-known/pios")
def well_known():
    return _send(publisher().well_known_entry(), vary_accept=False)


@bp.route("/context.jsonld")
def context():
    return _send(bundled_context_entry(), vary_accept=False)


@bp.route("/catalog")
@bp.route("/catalog.<ext>")
@bp.route("/catalog-<page>")
@bp.route("/feed")
@bp.route("/feed.<ext>")
@bp.route("/feed-<page>")
@bp.route("/initiatives/<name>")
@bp.route("/versions/<name>")
def document(**_: Any):
    path, suffix = negotiate.split_suffix(request.path)
    found = route(path)
    if found is None:
        abort(404)
    order = negotiate.FEED_ORDER if found[0] in ("feed", "stream", "version") \
        else negotiate.DOCUMENT_ORDER
    choice = suffix or negotiate.choose(request.headers.get("Accept"), order)
    if choice is None:
        abort(406)
    entry = publisher().entry(path, choice, auth.language(), html=render_html)
    if entry is None:
        if found[0] == "initiative" and node_parts.of().store.history(found[1]):
            abort(410)
        abort(404)
    return _send(entry, vary_accept=suffix is None)


# --------------------------------------------------------------------------------------------
# HTML renderings of the documents
# --------------------------------------------------------------------------------------------
def _title(record: dict[str, Any] | None, lang: str) -> str:
    titles = (record or {}).get("title") or {}
    return pick(titles, lang, (record or {}).get("identifier", ""))


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        found = pick(value, lang)
        return ", ".join(found) if isinstance(found, list) else str(found)
    return "" if value is None else str(value)


def _script(data: Any) -> Markup:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def schema_org(record: dict[str, Any], lang: str) -> dict[str, Any]:
    """A schema.org ``Project`` describing the initiative, for ordinary search engines."""
    project: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": record.get("id"),
        "url": record.get("id"),
        "identifier": record.get("identifier"),
        "name": _title(record, lang),
        "description": _text(record.get("description"), lang),
        "parentOrganization": {"@id": record.get("responsibleOrganization")},
    }
    org = by_iri(str(record.get("responsibleOrganization")))
    if org:
        project["parentOrganization"] = {"@type": "GovernmentOrganization",
                                         "@id": org.iri, "name": org.name}
    keywords = pick(record.get("keyword"), lang, None)
    if keywords:
        project["keywords"] = ", ".join(keywords if isinstance(keywords, list) else [keywords])
    if record.get("startDate"):
        project["foundingDate"] = record["startDate"]
    if record.get("endDate"):
        project["dissolutionDate"] = record["endDate"]
    if record.get("modified"):
        project["dateModified"] = record["modified"]
    email = (record.get("contactPoint") or {}).get("email")
    if email:
        project["email"] = str(email).removeprefix("mailto:")
    return {k: v for k, v in project.items() if v}


def item_list(catalog: dict[str, Any], lang: str) -> dict[str, Any]:
    """A schema.org ``ItemList`` of the catalog page's initiatives, for search engines."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "@id": catalog.get("id"),
        "numberOfItems": catalog.get("totalItems"),
        "itemListElement": [
            {"@type": "ListItem", "position": index, "url": record.get("id"),
             "name": _title(record, lang)}
            for index, record in enumerate(catalog.get("initiative", []), start=1)],
    }


def render_html(document: Document, lang: str) -> str:
    """The HTML page of a public document (called by :class:`~node.publish.Publisher`)."""
    data = document.data
    alternate = data.get("id") or (data.get("@graph") or [{}, {}])[-1].get("id")
    common = {"jsonld": _script(data), "alternate": alternate, "text": lambda v: _text(v, lang),
              "title_of": lambda r: _title(r, lang), "document": document,
              "money": lambda v: overview.money(v, lang),
              "org_label": _org_label}
    if document.kind == "initiative":
        history = node_parts.of().store.history(document.arg)
        return render_template("initiative.html", record=data, history=history,
                               schema=_script(schema_org(data, lang)), **common)
    if document.kind == "catalog":
        return render_template("catalog.html", catalog=data,
                               schema=_script(item_list(data, lang)), **common)
    if document.kind == "version":
        return render_template("version.html", member=data, **common)
    if document.kind == "stream":
        store = node_parts.of().store
        size = current_app.config["PIOS"].feed_page_size
        last = feed.page_count(store.total_versions(), size)
        return render_template("stream.html", stream=data, last_page=last, **common)
    graph = data.get("@graph", [])
    members = graph[0].get("member", []) if graph else []
    node = graph[1] if len(graph) > 1 else {}
    return render_template("feed_page.html", members=members, node=node, number=document.arg,
                           **common)


def _org_label(iri: str) -> str:
    org = by_iri(str(iri))
    return org.name if org else str(iri)


def phase_label(code: str, lang: str) -> str:
    return label("phase", code, lang)
