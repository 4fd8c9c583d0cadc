/* attention-export.h: writes the diagram set to files, as the original
 * exercise did: Attention_Layer{L}_Head{H}.png, L and H from 1. Every file is
 * written to a temporary name and renamed, so no half-written PNG is left. */
#pragma once

#include <gio/gio.h>

#include "attention-colormap.h"
#include "attention-result.h"

G_BEGIN_DECLS

/* Called from worker threads (serialised); done of total files. */
typedef void (*AttentionExportProgress) (guint done, guint total, gpointer user_data);

/* "Attention_Layer3_Head11.png" for layer 2, head 10 (0-indexed in). */
char *attention_export_file_name (guint layer, guint head, const char *extension);

/* Writes one grayscale PNG of the given layer/head (0-indexed) to path,
 * atomically. caption may be NULL. */
gboolean attention_export_png (AttentionResult *result,
                               guint layer,
                               guint head,
                               const char *caption,
                               const char *path,
                               GError **error);

/* Writes every layer × head into dir (which must exist), using the available
 * cores. model_name goes into the caption. On failure or cancellation returns
 * FALSE with an error that says how many files were written; *n_written (may
 * be NULL) is set either way. */
gboolean attention_export_all_png (AttentionResult *result,
                                   const char *dir,
                                   const char *model_name,
                                   AttentionExportProgress progress,
                                   gpointer progress_data,
                                   GCancellable *cancellable,
                                   guint *n_written,
                                   GError **error);

/* --- more formats (attention-export-formats.c) ------------------------------ */

typedef enum
{
  ATTENTION_EXPORT_PNG = 0, /* the original set, one grayscale PNG per head */
  ATTENTION_EXPORT_SVG,     /* one SVG per head */
  ATTENTION_EXPORT_PDF,     /* one PDF per head, and attention.pdf with every head */
  ATTENTION_EXPORT_NPY,     /* attention.npy + attention.npy.json (layout, tokens) */
  ATTENTION_EXPORT_JSON,    /* attention.json: tokens, ids, tensor, predictions */
  /* The lines picture (attention-lines-render.h), one file per head,
   * Lines_Layer{L}_Head{H}.{png,svg,pdf}. */
  ATTENTION_EXPORT_LINES_PNG,
  ATTENTION_EXPORT_LINES_SVG,
  ATTENTION_EXPORT_LINES_PDF,
  ATTENTION_N_EXPORT_FORMATS
} AttentionExportFormat;

/* "png", "svg", "pdf", "npy", "json", "lines-png", "lines-svg", "lines-pdf"
 * (as --format takes them). */
gboolean attention_export_format_from_string (const char *name, AttentionExportFormat *format);
const char *attention_export_format_to_string (AttentionExportFormat format);
/* Every name above, comma-separated, for messages and --help. */
const char *attention_export_format_list (void);
/* The file extension of a format: "png" for PNG and LINES_PNG, and so on. */
const char *attention_export_format_extension (AttentionExportFormat format);

/* Lines weaker than this are left out of the lines set (LINES_* formats). */
#define ATTENTION_EXPORT_LINES_THRESHOLD 0.01f

/* "Lines_Layer3_Head11.svg" for layer 2, head 10 (0-indexed in). */
char *attention_export_lines_file_name (guint layer, guint head, const char *extension);

/* The lines picture of layer (0-indexed) with the heads heads[0..n_shown)
 * overlaid (one head: in colormap; several: one colour each), lines below
 * threshold left out, as format PNG, SVG or PDF (or their LINES_ twins) to
 * path, atomically. caption may be NULL. */
gboolean attention_export_lines (AttentionResult *result,
                                 guint layer,
                                 const guint *heads,
                                 guint n_shown,
                                 AttentionColormap colormap,
                                 float threshold,
                                 AttentionExportFormat format,
                                 const char *caption,
                                 const char *path,
                                 GError **error);

/* One layer/head (0-indexed) as a vector file, grayscale as the PNGs. */
gboolean attention_export_svg (AttentionResult *result,
                               guint layer,
                               guint head,
                               const char *caption,
                               const char *path,
                               GError **error);
gboolean attention_export_pdf (AttentionResult *result,
                               guint layer,
                               guint head,
                               const char *caption,
                               const char *path,
                               GError **error);
/* Every head, one page each, layer by layer, in one PDF. */
gboolean attention_export_pdf_pages (AttentionResult *result,
                                     const char *path,
                                     const char *model_name,
                                     AttentionExportProgress progress,
                                     gpointer progress_data,
                                     GCancellable *cancellable,
                                     GError **error);
/* The overview grid (every layer × head) as one image; format PNG, SVG or
 * PDF; colormap as on screen. */
gboolean attention_export_overview (AttentionResult *result,
                                    AttentionExportFormat format,
                                    AttentionColormap colormap,
                                    const char *path,
                                    GError **error);
/* The tensor, tokens, ids and predictions as JSON:
 * attentions[layer][head][query][key]. */
gboolean attention_export_json (AttentionResult *result, const char *path, GError **error);
/* The tensor as NumPy float32 array of shape (layers, heads, tokens, tokens),
 * C order, plus `path`.json describing the axes, tokens and predictions (the
 * .npy header itself may hold only dtype, order and shape). */
gboolean attention_export_npy (AttentionResult *result, const char *path, GError **error);

/* Writes everything `format` means into dir (which must exist): PNG and SVG
 * one file per head; PDF one file per head plus attention.pdf with all of
 * them; NPY and JSON the data files; LINES_* one lines picture per head
 * (grayscale, threshold 0.01). *n_written counts files. */
gboolean attention_export_all_format (AttentionResult *result,
                                      AttentionExportFormat format,
                                      const char *dir,
                                      const char *model_name,
                                      AttentionExportProgress progress,
                                      gpointer progress_data,
                                      GCancellable *cancellable,
                                      guint *n_written,
                                      GError **error);

G_END_DECLS
