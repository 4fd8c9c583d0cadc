/* attention-render.c: one attention matrix and its token labels, drawn with
 * Cairo alone so that the widget and the exported files share every pixel rule */

#include "attention-render.h"

#include <math.h>
#include <string.h>

/* Room between a label and the grid, as a fraction of the font size. */
#define LABEL_PAD 0.3
/* Outline colour for hovered rows and columns (GNOME blue 3), outside the
 * grayscale so it cannot be mistaken for a weight. */
static const double highlight_rgb[3] = { 0.208, 0.518, 0.894 };

void
attention_render_style_init_export (AttentionRenderStyle *style)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  style->cell = 40;
  style->margin = 200;
  style->font_size = 28;
  style->font_family = "Sans";
  style->fg[0] = style->fg[1] = style->fg[2] = 1.0;
  style->bg[0] = style->bg[1] = style->bg[2] = 0.0;
  style->draw_background = TRUE;
  style->highlight_row = -1;
  style->highlight_col = -1;
  style->caption = NULL;
  style->caption_size = 16;
}

static guint
caption_lines (const char *caption)
{
  guint lines = 1;

  for (const char *p = caption; *p; p++)
    if (*p == '\n')
      lines++;
  return lines;
}

static double
caption_height (const AttentionRenderStyle *style)
{
  if (style->caption == NULL || style->caption[0] == '\0')
    return 0;
  /* One line of text per caption line plus half a line of air above and below. */
  return ceil (style->caption_size * (1.4 * caption_lines (style->caption) + 1.0));
}

void
attention_render_get_size (const AttentionRenderStyle *style,
                           guint n,
                           double *width,
                           double *height)
{
  g_return_if_fail (style != NULL);

  if (width)
    *width = style->margin + style->cell * n;
  if (height)
    *height = style->margin + style->cell * n + caption_height (style);
}

guint8
attention_render_grey (float score)
{
  /* NaN and out-of-range weights must not wrap around. */
  if (!(score > 0.0f))
    return 0;
  if (score >= 1.0f)
    return 255;
  return (guint8)lrint (255.0 * score);
}

/* Draws text, shortened with an ellipsis to fit max_width, and returns its
 * advance. Labels are short; a linear trim is cheap enough. */
static void
show_fitted_text (cairo_t *cr, const char *text, double max_width, gboolean align_end)
{
  cairo_text_extents_t ext;
  g_autofree char *buf = NULL;
  gsize len;

  cairo_text_extents (cr, text, &ext);
  if (ext.x_advance <= max_width)
    {
      if (align_end)
        cairo_rel_move_to (cr, -ext.x_advance, 0);
      cairo_show_text (cr, text);
      return;
    }

  len = strlen (text);
  buf = g_malloc (len + 4);
  while (len > 0)
    {
      const char *prev = g_utf8_find_prev_char (text, text + len);

      len = prev ? (gsize)(prev - text) : 0;
      memcpy (buf, text, len);
      memcpy (buf + len, "…", sizeof "…");
      cairo_text_extents (cr, buf, &ext);
      if (ext.x_advance <= max_width)
        break;
    }
  if (align_end)
    cairo_rel_move_to (cr, -ext.x_advance, 0);
  cairo_show_text (cr, buf);
}

static void
draw_cells (cairo_t *cr, const AttentionRenderStyle *style, const float *matrix, guint n)
{
  cairo_surface_t *cells;
  cairo_pattern_t *pattern;
  unsigned char *data;
  int stride;

  /* One pixel per cell, scaled up without filtering: exact greys, no seams
   * between cells, and 512 tokens cost one image instead of 262,144 rectangles. */
  cells = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)n, (int)n);
  if (cairo_surface_status (cells) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (cells);
      return;
    }
  cairo_surface_flush (cells);
  data = cairo_image_surface_get_data (cells);
  stride = cairo_image_surface_get_stride (cells);
  for (guint i = 0; i < n; i++)
    {
      guint32 *row = (guint32 *)(gpointer)(data + (gsize)i * stride);
      const float *scores = matrix + (gsize)i * n;

      for (guint j = 0; j < n; j++)
        {
          guint32 g = attention_render_grey (scores[j]);

          row[j] = 0xff000000u | (g << 16) | (g << 8) | g;
        }
    }
  cairo_surface_mark_dirty (cells);

  cairo_save (cr);
  cairo_translate (cr, style->margin, style->margin);
  cairo_scale (cr, style->cell, style->cell);
  cairo_set_source_surface (cr, cells, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, n, n);
  cairo_fill (cr);
  cairo_restore (cr);

  cairo_surface_destroy (cells);
}

