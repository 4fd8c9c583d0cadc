/* attention-neuron-render.c: the neuron view of one head (see the header),
 * drawn with Cairo alone so the page and the exported files share every
 * pixel rule. */

#include "attention-neuron-render.h"

#include "attention-caption.h"
#include "attention-hatch.h"

#include <float.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* Room between a label and its column's edge, as a fraction of the font size. */
#define LABEL_PAD 0.5
/* The q band: one row of q_i plus half a row of air before the key rows. */
#define BAND_ROWS 1.5
/* Cells fill this much of a row's height, so neighbouring rows stay apart. */
#define CELL_FILL 0.8
/* Outline of the picked query and the hovered entry (GNOME blue 3). */
static const double focus_rgb[3] = { 0.208, 0.518, 0.894 };
/* The diverging map's ends: ColorBrewer RdBu's darkest blue and red. */
static const double negative_rgb[3] = { 0.129, 0.400, 0.675 };
static const double positive_rgb[3] = { 0.698, 0.094, 0.169 };

/* --- the numbers ------------------------------------------------------------------ */

gboolean
attention_neuron_values_init (AttentionNeuronValues *values, const AttentionNeuronData *data)
{
  const float *q;
  double scale, max_score = -INFINITY, sum = 0;
  float vmax_qk = FLT_MIN, vmax_product = FLT_MIN, vmax_score = FLT_MIN;

  g_return_val_if_fail (values != NULL, FALSE);
  memset (values, 0, sizeof *values);
  g_return_val_if_fail (data != NULL, FALSE);
  if (data->n == 0 || data->d == 0 || data->query >= data->n || data->queries == NULL ||
      data->keys == NULL)
    return FALSE;

  q = data->queries + (gsize)data->query * data->d;
  scale = 1.0 / sqrt ((double)data->d);
  values->products = g_new (float, (gsize)data->n * data->d);
  values->scores = g_new (float, data->n);
  values->softmax = g_new (float, data->n);
  for (guint e = 0; e < data->d; e++)
    vmax_qk = MAX (vmax_qk, fabsf (q[e]));
  for (guint j = 0; j < data->n; j++)
    {
      const float *k = data->keys + (gsize)j * data->d;
      float *p = values->products + (gsize)j * data->d;
      double dot = 0;

      for (guint e = 0; e < data->d; e++)
        {
          double product = (double)q[e] * k[e];

          p[e] = (float)product;
          dot += product;
          vmax_qk = MAX (vmax_qk, fabsf (k[e]));
          vmax_product = MAX (vmax_product, fabsf (p[e]));
        }
      values->scores[j] = (float)(dot * scale);
      vmax_score = MAX (vmax_score, fabsf (values->scores[j]));
      max_score = MAX (max_score, dot * scale);
    }
  /* Softmax with the maximum subtracted first, so large scores cannot
   * overflow exp (). */
  for (guint j = 0; j < data->n; j++)
    sum += exp ((double)values->scores[j] - max_score);
  for (guint j = 0; j < data->n; j++)
    values->softmax[j] =
        data->head_off ? 0.0f : (float)(exp ((double)values->scores[j] - max_score) / sum);
  values->vmax_qk = isfinite (vmax_qk) ? vmax_qk : FLT_MAX;
  values->vmax_product = isfinite (vmax_product) ? vmax_product : FLT_MAX;
  values->vmax_score = isfinite (vmax_score) ? vmax_score : FLT_MAX;
  return TRUE;
}

void
attention_neuron_values_clear (AttentionNeuronValues *values)
{
  g_return_if_fail (values != NULL);

  g_clear_pointer (&values->products, g_free);
  g_clear_pointer (&values->scores, g_free);
  g_clear_pointer (&values->softmax, g_free);
}

void
attention_neuron_diverging_rgb (float v, float vmax, double rgb[3])
{
  double t = (isfinite (v) && vmax > 0) ? CLAMP ((double)v / vmax, -1.0, 1.0) : 0.0;
  const double *end = t < 0 ? negative_rgb : positive_rgb;

  t = fabs (t);
  for (int c = 0; c < 3; c++)
    rgb[c] = 1.0 + (end[c] - 1.0) * t;
}

/* --- geometry ---------------------------------------------------------------------- */

