/* attention-render.c: one attention matrix and its token labels, drawn with
 * Cairo alone so that the widget and the exported files share every pixel rule */

#include "attention-render.h"

#include "attention-caption.h"
#include "attention-hatch.h"
#include "attention-matrix-layout.h"

#include <math.h>
#include <string.h>

/* Room between a label and the grid, as a fraction of the font size. */
#define LABEL_PAD 0.3
/* Smallest label size worth drawing, in device pixels. */
#define MIN_LABEL_PIXELS 6.0
/* Outline colour for hovered rows and columns (GNOME blue 3), outside the
 * grayscale so it cannot be mistaken for a weight. */
static const double highlight_rgb[3] = { 0.208, 0.518, 0.894 };
/* A pinned token's outline (GNOME orange 3): not the hover's blue. */
static const double pinned_rgb[3] = { 1.0, 0.471, 0.0 };

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
  style->pinned = -1;
  style->caption = NULL;
  style->caption_size = 16;
}

void
attention_render_get_size (const AttentionRenderStyle *style,
                           guint n,
                           double *width,
                           double *height)
{
  double extent;

  g_return_if_fail (style != NULL);

  extent = attention_matrix_layout_extent (style->margin, style->cell, n);
  if (width)
    *width = extent;
  if (height)
    *height = extent + attention_caption_height (style->caption, style->caption_size);
}

/* Rows [row0, row1) and columns [col0, col1) that meet the clip: a view
 * scrolled over a long sentence shows a few dozen of several hundred. */
typedef struct
{
  guint row0, row1, col0, col1;
  gboolean row_labels, col_labels;
} Visible;

static void
visible_range (cairo_t *cr, const AttentionRenderStyle *style, guint n, Visible *v)
{
  double x1, y1, x2, y2;

  cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
  v->col0 = attention_matrix_layout_index_at (style->margin, style->cell, n, x1);
  v->col1 = MIN (n, attention_matrix_layout_index_at (style->margin, style->cell, n, x2) + 1);
  v->row0 = attention_matrix_layout_index_at (style->margin, style->cell, n, y1);
  v->row1 = MIN (n, attention_matrix_layout_index_at (style->margin, style->cell, n, y2) + 1);
  v->row_labels = x1 < style->margin && v->row0 < v->row1;
  v->col_labels = y1 < style->margin && v->col0 < v->col1;
}

/* A label as glyphs: converted once, drawn as its row and its column. */
typedef struct
{
  cairo_glyph_t *glyphs; /* cairo_glyph_free */
  int n_glyphs;
  double advance;
} Label;

/* The glyphs of text from the origin, cut and ended with an ellipsis when
 * wider than max_width. Cairo's toy font API maps each character to one
 * glyph, so a glyph's x is the width of the text before it. */
static void
label_fit (cairo_scaled_font_t *font,
           const char *text,
           double max_width,
           const Label *ellipsis,
           Label *label)
{
  cairo_text_extents_t ext;
  cairo_glyph_t *cut;
  int keep;

  *label = (Label){ NULL, 0, 0 };
  if (cairo_scaled_font_text_to_glyphs (font, 0, 0, text, -1, &label->glyphs, &label->n_glyphs,
                                        NULL, NULL, NULL) != CAIRO_STATUS_SUCCESS)
    {
      *label = (Label){ NULL, 0, 0 };
      return;
    }
  cairo_scaled_font_glyph_extents (font, label->glyphs, label->n_glyphs, &ext);
  label->advance = ext.x_advance;
  if (ext.x_advance <= max_width || label->n_glyphs == 0)
    return;

  /* The longest start that leaves room for the ellipsis. */
  for (keep = label->n_glyphs - 1; keep > 0; keep--)
    if (label->glyphs[keep].x + ellipsis->advance <= max_width)
      break;
  cut = cairo_glyph_allocate (keep + ellipsis->n_glyphs);
  if (cut == NULL)
    return;
  memcpy (cut, label->glyphs, sizeof *cut * keep);
  for (int g = 0; g < ellipsis->n_glyphs; g++)
    {
      cut[keep + g] = ellipsis->glyphs[g];
      cut[keep + g].x += label->glyphs[keep].x;
    }
  label->advance = label->glyphs[keep].x + ellipsis->advance;
  cairo_glyph_free (label->glyphs);
  label->glyphs = cut;
  label->n_glyphs = keep + ellipsis->n_glyphs;
}

