/* attention-hatch.h: the diagonal hatching that marks tokens past the longest
 * input a model was trained on, the same in the matrix and the lines picture. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Hatches the rectangle with diagonal stripes spaced `spacing` apart, in a
 * mid grey that shows on black, white and every colour map, at opacity alpha. */
void attention_hatch_rectangle (
    cairo_t *cr, double x, double y, double width, double height, double spacing, double alpha);

G_END_DECLS
