"""llama.cpp (llama-cpp-python) on the same GGUF and token ids as rag-bench-lm; prints one JSON line."""
import json, resource, statistics, sys, time
from llama_cpp import Llama

model, prompt_len, decode_len, threads, repeats = sys.argv[1], *map(int, sys.argv[2:6])
start = time.perf_counter()
llm = Llama(model_path=model, n_threads=threads, n_threads_batch=threads, n_ctx=prompt_len + decode_len + 8,
            n_batch=prompt_len + decode_len + 8, n_ubatch=prompt_len, verbose=False, logits_all=False)
load_s = time.perf_counter() - start
vocab = llm.n_vocab()
prompt = [1000 + (i * 7919) % (vocab // 2) for i in range(prompt_len)]
prefill, decode = [], []
for _ in range(repeats):
    llm.reset()
    t = time.perf_counter()
    llm.eval(prompt)
    prefill.append(prompt_len / (time.perf_counter() - t))
    t = time.perf_counter()
    for _ in range(decode_len):
        nxt = int(llm.scores[llm.n_tokens - 1].argmax())
        llm.eval([nxt])
    decode.append(decode_len / (time.perf_counter() - t))
print(json.dumps({"engine": "llama.cpp", "model": model.rsplit("/", 1)[-1], "prompt_tokens": prompt_len,
                  "decode_tokens": decode_len, "threads": threads,
                  "prefill_tps": round(statistics.median(prefill), 1), "decode_tps": round(statistics.median(decode), 1),
                  "load_s": round(load_s, 3), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)},
                 sort_keys=True))
