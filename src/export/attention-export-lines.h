/* attention-export-lines.h: the lines picture (attention-lines-render.h) as
 * PNG, SVG or PDF: one head or several overlaid, or the set of every head. */
#pragma once

#include "attention-colormap.h"
#include "attention-export.h"

G_BEGIN_DECLS

/* Lines weaker than this are left out of the lines set. */
#define ATTENTION_EXPORT_LINES_THRESHOLD 0.01f

/* The lines picture of layer (0-indexed) with the heads heads[0..n_shown)
 * overlaid (one head: in colormap; several: one colour each), lines below
 * threshold left out, as format PNG, SVG or PDF to path. A sentence pair's
 * filter: only lines from a query of sentence from_type (0: A, 1: B) to a
 * key of to_type (-1: either; attention_export_pair_filter_caption says
 * so in words). caption may be NULL. */
gboolean attention_export_lines (AttentionResult *result,
                                 guint layer,
                                 const guint *heads,
                                 guint n_shown,
                                 AttentionColormap colormap,
                                 float threshold,
                                 int from_type,
                                 int to_type,
                                 AttentionExportFormat format,
                                 const char *caption,
                                 const char *path,
                                 GError **error);

/* "lines from sentence A to sentence B only" and the like, for a caption;
 * NULL when both are -1. */
char *attention_export_pair_filter_caption (int from_type, int to_type);

/* An AttentionExportWriter: Lines_Layer{L}_Head{H}.ext for every layer and
 * head in request->format, grayscale, with the set's threshold. */
gboolean attention_export_lines_set (const AttentionExportRequest *request,
                                     guint *n_written,
                                     GError **error);

G_END_DECLS
