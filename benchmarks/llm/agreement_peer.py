"""Reference logits from llama.cpp (llama-cpp-python) for the logit-agreement check.

    agreement_peer.py MODEL.gguf COUNT OUT.json [THREADS]

Builds COUNT retrieval-style chat prompts (ChatML: a HotpotQA dev question with its gold passages
from ../shared/data), tokenizes them with llama.cpp, and records for each the top-10 logits of the
last position after one batched evaluation (as ../shared/golden was made), plus the logits of the
same ids when llama.cpp feeds the prompt one token at a time: the reference's own spread.
"""
import json, sys
import numpy as np
from llama_cpp import Llama

model, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
data = "../shared/data"
passages = {}
with open(f"{data}/corpus/wiki.jsonl") as f:
    for line in f:
        p = json.loads(line)
        passages[p["id"]] = p
questions = [json.loads(l) for l in open(f"{data}/questions/hotpotqa.dev.jsonl")][:count]


def prompt_text(q):
    context = "\n\n".join(f"[{i + 1}] {passages[pid]['title']}: {passages[pid]['text']}"
                          for i, pid in enumerate(q["supporting_ids"]) if pid in passages)
    return ("<|im_start|>system\nAnswer the question from the passages, citing them as [n].<|im_end|>\n"
            f"<|im_start|>user\n{context}\n\nQuestion: {q['question']}<|im_end|>\n<|im_start|>assistant\n")


def last_logits(llm, ids):
    llm.reset()
    llm.eval(ids)
    return np.array(llm.scores[llm.n_tokens - 1])


batched = Llama(model_path=model, n_ctx=2048, n_threads=threads, n_batch=2048, n_ubatch=512,
                logits_all=True, verbose=False)
single = Llama(model_path=model, n_ctx=2048, n_threads=threads, n_batch=1, n_ubatch=1,
               logits_all=True, verbose=False)
items = []
for q in questions:
    ids = batched.tokenize(prompt_text(q).encode(), add_bos=False, special=True)
    ref = last_logits(batched, ids)
    top = [int(i) for i in np.argsort(-ref)[:10]]
    one = last_logits(single, ids)
    items.append({"id": q["id"], "ids": ids, "top_ids": top,
                  "top_logits": [float(ref[i]) for i in top],
                  "token_by_token_logits": [float(one[i]) for i in top]})
    print(f"{len(items)}/{len(questions)} {len(ids)} tokens", file=sys.stderr)
json.dump({"model": model.rsplit("/", 1)[-1], "items": items}, open(out, "w"))
