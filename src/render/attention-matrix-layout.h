/* attention-matrix-layout.h: where one attention matrix goes on screen (the
 * cell size that fits, the label bands, the legend beside it) and what lies
 * under a point. Pure geometry, no Cairo, like attention-grid and
 * attention-lines-render's layouts: the matrix view lays out and hit-tests
 * with it, and the renderer finds with it the rows and columns a clip meets. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The widest token label at font_size, in the same units (the caller
 * measures its text as it will draw it). */
typedef double (*AttentionMatrixLabelWidth) (double font_size, gpointer user_data);

typedef struct
{
  guint n;       /* tokens of the matrix shown; 0: nothing laid out */
  guint n_room;  /* tokens room is made for (≥ n: linked views line up) */
  double cell;   /* cell edge */
  double margin; /* width of the row labels' band, left of the grid */
  /* Depth of the column labels' band above the grid (≤ margin): the rows'
   * band is as wide as the axis titles, the columns' only as deep as the
   * labels and the titles' two lines need. The renderer, drawing a square
   * margin, is placed that much higher (y) and clipped. */
  double top;
  double font_size;
  double x, y; /* top-left corner of the diagram (labels included), scrolled */
  /* Left edge of the row labels and top edge of the column labels: they
   * stay in sight when the grid scrolls under them. */
  double band_x, band_y;
  /* The cells and the column labels end here (the view's width when all
   * fits): when the matrix scrolls sideways, the legend keeps a column of
   * its own to the right of it instead of lying over the cells. */
  double clip_right;
  /* The legend's bar; legend_height 0 when there is no room for one. */
  double legend_x, legend_y, legend_height;
  double legend_thickness, legend_font_size;
  /* Everything with its padding: what scrolls when it does not fit. */
  double content_width, content_height;
} AttentionMatrixLayout;

typedef enum
{
  ATTENTION_MATRIX_HIT_NONE,
  ATTENTION_MATRIX_HIT_CELL,
  ATTENTION_MATRIX_HIT_ROW_LABEL,
  ATTENTION_MATRIX_HIT_COLUMN_LABEL,
} AttentionMatrixHit;

/* The label font for a cell edge: 0.6 of it, whole pixels, 9 to 15. */
double attention_matrix_layout_font_for_cell (double cell);

/* The largest whole-pixel cell edge (1 to 160) at which n_room tokens, their
 * labels and the legend fit width × height. */
double attention_matrix_layout_fit_cell (guint n_room,
                                         double width,
                                         double height,
                                         AttentionMatrixLabelWidth widest,
                                         gpointer user_data);

/* Lays out n tokens (room made for n_room ≥ n) in cells of edge `cell` in a
 * width × height view: centred where it fits, else scrolled by (scroll_x,
 * scroll_y). Whole pixels, so cell edges stay sharp. */
void attention_matrix_layout_place (AttentionMatrixLayout *layout,
                                    guint n,
                                    guint n_room,
                                    double cell,
                                    double width,
                                    double height,
                                    double scroll_x,
                                    double scroll_y,
                                    AttentionMatrixLabelWidth widest,
                                    gpointer user_data);

/* As attention_matrix_layout_fit_cell and _place, with the column band's
 * depth at a font size from `depth` (labels turned upright and the axis
 * titles' lines; capped at the row band's width); NULL: a square band. */
double attention_matrix_layout_fit_cell_full (guint n_room,
                                              double width,
                                              double height,
                                              AttentionMatrixLabelWidth widest,
                                              AttentionMatrixLabelWidth depth,
                                              gpointer user_data);
void attention_matrix_layout_place_full (AttentionMatrixLayout *layout,
                                         guint n,
                                         guint n_room,
                                         double cell,
                                         double width,
                                         double height,
                                         double scroll_x,
                                         double scroll_y,
                                         AttentionMatrixLabelWidth widest,
                                         AttentionMatrixLabelWidth depth,
                                         gpointer user_data);

/* What lies under (x, y): a cell (row = query, col = key), or a token's row
 * or column label (row = col = the token). The label bands cover the cells
 * scrolled under them. */
AttentionMatrixHit attention_matrix_layout_hit (
    const AttentionMatrixLayout *layout, double x, double y, guint *row, guint *col);

/* Centre of a cell; FALSE outside the matrix. */
gboolean attention_matrix_layout_cell_center (
    const AttentionMatrixLayout *layout, guint row, guint col, double *x, double *y);

/* Top-left corner and side of the grid of cells (labels excluded). */
void attention_matrix_layout_grid (const AttentionMatrixLayout *layout,
                                   double *x,
                                   double *y,
                                   double *side);

/* In a diagram's own units, labels left and above from 0 to margin and the
 * cells after them, as the renderer draws it: */
/* the width (and height, captions aside) of a diagram of n tokens; */
double attention_matrix_layout_extent (double margin, double cell, guint n);
/* the row (or column) whose band holds pos, clamped to 0 … n (n: past the
 * last one). */
guint attention_matrix_layout_index_at (double margin, double cell, guint n, double pos);

G_END_DECLS