/* Glyphs are placed from the origin: draws them from (x, y). */
static void
label_show (cairo_t *cr, const Label *label, double x, double y)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_show_glyphs (cr, label->glyphs, label->n_glyphs);
  cairo_restore (cr);
}

/* A cell's colour: a weight on the style's map, or a difference on the
 * diverging one. */
static guint32
cell_pixel (const AttentionRenderStyle *style, float score, float vmax)
{
  if (style->diverging > 0)
    return attention_colormap_diverging_pixel (score, style->diverging);
  return attention_colormap_pixel (style->colormap, style->scale, score, vmax);
}

/* One rectangle per run of equal colour in a row: exact in any viewer, and
 * runs keep [CLS]/[SEP]-heavy rows small. */
static void
draw_vector_cells (cairo_t *cr, const AttentionRenderStyle *style, const float *matrix, guint n)
{
  float vmax = 1;

  if (style->scale == ATTENTION_SCALE_CONTRAST)
    vmax = style->vmax > 0 ? style->vmax : attention_colormap_max (matrix, (gsize)n * n);
  cairo_save (cr);
  cairo_translate (cr, style->margin, style->margin);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (guint i = 0; i < n; i++)
    {
      const float *scores = matrix + (gsize)i * n;
      guint j = 0;

      while (j < n)
        {
          guint32 pixel = cell_pixel (style, scores[j], vmax);
          guint end = j + 1;

          while (end < n && cell_pixel (style, scores[end], vmax) == pixel)
            end++;
          cairo_set_source_rgb (cr, ((pixel >> 16) & 0xff) / 255.0, ((pixel >> 8) & 0xff) / 255.0,
                                (pixel & 0xff) / 255.0);
          cairo_rectangle (cr, style->cell * j, style->cell * i, style->cell * (end - j),
                           style->cell);
          cairo_fill (cr);
          j = end;
        }
    }
  cairo_restore (cr);
}

static void
draw_cells (
    cairo_t *cr, const AttentionRenderStyle *style, const float *matrix, guint n, const Visible *v)
{
  cairo_surface_t *cells;
  cairo_pattern_t *pattern;
  unsigned char *data;
  guint rows = v->row1 - v->row0, cols = v->col1 - v->col0;
  gboolean grey = style->colormap == ATTENTION_COLORMAP_GRAY &&
                  style->scale == ATTENTION_SCALE_LINEAR && !(style->diverging > 0);
  float vmax = 1;
  int stride;

  if (rows == 0 || cols == 0)
    return;

  /* One pixel per visible cell, scaled up without filtering: exact greys, no
   * seams between cells, and 512 tokens cost one image instead of 262,144
   * rectangles. */
  cells = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)cols, (int)rows);
  if (cairo_surface_status (cells) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (cells);
      return;
    }
  cairo_surface_flush (cells);
  data = cairo_image_surface_get_data (cells);
  stride = cairo_image_surface_get_stride (cells);
  /* The contrast scale stretches by the whole matrix, seen or not, so
   * scrolling does not change the colours. */
  if (style->scale == ATTENTION_SCALE_CONTRAST)
    vmax = style->vmax > 0 ? style->vmax : attention_colormap_max (matrix, (gsize)n * n);
  for (guint i = 0; i < rows; i++)
    {
      guint32 *row = (guint32 *)(gpointer)(data + (gsize)i * stride);
      const float *scores = matrix + (gsize)(v->row0 + i) * n + v->col0;

      /* The original look, inlined: the general path costs a call per cell. */
      if (grey)
        for (guint j = 0; j < cols; j++)
          row[j] = 0xff000000u | attention_colormap_grey (scores[j]) * 0x010101u;
      else
        for (guint j = 0; j < cols; j++)
          row[j] = cell_pixel (style, scores[j], vmax);
    }
  cairo_surface_mark_dirty (cells);

  cairo_save (cr);
  cairo_translate (cr, style->margin, style->margin);
  cairo_scale (cr, style->cell, style->cell);
  cairo_set_source_surface (cr, cells, v->col0, v->row0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, v->col0, v->row0, cols, rows);
  cairo_fill (cr);
  cairo_restore (cr);

  cairo_surface_destroy (cells);
}

