/* attention-export-vector.h: the diagrams as SVG or PDF, one file per layer
 * and head, and every head as the pages of one PDF. Grayscale, as the PNGs;
 * the cells are filled rectangles, so viewers do not smooth them. */
#pragma once

#include "attention-export.h"

G_BEGIN_DECLS

/* An AttentionExportWriter: Attention_Layer{L}_Head{H}.svg or .pdf, by
 * request->format; a PDF set also gets attention.pdf with every head. */
gboolean attention_export_vector_set (const AttentionExportRequest *request,
                                      guint *n_written,
                                      GError **error);

/* An AttentionExportWriter: attention.pdf only. */
gboolean attention_export_pdf_pages_set (const AttentionExportRequest *request,
                                         guint *n_written,
                                         GError **error);

/* Every head, one page each, layer by layer, in one PDF at path. Progress
 * counts pages; a cancellation leaves no file. */
gboolean attention_export_pdf_pages (const AttentionExportRequest *request,
                                     const char *path,
                                     GError **error);

G_END_DECLS
