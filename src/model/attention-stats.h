/* attention-stats.h: numbers computed from the attention tensor, without GTK:
 * aggregates (mean of a layer's heads, mean of everything, attention rollout),
 * hiding [CLS]/[SEP], and per-head pattern scores after Clark et al. 2019,
 * "What does BERT look at?". Matrices are n × n floats, row = query. */
#pragma once

#include <gio/gio.h>

#include "attention-result.h"

G_BEGIN_DECLS

typedef enum
{
  ATTENTION_AGGREGATE_HEAD = 0,   /* one head, as the model produced it */
  ATTENTION_AGGREGATE_LAYER_MEAN, /* mean over the heads of one layer */
  ATTENTION_AGGREGATE_ALL_MEAN,   /* mean over all layers and heads */
  ATTENTION_AGGREGATE_ROLLOUT,    /* Abnar & Zuidema 2020, layers 1..layer */
  /* One head's attention × value norms, a_ij ||f_h(x_j)|| (Kobayashi et al.
   * 2020), each row divided by its sum so that it reads as a share like the
   * attention; needs a result with value norms. */
  ATTENTION_AGGREGATE_NORMS,
} AttentionAggregate;

/* attention_stats_norms: out[i][j] = a_ij · norms[j], rows scaled to sum 1
 * (a row of zeros stays zero). matrix and out n × n, may alias. */
void attention_stats_norms (const float *matrix, const float *norms, guint n, float *out);

/* Pattern scores of one head; every weight score is a mean over query rows,
 * so each lies in [0, 1]. */
typedef enum /*< skip >*/
{
  ATTENTION_PATTERN_PREVIOUS = 0, /* weight on token i − 1 (rows 1..n−1) */
  ATTENTION_PATTERN_NEXT,         /* weight on token i + 1 (rows 0..n−2) */
  ATTENTION_PATTERN_SELF,         /* weight on token i itself */
  ATTENTION_PATTERN_CLS,          /* total weight on [CLS] tokens */
  ATTENTION_PATTERN_SEP,          /* total weight on [SEP] tokens */
  ATTENTION_PATTERN_PUNCTUATION,  /* total weight on punctuation tokens */
  ATTENTION_PATTERN_ENTROPY,      /* row entropy in nats, mean over rows */
  ATTENTION_N_PATTERNS
} AttentionPattern;

typedef struct
{
  double score[ATTENTION_N_PATTERNS];
} AttentionHeadScores;

/* Token classes the scores and the hiding need. */
typedef enum /*< skip >*/
{
  ATTENTION_TOKEN_CLS = 1 << 0,
  ATTENTION_TOKEN_SEP = 1 << 1,
  ATTENTION_TOKEN_PUNCTUATION = 1 << 2,
} AttentionTokenClass;

/* Classes of one WordPiece token (vocab spelling). Punctuation is BERT's:
 * every character an ASCII symbol or Unicode punctuation. */
guint attention_stats_classify_token (const char *token);
/* n classes into a g_malloc'd array. */
guint8 *attention_stats_classify_tokens (const char *const *tokens, guint n);

/* attentions: n_layers × n_heads × n × n. out: n × n, may not alias. */
void attention_stats_layer_mean (
    const float *attentions, guint n_heads, guint n, guint layer, float *out);
void attention_stats_all_mean (
    const float *attentions, guint n_layers, guint n_heads, guint n, float *out);
/* Rollout through layers 0..up_to_layer (0-indexed, inclusive): each layer's
 * head mean plus the identity, rows renormalised, multiplied
 * R = Â(up_to) · … · Â(0). Row i: how much input token j reaches token i. */
void attention_stats_rollout (
    const float *attentions, guint n_heads, guint n, guint up_to_layer, float *out);

/* In place: zeroes the columns of tokens whose class has any bit of `hidden`
 * (e.g. CLS | SEP) and renormalises each row to sum 1 over what is left; a row
 * with nothing left stays zero. The rows of hidden tokens are zeroed too, since
 * the view no longer shows them as keys either. */
void attention_stats_hide_tokens (float *matrix, guint n, const guint8 *classes, guint hidden);

/* Pattern scores of one n × n matrix. */
void attention_stats_head_scores (const float *matrix,
                                  guint n,
                                  const guint8 *classes,
                                  AttentionHeadScores *scores);
/* The largest weight score (entropy is not a weight, so never the strongest). */
AttentionPattern attention_stats_strongest_pattern (const AttentionHeadScores *scores);
/* A head "mostly" attends to a pattern when the pattern's score, its mean
 * share of a row's attention, is above one half: more than half of the
 * attention goes there. */
#define ATTENTION_PATTERN_THRESHOLD 0.5
/* "mostly attends to the previous token: 0.81" (translated) when the
 * strongest score is above ATTENTION_PATTERN_THRESHOLD; otherwise "shows no
 * single pattern (strongest: [CLS], 0.16; a pattern needs more than 0.5)". */
char *attention_stats_describe_pattern (const AttentionHeadScores *scores);
/* Short translated name of a score for menus: "Previous token", "Entropy", … */
const char *attention_stats_pattern_name (AttentionPattern pattern);

/* The result without its [CLS] and [SEP] tokens: their rows and columns
 * gone from every matrix, the other rows renormalised (see
 * attention_result_new_subset). */
AttentionResult *attention_stats_without_specials (AttentionResult *result);

/* A result that holds, in place of every head's attentions, its attention ×
 * value norms (attention_stats_norms, rows summing to 1), with the same
 * tokens and predictions and its quantity named, for exporting norms with
 * every export kind. NULL when result holds no value norms. */
AttentionResult *attention_stats_norms_result (AttentionResult *result);

/* Convenience on a result. Returns a g_malloc'd n × n matrix; layer/head are
 * 0-indexed and ignored where the aggregate does not use them. With
 * hide_special the [CLS]/[SEP] columns are hidden afterwards. */
float *attention_stats_compute (AttentionResult *result,
                                AttentionAggregate aggregate,
                                guint layer,
                                guint head,
                                gboolean hide_special);
/* Scores of every head, n_layers × n_heads entries, g_malloc'd. Half a
 * second for bert-base at 512 tokens (bench/bench-stats): in a worker thread
 * with the _async version when the UI waits for it. */
AttentionHeadScores *attention_stats_all_head_scores (AttentionResult *result);
void attention_stats_all_head_scores_async (AttentionResult *result,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
AttentionHeadScores *
attention_stats_all_head_scores_finish (AttentionResult *result, GAsyncResult *res, GError **error);
/* The scores of one head (0-indexed), g_malloc'd: 1/144 of the above. */
AttentionHeadScores *
attention_stats_one_head_scores (AttentionResult *result, guint layer, guint head);

/* attention_stats_compute in a worker thread: rollout over many long rows
 * takes longer than a frame. The task's pointer is the float matrix (g_free). */
void attention_stats_compute_async (AttentionResult *result,
                                    AttentionAggregate aggregate,
                                    guint layer,
                                    guint head,
                                    gboolean hide_special,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
float *attention_stats_compute_finish (AttentionResult *result, GAsyncResult *res, GError **error);

G_END_DECLS
