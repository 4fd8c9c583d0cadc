/* test-matrix-layout.c: the matrix's geometry on screen against values worked
 * out by hand from the rules: labels 0.6 of the cell (9 to 15 px), label
 * bands as deep as the widest label plus ¾ of the font, 12 px padding, a
 * 12 + 52 px legend column, centred when it fits and scrolled when not. */

#include "attention-matrix-layout.h"

/* Every label 40 units wide, whatever the font: margins are 40 + 0.75 font,
 * rounded up. */
static double
fixed_width (double font_size, gpointer data)
{
  return *(const double *)data;
}

static const double label_40 = 40;

static void
test_font_and_extent (void)
{
  g_assert_cmpfloat (attention_matrix_layout_font_for_cell (1), ==, 9);
  g_assert_cmpfloat (attention_matrix_layout_font_for_cell (20), ==, 12);
  g_assert_cmpfloat (attention_matrix_layout_font_for_cell (21.9), ==, 13);
  g_assert_cmpfloat (attention_matrix_layout_font_for_cell (40), ==, 15);

  /* The exported diagram: 200-unit margin, 40-unit cells, 12 tokens. */
  g_assert_cmpfloat (attention_matrix_layout_extent (200, 40, 12), ==, 680);
  g_assert_cmpuint (attention_matrix_layout_index_at (200, 40, 12, -5), ==, 0);
  g_assert_cmpuint (attention_matrix_layout_index_at (200, 40, 12, 199), ==, 0);
  g_assert_cmpuint (attention_matrix_layout_index_at (200, 40, 12, 239.9), ==, 0);
  g_assert_cmpuint (attention_matrix_layout_index_at (200, 40, 12, 240), ==, 1);
  g_assert_cmpuint (attention_matrix_layout_index_at (200, 40, 12, 679.9), ==, 11);
  g_assert_cmpuint (attention_matrix_layout_index_at (200, 40, 12, 680), ==, 12);
  g_assert_cmpuint (attention_matrix_layout_index_at (200, 40, 12, 5000), ==, 12);
}

static void
test_fit (void)
{
  /* 8 tokens in 500 × 400: a 15 px font (the most) gives a 52 px margin;
   * the height is the tighter side, 400 − 52 − 24 = 324, so 40 px cells. */
  g_assert_cmpfloat (
      attention_matrix_layout_fit_cell (8, 500, 400, fixed_width, (gpointer)&label_40), ==, 40);
  /* 8 tokens in 300 × 400: now the width, less the legend column (64), is
   * tighter: 236 − 52 − 24 = 160, 20 px cells; their 12 px font makes the
   * margin 49, so the second pass gets 163 / 8 = 20 again. */
  g_assert_cmpfloat (
      attention_matrix_layout_fit_cell (8, 300, 400, fixed_width, (gpointer)&label_40), ==, 20);
  /* 500 tokens in a small window: at least one pixel a cell. */
  g_assert_cmpfloat (
      attention_matrix_layout_fit_cell (500, 300, 200, fixed_width, (gpointer)&label_40), ==, 1);
  /* Two tokens would get 430 px: at most 160. */
  g_assert_cmpfloat (
      attention_matrix_layout_fit_cell (2, 1000, 1000, fixed_width, (gpointer)&label_40), ==, 160);
}

/* 8 tokens of 40 px in 500 × 400: the diagram is 52 + 320 = 372 square; with
 * padding and legend 460 × 396, centred: x = 20 + 12, y = 2 + 12. */
