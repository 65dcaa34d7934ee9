"""Load client for `rag serve` (stdlib only): N concurrent clients, each on its own keep-alive
connection, send a fixed number of requests; prints p50/p99 latency, throughput and errors as JSON.

    python3 load.py --port 8080 --route search --clients 64 --requests 2000 --queries questions.jsonl
    python3 load.py --port 8080 --route ask --clients 4 --requests 8 --queries questions.jsonl
"""
import argparse, http.client, json, statistics, threading, time, urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--route", choices=["search", "ask"], default="search")
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--requests", type=int, default=2000, help="in all, shared by the clients")
    ap.add_argument("--queries", required=True, help="JSONL with a question field per line")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--retriever", default="hybrid", choices=["bm25", "dense", "hybrid"])
    ap.add_argument("--strategy", default="single")
    a = ap.parse_args()
    queries = [json.loads(l)["question"] for l in open(a.queries) if l.strip()]
    lock = threading.Lock()
    next_index = [0]
    latencies, statuses, errors = [], {}, [0]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=600)
        while True:
            with lock:
                i = next_index[0]
                if i >= a.requests:
                    break
                next_index[0] += 1
            q = queries[i % len(queries)]
            start = time.perf_counter()
            try:
                if a.route == "search":
                    conn.request("GET", "/v1/search?" + urllib.parse.urlencode({"q": q, "limit": a.limit, "retriever": a.retriever}))
                else:
                    body = json.dumps({"question": q, "strategy": a.strategy})
                    conn.request("POST", "/v1/ask", body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                status = r.status
            except Exception:
                status = "error"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=600)
            elapsed = time.perf_counter() - start
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    latencies.append(elapsed)
                elif status != 429:
                    errors[0] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(a.clients)]
    t0 = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    def pct(p):
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2) if latencies else None
    print(json.dumps({"route": a.route, "retriever": a.retriever if a.route == "search" else None, "clients": a.clients, "requests": a.requests, "ok": len(latencies),
                      "statuses": {str(k): v for k, v in statuses.items()}, "errors": errors[0],
                      "p50_ms": pct(0.50), "p99_ms": pct(0.99),
                      "mean_ms": round(1000 * statistics.mean(latencies), 2) if latencies else None,
                      "throughput_rps": round(len(latencies) / wall, 1), "seconds": round(wall, 2)}))


if __name__ == "__main__":
    main()
