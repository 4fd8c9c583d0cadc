/* attention-view.h: an AttentionCanvas that draws one layer/head attention
 * matrix of an AttentionResult with the shared renderer, fitted to its size,
 * with a colour legend beside it. Zoomed past the viewport, the cells scroll
 * while the token labels stay at the edges. Hovering a cell reads out its
 * weight; clicking a token's label pins it: its row and column stay
 * outlined. Ctrl+click pins several: their rows are outlined, and a row
 * under the grid shows their weights summed, or their mean. */
#pragma once

#include "attention-canvas.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_VIEW (attention_view_get_type ())
G_DECLARE_FINAL_TYPE (AttentionView, attention_view, ATTENTION, VIEW, AttentionCanvas)

GtkWidget *attention_view_new (void);

/* As attention_canvas_get_result (). */
AttentionResult *attention_view_get_result (AttentionView *self);
/* TRUE once a snapshot has drawn a matrix (the start-up benchmark quits after
 * the frame that shows the first one). */
gboolean attention_view_get_drew_matrix (AttentionView *self);

/* 0-indexed; clamped to the result's layers and heads. The layer is the
 * canvas' "layer". */
void attention_view_set_layer (AttentionView *self, guint layer);
guint attention_view_get_layer (AttentionView *self);
void attention_view_set_head (AttentionView *self, guint head);
guint attention_view_get_head (AttentionView *self);

/* Zoom steps the cell size; reset goes back to fitting the whole matrix. */
void attention_view_zoom_in (AttentionView *self);
void attention_view_zoom_out (AttentionView *self);
void attention_view_zoom_reset (AttentionView *self);

/* The cell edge in logical pixels of the last layout (0 before one). */
double attention_view_get_cell_size (AttentionView *self);

/* The font size, in logical pixels, of the axis titles ("Query (attending)
 * ↓") of the last layout: never below 9, however long the sentence. 0
 * before one. */
double attention_view_get_axis_title_size (AttentionView *self);

/* Centre of a cell in widget coordinates; FALSE without a result. */
gboolean
attention_view_get_cell_center (AttentionView *self, guint row, guint col, double *x, double *y);

/* Centre of column col of the row under the grid that combines several
 * pinned tokens (their rows summed, or their mean); FALSE without one. */
gboolean attention_view_get_combined_center (AttentionView *self, guint col, double *x, double *y);

/* The grid of cells (labels excluded) in widget coordinates; FALSE without a
 * result. */
gboolean attention_view_get_matrix_bounds (AttentionView *self, graphene_rect_t *bounds);

/* Compare: two linked views share cell size, label margin, zoom and the top
 * of the colour scale, so their grids line up and equal colours mean equal
 * weights. NULL unlinks. */
void attention_view_set_partner (AttentionView *self, AttentionView *partner);

/* Analysis views. Shows matrix (n × n of the current result, copied) instead
 * of the layer/head matrix; NULL goes back. Cleared when the result changes. */
void attention_view_set_matrix_override (AttentionView *self, const float *matrix);
/* Property "diverging": the matrix (an override) holds signed differences,
 * drawn on the diverging map centred on 0 over ± its largest |value|, with
 * a legend of its own, and read out with their sign. */
void attention_view_set_diverging (AttentionView *self, gboolean diverging);
gboolean attention_view_get_diverging (AttentionView *self);
/* Property "scale"; the colour map is the canvas' "colormap". */
void attention_view_set_scale (AttentionView *self, AttentionScale scale);
AttentionScale attention_view_get_scale (AttentionView *self);

/* The legend's title, for a matrix that is not the attention weights
 * (attention-legend.h); NULL for none. Copied. */
void attention_view_set_legend_title (AttentionView *self, const char *title);

G_END_DECLS
