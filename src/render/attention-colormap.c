/* attention-colormap.c: weights to colours */

#include "attention-colormap.h"

#include <glib/gi18n.h>
#include <math.h>

/* viridis (matplotlib, van der Walt & Smith) at nine even stops, as
 * viridisLite's viridis(9); linear interpolation between them stays within a
 * couple of levels of the full 256-entry table. */
static const guint8 viridis_stops[][3] = {
  { 0x44, 0x01, 0x54 }, { 0x47, 0x2d, 0x7b }, { 0x3b, 0x52, 0x8b },
  { 0x2c, 0x72, 0x8e }, { 0x21, 0x91, 0x8c }, { 0x28, 0xae, 0x80 },
  { 0x5e, 0xc9, 0x62 }, { 0xad, 0xdc, 0x30 }, { 0xfd, 0xe7, 0x25 },
};

/* ColorBrewer RdBu (Cynthia Brewer, 9 classes), from its blue end to its red
 * end: the middle stop is the neutral one, so 0 reads as "no difference". */
static const guint8 diverging_stops[][3] = {
  { 0x21, 0x66, 0xac }, { 0x43, 0x93, 0xc3 }, { 0x92, 0xc5, 0xde },
  { 0xd1, 0xe5, 0xf0 }, { 0xf7, 0xf7, 0xf7 }, { 0xfd, 0xdb, 0xc7 },
  { 0xf4, 0xa5, 0x82 }, { 0xd6, 0x60, 0x4d }, { 0xb2, 0x18, 0x2b },
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

guint8
attention_colormap_grey (float score)
{
  /* NaN and out-of-range weights must not wrap around. */
  if (!(score > 0.0f))
    return 0;
  if (score >= 1.0f)
    return 255;
  /* round() in Python is half-to-even, but 255 × a float in (0, 1) is exact
   * in double and only 0.5 lands on a half (127.5 → 128 either way), so
   * adding ½ and truncating gives the same grey without a libm call per cell
   * (a 512-token matrix has 262,144). test-render checks this against lrint. */
  return (guint8)(255.0 * score + 0.5);
}

guint32
attention_colormap_pixel (AttentionColormap map, AttentionScale scale, float score, float vmax)
{
  guint8 rgb[3];

  /* The original look must stay bit-exact: the original's own rounding. */
  if (map == ATTENTION_COLORMAP_GRAY && scale == ATTENTION_SCALE_LINEAR)
    {
      guint32 g = attention_colormap_grey (score);

      return 0xff000000u | (g << 16) | (g << 8) | g;
    }
  attention_colormap_rgb (map, attention_colormap_scale (scale, score, vmax), rgb);
  return 0xff000000u | ((guint32)rgb[0] << 16) | ((guint32)rgb[1] << 8) | rgb[2];
}

void
attention_colormap_diverging_rgb (double t, guint8 rgb[3])
{
  double x;
  guint i;

  if (isnan (t))
    t = 0;
  t = CLAMP (t, -1.0, 1.0);
  x = (t + 1) / 2 * (G_N_ELEMENTS (diverging_stops) - 1);
  i = MIN ((guint)x, G_N_ELEMENTS (diverging_stops) - 2);
  for (guint c = 0; c < 3; c++)
    rgb[c] =
        (guint8)lrint (diverging_stops[i][c] * (1 - (x - i)) + diverging_stops[i + 1][c] * (x - i));
}

guint32
attention_colormap_diverging_pixel (float d, float range)
{
  guint8 rgb[3];

  attention_colormap_diverging_rgb (range > 0 ? d / range : 0, rgb);
  return 0xff000000u | ((guint32)rgb[0] << 16) | ((guint32)rgb[1] << 8) | rgb[2];
}

float
attention_colormap_max_abs (const float *values, gsize count)
{
  float max = 0;

  for (gsize k = 0; k < count; k++)
    if (isfinite (values[k]) && fabsf (values[k]) > max)
      max = fabsf (values[k]);
  return max;
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

void
attention_colormap_signed_tint (float v, float vmax, double rgb[3], double *alpha)
{
  static const double negative[3] = { 0.129, 0.400, 0.675 };
  static const double positive[3] = { 0.698, 0.094, 0.169 };
  double t = (isfinite (v) && vmax > 0) ? CLAMP ((double)v / vmax, -1.0, 1.0) : 0.0;

  for (int c = 0; c < 3; c++)
    rgb[c] = t < 0 ? negative[c] : positive[c];
  *alpha = fabs (t);
}
