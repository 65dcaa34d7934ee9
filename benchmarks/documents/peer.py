"""Peer for the Documents benchmark: lxml (the same libxml2 underneath) text extraction with
script/style/nav removal, json per line for JSONL, and a regex sentence splitter with ~200-piece
windows (words * 1.3) and one-sentence overlap. A floor, not a full peer: no headings, charsets or
boilerplate rules beyond the tag list. Prints one JSON line per corpus, median of RUNS runs."""
import json, os, re, sys, time, glob
import lxml.html

RUNS = int(os.environ.get("RUNS", "3"))
SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
DROP = "//script|//style|//nav|//header|//footer|//aside|//form|//noscript"

def chunk(text, target=200, overlap=1):
    sents = [s for p in re.split(r"\n\s*\n", text) for s in SENT.split(p) if s.strip()]
    out, cur, n = [], [], 0
    for s in sents:
        w = len(s.split()) * 1.3
        if cur and n + w > target:
            out.append(" ".join(cur))
            cur = cur[-overlap:] if overlap else []
            n = sum(len(x.split()) * 1.3 for x in cur)
        cur.append(s); n += w
    if cur: out.append(" ".join(cur))
    return out

def html_files(root, pattern):
    return sorted(p for p in glob.glob(os.path.join(root, "**", pattern), recursive=True) if os.path.isfile(p))

def run(paths, pattern):
    files = docs = chunks = size = errors = 0
    for root in paths:
        items = [root] if os.path.isfile(root) else html_files(root, pattern or "*")
        for path in items:
            files += 1
            data = open(path, "rb").read()
            size += len(data)
            if path.endswith(".jsonl"):
                for line in data.splitlines():
                    if not line.strip(): continue
                    try: obj = json.loads(line)
                    except ValueError: errors += 1; continue
                    docs += 1; chunks += len(chunk(obj.get("text", "")))
                continue
            try:
                tree = lxml.html.fromstring(data)
                for el in tree.xpath(DROP): el.drop_tree()
                text = tree.text_content()
            except Exception:
                errors += 1; continue
            docs += 1; chunks += len(chunk(text))
    return files, docs, chunks, size, errors

for spec in sys.argv[1:]:
    name, rest = spec.split("=", 1)
    paths, _, pattern = rest.partition(":")
    times = []
    for _ in range(RUNS):
        t = time.perf_counter(); r = run(paths.split(","), pattern); times.append(time.perf_counter() - t)
    t = sorted(times)[len(times) // 2]
    files, docs, chunks, size, errors = r
    print(json.dumps({"impl": "lxml-peer", "corpus": name, "files": files, "documents": docs, "chunks": chunks,
                      "errors": errors, "mb": round(size / 1e6, 1), "seconds": round(t, 3), "mb_per_s": round(size / 1e6 / t, 1)}))