static void
test_place_centred (void)
{
  AttentionMatrixLayout l;
  double x, y, side;

  attention_matrix_layout_place (&l, 8, 8, 40, 500, 400, 123, 45, fixed_width, (gpointer)&label_40);
  g_assert_cmpuint (l.n, ==, 8);
  g_assert_cmpfloat (l.font_size, ==, 15);
  g_assert_cmpfloat (l.margin, ==, 52);
  g_assert_cmpfloat (l.content_width, ==, 460);
  g_assert_cmpfloat (l.content_height, ==, 396);
  /* Fitting, the scroll offsets play no part. */
  g_assert_cmpfloat (l.x, ==, 32);
  g_assert_cmpfloat (l.y, ==, 14);
  g_assert_cmpfloat (l.band_x, ==, 32);
  g_assert_cmpfloat (l.band_y, ==, 14);
  /* The legend 12 px right of the diagram, level with the grid, 220 high
   * at most. */
  g_assert_cmpfloat (l.legend_x, ==, 32 + 372 + 12);
  g_assert_cmpfloat (l.legend_y, ==, 14 + 52);
  g_assert_cmpfloat (l.legend_height, ==, 220);

  attention_matrix_layout_grid (&l, &x, &y, &side);
  g_assert_cmpfloat (x, ==, 84);
  g_assert_cmpfloat (y, ==, 66);
  g_assert_cmpfloat (side, ==, 320);
  g_assert_true (attention_matrix_layout_cell_center (&l, 2, 5, &x, &y));
  g_assert_cmpfloat (x, ==, 84 + 5.5 * 40);
  g_assert_cmpfloat (y, ==, 66 + 2.5 * 40);
  g_assert_false (attention_matrix_layout_cell_center (&l, 8, 0, &x, &y));
}

static void
assert_hit (const AttentionMatrixLayout *l,
            double x,
            double y,
            AttentionMatrixHit want,
            guint want_row,
            guint want_col)
{
  guint row = 999, col = 999;

  g_assert_cmpint (attention_matrix_layout_hit (l, x, y, &row, &col), ==, want);
  if (want == ATTENTION_MATRIX_HIT_NONE)
    return;
  g_assert_cmpuint (row, ==, want_row);
  g_assert_cmpuint (col, ==, want_col);
}

