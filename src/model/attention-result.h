/* attention-result.h: everything one run of the model produced. Immutable once
 * built, so the view, the exporter and the CLI can share it across threads. */
#pragma once

#include <glib-object.h>

#include "bert-tokenizer.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_RESULT (attention_result_get_type ())
G_DECLARE_FINAL_TYPE (AttentionResult, attention_result, ATTENTION, RESULT, GObject)

typedef struct
{
  char *token;
  gint64 id;
  double probability;
} AttentionCandidate;

/* Takes ownership of encoding and attentions (g_malloc'd,
 * n_layers × n_heads × n × n floats). Candidates are added afterwards. */
AttentionResult *attention_result_new (
    const char *text, BertEncoding *encoding, guint n_layers, guint n_heads, float *attentions);
/* The same, for attentions that live in someone else's buffer (the shim's
 * output, which a copy would double at long inputs): owner is freed with
 * free_owner when the result goes, and attentions must live until then. */
AttentionResult *attention_result_new_with_owner (const char *text,
                                                  BertEncoding *encoding,
                                                  guint n_layers,
                                                  guint n_heads,
                                                  const float *attentions,
                                                  gpointer owner,
                                                  GDestroyNotify free_owner);
/* The tokens keep[0 … n_keep) of source (ascending): their rows and columns
 * of every matrix, each row renormalised to sum to 1 over the kept keys (a
 * row with nothing left stays 0), their predictions, their queries, keys,
 * value norms and saliency scores (a saliency whose position is not kept
 * goes), and the trained length counted in kept tokens. */
AttentionResult *
attention_result_new_subset (AttentionResult *source, const guint *keep, guint n_keep);
/* A copy of source with everything it holds (tokens, predictions, pair,
 * head mask, trained length, queries, keys, norms, saliency) but attentions
 * (owned; n_layers × n_heads × n × n) in place of its weights, which hold
 * quantity (attention_result_set_quantity). */
AttentionResult *
attention_result_new_derived (AttentionResult *source, float *attentions, const char *quantity);
/* For the builder only: the result leaves out [CLS] and [SEP] (captions say
 * so). */
void attention_result_set_specials_hidden (AttentionResult *self, gboolean hidden);
gboolean attention_result_get_specials_hidden (AttentionResult *self);
/* For the builder only (before the result is shared): top-k for one [MASK]. */
void attention_result_add_prediction (AttentionResult *self,
                                      guint position,
                                      const AttentionCandidate *candidates,
                                      guint n_candidates);
/* For the builder only (before the result is shared): a pair's second
 * sentence and the n_tokens token types (copied). Tokens of type 1 have
 * spans in text_b. */
void attention_result_set_pair (AttentionResult *self, const char *text_b, const gint64 *types);
/* For the builder only: the head mask the run used (n_layers × n_heads,
 * copied). */
void attention_result_set_head_mask (AttentionResult *self, const float *mask);
/* For the builder only: top-k at token position, added for every position in
 * order (0, 1, …) when the run asked for all of them. */
void attention_result_add_position_candidates (AttentionResult *self,
                                               guint position,
                                               const AttentionCandidate *candidates,
                                               guint n_candidates);
/* For the builder only: the last added position's best candidates that are
 * text (attention_special_token), as a reader is shown them. */
void attention_result_set_position_shown_candidates (AttentionResult *self,
                                                     const AttentionCandidate *candidates,
                                                     guint n_candidates);
/* For the builder only: tokens from index `length` on lie past the longest
 * input the model was trained on. */
void attention_result_set_trained_length (AttentionResult *self, guint length);
/* For the builder only: the last added prediction's probabilities over the
 * whole vocabulary (copied). */
void attention_result_set_mask_probabilities (AttentionResult *self,
                                              const float *probabilities,
                                              guint vocab_size);

/* For the builder only: the last added prediction's best candidates that
 * are text (attention_special_token), as a reader is shown them. */
void attention_result_set_shown_candidates (AttentionResult *self,
                                            const AttentionCandidate *candidates,
                                            guint n_candidates);

const char *attention_result_get_text (AttentionResult *self);
guint attention_result_get_n_tokens (AttentionResult *self);
const char *attention_result_get_token (AttentionResult *self, guint index);
const char *const *attention_result_get_tokens (AttentionResult *self);
gint64 attention_result_get_id (AttentionResult *self, guint index);
BertSpan attention_result_get_span (AttentionResult *self, guint index);
/* The model's trained length (G_MAXUINT when unknown): tokens at this index
 * and after it are past it, and their attention is not meaningful. */
guint attention_result_get_trained_length (AttentionResult *self);
/* The first token past the trained length, or n_tokens when none is. */
guint attention_result_get_n_trusted (AttentionResult *self);
/* For a renderer's hatch_from: the first token past the trained length, or 0
 * when every token is within it. */
guint attention_result_get_hatch_from (AttentionResult *self);
guint attention_result_get_n_layers (AttentionResult *self);
guint attention_result_get_n_heads (AttentionResult *self);
/* 0-indexed layer/head; n × n floats, row = query (attending), column = key. */
const float *attention_result_get_matrix (AttentionResult *self, guint layer, guint head);
const float *attention_result_get_attentions (AttentionResult *self);

