/* attention-head-mask.h: which heads a run switches off, as Hugging Face's
 * head_mask (n_layers × n_heads floats, 1 keep, 0 off), from the CLI's
 * "L:H[,L:H…]" (1-indexed; "L:*" a whole layer) and back. Pure: no model. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses spec into a new mask (g_free it) for n_layers × n_heads. NULL and a
 * message naming the bad item for a layer or head out of range, not a
 * number, or named twice. */
float *attention_head_mask_parse (const char *spec, guint n_layers, guint n_heads, GError **error);

/* "L:H,…" (1-indexed, layer by layer) for the heads mask switches off; ""
 * for none. */
char *attention_head_mask_format (const float *mask, guint n_layers, guint n_heads);

/* How many heads mask switches off (NULL: none). */
guint attention_head_mask_count_off (const float *mask, guint n_layers, guint n_heads);

G_END_DECLS
