/* attention-render.h: draws one attention matrix with its token labels using
 * Cairo only. The view and the exporter both call this, so the screen and the
 * PNG files look alike. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "attention-colormap.h"

G_BEGIN_DECLS

typedef struct
{
  double cell;      /* cell edge in user units (40 in the original) */
  double margin;    /* room for labels left and top (200 in the original) */
  double font_size; /* label size (28 px in the original) */
  const char *font_family;
  double fg[3]; /* label colour, RGB 0..1 (white) */
  double bg[3]; /* background (black) */
  gboolean draw_background;
  int highlight_row; /* -1 for none: a thin outline around a query row */
  int highlight_col; /* -1 for none: a thin outline around a key column */
  /* -1 for none: a pinned token, its row and column in a thicker outline of
   * another colour than the hovered ones, so the two never look alike. */
  int pinned;
  /* Several pinned tokens (Ctrl+click): each one's row outlined in the
   * pinned look (their columns would fill the grid with outlines). */
  const guint *pins;
  guint n_pins;
  const char *caption; /* optional line(s) under the matrix; NULL for none */
  double caption_size;
  /* Analysis views: zero (grayscale, linear) is the original look. */
  AttentionColormap colormap;
  AttentionScale scale;
  /* Cells as filled rectangles instead of one scaled image: for SVG and PDF,
   * where viewers would otherwise smooth the image into a blur. */
  gboolean vector_cells;
  /* CONTRAST's top weight; 0 takes the matrix's own largest. Two matrices
   * shown side by side pass the larger of the two, so colours compare. */
  float vmax;
  /* Tokens from this index on lie past the longest input the model was
   * trained on: their labels, rows and columns are hatched. 0 for none. */
  guint hatch_from;
  /* Optional: a signed score per token (n floats) tinting the background
   * of its row and column labels (attention_colormap_signed_tint on
   * ±label_shade_vmax): gradient × input saliency. NULL for none. */
  const float *label_shade;
  float label_shade_vmax;
  /* > 0: the matrix holds signed differences (A − B), drawn on the
   * diverging map from −diverging (blue) through 0 to +diverging (red);
   * colormap, scale and vmax are then not used. */
  float diverging;
} AttentionRenderStyle;

/* The original exercise's look: 40 px cells, 200 px margin, 28 px labels, white
 * on black, plus a caption band when caption is set. */
void attention_render_style_init_export (AttentionRenderStyle *style);

/* Size in user units of a diagram of n tokens with this style. */
void attention_render_get_size (const AttentionRenderStyle *style,
                                guint n,
                                double *width,
                                double *height);

/* Draws at the current origin. matrix: n × n, row = query, column = key. */
void attention_render_matrix (cairo_t *cr,
                              const AttentionRenderStyle *style,
                              const float *matrix,
                              guint n,
                              const char *const *labels);

G_END_DECLS
