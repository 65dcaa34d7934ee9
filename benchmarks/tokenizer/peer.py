"""Peer for the tokenizer benchmark: Hugging Face `tokenizers` (Rust) rebuilt from a GGUF file's
vocabulary, merges and pre-tokenizer, so both sides tokenize with the same data.

usage: peer.py [--llama-cpp] MODEL.gguf TEXT_FILE REPEATS [IDS_OUT.json]
prints: one JSON line {"peer", "bytes", "tokens", "median_ms", "ms_per_kb"}; writes the ids when asked.
With --llama-cpp the peer is llama.cpp's own tokenizer through llama-cpp-python (vocab only).
"""
import json
import statistics
import struct
import sys
import time

from tokenizers import Regex, Tokenizer, models, pre_tokenizers


def gguf_metadata(path):
    """The metadata of a GGUF v2/v3 file (tensor infos are not needed)."""
    scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
    with open(path, "rb") as f:
        def read(fmt):
            return struct.unpack("<" + fmt, f.read(struct.calcsize(fmt)))[0]

        def read_string():
            return f.read(read("Q")).decode("utf-8", "replace")

        def read_value(kind):
            if kind == 8:
                return read_string()
            if kind == 9:
                element, count = read("I"), read("Q")
                return [read_value(element) for _ in range(count)]
            return read(scalar[kind])

        assert f.read(4) == b"GGUF", "not a GGUF file"
        read("I")
        read("Q")
        count = read("Q")
        metadata = {}
        for _ in range(count):
            key = read_string()
            metadata[key] = read_value(read("I"))
        return metadata


QWEN2 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
LLAMA3 = QWEN2.replace(r"\p{N}|", r"\p{N}{1,3}|")


def build(path):
    md = gguf_metadata(path)
    tokens = md["tokenizer.ggml.tokens"]
    vocab = {t: i for i, t in reversed(list(enumerate(tokens)))}
    merges = [tuple(m.split(" ", 1)) for m in md["tokenizer.ggml.merges"]]
    pre = md.get("tokenizer.ggml.pre", "gpt2")
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, ignore_merges=(pre == "llama-bpe")))
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    if pre == "smollm":
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    elif pre in ("qwen2", "llama-bpe"):
        regex = QWEN2 if pre == "qwen2" else LLAMA3
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(regex), behavior="isolated"), byte_level])
    else:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    return tok


def main():
    args = sys.argv[1:]
    use_llama_cpp = args and args[0] == "--llama-cpp"
    if use_llama_cpp:
        args = args[1:]
    path, text_file, repeats = args[0], args[1], int(args[2])
    text = open(text_file, encoding="utf-8").read()
    data = text.encode("utf-8")
    if use_llama_cpp:
        from llama_cpp import Llama
        model = Llama(model_path=path, vocab_only=True, verbose=False)
        encode = lambda: model.tokenize(data, add_bos=False, special=False)  # noqa: E731
    else:
        tok = build(path)
        encode = lambda: tok.encode(text, add_special_tokens=False).ids  # noqa: E731
    times = []
    ids = []
    for _ in range(repeats):
        start = time.perf_counter()
        ids = encode()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    kb = len(data) / 1024
    print(json.dumps({"peer": "llama.cpp" if use_llama_cpp else "hf-tokenizers", "bytes": len(data),
                      "tokens": len(ids), "median_ms": median, "ms_per_kb": median / kb}))
    if len(args) > 3:
        with open(args[3], "w") as out:
            json.dump({"ids": list(ids)}, out)


if __name__ == "__main__":
    main()
