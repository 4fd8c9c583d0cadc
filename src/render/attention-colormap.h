/* attention-colormap.h: how an attention weight becomes a colour. Grayscale is
 * the original exercise's look and the default; viridis is perceptually
 * uniform and readable for colour-blind users. Optional scalings bring out
 * small weights; the legend (attention-legend) shows them. No Cairo, no GTK. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATTENTION_COLORMAP_GRAY = 0, /* black 0 … white 1, as the original */
  ATTENTION_COLORMAP_VIRIDIS,
  ATTENTION_N_COLORMAPS /*< skip >*/
} AttentionColormap;

typedef enum
{
  ATTENTION_SCALE_LINEAR = 0, /* the weight itself */
  ATTENTION_SCALE_LOG,        /* log(1 + 99 w) / log(100): 0.01 lands at 0.15 */
  ATTENTION_SCALE_CONTRAST,   /* w / (largest weight shown): stretched to full range */
  ATTENTION_N_SCALES          /*< skip >*/
} AttentionScale;

/* Position 0..1 on the colour map of weight `score`; vmax is the largest
 * weight shown (used by CONTRAST only). NaN and negatives give 0. */
double attention_colormap_scale (AttentionScale scale, float score, float vmax);
/* RGB of position t (0..1) on the map. */
void attention_colormap_rgb (AttentionColormap map, double t, guint8 rgb[3]);
/* Grey level of a score as in the original: round(255 × score), clamped. */
guint8 attention_colormap_grey (float score);
/* 0xffRRGGBB for a Cairo RGB24/ARGB32 pixel. GRAY + LINEAR gives exactly the
 * original grey, attention_colormap_grey (score). */
guint32
attention_colormap_pixel (AttentionColormap map, AttentionScale scale, float score, float vmax);
/* A signed difference on a diverging map centred on 0 (ColorBrewer RdBu):
 * t = -1 is dark blue, 0 near-white, +1 dark red. NaN gives the centre. */
void attention_colormap_diverging_rgb (double t, guint8 rgb[3]);
/* 0xffRRGGBB of difference d on that map, ±range at its ends (clamped). */
guint32 attention_colormap_diverging_pixel (float d, float range);
/* Largest finite |value| of count floats (0 if none). */
float attention_colormap_max_abs (const float *values, gsize count);
/* Largest finite value of count floats (0 if none is positive). */
float attention_colormap_max (const float *values, gsize count);

/* A signed score as a tint that reads on any background: blue for negative,
 * red for positive (ColorBrewer RdBu's ends, as the neuron view's map), at
 * opacity |v| / vmax (clamped; 0 for NaN or vmax ≤ 0). */
void attention_colormap_signed_tint (float v, float vmax, double rgb[3], double *alpha);

/* Translated names for menus. */
const char *attention_colormap_get_name (AttentionColormap map);
const char *attention_scale_get_name (AttentionScale scale);

G_END_DECLS
