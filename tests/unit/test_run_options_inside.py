#!/usr/bin/python3
"""A batch (src/model/attention-model.h: attention_model_run_batch) asking
for queries and keys, value norms and gradient × input saliency: each text
gets its own, as if run alone, with its padding, token types (a pair) and
head mask, against the reference forward of test_run_options.py (written
there from the checkpoint's tensors, float64; the saliency by autograd on
it) to 1e-4 relative, on the three kinds of model.

Usage: test_run_options_inside.py RUN_OPTIONS_DUMP DEMO_BUNDLE"""

import torch

from test_run_options import DEMO, HF_FOLDER, TEST_MODEL, Reference, dump


def check_model(model, ref_path, label):
    ref = Reference(ref_path)
    L, H = ref.layers, ref.heads
    b = "It was [MASK] and warm there."
    texts = ["Short [MASK].", "The cat sat on the [MASK].", "A much longer sentence that goes "
             "on and on, with a [MASK] near its end, so that the others are padded."]
    masks = [[1.0] * (L * H) for _ in texts]
    masks[1][2] = 0.0
    masks[2][L * H - 2] = 0.0
    # A batch asking for queries, keys, value norms and saliency:
    # each sequence's own, as the reference gives them alone (padding,
    # token types and its head mask included).
    batch = dump(model, {"texts": texts, "pairs": [None, b, None], "head_masks": masks,
                         "batch": True, "top_k": 1, "want_qk": True, "want_value_norms": True,
                         "saliency": True})
    for i, r in enumerate(batch):
        n, d = len(r["ids"]), r["head_size"]
        mask = [masks[i][l * H:(l + 1) * H] for l in range(L)]
        _, logits, (q, k, norms) = ref.forward_inside(r["ids"], r["token_type_ids"], mask)
        assert d == ref.hidden // H, (label, d)
        for name, got, want in (("queries", r["queries"], q), ("keys", r["keys"], k),
                                ("value norms", r["value_norms"], norms)):
            got = torch.tensor(got, dtype=torch.float64).view(want.shape)
            err = (got - want).abs().max().item()
            assert err <= 1e-4 * want.abs().max().item(), (label, i, name, err)
        assert [s["position"] for s in r["saliency"]] == \
            [p["position"] for p in r["predictions"]], (label, i)
        for s in r["saliency"]:
            assert s["token_id"] == int(torch.argmax(logits[s["position"]])), (label, i, s)
            want = ref.saliency(r["ids"], r["token_type_ids"], mask, s["position"], s["token_id"])
            err = (torch.tensor(s["scores"], dtype=torch.float64) - want).abs().max().item()
            assert err <= 1e-4 * want.abs().max().item(), (label, i, "saliency", err)

    print(f"{label}: a batch's queries, keys, value norms and saliency match the reference")


def main():
    check_model(TEST_MODEL, TEST_MODEL, "bundle of the current source")
    check_model(DEMO, DEMO, "demo bundle (own older code)")
    check_model(HF_FOLDER, TEST_MODEL, "Hugging Face folder")


if __name__ == "__main__":
    main()
