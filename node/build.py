"""``pios node build``: the complete public site as plain files any web host can serve.

The files are what the live node answers, fetched through the application itself (Flask's test
client), so the static site cannot drift from the live one::

    .well-known/pios                         discovery (JSON)
    index.html                               the portfolio overview
    catalog, catalog-2 …                     catalog pages (JSON-LD), and .jsonld .ttl .nt .html
    feed, feed-1, feed-2 …                   the event stream and its pages, likewise
    initiatives/<identifier>                 each initiative, likewise
    versions/<seq>                           each version (JSON-LD, and .jsonld .ttl)
    context.jsonld, static/node.css

Suffix-less files hold JSON-LD (with the feed's context written out in full). A folder of JSON
records (one initiative, a list of them, or a catalog per file; YAML too when PyYAML is
installed) can be built without an instance: :func:`build_from_files`.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

from pios_ld import catalog, feed
from pios_ld.errors import InputError, PiosError

from . import parts as node_parts
from . import settings
from .records import prepare_many
from .store import Store, now

DOCUMENT_SUFFIXES = ("", ".jsonld", ".ttl", ".nt", ".html")
VERSION_SUFFIXES = ("", ".jsonld", ".ttl")


def _paths(store: Store, config: settings.Config) -> list[tuple[str, tuple[str, ...]]]:
    paths: list[tuple[str, tuple[str, ...]]] = []
    current = store.current()
    for page in range(1, catalog.page_count(len(current), config.catalog_page_size) + 1):
        paths.append((catalog.catalog_url("", page), DOCUMENT_SUFFIXES))
    paths.append(("/feed", DOCUMENT_SUFFIXES))
    total = store.total_versions()
    for page in range(1, feed.page_count(total, config.feed_page_size) + 1):
        paths.append((feed.page_url("", page), DOCUMENT_SUFFIXES))
    for item in current:
        paths.append((f"/initiatives/{item.identifier}", DOCUMENT_SUFFIXES))
    for seq in range(1, total + 1):
        paths.append((feed.version_iri("", seq), VERSION_SUFFIXES))
    return paths


def build_site(config: settings.Config, outdir: Path) -> int:
    """Write the site of the instance *config* to *outdir*; returns how many files."""
    from .app import create_app

    app = create_app(config)
    app.config["PIOS_STATIC_BUILD"] = True
    store: Store = node_parts.of(app).store
    outdir.mkdir(parents=True, exist_ok=True)
    client = app.test_client()
    written = 0

    def save(url: str, target: str, accept: str | None = None) -> None:
        nonlocal written
        response = client.get(url, headers={"Accept": accept} if accept else {})
        if response.status_code != 200:
            raise PiosError(f"Building {url} failed with HTTP {response.status_code}.",
                            f"Att bygga {url} misslyckades med HTTP {response.status_code}.")
        path = outdir / target.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(response.get_data())
        written += 1

    save("/.well-known/pios", ".well-known/pios")
    save("/?lang=sv", "index.html")
    save("/context.jsonld", "context.jsonld")
    for path, suffixes in _paths(store, config):
        for suffix in suffixes:
            save(path + (suffix or ".jsonld"), path + suffix)
    css = Path(app.static_folder or "") / "node.css"
    (outdir / "static").mkdir(exist_ok=True)
    (outdir / "static" / "node.css").write_bytes(css.read_bytes())
    return written + 1


def _load_records(folder: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise InputError(f"{path}: not valid JSON: {exc}",
                                 f"{path}: inte giltig JSON: {exc}") from exc
        elif path.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError as exc:
                raise InputError(f"{path}: YAML needs PyYAML (pip install pyyaml); or use JSON.",
                                 f"{path}: YAML kräver PyYAML (pip install pyyaml); eller "
                                 "använd JSON.") from exc
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        else:
            continue
        if isinstance(data, dict) and "initiative" in data:
            data = data["initiative"]
        records.extend(data if isinstance(data, list) else [data])
    return records


def build_from_files(folder: Path, organization: str, base_url: str, outdir: Path) -> int:
    """Build the site of the records in *folder* (validated; every violation is refused)."""
    records = _load_records(folder)
    if not records:
        raise InputError(f"No JSON records in {folder}.", f"Inga JSON-poster i {folder}.")
    with tempfile.TemporaryDirectory() as temp:
        instance = Path(temp)
        settings.write_file(instance, {"base_url": base_url.rstrip("/"),
                                       "organization": organization})
        config = settings.load(instance, {"secret_key": secrets.token_urlsafe(32)}, environ={})
        store = Store(config.database_path)
        prepared = prepare_many([(r, None) for r in records], config.base_url,
                                config.organization, now())
        bad = [p for p in prepared if not p.ok]
        if bad:
            lines = [f"{p.record.get('identifier')}: {r.field or r.path}: {r.message_en}"
                     for p in bad for r in p.report.violations]
            lines_sv = [f"{p.record.get('identifier')}: {r.field or r.path}: {r.message_sv}"
                        for p in bad for r in p.report.violations]
            raise InputError("Records violate the shapes:\n" + "\n".join(lines),
                             "Poster bryter mot formerna:\n" + "\n".join(lines_sv))
        by_time = sorted(zip(records, prepared, strict=True),
                         key=lambda pair: str(pair[0].get("modified") or ""))
        for original, ready in by_time:
            store.save([ready.record], timestamp=original.get("modified"))
        return build_site(config, outdir)