guint attention_result_get_n_predictions (AttentionResult *self);
/* Token position of the i-th [MASK]. */
guint attention_result_get_prediction_position (AttentionResult *self, guint i);
const AttentionCandidate *
attention_result_get_candidates (AttentionResult *self, guint i, guint *n_candidates);
/* The i-th [MASK]'s best candidates that are text, best first: what the
 * window's chips and the CLI's completions show ([PAD], [unused7] and the
 * like skipped). A result built without them gives the candidates. */
const AttentionCandidate *
attention_result_get_shown_candidates (AttentionResult *self, guint i, guint *n_candidates);
/* TRUE when the run gave top-k at every position ("all positions"). */
gboolean attention_result_has_position_candidates (AttentionResult *self);
/* The probability of vocabulary id at the i-th [MASK] (not only of the
 * top-k: what head importance and "61 % → 34 %" compare); -1 when unknown. */
double attention_result_get_mask_probability (AttentionResult *self, guint i, gint64 id);
/* The model's top-k at token index, unmasked; NULL (and 0) when the run did
 * not ask for every position. */
const AttentionCandidate *
attention_result_get_position_candidates (AttentionResult *self, guint index, guint *n_candidates);
/* The best candidates at token index that are text, best first: what the
 * --all-positions table and the matrix's guesses show ([PAD], [unused7] and
 * the like skipped, as the chips skip them). A result built without them
 * gives the candidates. */
const AttentionCandidate *attention_result_get_position_shown_candidates (AttentionResult *self,
                                                                          guint index,
                                                                          guint *n_candidates);
/* The sentence that holds the i-th [MASK] (the text, or of a pair the second
 * sentence when the [MASK] is there) with it replaced by shown candidate c
 * (attention_result_get_shown_candidates; WordPiece "##" continuations are
 * glued). */
char *attention_result_fill_mask (AttentionResult *self, guint i, guint c);
/* Appends a shown candidate WORD where a [MASK] stood, OUT holding the text
 * before it: a "##" piece glued to the word before, a "␣word" or "▁word"
 * with the one space it stands for. */
void attention_result_append_word (GString *out, const char *word);

/* A pair's second sentence, or NULL for a single sentence. */
const char *attention_result_get_pair_text (AttentionResult *self);
/* n_tokens token types (BERT's token_type_ids): 0 for [CLS], the first
 * sentence and its [SEP], 1 for the second sentence and its [SEP]. All 0
 * for a single sentence. */
const gint64 *attention_result_get_token_type_ids (AttentionResult *self);
/* The run's head mask, n_layers × n_heads ([layer][head], 1 on, 0 off), or
 * NULL when the run had none. A head that is off has all-zero attentions. */
const float *attention_result_get_head_mask (AttentionResult *self);

/* For the builder only: each head's queries and keys
 * ([layer][head][token][head_size]) and value norms ([layer][head][token]),
 * either may be NULL; they live as long as the result's attentions (the
 * same owner). */
void attention_result_set_inside (AttentionResult *self,
                                  guint head_size,
                                  const float *queries,
                                  const float *keys,
                                  const float *value_norms);
/* For the builder only: the saliency of token_id at position, n_tokens
 * scores (copied). */
void attention_result_add_saliency (AttentionResult *self,
                                    guint position,
                                    gint64 token_id,
                                    const float *scores);
/* For the builder only: what the "attentions" hold when they are not the
 * attention weights themselves (a derived picture, e.g. value norms), in
 * words for captions; NULL (the default) for the weights. Copied. */
void attention_result_set_quantity (AttentionResult *self, const char *quantity);
const char *attention_result_get_quantity (AttentionResult *self);

/* The width of a head's queries and keys; 0 when the run did not ask for
 * them. */
guint attention_result_get_head_size (AttentionResult *self);
/* 0-indexed layer/head: n × head_size floats, row = token; the head's slice
 * of the query (key) projection, after its bias and before the scaling by
 * 1/sqrt(head_size). NULL when the run did not ask for them. */
const float *attention_result_get_queries (AttentionResult *self, guint layer, guint head);
const float *attention_result_get_keys (AttentionResult *self, guint layer, guint head);
/* 0-indexed layer/head: n floats, ||f_h(x_j)||: token j's value vector (with
 * its bias) through the head's slice of the attention output projection
 * (without its bias), Kobayashi et al. 2020. NULL when not asked for. */
const float *attention_result_get_value_norms (AttentionResult *self, guint layer, guint head);
/* Gradient × input saliencies the run computed (options' saliency: of each
 * prediction's top-1, in order; then the targets). */
guint attention_result_get_n_saliency (AttentionResult *self);
/* n floats: s_j = sum_d (d log p / d e_jd) e_jd, e_j token j's word
 * embedding, p the probability of the target token at its position.
 * Positive supports the prediction. NULL when i is out of range. */
const float *attention_result_get_saliency (AttentionResult *self, guint i);
/* Saliency i's position and token id. */
void attention_result_get_saliency_target (AttentionResult *self,
                                           guint i,
                                           guint *position,
                                           gint64 *token_id);

G_END_DECLS
