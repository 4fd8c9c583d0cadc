/* attention-run-options.h: what one run of the model computes besides the
 * attentions and the [MASK] predictions: predictions at every position, a
 * second sentence (BERT's sentence pairs, with token types), heads switched
 * off (a head mask). A plain struct the window and the CLI fill in for
 * attention_model_run_with_options and attention_model_run_batch. Start
 * from attention_run_options_init; fields are only appended. Pointers are
 * borrowed for the call (the async run copies what they point to). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint top_k; /* candidates for each [MASK] (and each position); 0: none */
  /* TRUE: also the top-k at every token, unmasked (exBERT's view), and a
   * text without [MASK] is fine. */
  gboolean all_positions;
  /* The second sentence B, or NULL: the input becomes [CLS] A [SEP] B [SEP],
   * token types 0 up to and with A's [SEP], 1 after (Hugging Face's
   * tokenizer(a, b)). The model's limit counts both. */
  const char *pair;
  /* head_mask_layers × head_mask_heads factors, [layer][head], 1 keep, 0
   * off: Hugging Face's head_mask, which multiplies the head's attention
   * probabilities (a head that is off has all-zero attentions). NULL: every
   * head on. The run fails if the shape is not the model's. */
  const float *head_mask;
  guint head_mask_layers, head_mask_heads;
  /* TRUE: every head's queries and keys, after their bias and before the
   * scaling (attention_result_get_queries/_keys). */
  gboolean want_qk;
  /* TRUE: every head's value norms ||f_h(x_j)|| (Kobayashi et al. 2020). */
  gboolean want_value_norms;
  /* TRUE: gradient × input saliency of each [MASK]'s top-1 candidate, in
   * the order of the predictions (attention_result_get_saliency). */
  gboolean saliency;
  /* Also these: the saliency of token id saliency_token_ids[i] at token
   * index saliency_positions[i], n_saliency_targets of them. */
  const gint64 *saliency_positions;
  const gint64 *saliency_token_ids;
  guint n_saliency_targets;
  /* Intra-op threads of the forward; 0: the shim's choice. The corpus
   * statistics ask for 1 (attention-corpus-run.c). */
  guint threads;
  /* TRUE: the run may go beside other runs of the same model, each on its
   * own thread, instead of waiting for them (once the model's first run is
   * done). For many forwards of one intra-op thread each: the corpus
   * statistics run one a processor. */
  gboolean concurrent;
} AttentionRunOptions;

/* top_k 3, nothing else. */
void attention_run_options_init (AttentionRunOptions *options);

G_END_DECLS
