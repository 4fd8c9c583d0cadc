#!/usr/bin/python3
"""The Python way to a first attention matrix, for bench/run-all: import
torch, load the bundle, run the first forward, take the attentions. run-all
times the whole process (start to exit) exactly as it times attention-cli,
and reads its peak resident memory. The token ids come on the command line
(from attention-cli --tokens), so both sides run the same input.
Usage: first_forward.py BUNDLE ID [ID ...]"""

import sys

import torch


def main():
    bundle, ids = sys.argv[1], [int(x) for x in sys.argv[2:]]
    model = torch.jit.load(bundle, map_location="cpu")
    model.eval()
    input_ids = torch.tensor([ids], dtype=torch.int64)
    mask = torch.ones_like(input_ids)
    with torch.no_grad():
        logits, attentions = model(input_ids, mask)
    first = attentions[0, 0, 0].contiguous()
    # The matrix is ready: a row sums to 1.
    print(f"first_matrix {first.shape[0]}x{first.shape[1]} row0_sum {float(first[0].sum()):.4f}")
    print(f"top {int(logits[0, ids.index(103) if 103 in ids else 0].argmax())}")


if __name__ == "__main__":
    main()
