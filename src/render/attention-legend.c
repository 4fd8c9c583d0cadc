/* attention-legend.c: the colour legend (see attention-legend.h) */

#include "attention-legend.h"

/* Space between the bar and its labels, as a fraction of the font size. */
#define LABEL_GAP 0.45
#define TICK_LENGTH 4.0
#define TICK_GAP 6.0

/* The bar as an image of one pixel per step, scaled across without
 * filtering: each step is one colour, whatever the device scale. */
static void
draw_bar (cairo_t *cr, const AttentionLegendStyle *style, int steps)
{
  cairo_surface_t *bar;
  cairo_pattern_t *pattern;
  unsigned char *data;
  int stride;

  bar = cairo_image_surface_create (CAIRO_FORMAT_RGB24, style->vertical ? 1 : steps,
                                    style->vertical ? steps : 1);
  if (cairo_surface_status (bar) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (bar);
      return;
    }
  cairo_surface_flush (bar);
  data = cairo_image_surface_get_data (bar);
  stride = cairo_image_surface_get_stride (bar);
  for (int i = 0; i < steps; i++)
    {
      /* The middle of each step; a vertical bar has the top weight on top. */
      double t = (i + 0.5) / steps;
      guint8 rgb[3];
      guint32 *pixel;

      t = style->vertical ? 1 - t : t;
      if (style->diverging > 0)
        attention_colormap_diverging_rgb (2 * t - 1, rgb);
      else
        attention_colormap_rgb (style->colormap, t, rgb);
      pixel = (guint32 *)(gpointer)(data + (style->vertical ? (gsize)i * stride : (gsize)i * 4));
      *pixel = 0xff000000u | ((guint32)rgb[0] << 16) | ((guint32)rgb[1] << 8) | rgb[2];
    }
  cairo_surface_mark_dirty (bar);

  cairo_save (cr);
  if (style->vertical)
    cairo_scale (cr, style->thickness, 1);
  else
    cairo_scale (cr, 1, style->thickness);
  cairo_set_source_surface (cr, bar, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, style->vertical ? 1 : steps, style->vertical ? steps : 1);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (bar);
}

/* The weights the ticks mark: where the scale puts detail. */
static void
tick_weights (const AttentionLegendStyle *style, double ticks[3])
{
  if (style->diverging > 0)
    {
      ticks[0] = -style->diverging, ticks[1] = 0, ticks[2] = style->diverging;
      return;
    }
  switch (style->scale)
    {
      case ATTENTION_SCALE_LOG:
        ticks[0] = 0.01, ticks[1] = 0.1, ticks[2] = 1;
        break;
      case ATTENTION_SCALE_CONTRAST:
        ticks[0] = 0, ticks[1] = style->vmax / 2, ticks[2] = style->vmax;
        break;
      case ATTENTION_SCALE_LINEAR:
      case ATTENTION_N_SCALES:
      default:
        ticks[0] = 0, ticks[1] = 0.5, ticks[2] = 1;
        break;
    }
}

static void
draw_ticks (cairo_t *cr, const AttentionLegendStyle *style, int steps)
{
  double ticks[3];

  tick_weights (style, ticks);
  cairo_set_source_rgba (cr, style->fg[0], style->fg[1], style->fg[2], 0.5);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, 0.5, 0.5, style->thickness - 1, steps - 1);
  cairo_stroke (cr);

  cairo_set_source_rgba (cr, style->fg[0], style->fg[1], style->fg[2], style->fg[3]);
  for (guint k = 0; k < G_N_ELEMENTS (ticks); k++)
    {
      double at = style->diverging > 0
                      ? (ticks[k] / style->diverging + 1) / 2
                      : attention_colormap_scale (style->scale, (float)ticks[k], style->vmax);
      double y = (1.0 - at) * steps;
      char text[32];

      /* Differences carry their sign (+0.2 is the first's side, -0.2 the
       * second's), in two digits: the legend's column is narrow. */
      if (style->diverging > 0)
        g_snprintf (text, sizeof text, ticks[k] > 0 ? "+%.2g" : "%.2g", ticks[k]);
      else
        g_snprintf (text, sizeof text, "%.3g", ticks[k]);
      y = CLAMP (y, 0.5, steps - 0.5);
      cairo_move_to (cr, style->thickness, y);
      cairo_line_to (cr, style->thickness + TICK_LENGTH, y);
      cairo_stroke (cr);
      cairo_move_to (cr, style->thickness + TICK_GAP,
                     CLAMP (y + style->font_size * 0.35, style->font_size * 0.8, steps));
      cairo_show_text (cr, text);
    }
}

static void
draw_ends (cairo_t *cr, const AttentionLegendStyle *style, int steps)
{
  cairo_text_extents_t ext;
  double gap = style->font_size * LABEL_GAP;
  /* The text's middle on the bar's. */
  double baseline = style->thickness / 2 + style->font_size * 0.35;
  char low[32], high[32];

  if (style->diverging > 0)
    {
      g_snprintf (low, sizeof low, "%.2g", -style->diverging);
      g_snprintf (high, sizeof high, "+%.2g", style->diverging);
    }
  else
    {
      g_snprintf (low, sizeof low, "%.3g", 0.0);
      g_snprintf (high, sizeof high, "%.3g",
                  style->scale == ATTENTION_SCALE_CONTRAST ? style->vmax : 1.0);
    }
  cairo_set_source_rgba (cr, style->fg[0], style->fg[1], style->fg[2], style->fg[3]);
  cairo_text_extents (cr, low, &ext);
  cairo_move_to (cr, -gap - ext.x_advance, baseline);
  cairo_show_text (cr, low);
  cairo_move_to (cr, steps + gap, baseline);
  cairo_show_text (cr, high);
}

void
attention_legend_draw (cairo_t *cr, const AttentionLegendStyle *style)
{
  int steps;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  steps = (int)style->length;
  if (steps <= 0 || style->thickness <= 0)
    return;

  cairo_save (cr);
  draw_bar (cr, style, steps);
  cairo_select_font_face (cr, style->font_family ? style->font_family : "Sans",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, style->font_size);
  if (style->vertical)
    {
      draw_ticks (cr, style, steps);
      if (style->title != NULL)
        {
          cairo_move_to (cr, 0, -style->font_size * 0.6);
          cairo_show_text (cr, style->title);
        }
    }
  else
    draw_ends (cr, style, steps);
  cairo_restore (cr);
}
