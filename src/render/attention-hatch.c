/* attention-hatch.c: diagonal stripes over a rectangle (attention-hatch.h) */

#include "attention-hatch.h"

#include <math.h>

void
attention_hatch_rectangle (
    cairo_t *cr, double x, double y, double width, double height, double spacing, double alpha)
{
  double x1, y1, x2, y2;

  if (width <= 0 || height <= 0 || spacing <= 0)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, x, y, width, height);
  cairo_clip (cr);
  /* Only the stripes that meet the clip: a scrolled view of 500 tokens
   * would otherwise stroke thousands that are never seen. */
  cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
  /* Stripes x + y = c at 45°, c a multiple of spacing from the rectangle's
   * corner, so that they stay put wherever the clip falls. */
  for (double c = x + y + spacing * floor ((x1 + y1 - x - y) / spacing) - spacing;
       c <= x2 + y2 + spacing; c += spacing)
    {
      cairo_move_to (cr, c - y1, y1);
      cairo_line_to (cr, c - y2, y2);
    }
  /* A mid grey: visible over black cells and white ones alike. */
  cairo_set_source_rgba (cr, 0.55, 0.55, 0.55, alpha);
  cairo_set_line_width (cr, MAX (1.0, spacing / 4));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_stroke (cr);
  cairo_restore (cr);
}
