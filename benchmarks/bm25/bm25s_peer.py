"""bm25s peer for benchmarks/bm25/run.sh: same corpus (title + text), same questions, same metrics.

Prints a table and writes a JSON summary (--json). Index time counts tokenization (English
stopwords, Snowball stemmer) and indexing, i.e. what `rag` counts as ingest minus parsing.
"""
import argparse, glob, json, os, statistics, time

import bm25s
import numpy as np
import Stemmer


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))] if s else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--questions", required=True)
    ap.add_argument("--json")
    args = ap.parse_args()

    t0 = time.perf_counter()
    c0 = time.process_time()
    corpus = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    t_load = time.perf_counter()
    stemmer = Stemmer.Stemmer("english")
    tokens = bm25s.tokenize([p.get("title", "") + " " + p.get("text", "") for p in corpus],
                            stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    t_index = time.perf_counter()
    index_cpu = time.process_time() - c0
    size = os.path.getsize(args.corpus)
    index_seconds = t_index - t0
    result = {"wiki_ingest": {"bytes": size, "documents": len(corpus), "seconds": index_seconds, "cpu_seconds": index_cpu,
                              "load_seconds": t_load - t0, "index_seconds": t_index - t_load,
                              "mb_per_s": size / 1e6 / index_seconds, "chunks_per_s": len(corpus) / index_seconds}}
    print("bm25s %s: %d passages, %.1f MB loaded+tokenized+indexed in %.2f s (%.2f s CPU): %.2f MB/s, %.0f docs/s"
          % (bm25s.__version__, len(corpus), size / 1e6, index_seconds, index_cpu, size / 1e6 / index_seconds, len(corpus) / index_seconds))

    questions = []
    for path in sorted(glob.glob(os.path.join(args.questions, "*.jsonl"))):
        if os.path.basename(path).startswith("triviaqa"):
            continue
        questions += [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    ids = [p["id"] for p in corpus]

    def recall(q, top):
        got = {ids[i] for i in top}
        sup = q["supporting_ids"]
        return sum(s in got for s in sup) / len(sup) if sup else 0.0

    # (a) One query at a time through the public API (tokenize + retrieve), as an application calls it.
    for q in questions[:20]:
        retriever.retrieve(bm25s.tokenize([q["question"]], stopwords="en", stemmer=stemmer, show_progress=False),
                           k=10, show_progress=False, n_threads=1)
    lat, rec = {}, {}
    cpu0 = time.process_time()
    for q in questions:
        t = time.perf_counter()
        qt = bm25s.tokenize([q["question"]], stopwords="en", stemmer=stemmer, show_progress=False)
        docs, _ = retriever.retrieve(qt, k=10, show_progress=False, n_threads=1)
        dt = time.perf_counter() - t
        r = recall(q, docs[0])
        for key in (q["dataset"], "all"):
            lat.setdefault(key, []).append(dt)
            rec.setdefault(key, []).append(r)
    rows = {}
    print("\nbm25s retrieve() on %d questions, top 10:" % len(questions))
    print("dataset            n   median ms   p95 ms   recall@10")
    for key in sorted(lat, key=lambda k: (k == "all", k)):
        l, r = lat[key], rec[key]
        rows[key] = {"n": len(l), "median_ms": statistics.median(l) * 1e3, "p95_ms": percentile(l, 0.95) * 1e3,
                     "recall_at_10": sum(r) / len(r)}
        print("%-16s %4d   %8.3f  %7.3f   %.3f" % (key, len(l), rows[key]["median_ms"], rows[key]["p95_ms"], rows[key]["recall_at_10"]))
    rows["queries_per_cpu_s"] = len(questions) / (time.process_time() - cpu0)
    rows["queries_per_s"] = len(questions) / sum(lat["all"])
    print("throughput: %.0f queries/s wall, %.0f per CPU second" % (rows["queries_per_s"], rows["queries_per_cpu_s"]))
    result["search"] = {"retrieve": rows}

    # (b) The scoring core alone: pre-tokenized queries, get_scores + argpartition (bm25s's fast path).
    qtokens = bm25s.tokenize([q["question"] for q in questions], stopwords="en", stemmer=stemmer,
                             show_progress=False, return_ids=False)
    lat_core = []
    cpu0 = time.process_time()
    for q in qtokens:
        t = time.perf_counter()
        scores = retriever.get_scores(q)
        k = min(10, len(scores) - 1)
        top = np.argpartition(-scores, k)[:10]
        top = top[np.argsort(-scores[top])]
        lat_core.append(time.perf_counter() - t)
    core = {"median_ms": statistics.median(lat_core) * 1e3, "p95_ms": percentile(lat_core, 0.95) * 1e3,
            "queries_per_s": len(lat_core) / sum(lat_core),
            "queries_per_cpu_s": len(lat_core) / (time.process_time() - cpu0)}
    print("bm25s core (get_scores + argpartition, pre-tokenized): median %.3f ms, p95 %.3f ms, %.0f queries/s wall, %.0f per CPU second"
          % (core["median_ms"], core["p95_ms"], core["queries_per_s"], core["queries_per_cpu_s"]))
    result["search"]["core"] = core

    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
