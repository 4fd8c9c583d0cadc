/* attention-grid.c: layout, drawing and hit-testing of the model overview */

#include "attention-grid.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "attention-render.h"

void
attention_grid_style_init (AttentionGridStyle *style)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);
  style->thumb = 64;
  style->gap = 6;
  style->label_size = 12;
  style->fg[0] = style->fg[1] = style->fg[2] = 1.0;
  style->draw_background = TRUE;
  style->selected_layer = -1;
  style->selected_head = -1;
}

/* Room for the row labels on the left and column labels on top. */
static double
label_room (const AttentionGridStyle *style)
{
  return style->label_size > 0 ? style->label_size * 3 : 0;
}

/* A score bar under each thumbnail when scores are given. */
static double
bar_height (const AttentionGridStyle *style)
{
  /* Linear in thumb, so the widget can solve for the size that fits. */
  return style->scores != NULL ? style->thumb / 10 + 2 : 0;
}

static double
pitch_x (const AttentionGridStyle *style)
{
  return style->thumb + style->gap;
}

static double
pitch_y (const AttentionGridStyle *style)
{
  return style->thumb + bar_height (style) + style->gap;
}

void
attention_grid_get_size (
    const AttentionGridStyle *style, guint n_layers, guint n_heads, double *width, double *height)
{
  g_return_if_fail (style != NULL);

  if (width)
    *width = label_room (style) + style->gap + pitch_x (style) * n_heads;
  if (height)
    *height = label_room (style) + style->gap + pitch_y (style) * n_layers;
}

typedef struct
{
  const double *scores;
  guint base;
} SortContext;

static int
compare_heads (gconstpointer a, gconstpointer b, gpointer data)
{
  const SortContext *ctx = data;
  guint ha = *(const guint *)a, hb = *(const guint *)b;
  double sa = ctx->scores[ctx->base + ha], sb = ctx->scores[ctx->base + hb];

  /* Highest first; equal scores keep head order so the grid does not shuffle. */
  if (sa != sb)
    return sa > sb ? -1 : 1;
  return ha < hb ? -1 : (ha > hb);
}

guint
attention_grid_head_at (const AttentionGridStyle *style, guint n_heads, guint layer, guint column)
{
  g_autofree guint *order = NULL;
  SortContext ctx;

  g_return_val_if_fail (style != NULL, column);

  if (!style->sort_by_score || style->scores == NULL || column >= n_heads)
    return column;
  order = g_new (guint, n_heads);
  for (guint h = 0; h < n_heads; h++)
    order[h] = h;
  ctx.scores = style->scores;
  ctx.base = layer * n_heads;
  g_qsort_with_data (order, (gint)n_heads, sizeof (guint), compare_heads, &ctx);
  return order[column];
}

/* Room a column label may take: its thumbnail and most of the gap. */
static double
column_room (const AttentionGridStyle *style)
{
  return style->thumb + style->gap * 0.5;
}

char *
attention_grid_column_label (cairo_t *cr, const AttentionGridStyle *style, guint n_heads, guint h)
{
  /* TRANSLATORS: column label of the overview grid when it fits */
  g_autofree char *widest = g_strdup_printf (_ ("Head %u"), n_heads);
  cairo_text_extents_t ext;

  cairo_text_extents (cr, widest, &ext);
  if (ext.x_advance <= column_room (style))
    return g_strdup_printf (_ ("Head %u"), h + 1);
  /* TRANSLATORS: column label of the overview grid, "H" for head; short,
   * where "Head 12" does not fit, but a reader must still see a head in it
   * (Spanish: "Cab. 12", as "C" is the layer's, "Capa"). Labels that do not
   * fit every column are drawn over every second column or fewer. */
  return g_strdup_printf (_ ("H%u"), h + 1);
}

/* Every how many columns a label is drawn: 1 where the short labels fit,
 * else every second or more, so that no two touch. */
static guint
column_label_step (cairo_t *cr, const AttentionGridStyle *style, guint n_heads)
{
  g_autofree char *widest = NULL;
  cairo_text_extents_t ext;
  double pitch = pitch_x (style);

  if (n_heads == 0 || pitch <= 0)
    return 1;
  widest = attention_grid_column_label (cr, style, n_heads, n_heads - 1);
  cairo_text_extents (cr, widest, &ext);
  return MAX (1u, (guint)ceil ((ext.x_advance + style->label_size * 0.5) / pitch));
}