static void
test_hit (void)
{
  AttentionMatrixLayout l;

  /* The grid spans 84 … 404 across and 66 … 386 down. */
  attention_matrix_layout_place (&l, 8, 8, 40, 500, 400, 0, 0, fixed_width, (gpointer)&label_40);
  assert_hit (&l, 304, 166, ATTENTION_MATRIX_HIT_CELL, 2, 5);
  assert_hit (&l, 84, 66, ATTENTION_MATRIX_HIT_CELL, 0, 0);
  assert_hit (&l, 123.9, 66, ATTENTION_MATRIX_HIT_CELL, 0, 0);
  assert_hit (&l, 124, 105.9, ATTENTION_MATRIX_HIT_CELL, 0, 1);
  assert_hit (&l, 403.9, 385.9, ATTENTION_MATRIX_HIT_CELL, 7, 7);
  /* Past the last cell and outside the bands: nothing. */
  assert_hit (&l, 404, 166, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  assert_hit (&l, 304, 386, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  assert_hit (&l, 31, 166, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  assert_hit (&l, 50, 50, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  /* The row label band is 32 … 84 across, the column one 14 … 66 down. */
  assert_hit (&l, 32, 166, ATTENTION_MATRIX_HIT_ROW_LABEL, 2, 2);
  assert_hit (&l, 83.9, 385.9, ATTENTION_MATRIX_HIT_ROW_LABEL, 7, 7);
  assert_hit (&l, 304, 14, ATTENTION_MATRIX_HIT_COLUMN_LABEL, 5, 5);
  assert_hit (&l, 84, 65.9, ATTENTION_MATRIX_HIT_COLUMN_LABEL, 0, 0);

  /* Room made for 8 tokens (a linked view's), 5 shown: rows 5 to 7 are
   * empty. */
  attention_matrix_layout_place (&l, 5, 8, 40, 500, 400, 0, 0, fixed_width, (gpointer)&label_40);
  g_assert_cmpfloat (l.x, ==, 32);
  g_assert_cmpfloat (l.content_height, ==, 396);
  assert_hit (&l, 124, 266, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  assert_hit (&l, 124, 265.9, ATTENTION_MATRIX_HIT_CELL, 4, 1);
  assert_hit (&l, 50, 266, ATTENTION_MATRIX_HIT_NONE, 0, 0);

  /* No tokens: nothing anywhere. */
  attention_matrix_layout_place (&l, 0, 0, 40, 500, 400, 0, 0, fixed_width, (gpointer)&label_40);
  g_assert_cmpuint (l.n, ==, 0);
  assert_hit (&l, 100, 100, ATTENTION_MATRIX_HIT_NONE, 0, 0);
}

/* 30 tokens of 40 px (1200 + 52) in 500 × 400 scroll: the diagram starts at
 * 12 − scroll, and the label bands stay at the view's edges over the cells
 * scrolled under them. */
static void
test_scrolled (void)
{
  AttentionMatrixLayout l;
  double x, y;

  attention_matrix_layout_place (&l, 30, 30, 40, 500, 400, 300.4, 1000, fixed_width,
                                 (gpointer)&label_40);
  g_assert_cmpfloat (l.content_width, ==, 1252 + 24 + 64);
  g_assert_cmpfloat (l.content_height, ==, 1252 + 24);
  g_assert_cmpfloat (l.x, ==, -288);
  g_assert_cmpfloat (l.y, ==, -988);
  g_assert_cmpfloat (l.band_x, ==, 0);
  g_assert_cmpfloat (l.band_y, ==, 0);
  /* The legend keeps to the right edge, level with the grid's top band. */
  g_assert_cmpfloat (l.legend_x, ==, 500 - 52);
  g_assert_cmpfloat (l.legend_y, ==, 52);
  g_assert_cmpfloat (l.legend_height, ==, 220);
  /* ... in a column of its own: the cells end 12 + 52 px before the edge,
   * and nothing under the legend's column is a cell. */
  g_assert_cmpfloat (l.clip_right, ==, 500 - 64);
  /* x = 435 is 435 + 288 − 52 = 671 into the grid: column 16. */
  assert_hit (&l, 435, 100, ATTENTION_MATRIX_HIT_CELL, 25, 16);
  assert_hit (&l, 437, 100, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  assert_hit (&l, 470, 100, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  assert_hit (&l, 470, 20, ATTENTION_MATRIX_HIT_NONE, 0, 0);

  /* x = 60 is 60 + 288 − 52 = 296 into the grid: column 7; y = 100 is
   * 100 + 988 − 52 = 1036: row 25. */
  assert_hit (&l, 60, 100, ATTENTION_MATRIX_HIT_CELL, 25, 7);
  /* Cells lie under the bands, the bands win. */
  assert_hit (&l, 40, 100, ATTENTION_MATRIX_HIT_ROW_LABEL, 25, 25);
  assert_hit (&l, 60, 20, ATTENTION_MATRIX_HIT_COLUMN_LABEL, 7, 7);
  assert_hit (&l, 20, 20, ATTENTION_MATRIX_HIT_NONE, 0, 0);
  g_assert_true (attention_matrix_layout_cell_center (&l, 25, 7, &x, &y));
  g_assert_cmpfloat (x, ==, -288 + 52 + 7.5 * 40);
  g_assert_cmpfloat (y, ==, -988 + 52 + 25.5 * 40);
}

/* The legend shrinks to the room below the grid's top, and goes when less
 * than half its least height (96) is left. */
static void
test_legend_room (void)
{
  AttentionMatrixLayout l;

  /* 2 tokens: an 80 px grid; 52 + 80 + 24 = 156 > 150 high, so y = 12
   * and the legend starts at 64, with 150 − 64 − 12 = 74 px of room. */
  attention_matrix_layout_place (&l, 2, 2, 40, 500, 150, 0, 0, fixed_width, (gpointer)&label_40);
  g_assert_cmpfloat (l.legend_y, ==, 64);
  g_assert_cmpfloat (l.legend_height, ==, 74);
  g_assert_cmpfloat (l.legend_thickness, >, 0);
  /* 110 high: 34 px left, no legend. */
  attention_matrix_layout_place (&l, 2, 2, 40, 500, 110, 0, 0, fixed_width, (gpointer)&label_40);
  g_assert_cmpfloat (l.legend_height, ==, 0);
  /* A tall window: never less than 96 high. */
  attention_matrix_layout_place (&l, 2, 2, 40, 500, 600, 0, 0, fixed_width, (gpointer)&label_40);
  g_assert_cmpfloat (l.legend_height, ==, 96);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/matrix-layout/font-and-extent", test_font_and_extent);
  g_test_add_func ("/matrix-layout/fit", test_fit);
  g_test_add_func ("/matrix-layout/place-centred", test_place_centred);
  g_test_add_func ("/matrix-layout/hit", test_hit);
  g_test_add_func ("/matrix-layout/scrolled", test_scrolled);
  g_test_add_func ("/matrix-layout/legend-room", test_legend_room);
  return g_test_run ();
}
