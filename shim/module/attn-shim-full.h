/* attn-shim-full.h: the run with options (batches with a padding mask,
 * token types, a head mask, queries and keys, value norms, saliency). A
 * bundle carries its own TorchScript code, written before these options
 * existed: the options run on the app's current BERT source
 * (attention_bert_script.py's run_full), defined onto a fresh module whose
 * attributes alias the loaded module's weights (no copy). */
#pragma once

#include "attn-shim.h"

#include <torch/script.h>

#include <string>
#include <vector>

/* The loaded module's weights under the current source, or a throw of
 * std::runtime_error with the reason (a foreign TorchScript file, whose
 * weights are not BERT's under known names). config_json: the bundle's. */
torch::jit::Module attn_shim_full_build (const torch::jit::Module &loaded,
                                         const std::string &config_json);

/* The padded batch one run reads: sequence s holds lengths[s] tokens from
 * offsets[s] of the packed ids; token p of the packed ids is row flat[p]
 * of the [b * width] padded tokens. */
struct AttnBatch
{
  std::vector<int64_t> lengths, offsets, flat;
  int64_t width = 0;
};

/* The batch of params (n_sequences 0 with lengths NULL: one sequence), or
 * "" and batch filled; otherwise the reason the lengths are wrong. */
std::string attn_shim_full_batch (const attn_shim_run_params *params, AttnBatch &batch);

struct AttnFullOutputs
{
  at::Tensor logits;             /* [P, V] at params->positions */
  at::Tensor attentions;         /* [L, b, H, w, w] */
  at::Tensor queries;            /* [L, b, H, w, d], or empty */
  at::Tensor keys;               /* [L, b, H, w, d], or empty */
  at::Tensor norms;              /* [L, b, H, w], or empty */
  at::Tensor saliency;           /* [n_saliency, n_ids] (packed), or empty */
  at::Tensor saliency_token_ids; /* [n_saliency] int64: the tokens differentiated */
};

/* The value norms' factors of full (attn_shim_full_build's): float32
 * [L, H, d, d], F[l, h] with F F^T = W W^T, W [d, hidden] head h's slice of
 * layer l's attention output projection (its columns h·d … h·d + d - 1,
 * transposed). Then ||v W|| = ||v F|| for every value vector v, at d × d
 * multiply-adds a token and head instead of d × hidden. The Gram matrix
 * W W^T in float64, then Cholesky; a head where that fails (an all-zero,
 * pruned head, or one of rank < d) gets U sqrt(max(λ, 0)) of its
 * eigendecomposition instead. Layers that share one weight tensor (ALBERT's)
 * share the work. Ordinary tensors without gradients, usable by saliency's
 * autograd. Throws. */
at::Tensor attn_shim_full_norm_factors (const torch::jit::Module &full);

/* Runs full (attn_shim_full_build's) on params: gradients only when saliency
 * is asked for. n_layers × n_heads: the head mask's shape. norm_factors:
 * attn_shim_full_norm_factors's, or undefined for the direct form of the
 * value norms. Throws. */
void attn_shim_full_run (torch::jit::Module &full,
                         const attn_shim_run_params *params,
                         const AttnBatch &batch,
                         const at::Tensor &norm_factors,
                         AttnFullOutputs &out);
