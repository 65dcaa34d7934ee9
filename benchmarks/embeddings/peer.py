"""Peers of the Swift embedder: sentence-transformers on PyTorch (CPU), and a numpy reference forward pass of
all-MiniLM-L6-v2 written here from model.safetensors (batches sorted by length, padded per batch, masked).
Prints one JSON line per implementation: sentences/s at the given batch size and thread count."""
import argparse, json, os, sys, time


def load_texts(path, limit):
    texts = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("{"):
            obj = json.loads(line)
            line = obj.get("text") or obj.get("question") or ""
        texts.append(line)
    return texts[:limit] if limit else texts


def bench(fn, texts, rounds):
    fn(texts[:64])  # warm-up
    times = []
    for _ in range(rounds):
        t = time.perf_counter(); fn(texts); times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def torch_impl(model_dir, batch, threads, bf16=False):
    """sentence-transformers as shipped (fp32), or under CPU autocast to bfloat16 (torch-bf16: the
    same reduced precision as rag's bf16, through oneDNN's AVX-512 BF16 kernels where the CPU has them)."""
    import contextlib
    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(threads)
    model = SentenceTransformer(model_dir, device="cpu")
    model.max_seq_length = 256
    def run(texts):
        cast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        with torch.inference_mode(), cast:
            return model.encode(texts, batch_size=batch, normalize_embeddings=True, convert_to_numpy=True)
    return run


def numpy_impl(model_dir, batch):
    import numpy as np
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer
    from math import sqrt
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding(); tok.enable_truncation(256)
    w = load_file(os.path.join(model_dir, "model.safetensors"))
    try:
        from scipy.special import erf
    except ImportError:
        erf = np.vectorize(__import__("math").erf)
    def ln(x, g, b):
        m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * g + b
    def lin(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]
    def forward(ids, mask):
        B, L = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:L] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = ln(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        for l in range(6):
            p = f"encoder.layer.{l}."
            q = lin(x, p + "attention.self.query").reshape(B, L, 12, 32).transpose(0, 2, 1, 3)
            k = lin(x, p + "attention.self.key").reshape(B, L, 12, 32).transpose(0, 2, 1, 3)
            v = lin(x, p + "attention.self.value").reshape(B, L, 12, 32).transpose(0, 2, 1, 3)
            s = q @ k.transpose(0, 1, 3, 2) / sqrt(32) + bias
            s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
            c = (s @ v).transpose(0, 2, 1, 3).reshape(B, L, 384)
            x = ln(x + lin(c, p + "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = lin(x, p + "intermediate.dense"); h = 0.5 * h * (1 + erf(h / sqrt(2)))
            x = ln(x + lin(h, p + "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    def run(texts):
        enc = [e.ids for e in tok.encode_batch(texts)]
        order = sorted(range(len(texts)), key=lambda i: len(enc[i]))
        out = [None] * len(texts)
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]; L = max(len(enc[i]) for i in idx)
            ids = np.zeros((len(idx), L), dtype=np.int64); mask = np.zeros((len(idx), L), dtype=np.float32)
            for r, i in enumerate(idx):
                ids[r, :len(enc[i])] = enc[i]; mask[r, :len(enc[i])] = 1
            for r, e in zip(idx, forward(ids, mask).astype(np.float32)):
                out[r] = e
        return out
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", required=True)
    ap.add_argument("--model", default=os.path.join(os.path.dirname(__file__), "../../models/all-MiniLM-L6-v2"))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--impl", default="torch,numpy")
    a = ap.parse_args()
    texts = load_texts(a.texts, a.limit)
    for impl in a.impl.split(","):
        try:
            if impl in ("torch", "torch-bf16"):
                fn = torch_impl(a.model, a.batch, a.threads, bf16=impl == "torch-bf16")
            else:
                fn = numpy_impl(a.model, a.batch)
        except ImportError as e:
            print(json.dumps({"impl": impl, "error": f"not installed: {e}"})); continue
        sec = bench(fn, texts, a.rounds)
        print(json.dumps({"impl": impl, "sentences": len(texts), "batch": a.batch, "threads": a.threads,
                          "seconds": sec, "sentences_per_s": len(texts) / sec}), flush=True)


if __name__ == "__main__":
    main()
