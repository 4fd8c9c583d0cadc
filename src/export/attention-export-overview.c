/* attention-export-overview.c: the grid of every head as a file */

#include "attention-export-overview.h"

#include <glib/gi18n.h>

#include "attention-export-names.h"
#include "attention-export-surface.h"
#include "attention-grid.h"

typedef struct
{
  AttentionGridStyle style;
  AttentionResult *result;
} Grid;

static void
draw_grid (cairo_t *cr, gpointer data)
{
  Grid *g = data;

  attention_grid_draw (cr, &g->style, attention_result_get_attentions (g->result),
                       attention_result_get_n_layers (g->result),
                       attention_result_get_n_heads (g->result),
                       attention_result_get_n_tokens (g->result));
}

gboolean
attention_export_overview (AttentionResult *result,
                           AttentionExportFormat format,
                           AttentionColormap colormap,
                           const char *path,
                           GError **error)
{
  double width, height;
  Grid g;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (format != ATTENTION_EXPORT_PNG && format != ATTENTION_EXPORT_SVG &&
      format != ATTENTION_EXPORT_PDF)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("The overview can be saved as PNG, SVG or PDF, not as %s."),
                   attention_export_format_extension (format));
      return FALSE;
    }

  g.result = result;
  attention_grid_style_init (&g.style);
  g.style.colormap = colormap;
  /* At least two pixels per token so long sentences stay legible. */
  g.style.thumb = MAX (64, 2 * attention_result_get_n_tokens (result));
  attention_grid_get_size (&g.style, attention_result_get_n_layers (result),
                           attention_result_get_n_heads (result), &width, &height);
  return attention_export_picture (path, format, width, height, FALSE,
                                   attention_result_get_text (result), draw_grid, &g, error);
}

gboolean
attention_export_overview_set (const AttentionExportRequest *request,
                               guint *n_written,
                               GError **error)
{
  g_autofree char *name = g_strconcat ("attention-overview.",
                                       attention_export_format_extension (request->format), NULL);
  g_autofree char *path = g_build_filename (request->dir, name, NULL);
  /* The exported pictures stay grayscale, as the original set. */
  gboolean ok = attention_export_overview (request->result, request->format,
                                           ATTENTION_COLORMAP_GRAY, path, error);

  if (n_written != NULL)
    *n_written = ok ? 1 : 0;
  return ok;
}
