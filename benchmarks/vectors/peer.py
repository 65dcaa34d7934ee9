"""Peer of VectorIndex: faiss-cpu IndexFlatIP (exact inner product) on random unit vectors, one query per call
and batches; plus numpy's view of the memory-bandwidth floor (a sum over the same bytes).
Prints one JSON line."""
import argparse, json, time
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    import faiss
    faiss.omp_set_num_threads(a.threads)
    rng = np.random.default_rng(7)
    xb = rng.standard_normal((a.n, a.dim), dtype=np.float32)
    xb /= np.linalg.norm(xb, axis=1, keepdims=True)
    xq = rng.standard_normal((a.queries, a.dim), dtype=np.float32)
    xq /= np.linalg.norm(xq, axis=1, keepdims=True)
    t = time.perf_counter(); index = faiss.IndexFlatIP(a.dim); index.add(xb); add_s = time.perf_counter() - t
    bw = max(xb.nbytes / (lambda t0: (xb.sum(), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3))
    index.search(xq[:1], a.k)
    single = []
    for i in range(a.queries):
        t = time.perf_counter(); index.search(xq[i:i + 1], a.k); single.append(time.perf_counter() - t)
    batched = []
    for s in range(0, a.queries, a.batch):
        q = xq[s:s + a.batch]
        t = time.perf_counter(); index.search(q, a.k); batched.append((time.perf_counter() - t) / len(q))
    med = lambda xs: float(np.median(xs))
    print(json.dumps({"impl": "faiss", "n": a.n, "dim": a.dim, "k": a.k, "threads": a.threads, "batch": a.batch,
                      "single_qps": 1 / med(single), "batch_qps": 1 / med(batched), "scan_ms": med(single) * 1000,
                      "numpy_sum_gbs": bw / 1e9, "add_ms": add_s * 1000}), flush=True)


if __name__ == "__main__":
    main()
