/* attention-model-memory.h: what a run will need, estimated before it runs,
 * so that a text too big for the machine is refused with the numbers rather
 * than swapping for minutes or dying in libtorch. Pure functions. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bytes a run needs at its peak, roughly: every layer's attention
 * probabilities (layers × heads × tokens², float32), kept for the result and
 * stacked once more at the end; the predictions (masks × vocab, float32);
 * the hidden states (tokens × hidden, a few dozen copies). */
guint64 attention_model_memory_estimate (
    guint n_layers, guint n_heads, guint n_tokens, guint n_masks, guint vocab_size, guint hidden);

/* $ATTENTION_MAX_MEMORY (bytes, or with a K, M, G or T suffix, powers of
 * 1024) when it is a positive number, else half of physical memory. */
guint64 attention_model_memory_limit (void);

G_END_DECLS
