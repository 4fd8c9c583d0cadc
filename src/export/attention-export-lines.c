/* attention-export-lines.c: lines pictures as files (see the header) */

#include "attention-export-lines.h"

#include <glib/gi18n.h>

#include "attention-combine.h"

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
                        int from_type,
                        int to_type,
                        AttentionExportFormat format,
                        const char *caption,
                        const char *path,
                        GError **error)
{
  g_autofree const float **matrices = NULL;
  g_autofree float *filtered = NULL;
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
  /* A pair's filter: the weights outside it are 0, as on screen. */
  if ((from_type >= 0 || to_type >= 0) && attention_result_get_token_type_ids (result) != NULL)
    {
      filtered = g_new (float, (gsize)MAX (n_shown, 1) * l.n * l.n);
      for (guint k = 0; k < n_shown; k++)
        {
          float *out = filtered + (gsize)k * l.n * l.n;

          attention_filter_pair (matrices[k], l.n, attention_result_get_token_type_ids (result),
                                 from_type, to_type, out);
          matrices[k] = out;
        }
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
                                   n_shown <= 1 && colormap == ATTENTION_COLORMAP_GRAY,
                                   attention_result_get_text (result), draw_lines, &l, error);
}

char *
attention_export_pair_filter_caption (int from_type, int to_type)
{
  /* Translators: a sentence of a pair, as in "lines from sentence A". */
  const char *a = _ ("A"), *b = _ ("B");

  if (from_type < 0 && to_type < 0)
    return NULL;
  if (to_type < 0)
    /* Translators: a caption: only the lines from one sentence of a pair. */
    return g_strdup_printf (_ ("only lines from sentence %s"), from_type == 0 ? a : b);
  if (from_type < 0)
    /* Translators: a caption: only the lines to one sentence of a pair. */
    return g_strdup_printf (_ ("only lines to sentence %s"), to_type == 0 ? a : b);
  /* Translators: a caption: only the lines from a query of one sentence of
   * a pair to a key of the other (or the same). */
  return g_strdup_printf (_ ("only lines from sentence %s to sentence %s"), from_type == 0 ? a : b,
                          to_type == 0 ? a : b);
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
                                 ATTENTION_EXPORT_LINES_THRESHOLD, -1, -1, request->format, caption,
                                 path, error);
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
