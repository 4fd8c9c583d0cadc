/* attention-heatmap.h: a value per layer and head as a grid of coloured
 * cells (layers down, heads across) with their numbers and a min–max key,
 * for the Heads page and its PNG/SVG/PDF export. Cairo only. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "attention-colormap.h"

G_BEGIN_DECLS

typedef struct
{
  double x, y; /* top-left of cell (0, 0) */
  double cell_w, cell_h;
} AttentionHeatmapLayout;

/* Where the cells go in a width × height area. */
void attention_heatmap_layout (
    double width, double height, guint n_layers, guint n_heads, AttentionHeatmapLayout *layout);
/* The cell under (x, y): FALSE outside every cell. */
gboolean attention_heatmap_hit (const AttentionHeatmapLayout *layout,
                                guint n_layers,
                                guint n_heads,
                                double x,
                                double y,
                                guint *layer,
                                guint *head);
/* values: n_layers × n_heads (NaN: no value, drawn hatched grey), coloured
 * from their smallest (0) to their largest (1). selected_layer/head < 0:
 * none outlined. title may be NULL. */
void attention_heatmap_draw (cairo_t *cr,
                             double width,
                             double height,
                             const double *values,
                             guint n_layers,
                             guint n_heads,
                             AttentionColormap map,
                             int selected_layer,
                             int selected_head,
                             const char *title);

G_END_DECLS