/* The tint of token i's score behind its row and column labels, as wide as
 * the cell and as long as the label plus its padding. */
static void
draw_shade (cairo_t *cr,
            const AttentionRenderStyle *style,
            guint i,
            double advance,
            gboolean row,
            gboolean col)
{
  double rgb[3], alpha, pad = style->font_size * LABEL_PAD;
  double length = MIN (advance + 1.5 * pad, style->margin);
  double start = style->margin - length, centre = style->margin + style->cell * i;

  attention_colormap_signed_tint (style->label_shade[i], style->label_shade_vmax, rgb, &alpha);
  if (alpha <= 0)
    return;
  cairo_save (cr);
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.9 * alpha);
  if (row)
    cairo_rectangle (cr, start, centre, length - pad / 2, style->cell);
  if (col)
    cairo_rectangle (cr, centre, start, style->cell, length - pad / 2);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
draw_labels (cairo_t *cr,
             const AttentionRenderStyle *style,
             guint n,
             const char *const *labels,
             const Visible *v)
{
  cairo_font_extents_t fext;
  cairo_scaled_font_t *font;
  Label ellipsis;
  double pad = style->font_size * LABEL_PAD;
  double room = style->margin - 2 * pad;
  double baseline_shift;
  double dx = 0, dy = style->font_size;
  guint step, spill, first, end, row0, row1, col0, col1;

  if (labels == NULL || room <= 0 || style->font_size <= 0 || !(v->row_labels || v->col_labels))
    return;
  /* Text a few pixels tall on screen is a grey smudge, not a label: a whole
   * diagram of a long sentence shrunk into a thumbnail shows just cells. */
  cairo_user_to_device_distance (cr, &dx, &dy);
  if (hypot (dx, dy) < MIN_LABEL_PIXELS)
    return;

  cairo_save (cr);
  cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, style->font_size);
  cairo_font_extents (cr, &fext);
  font = cairo_get_scaled_font (cr);
  /* Centres the text's ascent/descent band on the row or column. */
  baseline_shift = (fext.ascent - fext.descent) / 2;
  /* Labels taller than their cell would pile into an unreadable smear (a
   * long sentence scaled down): then only every step-th one is drawn. */
  step = (guint)MAX (1.0, ceil ((fext.ascent + fext.descent) / style->cell - 1e-6));
  cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
  label_fit (font, "…", G_MAXDOUBLE, NULL, &ellipsis);

  /* Text taller than its cell reaches into the neighbouring ones: labels of
   * rows and columns just outside the clip can still show inside it. */
  spill = (guint)ceil ((fext.ascent + fext.descent) / 2 / style->cell);
  row0 = v->row0 - MIN (v->row0, spill);
  row1 = MIN (n, v->row1 + spill);
  col0 = v->col0 - MIN (v->col0, spill);
  col1 = MIN (n, v->col1 + spill);

  first = MIN (v->row_labels ? row0 : n, v->col_labels ? col0 : n);
  end = MAX (v->row_labels ? row1 : 0, v->col_labels ? col1 : 0);
  first -= first % step;
  for (guint i = first; i < end && labels[i] != NULL; i += step)
    {
      double centre = style->margin + style->cell * (i + 0.5);
      gboolean row = v->row_labels && i >= row0 && i < row1;
      gboolean col = v->col_labels && i >= col0 && i < col1;
      Label label;

      if (!row && !col)
        continue;
      label_fit (font, labels[i], room, &ellipsis, &label);
      if (style->label_shade != NULL)
        draw_shade (cr, style, i, label.advance, row, col);

      /* Rows: right-aligned against the grid. */
      if (row)
        label_show (cr, &label, style->margin - pad - label.advance, centre + baseline_shift);

      /* Columns: rotated a quarter turn, reading upwards from the grid, as
       * the original's rotate(90) of the label image. */
      if (col)
        {
          cairo_save (cr);
          cairo_translate (cr, centre, style->margin - pad);
          cairo_rotate (cr, -G_PI / 2);
          label_show (cr, &label, 0, baseline_shift);
          cairo_restore (cr);
        }
      cairo_glyph_free (label.glyphs);
    }
  cairo_glyph_free (ellipsis.glyphs);
  cairo_restore (cr);
}