static void
draw_labels (cairo_t *cr, const AttentionGridStyle *style, guint n_layers, guint n_heads)
{
  double room = label_room (style);

  if (room <= 0)
    return;
  cairo_save (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, style->label_size);
  cairo_set_source_rgb (cr, style->fg[0], style->fg[1], style->fg[2]);
  for (guint l = 0; l < n_layers; l++)
    {
      /* TRANSLATORS: row label of the overview grid, "L" for layer */
      g_autofree char *text = g_strdup_printf (_ ("L%u"), l + 1);
      cairo_text_extents_t ext;

      cairo_text_extents (cr, text, &ext);
      cairo_move_to (cr, room - ext.x_advance - style->label_size * 0.4,
                     room + style->gap + pitch_y (style) * l + style->thumb / 2 +
                         style->label_size * 0.35);
      cairo_show_text (cr, text);
    }
  /* Column labels only when the columns are heads; sorted rows label each
   * thumbnail instead. */
  if (!(style->sort_by_score && style->scores != NULL))
    for (guint h = 0, step = column_label_step (cr, style, n_heads); h < n_heads; h += step)
      {
        g_autofree char *text = attention_grid_column_label (cr, style, n_heads, h);
        cairo_text_extents_t ext;

        cairo_text_extents (cr, text, &ext);
        cairo_move_to (cr,
                       room + style->gap + pitch_x (style) * h + (style->thumb - ext.x_advance) / 2,
                       room - style->label_size * 0.6);
        cairo_show_text (cr, text);
      }
  cairo_restore (cr);
}

void
attention_grid_draw (cairo_t *cr,
                     const AttentionGridStyle *style,
                     const float *attentions,
                     guint n_layers,
                     guint n_heads,
                     guint n)
{
  AttentionRenderStyle cell_style;
  double room, width, height;
  gsize nn = (gsize)n * n;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  attention_grid_get_size (style, n_layers, n_heads, &width, &height);
  room = label_room (style);

  cairo_save (cr);
  if (style->draw_background)
    {
      cairo_set_source_rgb (cr, style->bg[0], style->bg[1], style->bg[2]);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }
  draw_labels (cr, style, n_layers, n_heads);

  /* Thumbnails are the renderer's cells with no margin and no labels. */
  memset (&cell_style, 0, sizeof cell_style);
  cell_style.cell = n > 0 ? style->thumb / n : style->thumb;
  cell_style.highlight_row = -1;
  cell_style.highlight_col = -1;
  cell_style.pinned = -1;
  cell_style.colormap = style->colormap;
  cell_style.scale = style->scale;

  for (guint l = 0; l < n_layers && attentions != NULL && n > 0; l++)
    for (guint c = 0; c < n_heads; c++)
      {
        guint h = attention_grid_head_at (style, n_heads, l, c);
        double x = room + style->gap + pitch_x (style) * c;
        double y = room + style->gap + pitch_y (style) * l;

        cairo_save (cr);
        cairo_translate (cr, x, y);
        attention_render_matrix (cr, &cell_style, attentions + ((gsize)l * n_heads + h) * nn, n,
                                 NULL);
        if (style->scores != NULL)
          {
            guint8 rgb[3];

            attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, style->scores[l * n_heads + h],
                                    rgb);
            cairo_set_source_rgb (cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
            cairo_rectangle (cr, 0, style->thumb, style->thumb, bar_height (style));
            cairo_fill (cr);
          }
        if (style->sort_by_score && style->scores != NULL && style->label_size > 0)
          {
            g_autofree char *text = g_strdup_printf (_ ("H%u"), h + 1);

            cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
            cairo_set_font_size (cr, style->label_size * 0.9);
            cairo_move_to (cr, 2, style->label_size);
            cairo_text_path (cr, text);
            cairo_set_source_rgb (cr, 0, 0, 0);
            cairo_set_line_width (cr, 2);
            cairo_stroke_preserve (cr);
            cairo_set_source_rgb (cr, 1, 1, 1);
            cairo_fill (cr);
          }
        if ((int)l == style->selected_layer && (int)h == style->selected_head)
          {
            double w = MAX (2.0, style->gap / 2);

            cairo_set_source_rgb (cr, 0.208, 0.518, 0.894);
            cairo_set_line_width (cr, w);
            cairo_rectangle (cr, -w / 2, -w / 2, style->thumb + w,
                             style->thumb + bar_height (style) + w);
            cairo_stroke (cr);
          }
        cairo_restore (cr);
      }
  cairo_restore (cr);
}

gboolean
attention_grid_hit (const AttentionGridStyle *style,
                    guint n_layers,
                    guint n_heads,
                    double x,
                    double y,
                    guint *layer,
                    guint *head)
{
  double origin, fx, fy;
  int c, l;

  g_return_val_if_fail (style != NULL, FALSE);

  origin = label_room (style) + style->gap;
  fx = (x - origin) / pitch_x (style);
  fy = (y - origin) / pitch_y (style);
  if (fx < 0 || fy < 0)
    return FALSE;
  c = (int)fx;
  l = (int)fy;
  if ((guint)c >= n_heads || (guint)l >= n_layers)
    return FALSE;
  /* The gap belongs to no thumbnail. */
  if (x - origin - c * pitch_x (style) > style->thumb ||
      y - origin - l * pitch_y (style) > style->thumb + bar_height (style))
    return FALSE;
  if (layer)
    *layer = (guint)l;
  if (head)
    *head = attention_grid_head_at (style, n_heads, (guint)l, (guint)c);
  return TRUE;
}
