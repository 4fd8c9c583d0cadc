#!/usr/bin/python3
"""The Python side of bench/bench-model: the same bundle, the same token ids,
the same work, timed the same way, in python3-torch. bench-model drives it
one step at a time through standard input, alternating with its own runs, so
that the shared machine's load falls on both sides alike.

  bench-model.py BUNDLE --ids12 I,I,… --ids128 I,I,… [--ids512 I,I,…] [--threads T]

Prints "ready THREADS TORCH_VERSION", then answers each line of input:
  load      torch.jit.load (with the extra files, as the app reads them) and
            the first forward on the 12 ids → "LOAD_MS FIRST_MS"
  run12     one steady run on the 12 ids → "MS"
  run128    one steady run on the 128 ids → "MS"
  run512    one steady run on the 512 ids → "MS"
  threads N torch.set_num_threads(N) → the count torch now has
A run is forward_at + softmax + top 5 at the [MASK] positions, which is what
the app computes per edit."""

import argparse
import sys
import time

import torch

MASK_ID = 103  # bert-base-uncased's [MASK]; the bundle's config says the same


def ids_arg(text):
    return [int(x) for x in text.split(",")]


def run(model, ids):
    input_ids = torch.tensor([ids], dtype=torch.int64)
    mask = torch.ones_like(input_ids)
    positions = torch.tensor([i for i, t in enumerate(ids) if t == MASK_ID], dtype=torch.int64)
    with torch.inference_mode():
        logits, attentions = model.forward_at(input_ids, mask, positions)
        probs = torch.softmax(logits.double(), dim=-1)
        top = probs.topk(5, dim=-1)
        attentions = attentions.contiguous()
    return top, attentions


def ms(start):
    return (time.perf_counter() - start) * 1000.0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bundle")
    p.add_argument("--threads", type=int, default=0, help="0: leave torch's default")
    p.add_argument("--ids12", type=ids_arg, required=True)
    p.add_argument("--ids128", type=ids_arg, required=True)
    p.add_argument("--ids512", type=ids_arg)
    args = p.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    model = None
    print(f"ready {torch.get_num_threads()} {torch.__version__}", flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "load":
            model = None  # the previous module goes first, as in C
            extra = {"vocab.txt": "", "config.json": ""}
            start = time.perf_counter()
            model = torch.jit.load(args.bundle, map_location="cpu", _extra_files=extra)
            model.eval()
            load = ms(start)
            start = time.perf_counter()
            run(model, args.ids12)
            print(f"{load:.3f} {ms(start):.3f}", flush=True)
        elif cmd.startswith("threads "):
            torch.set_num_threads(int(cmd.split()[1]))
            print(f"{torch.get_num_threads()}", flush=True)
        elif cmd in ("run12", "run128", "run512"):
            ids = {"run12": args.ids12, "run128": args.ids128, "run512": args.ids512}[cmd]
            start = time.perf_counter()
            run(model, ids)
            print(f"{ms(start):.3f}", flush=True)
        elif cmd:
            sys.exit(f"bench-model.py: unknown command {cmd!r}")


if __name__ == "__main__":
    main()