void
attention_neuron_style_init_export (AttentionNeuronStyle *style)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  style->row_height = 24;
  style->label_width = 120;
  style->cell_width = 4;
  style->number_width = 64;
  style->gap = 16;
  style->header = 32;
  style->font_size = 14;
  style->font_family = "Sans";
  style->fg[0] = style->fg[1] = style->fg[2] = 0.1;
  style->bg[0] = style->bg[1] = style->bg[2] = 1.0;
  style->draw_background = TRUE;
  style->colormap = ATTENTION_COLORMAP_GRAY;
  style->caption_size = 14;
}

static void
select_font (cairo_t *cr, const AttentionNeuronStyle *style, double size)
{
  cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

static const char *
title_query (void)
{
  return _ ("Query");
}

static const char *
title_key (void)
{
  return _ ("Key");
}

double
attention_neuron_measure_labels (const AttentionNeuronStyle *style,
                                 const char *const *labels,
                                 guint n,
                                 double max_width)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double widest = 0;
  const char *titles[] = { title_query (), title_key () };

  g_return_val_if_fail (style != NULL, 0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cr = cairo_create (surface);
  select_font (cr, style, style->font_size);
  for (guint i = 0; i < n + G_N_ELEMENTS (titles); i++)
    {
      const char *text = i < n ? (labels ? labels[i] : NULL) : titles[i - n];
      cairo_text_extents_t ext;

      if (text == NULL)
        continue;
      cairo_text_extents (cr, text, &ext);
      widest = MAX (widest, ext.x_advance);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return MIN (max_width, ceil (widest + 2 * LABEL_PAD * style->font_size));
}

/* Left edges of the columns. */
typedef struct
{
  double query_label, key, product, score, softmax, key_label, width;
} Columns;

static Columns
columns (const AttentionNeuronStyle *style, guint d)
{
  Columns c;
  double strip = style->cell_width * d;

  c.query_label = 0;
  c.key = style->label_width + style->gap;
  c.product = c.key + strip + style->gap;
  c.score = c.product + strip + style->gap;
  c.softmax = c.score + style->number_width + style->gap;
  c.key_label = c.softmax + style->number_width + style->gap;
  c.width = c.key_label + style->label_width;
  return c;
}

double
attention_neuron_fit_cells (
    const AttentionNeuronStyle *style, guint d, double width, double min_cell, double max_cell)
{
  double fixed;

  g_return_val_if_fail (style != NULL, min_cell);

  if (d == 0)
    return max_cell;
  fixed = 2 * style->label_width + 2 * style->number_width + 5 * style->gap;
  return CLAMP (floor ((width - fixed) / (2.0 * d) * 4) / 4, min_cell, max_cell);
}

double
attention_neuron_get_sticky_height (const AttentionNeuronStyle *style)
{
  g_return_val_if_fail (style != NULL, 0);

  return style->header + BAND_ROWS * style->row_height;
}

void
attention_neuron_get_size (
    const AttentionNeuronStyle *style, guint n, guint d, double *width, double *height)
{
  g_return_if_fail (style != NULL);

  if (width)
    *width = columns (style, d).width;
  if (height)
    *height = attention_neuron_get_sticky_height (style) + style->row_height * n +
              attention_caption_height (style->caption, style->caption_size);
}

static double
row_top (const AttentionNeuronStyle *style, guint row)
{
  return attention_neuron_get_sticky_height (style) + style->row_height * row - style->scroll;
}

AttentionNeuronPart
attention_neuron_hit (const AttentionNeuronStyle *style,
                      guint n,
                      guint d,
                      guint query,
                      double x,
                      double y,
                      guint *row,
                      guint *dim)
{
  Columns c;
  double band_top, inset;
  guint r;

  g_return_val_if_fail (style != NULL, ATTENTION_NEURON_NONE);

  if (row)
    *row = 0;
  if (dim)
    *dim = 0;
  if (n == 0 || d == 0 || style->row_height <= 0 || x < 0 || y < style->header)
    return ATTENTION_NEURON_NONE;
  c = columns (style, d);
  inset = style->row_height * (1 - CELL_FILL) / 2;
  band_top = style->header;
  if (y < attention_neuron_get_sticky_height (style))
    {
      /* The q band: only the strip of q_i answers. */
      if (y < band_top + inset || y >= band_top + style->row_height - inset || x < c.key ||
          x >= c.key + style->cell_width * d || query >= n)
        return ATTENTION_NEURON_NONE;
      if (row)
        *row = query;
      if (dim)
        *dim = MIN ((guint)((x - c.key) / style->cell_width), d - 1);
      return ATTENTION_NEURON_QUERY;
    }
  {
    double offset = (y - row_top (style, 0)) / style->row_height;

    if (offset < 0 || offset >= n)
      return ATTENTION_NEURON_NONE;
    r = (guint)offset;
  }
  if (row)
    *row = r;
  if (x < style->label_width)
    return ATTENTION_NEURON_QUERY_TOKEN;
  if (x >= c.key_label && x < c.width)
    return ATTENTION_NEURON_KEY_TOKEN;
  /* The strips and cells answer only inside their rows' cells. */
  {
    double top = row_top (style, r);

    if (y < top + inset || y >= top + style->row_height - inset)
      return ATTENTION_NEURON_NONE;
  }
  if (x >= c.key && x < c.key + style->cell_width * d)
    {
      if (dim)
        *dim = MIN ((guint)((x - c.key) / style->cell_width), d - 1);
      return ATTENTION_NEURON_KEY;
    }
  if (x >= c.product && x < c.product + style->cell_width * d)
    {
      if (dim)
        *dim = MIN ((guint)((x - c.product) / style->cell_width), d - 1);
      return ATTENTION_NEURON_PRODUCT;
    }
  if (x >= c.score && x < c.score + style->number_width)
    return ATTENTION_NEURON_SCORE;
  if (x >= c.softmax && x < c.softmax + style->number_width)
    return ATTENTION_NEURON_SOFTMAX;
  return ATTENTION_NEURON_NONE;
}

/* --- drawing ------------------------------------------------------------------------ */

static void
show_text (cairo_t *cr,
           const char *text,
           double x,
           double y_mid,
           double max_width,
           gboolean align_end,
           gboolean centre)
{
  cairo_font_extents_t fext;

  cairo_font_extents (cr, &fext);
  if (centre)
    {
      cairo_text_extents_t ext;

      cairo_text_extents (cr, text, &ext);
      x -= MIN (ext.x_advance, max_width) / 2;
    }
  cairo_move_to (cr, x, y_mid + (fext.ascent - fext.descent) / 2);
  attention_text_show_fitted (cr, text, max_width, align_end);
}

/* Black on light cells, white on dark ones (relative luminance). */
static void
set_text_on (cairo_t *cr, const double rgb[3])
{
  double luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];

  if (luminance > 0.5)
    cairo_set_source_rgb (cr, 0, 0, 0);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
}

static void
draw_strip (cairo_t *cr,
            const AttentionNeuronStyle *style,
            const float *values,
            guint d,
            float vmax,
            double x,
            double top)
{
  double inset = style->row_height * (1 - CELL_FILL) / 2;
  double h = style->row_height * CELL_FILL;

  for (guint e = 0; e < d; e++)
    {
      double rgb[3];

      attention_neuron_diverging_rgb (values[e], vmax, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, x + e * style->cell_width, top + inset, style->cell_width, h);
      cairo_fill (cr);
    }
  /* A thin outline, so an all-white (near 0) vector still shows its extent. */
  cairo_set_source_rgba (cr, style->fg[0], style->fg[1], style->fg[2], 0.35);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x - 0.5, top + inset - 0.5, style->cell_width * d + 1, h + 1);
  cairo_stroke (cr);
}

