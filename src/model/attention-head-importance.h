/* attention-head-importance.h: "Which heads matter?" (Michel et al. 2019,
 * "Are Sixteen Heads Really Better than One?"): each head switched off alone,
 * Hugging Face's head_mask semantics, and how much the probability of the
 * full run's top-1 token at each [MASK] drops. The L × H ablated runs go in
 * batches (one head mask per sequence). */
#pragma once

#include <gio/gio.h>

#include "attention-model.h"
#include "attention-run-options.h"

G_BEGIN_DECLS

/* Called after each batch with the heads done so far and all of them. */
typedef void (*AttentionHeadImportanceProgress) (guint done, guint total, gpointer user_data);

/* Δp for every head, n_layers × n_heads floats [layer][head] (g_free):
 * p_full − p_ablated of the full run's top-1 token, averaged over the
 * [MASK]s. options: the pair and the heads already off (their Δp is 0: off
 * in both runs); top-k and every position are ignored. batch: sequences
 * per run (0: a layer's heads). NULL and ATTENTION_MODEL_ERROR_NO_MASK for a
 * text without [MASK]; G_IO_ERROR_CANCELLED between batches. */
float *attention_head_importance (AttentionModel *model,
                                  const char *text,
                                  const AttentionRunOptions *options,
                                  guint batch,
                                  AttentionHeadImportanceProgress progress,
                                  gpointer user_data,
                                  guint *n_layers,
                                  guint *n_heads,
                                  GCancellable *cancellable,
                                  GError **error);

/* The same in a worker thread; progress is called in the caller's thread
 * (its thread-default main context). */
void attention_head_importance_async (AttentionModel *model,
                                      const char *text,
                                      const AttentionRunOptions *options,
                                      guint batch,
                                      AttentionHeadImportanceProgress progress,
                                      gpointer progress_data,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
float *attention_head_importance_finish (
    AttentionModel *model, GAsyncResult *result, guint *n_layers, guint *n_heads, GError **error);

G_END_DECLS