/* Rows and columns past the trained length, their labels included. The
 * spacing follows the cell, so a small cell still gets a few stripes. */
static void
draw_hatch (cairo_t *cr, const AttentionRenderStyle *style, guint n)
{
  double spacing = CLAMP (style->cell / 3, 3, 12);
  double from, side;

  if (style->hatch_from == 0 || style->hatch_from >= n)
    return;
  from = style->margin + style->cell * style->hatch_from;
  side = style->cell * (n - style->hatch_from);
  /* Label bands, strongly, then the cells, lightly: the weights stay legible. */
  attention_hatch_rectangle (cr, 0, from, style->margin, side, spacing, 0.55);
  attention_hatch_rectangle (cr, from, 0, side, style->margin, spacing, 0.55);
  attention_hatch_rectangle (cr, style->margin, from, from - style->margin, side, spacing, 0.4);
  attention_hatch_rectangle (cr, from, style->margin, side, style->cell * n, spacing, 0.4);
}

static void
outline (cairo_t *cr,
         const AttentionRenderStyle *style,
         guint n,
         int row,
         int col,
         const double rgb[3],
         double width)
{
  double side = style->cell * n;

  if (row < 0 && col < 0)
    return;
  cairo_save (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, width);
  if (row >= 0 && (guint)row < n)
    cairo_rectangle (cr, style->margin + width / 2, style->margin + style->cell * row + width / 2,
                     side - width, style->cell - width);
  if (col >= 0 && (guint)col < n)
    cairo_rectangle (cr, style->margin + style->cell * col + width / 2, style->margin + width / 2,
                     style->cell - width, side - width);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_highlight (cairo_t *cr, const AttentionRenderStyle *style, guint n)
{
  double width = MAX (1.0, style->cell / 12);

  /* The pin under the hover: the hover's thin line shows inside it. */
  if (style->n_pins >= 2 && style->pins != NULL)
    for (guint p = 0; p < style->n_pins; p++)
      outline (cr, style, n, (int)style->pins[p], -1, pinned_rgb,
               MIN (MAX (2.0, style->cell / 6), style->cell / 2));
  else
    outline (cr, style, n, style->pinned, style->pinned, pinned_rgb,
             MIN (MAX (2.0, style->cell / 6), style->cell / 2));
  outline (cr, style, n, style->highlight_row, style->highlight_col, highlight_rgb, width);
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
      Visible visible;

      visible_range (cr, style, n, &visible);
      if (style->vector_cells)
        draw_vector_cells (cr, style, matrix, n);
      else
        draw_cells (cr, style, matrix, n, &visible);
      draw_hatch (cr, style, n);
      draw_labels (cr, style, n, labels, &visible);
      draw_highlight (cr, style, n);
    }
  attention_caption_draw (cr, style->caption, style->caption_size, style->font_family, style->fg,
                          attention_matrix_layout_extent (style->margin, style->cell, n), width);
  cairo_restore (cr);
}