static void
outline (cairo_t *cr, double x, double y, double w, double h)
{
  cairo_set_source_rgb (cr, focus_rgb[0], focus_rgb[1], focus_rgb[2]);
  cairo_set_line_width (cr, 2);
  cairo_rectangle (cr, x - 1, y - 1, w + 2, h + 2);
  cairo_stroke (cr);
}

static void
draw_number_cell (cairo_t *cr,
                  const AttentionNeuronStyle *style,
                  const double rgb[3],
                  float value,
                  double x,
                  double top)
{
  double inset = style->row_height * (1 - CELL_FILL) / 2;
  char text[32];

  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_rectangle (cr, x, top + inset, style->number_width, style->row_height * CELL_FILL);
  cairo_fill (cr);
  set_text_on (cr, rgb);
  g_snprintf (text, sizeof text, "%.2f", value);
  show_text (cr, text, x + style->number_width / 2, top + style->row_height / 2,
             style->number_width, FALSE, TRUE);
}

static void
draw_token (cairo_t *cr,
            const AttentionNeuronStyle *style,
            const char *label,
            double x,
            double top,
            gboolean align_end,
            gboolean picked)
{
  double pad = LABEL_PAD * style->font_size;

  if (picked)
    {
      cairo_set_source_rgb (cr, focus_rgb[0], focus_rgb[1], focus_rgb[2]);
      cairo_rectangle (cr, x + 2, top + 1, style->label_width - 4, style->row_height - 2);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
    }
  else
    cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
  show_text (cr, label ? label : "", align_end ? x + style->label_width - pad : x + pad,
             top + style->row_height / 2, style->label_width - 2 * pad, align_end, FALSE);
}

