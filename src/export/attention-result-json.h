/* attention-result-json.h: a result as one JSON object (attention-cli --dump) */
#pragma once

#include <gio/gio.h>

#include "attention-result.h"

G_BEGIN_DECLS

/* Writes {"text", "tokens", "ids", "token_type_ids" (0 for the first
 * sentence, 1 for a pair's second), "attentions" [layer][head][query][key],
 * "predictions" [{"position", "candidates" [{"token", "id", "probability"}],
 * "shown" […]}], "positions" [{"index", "token", "candidates" […], "shown"
 * […]}] when the run gave the top-k at every position ("candidates" the raw
 * top-k, "shown" those that are text), "model"} to path, atomically.
 * model_json is the bundle's config.json, embedded as is (NULL or empty →
 * null). Floats are written with %.9g, enough to round-trip a float32. */
gboolean attention_result_write_json (AttentionResult *result,
                                      const char *model_json,
                                      gsize model_json_len,
                                      const char *path,
                                      GError **error);

/* What --dump adds on request (attention-cli --neuron, --norms): */
typedef struct
{
  int neuron_layer; /* 0-indexed; -1 for no "neuron" */
  int neuron_head;
  gboolean norms; /* "norms", shaped like "attentions" */
  /* "head_importance" [layer][head] (Δp of each head switched off alone,
   * attention-head-importance.h), n_layers × n_heads; NULL for none. */
  const float *head_importance;
} AttentionDumpExtras;

/* As attention_result_write_json, plus what extras asks for, and
 * "saliency" whenever the result holds any (attention-json-text.h). A
 * quantity asked for that the result lacks fails with the reason, and
 * nothing is written. */
gboolean attention_result_write_json_full (AttentionResult *result,
                                           const char *model_json,
                                           gsize model_json_len,
                                           const AttentionDumpExtras *extras,
                                           const char *path,
                                           GError **error);

G_END_DECLS
