/* attention-matrix-layout.c: the geometry of one matrix on screen (see
 * attention-matrix-layout.h) */

#include "attention-matrix-layout.h"

#include <math.h>
#include <string.h>

#define PADDING 12.0   /* around the diagram */
#define MIN_CELL 1.0   /* fitting shows the whole matrix, however small its cells */
#define MAX_CELL 160.0 /* a few tokens fill the room, up to this */
#define MIN_FONT 9.0
#define MAX_FONT 15.0
/* Between the longest label and the grid, as a fraction of the font size. */
#define LABEL_ROOM 0.75
/* The legend beside the grid: a colour bar and its tick labels. */
#define LEGEND_GAP 12.0
#define LEGEND_BAR 12.0
#define LEGEND_WIDTH 52.0
#define LEGEND_FONT 10.0
#define LEGEND_MIN_HEIGHT 96.0
#define LEGEND_MAX_HEIGHT 220.0

double
attention_matrix_layout_font_for_cell (double cell)
{
  return CLAMP (floor (cell * 0.6), MIN_FONT, MAX_FONT);
}

static double
margin_for_font (double font_size, AttentionMatrixLabelWidth widest, gpointer user_data)
{
  return ceil (widest (font_size, user_data) + font_size * LABEL_ROOM);
}

/* The column band's depth: what depth asks, never more than the row
 * band's width (the renderer's square margin). */
static double
top_for_font (double font_size, double margin, AttentionMatrixLabelWidth depth, gpointer user_data)
{
  return depth != NULL ? MIN (margin, ceil (depth (font_size, user_data))) : margin;
}

double
attention_matrix_layout_fit_cell (
    guint n_room, double width, double height, AttentionMatrixLabelWidth widest, gpointer user_data)
{
  return attention_matrix_layout_fit_cell_full (n_room, width, height, widest, NULL, user_data);
}

/* Whether cells of edge `cell` fit across and down. */
static gboolean
cell_fits (double cell,
           guint n_room,
           double width,
           double height,
           AttentionMatrixLabelWidth widest,
           AttentionMatrixLabelWidth depth,
           gpointer user_data)
{
  double font = attention_matrix_layout_font_for_cell (cell);
  double margin = margin_for_font (font, widest, user_data);
  double top = top_for_font (font, margin, depth, user_data);

  return margin + n_room * cell + 2 * PADDING <= width - LEGEND_GAP - LEGEND_WIDTH &&
         top + n_room * cell + 2 * PADDING <= height;
}

double
attention_matrix_layout_fit_cell_full (guint n_room,
                                       double width,
                                       double height,
                                       AttentionMatrixLabelWidth widest,
                                       AttentionMatrixLabelWidth depth,
                                       gpointer user_data)
{
  double cell = MAX_CELL;

  g_return_val_if_fail (widest != NULL, MIN_CELL);

  if (n_room == 0)
    return MAX_CELL;
  /* The margin depends on the font, which depends on the cell: two passes
   * settle it. */
  for (int pass = 0; pass < 2; pass++)
    {
      double font = attention_matrix_layout_font_for_cell (cell);
      double margin = margin_for_font (font, widest, user_data);
      double top = top_for_font (font, margin, depth, user_data);
      double room = MIN (width - LEGEND_GAP - LEGEND_WIDTH - margin, height - top) - 2 * PADDING;

      cell = CLAMP (floor (room / n_room), MIN_CELL, MAX_CELL);
    }
  /* A larger cell has a larger font and so wider labels: the passes can
   * overshoot by a pixel or two, which the last ones take back. */
  while (cell > MIN_CELL && !cell_fits (cell, n_room, width, height, widest, depth, user_data))
    cell--;
  return cell;
}

/* Centred when there is room, scrolled when not. */
static double
place_axis (double view, double content, double scroll)
{
  if (content <= view)
    return floor ((view - content) / 2) + PADDING;
  return PADDING - round (scroll);
}

void
attention_matrix_layout_place (AttentionMatrixLayout *layout,
                               guint n,
                               guint n_room,
                               double cell,
                               double width,
                               double height,
                               double scroll_x,
                               double scroll_y,
                               AttentionMatrixLabelWidth widest,
                               gpointer user_data)
{
  attention_matrix_layout_place_full (layout, n, n_room, cell, width, height, scroll_x, scroll_y,
                                      widest, NULL, user_data);
}