static void
draw_rows (cairo_t *cr,
           const AttentionNeuronStyle *style,
           const AttentionNeuronData *data,
           const AttentionNeuronValues *values,
           const Columns *c)
{
  double x1, y1, x2, y2;
  guint first, last;

  cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
  {
    double from = (MAX (y1, attention_neuron_get_sticky_height (style)) - row_top (style, 0)) /
                  style->row_height;
    double to = (y2 - row_top (style, 0)) / style->row_height;

    if (to < 0 || from >= data->n)
      return;
    first = from < 0 ? 0 : (guint)from;
    last = MIN ((guint)ceil (MAX (to, 0)), data->n);
  }
  for (guint j = first; j < last; j++)
    {
      double top = row_top (style, j);
      double rgb[3];
      guint8 grey[3];

      draw_token (cr, style, data->labels ? data->labels[j] : NULL, c->query_label, top, TRUE,
                  j == data->query);
      draw_strip (cr, style, data->keys + (gsize)j * data->d, data->d, values->vmax_qk, c->key,
                  top);
      draw_strip (cr, style, values->products + (gsize)j * data->d, data->d, values->vmax_product,
                  c->product, top);
      attention_neuron_diverging_rgb (values->scores[j], values->vmax_score, rgb);
      draw_number_cell (cr, style, rgb, values->scores[j], c->score, top);
      attention_colormap_rgb (
          style->colormap,
          attention_colormap_scale (ATTENTION_SCALE_LINEAR, values->softmax[j], 1.0f), grey);
      for (int k = 0; k < 3; k++)
        rgb[k] = grey[k] / 255.0;
      draw_number_cell (cr, style, rgb, values->softmax[j], c->softmax, top);
      draw_token (cr, style, data->labels ? data->labels[j] : NULL, c->key_label, top, FALSE,
                  FALSE);
    }
  /* Past the trained length: the token columns strongly, the numbers lightly
   * (they stay legible), as the matrix does. */
  if (data->hatch_from > 0 && data->hatch_from < last)
    {
      guint from = MAX (first, data->hatch_from);
      double top = row_top (style, from), height = style->row_height * (last - from);
      double spacing = CLAMP (style->row_height / 3, 3, 12);

      attention_hatch_rectangle (cr, c->query_label, top, style->label_width, height, spacing,
                                 0.55);
      attention_hatch_rectangle (cr, c->key, top, c->key_label - c->key, height, spacing, 0.4);
      attention_hatch_rectangle (cr, c->key_label, top, style->label_width, height, spacing, 0.55);
    }
}

/* The entry under the pointer, outlined, in the rows (the q entry it
 * multiplies is outlined over the header, which the rows' clip leaves out). */
static void
draw_hover (cairo_t *cr,
            const AttentionNeuronStyle *style,
            const AttentionNeuronData *data,
            const Columns *c)
{
  double inset = style->row_height * (1 - CELL_FILL) / 2;
  double h = style->row_height * CELL_FILL;
  double top = row_top (style, style->hover_row) + inset;
  guint dim = style->hover_dim;

  if (style->hover_row >= data->n || dim >= data->d)
    return;
  switch (style->hover_part)
    {
      case ATTENTION_NEURON_KEY:
        outline (cr, c->key + dim * style->cell_width, top, style->cell_width, h);
        break;
      case ATTENTION_NEURON_PRODUCT:
        outline (cr, c->product + dim * style->cell_width, top, style->cell_width, h);
        break;
      case ATTENTION_NEURON_SCORE:
        outline (cr, c->score, top, style->number_width, h);
        break;
      case ATTENTION_NEURON_SOFTMAX:
        outline (cr, c->softmax, top, style->number_width, h);
        break;
      case ATTENTION_NEURON_QUERY_TOKEN:
        outline (cr, c->query_label + 2, top, style->label_width - 4, h);
        break;
      case ATTENTION_NEURON_KEY_TOKEN:
        outline (cr, c->key_label + 2, top, style->label_width - 4, h);
        break;
      case ATTENTION_NEURON_NONE:
      default:
        break;
    }
}

