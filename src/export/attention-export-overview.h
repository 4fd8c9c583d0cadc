/* attention-export-overview.h: the All Heads grid (attention-grid.h), every
 * layer × head as one picture. */
#pragma once

#include "attention-colormap.h"
#include "attention-export.h"

G_BEGIN_DECLS

/* The grid as format PNG, SVG or PDF to path, in colormap. */
gboolean attention_export_overview (AttentionResult *result,
                                    AttentionExportFormat format,
                                    AttentionColormap colormap,
                                    const char *path,
                                    GError **error);

/* An AttentionExportWriter: attention-overview.{png,svg,pdf} by
 * request->format, grayscale as the diagram set. */
gboolean attention_export_overview_set (const AttentionExportRequest *request,
                                        guint *n_written,
                                        GError **error);

G_END_DECLS
