/* attention-colormap.c: weights to colours, and the legend that says how */

#include "attention-colormap.h"

#include <glib/gi18n.h>
#include <math.h>

#include "attention-render.h"

/* viridis (matplotlib, van der Walt & Smith) at nine even stops, as
 * viridisLite's viridis(9); linear interpolation between them stays within a
 * couple of levels of the full 256-entry table. */
static const guint8 viridis_stops[][3] = {
  { 0x44, 0x01, 0x54 }, { 0x47, 0x2d, 0x7b }, { 0x3b, 0x52, 0x8b },
  { 0x2c, 0x72, 0x8e }, { 0x21, 0x91, 0x8c }, { 0x28, 0xae, 0x80 },
  { 0x5e, 0xc9, 0x62 }, { 0xad, 0xdc, 0x30 }, { 0xfd, 0xe7, 0x25 },
};

#define LOG_BASE 100.0

double
attention_colormap_scale (AttentionScale scale, float score, float vmax)
{
  double t;

  if (!(score > 0.0f))
    return 0;
  switch (scale)
    {
      case ATTENTION_SCALE_LOG:
        t = log1p ((LOG_BASE - 1) * score) / log (LOG_BASE);
        break;
      case ATTENTION_SCALE_CONTRAST:
        t = vmax > 0 ? score / vmax : 0;
        break;
      case ATTENTION_SCALE_LINEAR:
      case ATTENTION_N_SCALES:
      default:
        t = score;
        break;
    }
  return CLAMP (t, 0.0, 1.0);
}

void
attention_colormap_rgb (AttentionColormap map, double t, guint8 rgb[3])
{
  if (!(t > 0))
    t = 0;
  if (t > 1)
    t = 1;

  if (map == ATTENTION_COLORMAP_VIRIDIS)
    {
      double x = t * (G_N_ELEMENTS (viridis_stops) - 1);
      guint i = MIN ((guint)x, G_N_ELEMENTS (viridis_stops) - 2);
      double f = x - i;

      for (guint c = 0; c < 3; c++)
        rgb[c] = (guint8)lrint (viridis_stops[i][c] * (1 - f) + viridis_stops[i + 1][c] * f);
      return;
    }
  rgb[0] = rgb[1] = rgb[2] = (guint8)lrint (255.0 * t);
}

guint32
attention_colormap_pixel (AttentionColormap map, AttentionScale scale, float score, float vmax)
{
  guint8 rgb[3];

  /* The original look must stay bit-exact: use the renderer's own rounding. */
  if (map == ATTENTION_COLORMAP_GRAY && scale == ATTENTION_SCALE_LINEAR)
    {
      guint32 g = attention_render_grey (score);

      return 0xff000000u | (g << 16) | (g << 8) | g;
    }
  attention_colormap_rgb (map, attention_colormap_scale (scale, score, vmax), rgb);
  return 0xff000000u | ((guint32)rgb[0] << 16) | ((guint32)rgb[1] << 8) | rgb[2];
}

float
attention_colormap_max (const float *values, gsize count)
{
  float max = 0;

  for (gsize k = 0; k < count; k++)
    if (isfinite (values[k]) && values[k] > max)
      max = values[k];
  return max;
}

const char *
attention_colormap_get_name (AttentionColormap map)
{
  switch (map)
    {
      case ATTENTION_COLORMAP_VIRIDIS:
        return _ ("Viridis");
      case ATTENTION_COLORMAP_GRAY:
      case ATTENTION_N_COLORMAPS:
      default:
        return _ ("Grayscale");
    }
}

const char *
attention_scale_get_name (AttentionScale scale)
{
  switch (scale)
    {
      case ATTENTION_SCALE_LOG:
        return _ ("Logarithmic");
      case ATTENTION_SCALE_CONTRAST:
        return _ ("Contrast");
      case ATTENTION_SCALE_LINEAR:
      case ATTENTION_N_SCALES:
      default:
        return _ ("Linear");
    }
}