static void
draw_labels (cairo_t *cr, const AttentionRenderStyle *style, guint n, const char *const *labels)
{
  cairo_font_extents_t fext;
  double pad = style->font_size * LABEL_PAD;
  double room = style->margin - 2 * pad;
  double baseline_shift;

  if (labels == NULL || room <= 0 || style->font_size <= 0)
    return;

  cairo_save (cr);
  cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, style->font_size);
  cairo_font_extents (cr, &fext);
  /* Centres the text's ascent/descent band on the row or column. */
  baseline_shift = (fext.ascent - fext.descent) / 2;
  cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);

  for (guint i = 0; i < n && labels[i] != NULL; i++)
    {
      double centre = style->margin + style->cell * (i + 0.5);

      /* Rows: right-aligned against the grid. */
      cairo_move_to (cr, style->margin - pad, centre + baseline_shift);
      show_fitted_text (cr, labels[i], room, TRUE);

      /* Columns: rotated a quarter turn, reading upwards from the grid, as
       * the original's rotate(90) of the label image. */
      cairo_save (cr);
      cairo_translate (cr, centre, style->margin - pad);
      cairo_rotate (cr, -G_PI / 2);
      cairo_move_to (cr, 0, baseline_shift);
      show_fitted_text (cr, labels[i], room, FALSE);
      cairo_restore (cr);
    }
  cairo_restore (cr);
}

static void
draw_highlight (cairo_t *cr, const AttentionRenderStyle *style, guint n)
{
  double side = style->cell * n;
  double width = MAX (1.0, style->cell / 12);

  if (style->highlight_row < 0 && style->highlight_col < 0)
    return;

  cairo_save (cr);
  cairo_set_source_rgb (cr, highlight_rgb[0], highlight_rgb[1], highlight_rgb[2]);
  cairo_set_line_width (cr, width);
  if (style->highlight_row >= 0 && (guint)style->highlight_row < n)
    cairo_rectangle (cr, style->margin + width / 2,
                     style->margin + style->cell * style->highlight_row + width / 2, side - width,
                     style->cell - width);
  if (style->highlight_col >= 0 && (guint)style->highlight_col < n)
    cairo_rectangle (cr, style->margin + style->cell * style->highlight_col + width / 2,
                     style->margin + width / 2, style->cell - width, side - width);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_caption (cairo_t *cr, const AttentionRenderStyle *style, guint n)
{
  g_auto (GStrv) lines = NULL;
  cairo_font_extents_t fext;
  double width = style->margin + style->cell * n;
  double y;

  if (caption_height (style) == 0)
    return;

  cairo_save (cr);
  cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, style->caption_size);
  cairo_font_extents (cr, &fext);
  cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);

  lines = g_strsplit (style->caption, "\n", -1);
  y = style->margin + style->cell * n + style->caption_size * 0.5;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double line_top = y + style->caption_size * 1.4 * i;

      cairo_move_to (cr, style->caption_size * 0.6,
                     line_top + (style->caption_size * 1.4 + fext.ascent - fext.descent) / 2);
      show_fitted_text (cr, lines[i], width - style->caption_size * 1.2, FALSE);
    }
  cairo_restore (cr);
}

void
attention_render_matrix (cairo_t *cr,
                         const AttentionRenderStyle *style,
                         const float *matrix,
                         guint n,
                         const char *const *labels)
{
  double width, height;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);
  g_return_if_fail (matrix != NULL || n == 0);

  attention_render_get_size (style, n, &width, &height);

  cairo_save (cr);
  if (style->draw_background)
    {
      cairo_set_source_rgb (cr, style->bg[0], style->bg[1], style->bg[2]);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  if (n > 0)
    {
      draw_cells (cr, style, matrix, n);
      draw_labels (cr, style, n, labels);
      draw_highlight (cr, style, n);
    }
  draw_caption (cr, style, n);
  cairo_restore (cr);
}