static void
draw_header (cairo_t *cr,
             const AttentionNeuronStyle *style,
             const AttentionNeuronData *data,
             const AttentionNeuronValues *values,
             const Columns *c)
{
  double pad = LABEL_PAD * style->font_size;
  double mid = style->header / 2;
  double strip = style->cell_width * data->d;
  double band = style->header;

  if (style->draw_background)
    {
      cairo_set_source_rgb (cr, style->bg[0], style->bg[1], style->bg[2]);
      cairo_rectangle (cr, 0, 0, c->width, attention_neuron_get_sticky_height (style));
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
  show_text (cr, title_query (), style->label_width - pad, mid, style->label_width - 2 * pad, TRUE,
             FALSE);
  /* TRANSLATORS: the key vectors k_j of the neuron view. */
  show_text (cr, _ ("Keys k"), c->key + strip / 2, mid, strip + style->gap, FALSE, TRUE);
  /* TRANSLATORS: the elementwise product of the query and each key. */
  show_text (cr, _ ("q × k"), c->product + strip / 2, mid, strip + style->gap, FALSE, TRUE);
  /* TRANSLATORS: the scaled dot product of the neuron view's column. */
  show_text (cr, _ ("q·k/√d"), c->score + style->number_width / 2, mid,
             style->number_width + style->gap, FALSE, TRUE);
  show_text (cr, _ ("Softmax"), c->softmax + style->number_width / 2, mid,
             style->number_width + style->gap, FALSE, TRUE);
  show_text (cr, title_key (), c->key_label + pad, mid, style->label_width - 2 * pad, FALSE, FALSE);

  /* The q band: q_i above the keys it multiplies (its token is the one
   * marked in the query column). */
  cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
  show_text (cr, "q", style->label_width - pad, band + style->row_height / 2,
             style->label_width - 2 * pad, TRUE, FALSE);
  draw_strip (cr, style, data->queries + (gsize)data->query * data->d, data->d, values->vmax_qk,
              c->key, band);
  if (data->hatch_from > 0 && data->query >= data->hatch_from)
    attention_hatch_rectangle (cr, c->key, band, strip, style->row_height,
                               CLAMP (style->row_height / 3, 3, 12), 0.4);
}

void
attention_neuron_draw (cairo_t *cr,
                       const AttentionNeuronStyle *style,
                       const AttentionNeuronData *data,
                       const AttentionNeuronValues *values)
{
  Columns c;
  double width, height, sticky;

  g_return_if_fail (cr != NULL && style != NULL && data != NULL && values != NULL);
  if (data->n == 0 || data->d == 0 || data->query >= data->n || values->scores == NULL)
    return;

  c = columns (style, data->d);
  attention_neuron_get_size (style, data->n, data->d, &width, &height);
  sticky = attention_neuron_get_sticky_height (style);
  cairo_save (cr);
  if (style->draw_background)
    {
      cairo_set_source_rgb (cr, style->bg[0], style->bg[1], style->bg[2]);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  select_font (cr, style, style->font_size);

  /* The rows scroll under the header and the q band. */
  cairo_save (cr);
  cairo_rectangle (cr, 0, sticky, width, height - sticky);
  cairo_clip (cr);
  draw_rows (cr, style, data, values, &c);
  if (style->hover_part != ATTENTION_NEURON_NONE && style->hover_part != ATTENTION_NEURON_QUERY)
    draw_hover (cr, style, data, &c);
  cairo_restore (cr);

  draw_header (cr, style, data, values, &c);
  if (style->hover_part == ATTENTION_NEURON_QUERY || style->hover_part == ATTENTION_NEURON_KEY ||
      style->hover_part == ATTENTION_NEURON_PRODUCT)
    {
      double inset = style->row_height * (1 - CELL_FILL) / 2;

      if (style->hover_dim < data->d)
        outline (cr, c.key + style->hover_dim * style->cell_width, style->header + inset,
                 style->cell_width, style->row_height * CELL_FILL);
    }

  if (style->caption != NULL)
    attention_caption_draw (cr, style->caption, style->caption_size, style->font_family, style->fg,
                            sticky + style->row_height * data->n - style->scroll, width);
  cairo_restore (cr);
}
