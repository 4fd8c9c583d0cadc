/* attention-export-data.h: the raw tensor for work in Python: JSON, and a
 * NumPy .npy array with a JSON file describing it. */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

/* The tensor, tokens, ids and predictions as JSON:
 * attentions[layer][head][query][key]. */
gboolean attention_export_json (AttentionResult *result, const char *path, GError **error);

/* The tensor as a NumPy float32 array of shape (layers, heads, tokens,
 * tokens), C order, plus `path`.json describing the axes, tokens and
 * predictions (the .npy header itself may hold only dtype, order and shape):
 * both files or neither. */
gboolean attention_export_npy (AttentionResult *result, const char *path, GError **error);

/* AttentionExportWriters: attention.json; attention.npy and
 * attention.npy.json. */
gboolean
attention_export_json_set (const AttentionExportRequest *request, guint *n_written, GError **error);
gboolean
attention_export_npy_set (const AttentionExportRequest *request, guint *n_written, GError **error);

G_END_DECLS
