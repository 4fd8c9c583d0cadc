/* attention-export-neuron.h: the neuron view of one head
 * (attention-neuron-render.h) as PNG, SVG or PDF. */
#pragma once

#include "attention-colormap.h"
#include "attention-export.h"

G_BEGIN_DECLS

/* The neuron view of layer and head (0-indexed) for query token `query` as
 * format PNG, SVG or PDF to path; the softmax cells in colormap. caption may
 * be NULL. Fails with the reason when the result holds no queries and keys
 * (the run did not ask for them, or the model does not expose them). */
gboolean attention_export_neuron (AttentionResult *result,
                                  guint layer,
                                  guint head,
                                  guint query,
                                  AttentionColormap colormap,
                                  AttentionExportFormat format,
                                  const char *caption,
                                  const char *path,
                                  GError **error);

G_END_DECLS
