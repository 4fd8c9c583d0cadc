/* attention-heatmap.c: the layer × head grid of one statistic */

#include "attention-heatmap.h"

#include <math.h>
#include <stdio.h>

#define MARGIN_LEFT 56.0
#define MARGIN_TOP 60.0
#define MARGIN_RIGHT 12.0
#define MARGIN_BOTTOM 34.0

void
attention_heatmap_layout (
    double width, double height, guint n_layers, guint n_heads, AttentionHeatmapLayout *layout)
{
  double w = MAX (1.0, width - MARGIN_LEFT - MARGIN_RIGHT);
  double h = MAX (1.0, height - MARGIN_TOP - MARGIN_BOTTOM);

  layout->cell_w = w / MAX (1u, n_heads);
  layout->cell_h = h / MAX (1u, n_layers);
  layout->x = MARGIN_LEFT;
  layout->y = MARGIN_TOP;
}

gboolean
attention_heatmap_hit (const AttentionHeatmapLayout *layout,
                       guint n_layers,
                       guint n_heads,
                       double x,
                       double y,
                       guint *layer,
                       guint *head)
{
  double col = (x - layout->x) / layout->cell_w;
  double row = (y - layout->y) / layout->cell_h;

  if (col < 0 || row < 0 || col >= n_heads || row >= n_layers)
    return FALSE;
  *layer = (guint)row;
  *head = (guint)col;
  return TRUE;
}

static void
set_rgb (cairo_t *cr, AttentionColormap map, double t)
{
  guint8 rgb[3];

  attention_colormap_rgb (map, t, rgb);
  cairo_set_source_rgb (cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
}

static void
text_at (cairo_t *cr, const char *text, double cx, double cy)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  cairo_move_to (cr, cx - ext.width / 2 - ext.x_bearing, cy - ext.height / 2 - ext.y_bearing);
  cairo_show_text (cr, text);
}

void
attention_heatmap_draw (cairo_t *cr,
                        double width,
                        double height,
                        const double *values,
                        guint n_layers,
                        guint n_heads,
                        AttentionColormap map,
                        int selected_layer,
                        int selected_head,
                        const char *title)
{
  AttentionHeatmapLayout layout;
  double lo = INFINITY, hi = -INFINITY;
  char text[64];
  gboolean numbers;

  attention_heatmap_layout (width, height, n_layers, n_heads, &layout);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  numbers = layout.cell_h >= 14;

  for (guint i = 0; i < n_layers * n_heads; i++)
    if (isfinite (values[i]))
      {
        lo = MIN (lo, values[i]);
        hi = MAX (hi, values[i]);
      }

  /* Every cell's number, or none: only when the widest fits its cell. */
  cairo_set_font_size (cr, MIN (12.0, layout.cell_h * 0.45));
  for (guint i = 0; i < n_layers * n_heads && numbers; i++)
    if (isfinite (values[i]))
      {
        cairo_text_extents_t ext;

        g_snprintf (text, sizeof text, "%.3g", values[i]);
        cairo_text_extents (cr, text, &ext);
        numbers = ext.width <= layout.cell_w - 6;
      }

  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      {
        double v = values[l * n_heads + h];
        double x = layout.x + h * layout.cell_w, y = layout.y + l * layout.cell_h;
        double t = hi > lo ? (v - lo) / (hi - lo) : 1.0;

        cairo_rectangle (cr, x, y, layout.cell_w, layout.cell_h);
        if (isfinite (v))
          set_rgb (cr, map, t);
        else
          cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
        cairo_fill (cr);
        /* The number, when the cell has room for it, in black or white
         * against the cell's own brightness. */
        if (isfinite (v) && numbers)
          {
            guint8 rgb[3];

            attention_colormap_rgb (map, t, rgb);
            if (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 140)
              cairo_set_source_rgb (cr, 0, 0, 0);
            else
              cairo_set_source_rgb (cr, 1, 1, 1);
            cairo_set_font_size (cr, MIN (12.0, layout.cell_h * 0.45));
            g_snprintf (text, sizeof text, "%.3g", v);
            text_at (cr, text, x + layout.cell_w / 2, y + layout.cell_h / 2);
          }
      }

  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_set_font_size (cr, 11);
  for (guint h = 0; h < n_heads; h++)
    {
      g_snprintf (text, sizeof text, "%u", h + 1);
      text_at (cr, text, layout.x + (h + 0.5) * layout.cell_w, layout.y - 8);
    }
  for (guint l = 0; l < n_layers; l++)
    {
      g_snprintf (text, sizeof text, "%u", l + 1);
      text_at (cr, text, layout.x - 14, layout.y + (l + 0.5) * layout.cell_h);
    }
  /* Axis names in English as the rest of the diagrams' labels: "layer" and
   * "head" are the words of the exercise. */
  text_at (cr, "head", layout.x + n_heads * layout.cell_w / 2, layout.y - 30);
  cairo_save (cr);
  cairo_translate (cr, layout.x - 38, layout.y + n_layers * layout.cell_h / 2);
  cairo_rotate (cr, -G_PI / 2);
  text_at (cr, "layer", 0, 0);
  cairo_restore (cr);

  if (selected_layer >= 0 && selected_head >= 0 && (guint)selected_layer < n_layers &&
      (guint)selected_head < n_heads)
    {
      cairo_set_line_width (cr, 3);
      cairo_set_source_rgb (cr, 0.9, 0.1, 0.1);
      cairo_rectangle (cr, layout.x + selected_head * layout.cell_w + 1.5,
                       layout.y + selected_layer * layout.cell_h + 1.5, layout.cell_w - 3,
                       layout.cell_h - 3);
      cairo_stroke (cr);
    }

  /* The key: the colour ramp from the smallest value to the largest. */
  if (isfinite (lo))
    {
      double kx = layout.x, ky = height - MARGIN_BOTTOM + 10, kw = MIN (200.0, width / 3);

      for (int i = 0; i < 64; i++)
        {
          set_rgb (cr, map, i / 63.0);
          cairo_rectangle (cr, kx + kw * i / 64, ky, kw / 64 + 0.5, 10);
          cairo_fill (cr);
        }
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      g_snprintf (text, sizeof text, "%.3g", lo);
      cairo_move_to (cr, kx, ky + 22);
      cairo_show_text (cr, text);
      g_snprintf (text, sizeof text, "%.3g", hi);
      {
        cairo_text_extents_t ext;

        cairo_text_extents (cr, text, &ext);
        cairo_move_to (cr, kx + kw - ext.x_advance, ky + 22);
        cairo_show_text (cr, text);
      }
    }
  if (title != NULL)
    {
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_set_font_size (cr, 13);
      cairo_move_to (cr, 8, 16);
      cairo_show_text (cr, title);
    }
  cairo_restore (cr);
}
