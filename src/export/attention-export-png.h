/* attention-export-png.h: the diagram set of the original exercise, one
 * grayscale PNG per layer and head, Attention_Layer{L}_Head{H}.png (L and H
 * from 1), drawn by the same renderer as the view. */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

/* An AttentionExportWriter: every layer × head, using the available cores. */
gboolean
attention_export_png_set (const AttentionExportRequest *request, guint *n_written, GError **error);

G_END_DECLS
