/* attention-png.h: a fast encoder for 8-bit grayscale PNG files of flat
 * pictures such as the attention diagrams. No GTK, no Cairo. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Size of the scanline buffer for a width × height image: each row is a
 * filter byte (0, "none") followed by width grey bytes, rows back to back,
 * exactly the bytes a PNG's compressed stream holds. */
gsize attention_png_scanlines_size (guint width, guint height);

/* Replaces the contents of out with a complete PNG file (8-bit grayscale,
 * not interlaced) of the given scanlines. The picture must be at most
 * 2^30 − 1 bytes. out is reused between calls to spare reallocations. */
void
attention_png_encode_gray (GByteArray *out, const guint8 *scanlines, guint width, guint height);

G_END_DECLS
