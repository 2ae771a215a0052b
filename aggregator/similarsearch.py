"""The running aggregator's similarity search: an index that follows the national graph.

:class:`SimilarSearch` builds the index of :mod:`pios_ld.aggregator.similar` from the store in a
background thread when the server starts (the server answers meanwhile; ``ready`` says when the
index is complete), and after each crawl re-reads only the node graphs that changed. It needs the
``similar`` extra (scikit-learn, SciPy, snowballstemmer): without it, :meth:`search` says how to
install it, and everything else works as before.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from pios_ld.errors import NotFoundError, SimilarUnavailable

log = logging.getLogger("pios_ld.aggregator.similar")


class SimilarSearch:
    def __init__(self, store: Any, registry: Any) -> None:
        self.store = store
        self.registry = registry
        self.ready = threading.Event()
        self.missing: str | None = None
        self._lock = threading.Lock()
        self._index: Any = None
        self._graphs: set[str] = set()
        threading.Thread(target=self._build, name="similar-index", daemon=True).start()

    def _build(self) -> None:
        try:
            from pios_ld.aggregator.similar import SimilarityIndex
        except ImportError as exc:
            self.missing = str(exc)
            log.warning("similar initiatives are off: %s (pip install 'pios-ld[similar]')", exc)
            self.ready.set()
            return
        index = SimilarityIndex()
        with self._lock:
            self._index = index
        try:
            for node in self.registry.nodes():
                self._read(node.graph)
        except Exception:  # noqa: BLE001 - e.g. the application closing while it builds
            log.exception("the similarity index could not be built")
        finally:
            self.ready.set()
        log.info("similarity index ready: %d initiatives", len(index))

    def _read(self, graph: str) -> None:
        from pios_ld.aggregator.similar import documents_from_store

        try:
            documents = documents_from_store(self.store, graph)
        except Exception:  # noqa: BLE001 - the index is a view; the crawl must go on
            log.exception("the similarity index could not read %s", graph)
            return
        self._index.replace_node(graph, documents)
        self._graphs.add(graph)

    def node_changed(self, graph: str) -> None:
        """A crawl replaced *graph*: read its initiatives again."""
        if self._index is not None:
            self._read(graph)

    def forget_removed(self) -> None:
        """Drop the graphs of nodes no longer registered."""
        if self._index is None:
            return
        current = {n.graph for n in self.registry.nodes()}
        for graph in self._graphs - current:
            self._index.replace_node(graph, [])
            self._graphs.discard(graph)

    def search(self, text: str | None = None, initiative: str | None = None,
               limit: int = 10) -> list[dict]:
        self.ready.wait(2)  # at start-up: answer from what is indexed so far ("complete": false)
        if self._index is None and not self.missing:
            return []  # the index is still being made
        if self._index is None:
            raise SimilarUnavailable(
                "The similarity search is not installed on this aggregator "
                f"({self.missing}); the operator installs it with pip install 'pios-ld[similar]'.",
                "Sökningen efter liknande initiativ är inte installerad på den här aggregatorn "
                f"({self.missing}); operatören installerar den med pip install "
                "'pios-ld[similar]'.")
        if initiative:
            results = self._index.similar_to(initiative, limit)
            if results is None:
                raise NotFoundError(
                    f"The initiative {initiative} is not in the national graph.",
                    f"Initiativet {initiative} finns inte i den nationella grafen.")
        else:
            results = self._index.similar_to_text(text or "", limit)
        return [r.as_dict() for r in results]
