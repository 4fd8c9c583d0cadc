/* attention-caption.h: text under a drawn diagram, shared by the matrix and
 * the lines renderers (Cairo only, no GTK). */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

double attention_caption_height (const char *caption, double size);
void attention_caption_draw (cairo_t *cr,
                             const char *caption,
                             double size,
                             const char *font_family,
                             const double fg[3],
                             double top,
                             double width);
void
attention_text_show_fitted (cairo_t *cr, const char *text, double max_width, gboolean align_end);

G_END_DECLS
