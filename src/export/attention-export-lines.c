/* attention-export-lines.c: lines pictures as files (see the header) */

#include "attention-export-lines.h"

#include <glib/gi18n.h>

#include "attention-export-heads.h"
#include "attention-export-names.h"
#include "attention-export-surface.h"
#include "attention-lines-render.h"

typedef struct
{
  AttentionLinesStyle style;
  const float **matrices;
  const guint *heads;
  guint n_shown, n_heads, n;
  const char *const *tokens;
} Lines;

static void
draw_lines (cairo_t *cr, gpointer data)
{
  Lines *l = data;

  attention_lines_draw (cr, &l->style, l->matrices, l->heads, l->n_shown, l->n_heads, l->n,
                        l->tokens);
}

gboolean
attention_export_lines (AttentionResult *result,
                        guint layer,
                        const guint *heads,
                        guint n_shown,
                        AttentionColormap colormap,
                        float threshold,
                        AttentionExportFormat format,
                        const char *caption,
                        const char *path,
                        GError **error)
{
  g_autofree const float **matrices = NULL;
  double width, height;
  guint8 rgb[3];
  Lines l;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (layer < attention_result_get_n_layers (result), FALSE);
  g_return_val_if_fail (heads != NULL || n_shown == 0, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (format != ATTENTION_EXPORT_PNG && format != ATTENTION_EXPORT_SVG &&
      format != ATTENTION_EXPORT_PDF)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("The lines can be saved as PNG, SVG or PDF, not as %s."),
                   attention_export_format_extension (format));
      return FALSE;
    }

  l.n = attention_result_get_n_tokens (result);
  l.n_heads = attention_result_get_n_heads (result);
  l.heads = heads;
  l.n_shown = n_shown;
  l.tokens = attention_result_get_tokens (result);
  matrices = g_new (const float *, MAX (n_shown, 1));
  for (guint k = 0; k < n_shown; k++)
    {
      g_return_val_if_fail (heads[k] < l.n_heads, FALSE);
      matrices[k] = attention_result_get_matrix (result, layer, heads[k]);
    }
  l.matrices = matrices;

  attention_lines_style_init_export (&l.style);
  l.style.colormap = colormap;
  l.style.threshold = threshold;
  l.style.caption = caption;
  l.style.hatch_from = attention_result_get_hatch_from (result);
  /* PNG: the same rasteriser as the view; SVG and PDF: vector strokes. */
  l.style.raster_scale = format == ATTENTION_EXPORT_PNG ? 1 : 0;
  /* One head: the lines fade into the colour map's own zero. */
  attention_colormap_rgb (n_shown > 1 ? ATTENTION_COLORMAP_GRAY : colormap, 0, rgb);
  for (guint c = 0; c < 3; c++)
    l.style.bg[c] = rgb[c] / 255.0;
  l.style.label_width = attention_lines_measure_labels (&l.style, l.tokens, l.n, 400);
  attention_lines_get_size (&l.style, l.n, &width, &height);

  return attention_export_picture (path, format, width, height,
                                   n_shown <= 1 && colormap == ATTENTION_COLORMAP_GRAY, draw_lines,
                                   &l, error);
}

static gboolean
write_head (const AttentionExportRequest *request,
            gpointer scratch,
            guint layer,
            guint head,
            const char *caption,
            const char *path,
            GError **error)
{
  return attention_export_lines (request->result, layer, &head, 1, ATTENTION_COLORMAP_GRAY,
                                 ATTENTION_EXPORT_LINES_THRESHOLD, request->format, caption, path,
                                 error);
}

gboolean
attention_export_lines_set (const AttentionExportRequest *request, guint *n_written, GError **error)
{
  static const AttentionExportHeads heads = {
    .file_name = attention_export_lines_file_name,
    .write = write_head,
  };

  return attention_export_heads (request, &heads, n_written, error);
}
