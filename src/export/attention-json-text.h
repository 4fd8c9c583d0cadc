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

G_END_DECLS
