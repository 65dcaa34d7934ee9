"""Formats rag-bench-lm --agreement's JSON line (stdin) as one line of text."""
import json, sys

d = json.load(sys.stdin)
o, s = d["ours_top5_max_diff"], d["llamacpp_token_by_token_top5_max_diff"]
print(f"{d['model']} ({d['prompts']} prompts): top-5 logit max diff vs llama.cpp batched: "
      f"ours median {o['median']} p90 {o['p90']} max {o['max']}; "
      f"llama.cpp token-by-token median {s['median']} p90 {s['p90']} max {s['max']}; "
      f"arg-max agreement ours {d['ours_argmax_agreement']:.3f}, "
      f"llama.cpp token-by-token {d['llamacpp_token_by_token_argmax_agreement']:.3f}")
