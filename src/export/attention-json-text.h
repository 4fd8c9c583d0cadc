/* attention-json-text.h: JSON written by hand, for the data exports and
 * attention-cli --dump: json-glib builds a node per float, far too slow and
 * big for bert-base's millions of attention weights. */
#pragma once

#include <glib.h>

#include "attention-result.h"

G_BEGIN_DECLS

/* s as a quoted JSON string; s holds UTF-8. */
void attention_json_append_string (GString *out, const char *s);

/* %.9g, enough to round-trip a float32, in the C locale; JSON has no NaN or
 * Infinity, so those become null. */
void attention_json_append_float (GString *out, double value);

/* The result's tokens as an array of strings, and its ids as one of
 * numbers. */
void attention_json_append_tokens (GString *out, AttentionResult *result);
void attention_json_append_ids (GString *out, AttentionResult *result);

/* [{"position", "candidates": [{"token", "id", "probability"}]}] */
void attention_json_append_predictions (GString *out, AttentionResult *result);
/* [{"index", "token", "candidates": [{"token", "id", "probability"}]}], one
 * per token: the top-k at every position. */
void attention_json_append_positions (GString *out, AttentionResult *result);

/* attentions[layer][head][query][key]; flush (out, data) is called after
 * every row, so a big tensor need not sit whole in memory. */
void attention_json_append_attentions (GString *out,
                                       AttentionResult *result,
                                       void (*flush) (GString *out, gpointer data),
                                       gpointer data);

/* norms[layer][head][query][key] = a_ij · ||f_h(x_j)|| (Kobayashi et al.
 * 2020), shaped like the attentions, flushed the same way. FALSE (nothing
 * written) when the result holds no value norms. */
gboolean attention_json_append_norms (GString *out,
                                      AttentionResult *result,
                                      void (*flush) (GString *out, gpointer data),
                                      gpointer data);

/* {"layer": L, "head": H, "query": [n][d], "key": [n][d]}, layer and head
 * 1-indexed in the text (0-indexed in). FALSE (nothing written) when the
 * result holds no queries and keys. */
gboolean
attention_json_append_neuron (GString *out, AttentionResult *result, guint layer, guint head);

/* [{"mask_index": token index of the [MASK], "token", "id", "scores": [n]}],
 * one per saliency of the result. */
void attention_json_append_saliency (GString *out, AttentionResult *result);

G_END_DECLS
