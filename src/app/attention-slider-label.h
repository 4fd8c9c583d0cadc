/* attention-slider-label.h: the text beside the layer and head sliders
 * ("2 of 12"), the value a GtkScale with marks does not draw (GLib only). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "value of count". */
char *attention_slider_label (guint value, guint count);
/* The 1-based positions whose bits are set in members (bit 0: position 1),
 * "1, 3, 5 of 12"; one member reads as attention_slider_label, none as
 * "value of count" with value. Bits from count on are left out. */
char *attention_slider_label_for_set (guint64 members, guint value, guint count);

G_END_DECLS
