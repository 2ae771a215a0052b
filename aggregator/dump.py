"""Dumps of the national graph: gzipped N-Quads (named graphs kept) plus a VoID/DCAT description.

A dump is read from a store snapshot (both datasets), never from the live databases, so it can be
written while the server runs; the history dataset's default graph is written as the named graph
:data:`~pios_ld.aggregator.crawllog.HISTORY`. The description is written next to the dump
(``<name>.void.ttl``) and is also inside the dump as the named graph :data:`VOID_GRAPH`.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
from pios_ld.aggregator.crawllog import CRAWL_LOG, HISTORY, REFERENCE
from pios_ld.aggregator.store import HISTORY_DATASET, NATIONAL, open_snapshot

from pios_ld import __version__
from pios_ld.clock import utc_text
from pios_ld.namespaces import DCAT, DCT, GRAPH, PIOS, SD, VOID, XSD, Pios

VOID_GRAPH = GRAPH + "void"


def describe(national: ox.Store, history: ox.Store, node_graphs: list[str], dump_url: str,
             sparql_url: str | None, issued: str) -> str:
    """The VoID/DCAT description of a dump, in Turtle."""
    total = len(national) + len(history)
    initiatives = next(iter(national.query(
        f"SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{ ?i a <{Pios.Initiative}> }}",
        use_default_graph_as_union=True)))["n"]
    subsets = "\n".join(
        f"<{dump_url}#graph-{i}> a void:Dataset ; sd:name <{g}> .\n"
        f"<{dump_url}> void:subset <{dump_url}#graph-{i}> ."
        for i, g in enumerate([*node_graphs, HISTORY, CRAWL_LOG, REFERENCE]))
    endpoint = f"    void:sparqlEndpoint <{sparql_url}> ;\n" if sparql_url else ""
    return f"""@prefix void: <{VOID}> .
@prefix dcat: <{DCAT}> .
@prefix dct: <{DCT}> .
@prefix sd: <{SD}> .
@prefix xsd: <{XSD}> .

<{dump_url}> a void:Dataset, dcat:Dataset ;
    dct:title "Sveriges offentliga digitaliseringsinitiativ (PIOS)"@sv,
        "Digital development initiatives of Sweden's public sector (PIOS)"@en ;
    dct:description '''Den nationella grafen: en namngiven graf per nod, historik,
        genomsökningslogg och referensdata.'''@sv,
        "The national graph: one named graph per node, history, crawl log and reference data."@en ;
    dct:issued "{issued}"^^xsd:dateTime ;
    dct:creator "pios-ld {__version__}" ;
    void:triples {total} ;
    void:entities {initiatives.value} ;
    void:dataDump <{dump_url}> ;
{endpoint}    void:vocabulary <{PIOS}> ;
    dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{dump_url}> ;
        dcat:mediaType "application/n-quads" ; dcat:compressFormat "application/gzip" ] .
{subsets}
"""


def write(snapshot: str | os.PathLike, outfile: str | os.PathLike, node_graphs: list[str],
          public_url: str = "", keep_copy_in: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write the dump of *snapshot* to *outfile* (gzipped N-Quads) and its description."""
    national = open_snapshot(snapshot, NATIONAL)
    history = open_snapshot(snapshot, HISTORY_DATASET)
    out = Path(outfile)
    out.parent.mkdir(parents=True, exist_ok=True)
    issued = utc_text()
    base = public_url.rstrip("/")
    dump_url = f"{base}/dumps/{out.name}" if base else out.resolve().as_uri()
    void_text = describe(national, history, node_graphs, dump_url,
                         f"{base}/sparql" if base else None, issued)
    void_quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(VOID_GRAPH))
                  for t in ox.parse(void_text, format=ox.RdfFormat.TURTLE)]
    # every graph keeps its name; the history dataset's default graph is named HISTORY
    sources = [(national, graph, graph) for graph in national.named_graphs()]
    sources.append((history, ox.DefaultGraph(), ox.NamedNode(HISTORY)))
    sources += [(history, graph, graph) for graph in history.named_graphs()]
    tmp = out.with_name(out.name + ".part")
    with gzip.open(tmp, "wb", compresslevel=6) as handle:
        for store, graph, name in sources:
            chunk: list[ox.Quad] = []
            for quad in store.quads_for_pattern(None, None, None, graph):
                chunk.append(quad if name is graph
                             else ox.Quad(quad.subject, quad.predicate, quad.object, name))
                if len(chunk) >= 50_000:
                    handle.write(ox.serialize(chunk, format=ox.RdfFormat.N_QUADS))
                    chunk = []
            handle.write(ox.serialize(chunk, format=ox.RdfFormat.N_QUADS))
        handle.write(ox.serialize(void_quads, format=ox.RdfFormat.N_QUADS))
    tmp.replace(out)
    void_path = out.with_name(out.name.removesuffix(".gz").removesuffix(".nq") + ".void.ttl")
    void_path.write_text(void_text, encoding="utf-8")
    if keep_copy_in:
        folder = Path(keep_copy_in)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = issued.replace(":", "").replace("-", "")
        copy = folder / f"pios-{stamp}.nq.gz"
        if copy.resolve() != out.resolve():
            try:
                os.link(out, copy)
            except OSError:
                shutil.copyfile(out, copy)
            (folder / f"pios-{stamp}.void.ttl").write_text(void_text, encoding="utf-8")
        for old in sorted(folder.glob("pios-*.nq.gz"))[:-3]:
            old.unlink(missing_ok=True)
            old.with_name(old.name.removesuffix(".nq.gz") + ".void.ttl").unlink(missing_ok=True)
    return out, void_path
