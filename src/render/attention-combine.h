/* attention-combine.h: several tokens' attention as one, and a sentence
 * pair's filter. bertviz users ask to select several tokens and see what
 * they attend to together (bertviz issue #125): the sum, or the mean, of
 * their rows (queries pinned: what they attend to) or of their columns
 * (keys pinned: what attends to them). Plain arithmetic on one n × n
 * matrix (row = query, column = key), no Cairo: the matrix view, the lines
 * view and the exports share it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATTENTION_COMBINE_SUM = 0,
  ATTENTION_COMBINE_MEAN,
} AttentionCombine;

/* out[k] (n values) = Σ over t in tokens[0..n_tokens) of matrix[t][k]
 * (by_column FALSE) or matrix[k][t] (by_column TRUE); divided by n_tokens
 * for MEAN. Tokens past n are ignored (and not counted). */
void attention_combine_tokens (const float *matrix,
                               guint n,
                               const guint *tokens,
                               guint n_tokens,
                               gboolean by_column,
                               AttentionCombine combine,
                               float *out);

/* bertviz's filter of a sentence pair: out = matrix with every weight
 * whose query is not of sentence from_type, or whose key is not of
 * to_type, set to 0 (types: the token_type_ids, 0 for A and 1 for B; -1
 * for either). out may be matrix. */
void attention_filter_pair (
    const float *matrix, guint n, const gint64 *types, int from_type, int to_type, float *out);

G_END_DECLS
