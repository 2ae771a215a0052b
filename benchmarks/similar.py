"""How well and how fast "someone already built this" finds initiatives of the same kind.

    python benchmarks/similar.py                 # evaluation set + national scale (577 x 60)
    python benchmarks/similar.py --orgs 100      # a smaller national index

Quality, on the labelled set in benchmarks/data/similar-eval.json (families of initiatives that
are the same kind of solution written by different organisations, plus near-miss distractors):
each family member asks for initiatives like it (its own organisation left out, as the API does);

- recall@k: the share of its family's other members found in the first k, over min(k, family
  size - 1), averaged over all queries (2 of 2 others in the top 2 counts 1.0, 1 of 2 counts 0.5);
- hit@k: the share of queries with at least one family member in the first k.

for our method (pios_ld.aggregator.similar), the same without the concept table (what the
character n-grams and stems do alone) and a plain character n-gram TF-IDF baseline
(scikit-learn's TfidfVectorizer, char_wb 3-5).

Speed and size, at national scale: the generated national graph's initiatives (pios_ld.tools'
generator, as the national benchmark uses) indexed, then the median and worst query time of
/api/similar's work for free text and for an indexed initiative, the index's size in memory and
the process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "benchmarks" / "data" / "similar-eval.json"


def evaluation_items(part: str = "tuning") -> list[dict]:
    """The tuning set, or the held-out families among everything else (``part="held-out"``)."""
    data = json.loads(EVAL.read_text(encoding="utf-8"))
    families, distractors = ("families", "distractors") if part == "tuning" else (
        "held_out", "held_out_distractors")
    items = []
    for family in data[families]:
        for n, member in enumerate(family["members"]):
            items.append({**member, "family": family["id"], "iri": f"{family['id']}/{n}"})
    for n, other in enumerate(data[distractors]):
        items.append({**other, "family": None, "iri": f"{distractors}/{n}"})
    if part != "tuning":  # the tuning set is the haystack the held-out families are found in
        items += [{**i, "family": None} for i in evaluation_items("tuning")]
    return items


def score(rankings: dict[str, list[str]], items: list[dict], k: int) -> tuple[float, float]:
    by_iri = {i["iri"]: i for i in items}
    recalls, hits = [], []
    for item in items:
        if item["family"] is None:
            continue
        wanted = {i["iri"] for i in items if i["family"] == item["family"]
                  and i["org"] != item["org"]}
        top = [iri for iri in rankings[item["iri"]][:k]]
        found = sum(1 for iri in top if iri in wanted)
        recalls.append(found / min(k, len(wanted)))
        hits.append(1.0 if any(by_iri[iri]["family"] == item["family"] for iri in top) else 0.0)
    return statistics.mean(recalls), statistics.mean(hits)


def rank_ours(items: list[dict], use_terms: bool = True) -> dict[str, list[str]]:
    from pios_ld.aggregator.similar import Document, Features, SimilarityIndex, Terms

    features = Features(Terms.load() if use_terms else Terms({}))
    index = SimilarityIndex(features)
    for item in items:
        index.replace_node(item["iri"], [Document(item["iri"], item["iri"], item["org"],
                                                  item["title"], text(item))])
    return {item["iri"]: [r.initiative for r in index.similar_to(item["iri"], limit=10)]
            for item in items}


def rank_baseline(items: list[dict]) -> dict[str, list[str]]:
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
                              ).fit_transform([text(i) for i in items])
    scores = (vectors @ vectors.T).toarray()
    rankings = {}
    for n, item in enumerate(items):
        order = np.argsort(-scores[n], kind="stable")
        rankings[item["iri"]] = [items[m]["iri"] for m in order
                                 if m != n and items[m]["org"] != item["org"]][:10]
    return rankings


def text(item: dict) -> str:
    return f"{item['title']}. {item['title']}. {item['description']}"


def national(orgs: int, per_org: int) -> None:
    from pios_ld.aggregator.similar import Document, SimilarityIndex, documents_from_records

    try:
        from pios_ld.tools import generate
    except ImportError:  # before the tools moved out of the library's core
        from pios_ld import generate  # type: ignore[no-redef]
    from pios_ld import organizations

    chosen = organizations.load()[:orgs] if orgs else organizations.load()
    started = time.perf_counter()
    index = SimilarityIndex()
    batches = []
    for n, org in enumerate(chosen):
        records = generate.initiatives(org, per_org, seed=n)
        base = f"https://pios.example.se/{org.orgnr}/"
        batches.append((base, documents_from_records(records, base, org.iri)))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    for graph, docs in batches:
        index.replace_node(graph, docs)
    indexed = time.perf_counter() - started
    queries = ["Digital tillsyn nattetid med kamera i hemtjänsten",
               "E-tjänst för ansökan om bygglov", "Chattbot i kommunens kontaktcenter",
               "Smarta vattenmätare som larmar vid läckage", "Videotolkning i vården"]
    first = time.perf_counter()
    index.similar_to_text(queries[0])
    build = time.perf_counter() - first
    times = []
    for _ in range(5):
        for q in queries:
            t = time.perf_counter()
            index.similar_to_text(q)
            times.append(time.perf_counter() - t)
    step = max(1, len(batches) // 20)
    some: list[Document] = [batches[n][1][0] for n in range(0, len(batches), step)]
    by_iri = []
    for doc in some:
        t = time.perf_counter()
        index.similar_to(doc.iri)
        by_iri.append(time.perf_counter() - t)
    weighted, _ = index._matrix()
    size = (weighted.data.nbytes + weighted.indices.nbytes + weighted.indptr.nbytes
            + sum(r.data.nbytes + r.indices.nbytes for r in index._rows if r is not None)
            + index._df.nbytes)
    print(f"national index: {len(index):,} initiatives from {len(chosen)} organisations "
          f"(generated in {generated:.1f} s, indexed in {indexed:.1f} s, "
          f"weighted matrix built in {build * 1000:.0f} ms)")
    print(f"query, free text:        median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms ({len(times)} queries)")
    print(f"query, an initiative:    median {statistics.median(by_iri) * 1000:.1f} ms, "
          f"max {max(by_iri) * 1000:.1f} ms ({len(by_iri)} queries)")
    print(f"index in memory:         {size / 1e6:.0f} MB")
    print(f"process peak memory:     "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=0, help="organisations (0: all 577)")
    parser.add_argument("--per-org", type=int, default=60)
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args(argv)
    for part in ("tuning", "held-out"):
        items = evaluation_items(part)
        families = len({i["family"] for i in items if i["family"]})
        print(f"{part} set: {families} families, {sum(1 for i in items if i['family'])} "
              f"initiatives, among {sum(1 for i in items if not i['family'])} others "
              "(near-miss distractors" + (" and the tuning set)" if part != "tuning" else ")"))
        for name, rankings in (("  ours", rank_ours(items)),
                               ("  ours without the concept table", rank_ours(items, False)),
                               ("  baseline: char n-gram TF-IDF", rank_baseline(items))):
            (r2, h2), (r5, h5) = score(rankings, items, 2), score(rankings, items, 5)
            print(f"{name:<34} recall@2 {r2:6.1%}  recall@5 {r5:6.1%}   "
                  f"hit@2 {h2:6.1%}  hit@5 {h5:6.1%}")
    if not args.skip_national:
        national(args.orgs, args.per_org)
    return 0


if __name__ == "__main__":
    sys.exit(main())