void
attention_matrix_layout_place_full (AttentionMatrixLayout *layout,
                                    guint n,
                                    guint n_room,
                                    double cell,
                                    double width,
                                    double height,
                                    double scroll_x,
                                    double scroll_y,
                                    AttentionMatrixLabelWidth widest,
                                    AttentionMatrixLabelWidth depth,
                                    gpointer user_data)
{
  double size, grid;

  g_return_if_fail (layout != NULL);
  g_return_if_fail (widest != NULL);

  memset (layout, 0, sizeof *layout);
  if (n == 0)
    return;
  layout->n = n;
  layout->n_room = MAX (n, n_room);
  layout->cell = cell;
  layout->font_size = attention_matrix_layout_font_for_cell (cell);
  layout->margin = margin_for_font (layout->font_size, widest, user_data);
  layout->top = top_for_font (layout->font_size, layout->margin, depth, user_data);
  grid = layout->n_room * cell;
  size = layout->margin + grid;
  layout->content_width = size + 2 * PADDING + LEGEND_GAP + LEGEND_WIDTH;
  layout->content_height = layout->top + grid + 2 * PADDING;
  layout->x = place_axis (width, layout->content_width, scroll_x);
  /* The column band's top; the diagram (a square margin) starts above it. */
  layout->band_y = place_axis (height, layout->content_height, scroll_y);
  layout->y = layout->band_y - (layout->margin - layout->top);
  layout->band_x = MAX (layout->x, 0);
  layout->band_y = MAX (layout->band_y, 0);

  /* The legend stays in sight at the right edge, level with the grid's top,
   * in a column the cells scroll behind. */
  layout->clip_right =
      layout->content_width <= width ? width : MAX (0, width - LEGEND_GAP - LEGEND_WIDTH);
  layout->legend_x = MIN (layout->x + size + LEGEND_GAP, width - LEGEND_WIDTH);
  layout->legend_y = layout->band_y + layout->top;
  layout->legend_height = CLAMP (grid, LEGEND_MIN_HEIGHT, LEGEND_MAX_HEIGHT);
  layout->legend_height = MIN (layout->legend_height, height - layout->legend_y - PADDING);
  if (layout->legend_height < LEGEND_MIN_HEIGHT / 2)
    layout->legend_height = 0;
  layout->legend_thickness = LEGEND_BAR;
  layout->legend_font_size = LEGEND_FONT;
}

AttentionMatrixHit
attention_matrix_layout_hit (
    const AttentionMatrixLayout *layout, double x, double y, guint *row, guint *col)
{
  double grid_x, grid_y, grid;
  gboolean in_rows, in_cols;

  g_return_val_if_fail (layout != NULL, ATTENTION_MATRIX_HIT_NONE);

  if (layout->n == 0)
    return ATTENTION_MATRIX_HIT_NONE;
  grid_x = x - layout->x - layout->margin;
  grid_y = y - layout->y - layout->margin;
  grid = layout->n * layout->cell;
  /* The label bands cover the cells scrolled under them. */
  in_cols = x >= layout->band_x + layout->margin && x < layout->clip_right && grid_x >= 0 &&
            grid_x < grid;
  in_rows = y >= layout->band_y + layout->top && grid_y >= 0 && grid_y < grid;

  if (in_cols && in_rows)
    {
      *row = (guint)(grid_y / layout->cell);
      *col = (guint)(grid_x / layout->cell);
      return ATTENTION_MATRIX_HIT_CELL;
    }
  if (in_rows && x >= layout->band_x && x < layout->band_x + layout->margin)
    {
      *row = *col = (guint)(grid_y / layout->cell);
      return ATTENTION_MATRIX_HIT_ROW_LABEL;
    }
  if (in_cols && y >= layout->band_y && y < layout->band_y + layout->top)
    {
      *row = *col = (guint)(grid_x / layout->cell);
      return ATTENTION_MATRIX_HIT_COLUMN_LABEL;
    }
  return ATTENTION_MATRIX_HIT_NONE;
}

gboolean
attention_matrix_layout_cell_center (
    const AttentionMatrixLayout *layout, guint row, guint col, double *x, double *y)
{
  g_return_val_if_fail (layout != NULL, FALSE);

  if (row >= layout->n || col >= layout->n)
    return FALSE;
  *x = layout->x + layout->margin + (col + 0.5) * layout->cell;
  *y = layout->y + layout->margin + (row + 0.5) * layout->cell;
  return TRUE;
}

void
attention_matrix_layout_grid (const AttentionMatrixLayout *layout,
                              double *x,
                              double *y,
                              double *side)
{
  g_return_if_fail (layout != NULL);

  *x = layout->x + layout->margin;
  *y = layout->y + layout->margin;
  *side = layout->n * layout->cell;
}

double
attention_matrix_layout_extent (double margin, double cell, guint n)
{
  return margin + cell * n;
}

guint
attention_matrix_layout_index_at (double margin, double cell, guint n, double pos)
{
  double k = floor ((pos - margin) / cell);

  if (!(k > 0))
    return 0;
  return k >= n ? n : (guint)k;
}
