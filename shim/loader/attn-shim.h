/* attn-shim.h: the only door to libtorch, in the style of whisper.h. Plain C,
 * one opaque handle, no libtorch (or GLib) type crosses it. Every C++
 * exception is caught inside and becomes an error string. Strings returned
 * through `char **error` are malloc()ed: free them with
 * attn_shim_free_string(). Their first line is the reason; when there is
 * more to tell (the TorchScript traceback of an exception raised by the
 * bundle's own code), the whole text follows after a newline.
 *
 * The load and the run each take a params struct. Callers start from the
 * struct's _default() and set the fields they need: fields are only ever
 * added (at the end), never renamed or reordered, so a field added later
 * never changes what an older caller asks for.
 *
 * The shim lives in a shared module loaded on the first call of any of these
 * (attn-shim-module.h); if it cannot be loaded, attn_shim_load says why and
 * the other calls return neutral values. The process-wide calls (threads,
 * BLAS, GEMM, loading the module early) are in attn-shim-tuning.h. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct attn_shim attn_shim;

  typedef struct
  {
    int n_layers;
    int n_heads;
    int vocab_size; /* width of the logits */
    int head_size;  /* width of a head's queries and keys; 0 if unknown */
  } attn_shim_dims;

  typedef struct
  {
    /* 1 (default): run one tiny forward at load, to learn (and check) the
     * output shapes and warm up the executor. 0: no forward; the first run
     * measures the dimensions (attn_shim_get_dims is all zeros until then),
     * and attn_shim_probe diagnoses a failure later. For one-shot runs. */
    int probe;
    /* 1: after the first successful run, copy the weights out of the
     * file's mapping in a background thread, so that a bundle rewritten in
     * place later cannot reach them. For long-lived processes. Default 0. */
    int detach;
  } attn_shim_load_params;

  attn_shim_load_params attn_shim_load_params_default (void);

  /* Loads a TorchScript bundle (or a Hugging Face BERT folder) and its extra
   * files vocab.txt and config.json. Every record's CRC-32 is checked before
   * anything is loaded: a mismatch fails with "the model file is damaged
   * (…)". The weights stay in a private mapping of the file
   * (docs/benchmarks.md, "Model load"). params NULL: the defaults. NULL and
   * *error on failure. */
  attn_shim *attn_shim_load (const char *path, const attn_shim_load_params *params, char **error);
  /* Runs the probe forward on a handle loaded without it: 0, or -1 and the
   * message attn_shim_load would have given. */
  int attn_shim_probe (attn_shim *shim, char **error);
  void attn_shim_free (attn_shim *shim);
  void attn_shim_free_string (char *str);

  /* name is "vocab.txt" (empty for a SentencePiece model), "config.json",
   * "merges.txt" (empty but for a byte-level BPE model) or
   * "sentencepiece.model" (empty but for a SentencePiece model: the .model
   * file's bytes). The bytes stay owned by the shim. */
  const char *attn_shim_get_extra_file (const attn_shim *shim, const char *name, size_t *len);
  attn_shim_dims attn_shim_get_dims (const attn_shim *shim);

  typedef struct
  {
    /* The input: one sentence of n_ids token ids (no padding), or the
     * sequences of a batch (n_sequences below). */
    const int64_t *ids;
    size_t n_ids;
    /* MLM logits at these token positions (may be NULL when n_positions
     * is 0). */
    const int64_t *positions;
    size_t n_positions;

    /* The options below run on the app's current BERT source, also for a
     * bundle written before them (its weights under that source, no copy).
     * A model whose weights are not a BERT's (a foreign TorchScript file)
     * fails such a run with "this model does not expose …"; a batch alone
     * still runs there, one sequence at a time. */

    /* A batch: n_sequences sequences packed back to back in ids,
     * lengths[s] tokens each (n_ids = their sum), run together, padded
     * with an attention mask. Outputs are per sequence; positions (and
     * saliency_positions) index the packed ids. 0 or 1 with lengths NULL:
     * one sequence of n_ids tokens. */
    size_t n_sequences;
    const size_t *lengths;
    /* n_ids segment ids (BERT's token_type_ids: 0 for the first sentence,
     * 1 for the second), laid out as ids. NULL: all 0. */
    const int64_t *token_type_ids;
    /* n_layers × n_heads factors, 1 keep, 0 switch off: Hugging Face's
     * head_mask, which multiplies the head's attention probabilities (so an
     * switched-off head's attentions are all 0). NULL: every head on. */
    const float *head_mask;
    /* 1: head_mask holds one block of n_layers × n_heads per sequence. */
    int head_mask_per_sequence;
    /* 1: every head's queries and keys (after their bias, before the
     * scaling by 1/sqrt(head_size)). */
    int want_qk;
    /* 1: every head's value norms ||f_h(x_j)||: token j's value vector (with
     * its bias) through the head's slice of the attention output projection
     * (without its bias), Kobayashi et al. 2020. Computed through a d × d
     * factor of each head's Gram matrix, which the handle's first run with
     * value norms makes once (attn_shim_full_norm_factors). */
    int want_value_norms;
    /* Gradient × input saliency of n_saliency predictions: for prediction i,
     * s_j = sum_d d log p(saliency_token_ids[i] at saliency_positions[i]) /
     * d e_jd * e_jd, e_j token j's word embedding (a row of the embedding
     * matrix). A token id of -1 stands for the model's top-1 prediction at
     * that position. Gradients are computed only for these runs. */
    const int64_t *saliency_positions;
    const int64_t *saliency_token_ids;
    size_t n_saliency;
    /* Intra-op threads of this run; 0: the shim's choice (attn-shim-tuning.h).
     * A run of many forwards on a busy machine asks for 1: with two, every
     * operation ends at a barrier that waits for a thread the scheduler
     * has taken off its core (docs/benchmarks.md, corpus statistics). */
    int n_threads;
  } attn_shim_run_params;

  attn_shim_run_params attn_shim_run_params_default (void);

  /* The outputs of one run, left in the buffers libtorch wrote them to: at
   * 512 tokens of a bert-base-sized model the attentions are 151 MB, and
   * copying them into a fresh buffer cost 37k page faults a run
   * (docs/benchmarks.md). */
  typedef struct attn_shim_output attn_shim_output;

  /* Runs the model. *output holds the results until attn_shim_output_free
   * (from any thread, also after attn_shim_free). Returns 0 on success, -1
   * and *error otherwise (*output NULL). One thread at a time per handle
   * until a run with options (a batch, a head mask, …) has returned on it;
   * from then on runs may go concurrently from several threads (the module
   * and the weights are only read; a corpus run keeps one forward of one
   * thread going on each processor). */
  int attn_shim_run (attn_shim *shim,
                     const attn_shim_run_params *params,
                     attn_shim_output **output,
                     char **error);
  /* n_positions × vocab_size floats, row-major [position][vocab]; NULL when
   * the run had no positions. */
  const float *attn_shim_output_get_logits (const attn_shim_output *output);
  /* n_layers × n_heads × n_ids × n_ids floats, row-major
   * [layer][head][query][key]; of a batch, its first sequence's. */
  const float *attn_shim_output_get_attentions (const attn_shim_output *output);
  /* The sequences of the run (1 unless a batch). */
  size_t attn_shim_output_get_n_sequences (const attn_shim_output *output);
  /* Sequence s of n tokens: n_layers × n_heads × n × n floats, as above. */
  const float *attn_shim_output_get_sequence_attentions (const attn_shim_output *output, size_t s);
  /* Sequence s: n_layers × n_heads × n × head_size floats, row-major
   * [layer][head][token][dim]; NULL unless the run asked for want_qk. */
  const float *attn_shim_output_get_queries (const attn_shim_output *output, size_t s);
  const float *attn_shim_output_get_keys (const attn_shim_output *output, size_t s);
  /* Sequence s: n_layers × n_heads × n floats, [layer][head][token]; NULL
   * unless the run asked for want_value_norms. */
  const float *attn_shim_output_get_value_norms (const attn_shim_output *output, size_t s);
  /* n_saliency × n_ids floats (the packed ids of the whole batch; 0 for
   * tokens of other sequences); NULL without saliency. */
  const float *attn_shim_output_get_saliency (const attn_shim_output *output);
  /* The n_saliency token ids the saliency is of (a -1 of the params
   * resolved to the top-1); NULL without saliency. */
  const int64_t *attn_shim_output_get_saliency_token_ids (const attn_shim_output *output);
  void attn_shim_output_free (attn_shim_output *output);

#ifdef __cplusplus
}
#endif
