/* attention-lines-render.h: the "lines" picture of attention, as bertviz's
 * head view draws it: query tokens in a column on the left, key tokens on the
 * right, and a line from query i to key j for every weight at or above a
 * threshold. Cairo only, no GTK: the lines view and the lines export draw
 * through it, and the view asks it which token is under the pointer.
 *
 * Colour rule. One head: a line of weight w is drawn in the colour map's
 * colour of w, opaque, weakest first, over the map's colour of 0 (grayscale:
 * black), so a line is exactly as light as the matrix cell of the same
 * weight; over black that is white at opacity w. Several heads overlaid:
 * each head has its own colour (attention_lines_head_rgb) at opacity
 * 0.25 + 0.75 w, so that weak lines above the threshold stay visible. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "attention-colormap.h"

G_BEGIN_DECLS

typedef enum
{
  ATTENTION_LINES_NONE = 0,
  ATTENTION_LINES_QUERY, /* left column: the attending token */
  ATTENTION_LINES_KEY,   /* right column: the token attended to */
} AttentionLinesSide;

typedef struct
{
  double row_height;  /* vertical step between tokens */
  double label_width; /* width of each token column (attention_lines_measure_labels) */
  double gap;         /* between the columns, where the lines run */
  double header;      /* height of the "Query"/"Key" band on top; 0 for none */
  double font_size;
  const char *font_family;
  double line_width;
  double fg[3]; /* labels */
  double bg[3]; /* background; with one head, use the colour map's colour of 0 */
  gboolean draw_background;
  AttentionColormap colormap; /* one head: line colours */
  float threshold;            /* weights below are not drawn */
  /* A token whose lines alone are drawn, each labelled with its weight
   * (hover or pin); side NONE for every line. */
  AttentionLinesSide focus_side;
  guint focus;
  /* Several tokens of focus_side together (pinned with Ctrl+click), when
   * n_group ≥ 2 (focus is then ignored): one line per other token, from
   * their midpoint, of their weights combined (group_combine: summed or
   * their mean), and that number at its end. The caller keeps group alive. */
  const guint *group;
  guint n_group;
  guint group_combine; /* an AttentionCombine */
  /* The rows move up by scroll; the header stays (sticky). 0 for files. */
  double scroll;
  /* > 0: the lines are rasterised here at this many pixels per unit and
   * painted as one image (the view, PNG files: Cairo's stroker costs ~0.1 ms
   * a line, the rasteriser a few µs); 0: each line is a Cairo stroke
   * (vector files, SVG and PDF). Same colours either way. */
  double raster_scale;
  const char *caption; /* optional lines under the picture; NULL for none */
  double caption_size;
  /* Tokens from this index on lie past the longest input the model was
   * trained on: their labels are hatched in both columns. 0 for none. */
  guint hatch_from;
  /* Optional: a signed score per token (n floats) tinting the background
   * of its labels in both columns (attention_colormap_signed_tint on
   * ±label_shade_vmax): gradient × input saliency. NULL for none. */
  const float *label_shade;
  float label_shade_vmax;
} AttentionLinesStyle;

/* The export look: white labels on black, 20 px labels on 32 px rows, a 320 px
 * gap, 44 px header, 2 px lines, grayscale, threshold 0.01, no focus.
 * label_width is left at a default; measure it for the sentence. */
void attention_lines_style_init_export (AttentionLinesStyle *style);

/* A column width that fits the widest of n labels at this style's font (with
 * padding), at most max_width. */
double attention_lines_measure_labels (const AttentionLinesStyle *style,
                                       const char *const *labels,
                                       guint n,
                                       double max_width);

/* Size in user units of the whole picture of n tokens (scroll ignored). */
void
attention_lines_get_size (const AttentionLinesStyle *style, guint n, double *width, double *height);

/* Colour of head `head` of n_heads when overlaid: hues evenly spaced, bright
 * enough to read on black. */
void attention_lines_head_rgb (guint head, guint n_heads, double rgb[3]);

/* Where token `index` of a side meets its lines, in user units (with scroll). */
void attention_lines_anchor (
    const AttentionLinesStyle *style, AttentionLinesSide side, guint index, double *x, double *y);

/* Draws at the current origin, only what meets the clip. matrices: n_matrices
 * n × n matrices (row = query, column = key), heads[k] the head of
 * matrices[k] (for its overlay colour) of n_heads. One matrix: the colour
 * map; more: head colours. labels: n tokens. */
void attention_lines_draw (cairo_t *cr,
                           const AttentionLinesStyle *style,
                           const float *const *matrices,
                           const guint *heads,
                           guint n_matrices,
                           guint n_heads,
                           guint n,
                           const char *const *labels);

/* The token under (x, y) in user units (with scroll): TRUE and its side and
 * index over a token's label in either column; FALSE over the lines, the
 * header or outside. */
gboolean attention_lines_hit (const AttentionLinesStyle *style,
                              guint n,
                              double x,
                              double y,
                              AttentionLinesSide *side,
                              guint *index);

G_END_DECLS
