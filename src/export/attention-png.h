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

/* The same file written a band of rows at a time, so that a diagram of 512
 * tokens (20,680 pixels square: 430 MB of scanlines) never sits in memory
 * whole. Each call appends the next bytes of the file to out (which the
 * caller writes out and empties); the bytes are those of the one-shot
 * encoder except that each band is its own IDAT chunk. */
typedef struct _AttentionPngWriter AttentionPngWriter;

/* max_rows: most rows pushed at once. */
AttentionPngWriter *attention_png_writer_new (guint width, guint height, guint max_rows);
void attention_png_writer_free (AttentionPngWriter *writer);
/* Signature and header. */
void attention_png_writer_begin (AttentionPngWriter *writer, GByteArray *out);
/* Room for n_rows scanlines (filter byte + width grey bytes each), to fill
 * and then push. */
guint8 *attention_png_writer_rows (AttentionPngWriter *writer, guint n_rows);
void attention_png_writer_push (AttentionPngWriter *writer, guint n_rows, GByteArray *out);
/* After the last row: the end of the stream and IEND. */
void attention_png_writer_end (AttentionPngWriter *writer, GByteArray *out);

/* Appends an iTXt chunk to out: text (UTF-8, uncompressed) under keyword
 * (1–79 Latin-1 characters, e.g. the PNG standard's "Description"). Call
 * after attention_png_writer_begin and before the first rows: readers find
 * it before the image data. */
void attention_png_append_text (GByteArray *out, const char *keyword, const char *text);
/* The text under keyword of the first iTXt (uncompressed) or tEXt chunk
 * before the image data of the PNG file at path, as UTF-8; NULL when there
 * is none, the file cannot be read or is not a PNG. */
char *attention_png_read_text (const char *path, const char *keyword);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttentionPngWriter, attention_png_writer_free)

G_END_DECLS
