/* attention-legend.h: the colour legend, a bar of the colour map and the
 * weights it stands for, drawn with Cairo alone. The matrix view stands one
 * beside its cells and the overview one under its score bars. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "attention-colormap.h"

G_BEGIN_DECLS

typedef struct
{
  AttentionColormap colormap;
  AttentionScale scale; /* where the weights sit along the bar */
  float vmax;           /* CONTRAST's top weight */
  /* Vertical: the top weight at the top, an outlined bar with ticks at the
   * scale's weights (0, ½, 1; 0.01, 0.1, 1 for LOG; 0 … vmax for CONTRAST)
   * and their values right of it. Horizontal: one line, the bottom weight
   * before the bar and the top one after it. */
  gboolean vertical;
  double length;    /* along the bar, in user units: one colour step each */
  double thickness; /* across the bar */
  double font_size;
  const char *font_family; /* NULL: Sans */
  double fg[4];            /* RGBA of the text and ticks (the outline: half opaque) */
  /* What the bar measures when it is not the attention weight ("α‖f‖" for
   * attention × value norms), written above a vertical bar; NULL for none. */
  const char *title;
  /* > 0: a legend of differences, the diverging map from −diverging (bottom
   * or left) through 0 to +diverging, ticks at both ends and at 0;
   * colormap, scale and vmax are then not used. */
  float diverging;
} AttentionLegendStyle;

/* Draws the bar with its top-left corner at the current origin; the labels
 * stand outside it (right of a vertical bar, before and after a horizontal
 * one). */
void attention_legend_draw (cairo_t *cr, const AttentionLegendStyle *style);

G_END_DECLS
