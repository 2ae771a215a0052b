"""Finding initiatives of the same kind across organisations ("someone already built this").

An initiative's text — title, description, goal, problem statement and keywords, Swedish and
English — becomes one sparse vector of three kinds of features, each weighted by its inverse
document frequency over the national graph and the whole normalised to length 1:

- **character n-grams** (3–5 characters inside words): Swedish compounds share their parts
  (*bygglovshandläggning* and *ansökan om bygglov* share *bygglov*), inflections share their stem;
- **word stems** (Snowball's Swedish and English stemmers);
- **concepts** from a table of terms that mean the same kind of thing in the public sector, in
  Swedish and English (``vocab/similarity-terms.csv``: *kameratillsyn* ~ *digital nattillsyn* ~
  *night-time camera supervision*), so that synonyms and the two languages meet.

Similarity is the cosine of two vectors. The weights of the three kinds, and the method itself,
were chosen by measurement on a labelled evaluation set (``benchmarks/similar.py``, which also
prints a plain character-n-gram TF-IDF baseline).

The index is incremental: :meth:`SimilarityIndex.replace_node` replaces the initiatives of one
node graph (after each crawl, only the nodes that changed); feature hashing needs no vocabulary,
and document frequencies are kept as counts, so nothing is refitted. The weighted matrix is
rebuilt lazily before the next query (milliseconds at national scale).
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer
from pios_ld.vocab import SIMILARITY_TERMS
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from pios_ld.i18n import pick

TERMS_FILE = Path(str(SIMILARITY_TERMS))

N_FEATURES = 2 ** 20
#: The weight of each kind of feature (chosen on the evaluation set, see benchmarks/similar.py).
WEIGHTS = {"chars": 0.5, "words": 1.0, "concepts": 2.0}

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Document:
    """What the index knows of one initiative."""

    iri: str
    graph: str
    organization: str
    title: str
    text: str
    contact: str | None = None  # the initiative's functional mailbox, for "ask them"


@dataclass(frozen=True)
class Result:
    initiative: str
    title: str
    organization: str
    score: float
    contact: str | None = None

    def as_dict(self) -> dict:
        from pios_ld.organizations import by_iri

        org = by_iri(self.organization)
        return {"initiative": self.initiative, "title": self.title,
                "organization": self.organization, "score": round(self.score, 4),
                "organizationName": org.name if org else None, "contact": self.contact}


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


@lru_cache(maxsize=1)
def _stemmers() -> tuple:
    return snowballstemmer.stemmer("swedish"), snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    swedish, english = _stemmers()
    stem = swedish.stemWord(word)
    return stem if stem != word else english.stemWord(word)


class Terms:
    """The concept table: a stem sequence -> the concepts it names."""

    def __init__(self, by_stems: dict[tuple[str, ...], frozenset[str]]) -> None:
        self.by_stems = by_stems
        self.longest = max((len(k) for k in by_stems), default=1)
        #: single-word terms long enough to be looked for inside compounds
        self.parts = tuple((k[0], v) for k, v in by_stems.items() if len(k) == 1 and len(k[0]) >= 4)

    @classmethod
    def load(cls, path: Path = TERMS_FILE) -> Terms:
        by_stems: dict[tuple[str, ...], set[str]] = {}
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                for row in csv.reader(line for line in handle if not line.startswith("#")):
                    if len(row) < 2:
                        continue
                    concept = row[0].strip()
                    for term in row[1:]:
                        stems = tuple(_stem(w) for w in _WORD.findall(normalise(term)))
                        if stems:
                            by_stems.setdefault(stems, set()).add(concept)
        return cls({k: frozenset(v) for k, v in by_stems.items()})

    def concepts(self, stems: list[str], words: list[str]) -> list[str]:
        found: list[str] = []
        for start in range(len(stems)):
            for size in range(1, self.longest + 1):
                key = tuple(stems[start:start + size])
                if len(key) < size:
                    break
                found.extend(self.by_stems.get(key, ()))
        # a term inside a compound: "kameratillsyn" holds "tillsyn" and "kamera"
        for word, stem in zip(words, stems, strict=True):
            if len(word) >= 8:
                for part, names in self.parts:
                    if part in word and part != stem:
                        found.extend(names)
        return found


class Features:
    """Text to the three kinds of hashed features (no fitting: any text, any time)."""

    def __init__(self, terms: Terms | None = None) -> None:
        self.terms = terms or Terms.load()
        self.chars = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                       n_features=N_FEATURES, alternate_sign=False, norm=None,
                                       dtype=np.float32)
        self.tokens = HashingVectorizer(analyzer=lambda doc: doc, n_features=N_FEATURES,
                                        alternate_sign=False, norm=None, dtype=np.float32)

    def matrix(self, texts: list[str]) -> sparse.csr_matrix:
        texts = [normalise(t) for t in texts]
        chars = self.chars.transform(texts)
        words, concepts = [], []
        for text in texts:
            found = _WORD.findall(text)
            stems = [_stem(w) for w in found]
            words.append([f"w:{s}" for s in stems if len(s) > 1])
            concepts.append([f"c:{c}" for c in self.terms.concepts(stems, found)])
        parts = [chars * WEIGHTS["chars"], self.tokens.transform(words) * WEIGHTS["words"],
                 self.tokens.transform(concepts) * WEIGHTS["concepts"]]
        matrix = sparse.hstack(parts, format="csr", dtype=np.float32)
        matrix.data = (1 + np.log(matrix.data)).astype(np.float32)  # sublinear term frequency
        return matrix


class SimilarityIndex:
    """The national index: documents, their raw vectors, document frequencies; thread-safe."""

    def __init__(self, features: Features | None = None) -> None:
        self.features = features or Features()
        self._lock = threading.Lock()
        self._docs: list[Document] = []
        self._by_iri: dict[str, Document] = {}
        self._rows: list[sparse.csr_matrix] = []
        self._by_graph: dict[str, list[int]] = {}
        self._free: list[int] = []
        self._df = np.zeros(3 * N_FEATURES, dtype=np.int32)
        self._count = 0
        self._weighted: sparse.csr_matrix | None = None
        self._live: np.ndarray | None = None
        self._idf_now: np.ndarray | None = None

    def __len__(self) -> int:
        return self._count

    def replace_node(self, graph: str, documents: Iterable[Document]) -> None:
        """The initiatives of *graph* are now *documents* (an empty list drops the graph)."""
        documents = list(documents)
        rows = self.features.matrix([d.text for d in documents]) if documents else None
        with self._lock:
            for index in self._by_graph.pop(graph, []):
                self._df[self._rows[index].indices] -= 1
                self._by_iri.pop(self._docs[index].iri, None)
                self._docs[index] = None  # type: ignore[call-overload]
                self._rows[index] = None  # type: ignore[call-overload]
                self._free.append(index)
                self._count -= 1
            placed = []
            for n, document in enumerate(documents):
                row = rows[n]
                index = self._free.pop() if self._free else len(self._docs)
                if index == len(self._docs):
                    self._docs.append(document)
                    self._rows.append(row)
                else:
                    self._docs[index], self._rows[index] = document, row
                self._df[row.indices] += 1
                self._by_iri[document.iri] = document
                placed.append(index)
                self._count += 1
            if placed:
                self._by_graph[graph] = placed
            self._weighted = None

    def _idf(self) -> np.ndarray:
        return (np.log((1 + self._count) / (1 + self._df)) + 1).astype(np.float32)

    def _matrix(self) -> tuple[sparse.csr_matrix, np.ndarray]:
        if self._weighted is None:
            self._idf_now = self._idf()
            empty = sparse.csr_matrix((1, 3 * N_FEATURES))
            rows = [r if r is not None else empty for r in self._rows]
            matrix = sparse.vstack(rows, format="csr") if rows else empty[:0]
            self._weighted = _unit(_weigh(matrix, self._idf_now)).T.tocsr()  # features x docs
            self._live = np.array([d is not None for d in self._docs], dtype=bool)
        assert self._live is not None
        return self._weighted, self._live

    def similar_to_text(self, text: str, limit: int = 10, exclude: Iterable[str] = (),
                        exclude_organization: str | None = None) -> list[Result]:
        with self._lock:
            weighted, live = self._matrix()
            assert self._idf_now is not None
            query = _unit(_weigh(self.features.matrix([text]), self._idf_now))
            scores = (query @ weighted).toarray().ravel() if weighted.shape[1] else np.zeros(0)
            return self._best(scores, live, limit, set(exclude), exclude_organization)

    def similar_to(self, iri: str, limit: int = 10) -> list[Result] | None:
        """Initiatives like the indexed *iri* at other organisations; None if it is not indexed."""
        with self._lock:
            found = self._by_iri.get(iri)
        if found is None:
            return None
        return self.similar_to_text(found.text, limit, exclude={iri},
                                    exclude_organization=found.organization)

    def _best(self, scores: np.ndarray, live: np.ndarray, limit: int, exclude: set[str],
              exclude_organization: str | None) -> list[Result]:
        scores = np.where(live[:len(scores)], scores, -1.0)
        order = np.argsort(-scores, kind="stable")
        results: list[Result] = []
        for index in order:
            if scores[index] <= 0 or len(results) >= limit:
                break
            doc = self._docs[index]
            if doc.iri in exclude or doc.organization == exclude_organization:
                continue
            results.append(Result(doc.iri, doc.title, doc.organization, float(scores[index]),
                                  doc.contact))
        return results


#: The fields whose text describes what an initiative is (the title counts twice).
TEXT_FIELDS = ("title", "title", "description", "goal", "problemStatement", "keyword")


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def document_from_record(record: dict, graph: str, organization: str) -> Document:
    """The index's view of a record in the context's JSON-LD form."""
    title = record.get("title") or {}
    first = pick(title) if isinstance(title, dict) else str(title)
    text = ". ".join(t for name in TEXT_FIELDS for t in _texts(record.get(name)))
    contact = (record.get("contactPoint") or {}).get("email") \
        if isinstance(record.get("contactPoint"), dict) else None
    return Document(record["id"], graph, organization, first, text, contact)


def documents_from_records(records: Iterable[dict], graph: str, organization: str
                           ) -> list[Document]:
    return [document_from_record(r, graph, organization) for r in records]


#: Every initiative of one node graph with its texts (one row per text; bound: ?g).
GRAPH_TEXTS = """
PREFIX pios: <https://w3id.org/pios/vocab#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
SELECT ?g ?i ?org ?p ?text ?email WHERE {
  GRAPH ?g {
    ?i a pios:Initiative ; pios:responsibleOrganization ?org .
    VALUES ?p { dct:title dct:description pios:goal pios:problemStatement dcat:keyword }
    ?i ?p ?text .
    OPTIONAL { ?i dcat:contactPoint/vcard:hasEmail ?email }
  }
}"""
_TITLE = "http://purl.org/dc/terms/title"


def documents_from_store(store: object, graph: str) -> list[Document]:
    """The initiatives of the node graph *graph* in the aggregator's store, for the index."""
    import pyoxigraph as ox

    parts: dict[str, dict] = {}
    seen: set[tuple] = set()
    # read into plain values in one statement: pyoxigraph's results must be let go in the thread
    # that made them, and a frame that held them in a variable can outlive the call (an external
    # store's query screening leaves reference cycles that keep its callers' frames for the
    # garbage collector, which may run in any thread)
    rows = [(r["i"].value, r["org"].value, r["p"].value, r["text"].value, r["text"].language,
             r["email"].value if r["email"] else None)
            for r in store.query(GRAPH_TEXTS,
                                 substitutions={ox.Variable("g"): ox.NamedNode(graph)})]
    for iri, org, predicate, text, language, email in rows:
        key = (iri, predicate, text, language)
        if key in seen:  # one row per contact address too
            continue
        seen.add(key)
        entry = parts.setdefault(iri, {"org": org, "titles": {}, "texts": [], "email": email})
        if predicate == _TITLE:
            entry["titles"][language or ""] = text
            entry["texts"] += [text, text]
        else:
            entry["texts"].append(text)
    documents = []
    for iri in sorted(parts):
        entry = parts[iri]
        titles = entry["titles"]
        title = pick(titles)
        documents.append(Document(iri, graph, entry["org"], title, ". ".join(entry["texts"]),
                                  entry["email"]))
    return documents


def _weigh(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """*matrix* with each feature multiplied by its inverse document frequency."""
    weighted = matrix.copy()
    weighted.data = (weighted.data * idf[weighted.indices]).astype(np.float32)
    return weighted


def _unit(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row scaled to length 1 (an empty row stays empty)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return (sparse.diags((1 / norms).astype(np.float32)) @ matrix).astype(np.float32)