char *
attention_scale_describe (AttentionScale scale, float vmax)
{
  switch (scale)
    {
      case ATTENTION_SCALE_LOG:
        return g_strdup (_ ("Log scale: colour = log(1 + 99 w) / log 100"));
      case ATTENTION_SCALE_CONTRAST:
        return g_strdup_printf (_ ("Contrast: stretched so that %.2f shows as the maximum"), vmax);
      case ATTENTION_SCALE_LINEAR:
      case ATTENTION_N_SCALES:
      default:
        return g_strdup (_ ("Linear scale: colour = attention weight"));
    }
}

double
attention_colormap_legend_height (double font_size)
{
  /* Bar, tick labels, scale line, with a little air between. */
  return font_size * 1.2 + font_size * 1.4 + font_size * 1.4;
}

static void
draw_tick (cairo_t *cr, double x, double bar_h, double font_size, double width, const char *text)
{
  cairo_text_extents_t ext;
  double tx;

  cairo_move_to (cr, x, 0);
  cairo_line_to (cr, x, bar_h + font_size * 0.2);
  cairo_stroke (cr);
  cairo_text_extents (cr, text, &ext);
  tx = CLAMP (x - ext.x_advance / 2, 0, MAX (0, width - ext.x_advance));
  cairo_move_to (cr, tx, bar_h + font_size * 1.3);
  cairo_show_text (cr, text);
}

void
attention_colormap_draw_legend (cairo_t *cr,
                                AttentionColormap map,
                                AttentionScale scale,
                                float vmax,
                                double width,
                                double font_size,
                                const double fg[3])
{
  const float log_ticks[] = { 0, 0.01f, 0.1f, 1 };
  const float lin_ticks[] = { 0, 0.5f, 1 };
  g_autofree char *line = NULL;
  cairo_surface_t *bar;
  cairo_pattern_t *pattern;
  double bar_h = font_size * 1.2;
  guint32 *pixels;

  g_return_if_fail (cr != NULL);
  if (width <= 0 || font_size <= 0)
    return;

  /* The bar is 256 pixels of the map itself, stretched: the same code path as
   * the cells, so the legend cannot disagree with them. */
  bar = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 1);
  if (cairo_surface_status (bar) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (bar);
      return;
    }
  cairo_surface_flush (bar);
  pixels = (guint32 *)(gpointer)cairo_image_surface_get_data (bar);
  for (guint x = 0; x < 256; x++)
    {
      guint8 rgb[3];

      attention_colormap_rgb (map, x / 255.0, rgb);
      pixels[x] = 0xff000000u | ((guint32)rgb[0] << 16) | ((guint32)rgb[1] << 8) | rgb[2];
    }
  cairo_surface_mark_dirty (bar);

  cairo_save (cr);
  cairo_save (cr);
  cairo_scale (cr, width / 256.0, bar_h);
  cairo_set_source_surface (cr, bar, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, 256, 1);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (bar);

  cairo_set_source_rgb (cr, fg[0], fg[1], fg[2]);
  cairo_set_line_width (cr, MAX (1.0, font_size / 14));
  cairo_rectangle (cr, 0, 0, width, bar_h);
  cairo_stroke (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, font_size);

  /* Ticks sit where those weights land after scaling, so a log legend shows
   * 0.01 and 0.1 well to the right of where a linear one would. */
  if (scale == ATTENTION_SCALE_LOG)
    for (guint i = 0; i < G_N_ELEMENTS (log_ticks); i++)
      {
        char text[16];

        g_snprintf (text, sizeof text, "%g", log_ticks[i]);
        draw_tick (cr, width * attention_colormap_scale (scale, log_ticks[i], 1), bar_h, font_size,
                   width, text);
      }
  else
    for (guint i = 0; i < G_N_ELEMENTS (lin_ticks); i++)
      {
        float w = scale == ATTENTION_SCALE_CONTRAST ? lin_ticks[i] * vmax : lin_ticks[i];
        char text[16];

        g_snprintf (text, sizeof text, "%.2g", w);
        draw_tick (cr, width * lin_ticks[i], bar_h, font_size, width, text);
      }

  line = attention_scale_describe (scale, vmax);
  cairo_move_to (cr, 0, bar_h + font_size * 2.7);
  cairo_show_text (cr, line);
  cairo_restore (cr);
}
