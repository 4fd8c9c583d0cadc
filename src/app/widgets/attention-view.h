/* attention-view.h: a focusable widget that draws one layer/head attention
 * matrix of an AttentionResult with the shared renderer, fitted to its size,
 * with a colour legend beside it. It is a GtkScrollable: put it straight into
 * a GtkScrolledWindow; zoomed past the viewport, the cells scroll while the
 * token labels stay at the edges. */
#pragma once

#include <gtk/gtk.h>

#include "attention-colormap.h"
#include "attention-result.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_VIEW (attention_view_get_type ())
G_DECLARE_FINAL_TYPE (AttentionView, attention_view, ATTENTION, VIEW, GtkWidget)

GtkWidget *attention_view_new (void);

void attention_view_set_result (AttentionView *self, AttentionResult *result);
AttentionResult *attention_view_get_result (AttentionView *self);
/* TRUE once a snapshot has drawn a matrix (the start-up benchmark quits after
 * the frame that shows the first one). */
gboolean attention_view_get_drew_matrix (AttentionView *self);

/* 0-indexed; clamped to the result's layers and heads. */
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

/* Centre of a cell in widget coordinates; FALSE without a result. */
gboolean
attention_view_get_cell_center (AttentionView *self, guint row, guint col, double *x, double *y);

/* The grid of cells (labels excluded) in widget coordinates; FALSE without a
 * result. */
gboolean attention_view_get_matrix_bounds (AttentionView *self, graphene_rect_t *bounds);

/* Compare: two linked views share cell size, label margin, zoom and the top
 * of the colour scale, so their grids line up and equal colours mean equal
 * weights. NULL unlinks. */
void attention_view_set_partner (AttentionView *self, AttentionView *partner);

/* What the pointer is over, as shown in the read-out ("" for nothing). */
const char *attention_view_get_hover_text (AttentionView *self);
/* Moves the hover to widget coordinates (x, y), as a pointer motion would;
 * negative coordinates clear it. Returns TRUE when over a cell or a label. */
gboolean attention_view_hover_at (AttentionView *self, double x, double y);

/* Analysis views. Shows matrix (n × n of the current result, copied) instead
 * of the layer/head matrix; NULL goes back. Cleared when the result changes. */
void attention_view_set_matrix_override (AttentionView *self, const float *matrix);
void
attention_view_set_colormap (AttentionView *self, AttentionColormap colormap, AttentionScale scale);
/* Property "pinned": a token (0-indexed) whose row and column stay outlined;
 * -1 for none. Clicking a label toggles it; T / Shift+T / Escape by keyboard. */
void attention_view_set_pinned (AttentionView *self, int token);
int attention_view_get_pinned (AttentionView *self);

G_END_DECLS
