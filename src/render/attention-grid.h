/* attention-grid.h: the model overview — one thumbnail per layer (rows) and
 * head (columns) — drawn with Cairo alone, so the overview widget and the
 * exported overview image are the same picture. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "attention-colormap.h"

G_BEGIN_DECLS

typedef struct
{
  double thumb;      /* thumbnail edge in user units */
  double gap;        /* space between thumbnails */
  double label_size; /* font size of the "L1"/"H1" labels; 0 for none */
  double fg[3];      /* labels and outline of the selected thumbnail */
  double bg[3];
  gboolean draw_background;
  AttentionColormap colormap;
  AttentionScale scale;
  int selected_layer; /* -1 for none */
  int selected_head;
  /* Optional, n_layers × n_heads values in 0..1 (e.g. a pattern score): each
   * thumbnail gets a bar under it in that colour of `colormap`, and with
   * sort_by_score each row lists its heads from the highest value down. */
  const double *scores;
  gboolean sort_by_score;
} AttentionGridStyle;

/* White-on-black labels, 64-unit thumbnails, nothing selected. */
void attention_grid_style_init (AttentionGridStyle *style);

void attention_grid_get_size (
    const AttentionGridStyle *style, guint n_layers, guint n_heads, double *width, double *height);

/* The label over column h of n_heads in cr's current font (the grid's:
 * Sans at label_size): "Head 3" where every column's fits, else the short
 * "H3" (Spanish "Cab. 3"), drawn over every so many columns that none run
 * together ("H10H11H12" read as one word). */
char *
attention_grid_column_label (cairo_t *cr, const AttentionGridStyle *style, guint n_heads, guint h);

/* Head shown in column `column` of row `layer` (differs from column only when
 * sorting by score). */
guint
attention_grid_head_at (const AttentionGridStyle *style, guint n_heads, guint layer, guint column);

/* attentions: n_layers × n_heads × n × n, as AttentionResult holds them. */
void attention_grid_draw (cairo_t *cr,
                          const AttentionGridStyle *style,
                          const float *attentions,
                          guint n_layers,
                          guint n_heads,
                          guint n);

/* The thumbnail under (x, y) in user units, FALSE between or outside them. */
gboolean attention_grid_hit (const AttentionGridStyle *style,
                             guint n_layers,
                             guint n_heads,
                             double x,
                             double y,
                             guint *layer,
                             guint *head);

G_END_DECLS
