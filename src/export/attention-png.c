/* attention-png.c: PNG files for the diagrams, compressed with knowledge of
 * what they hold.
 *
 * zlib at its fastest level (and libdeflate alike) spends about 1.6 ms on a
 * 680 × 740 diagram looking for repeats byte by byte: half the export time.
 * A diagram is long runs of one grey (margins, cells) and rows equal to the
 * row above (a cell is 40 rows tall). A deflate stream made only of those two
 * kinds of matches, "same as the byte before" and "same as the row above",
 * with the fixed Huffman code, is found by comparing 8 bytes at a time,
 * takes a fraction of the time and is about as small. Any PNG reader
 * decodes it: it is ordinary deflate (RFC 1951) in a zlib wrapper. */

#include "attention-png.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define MIN_MATCH 3
#define MAX_MATCH 258
#define MAX_DISTANCE 32768
/* Longest stretch compared at once: both candidates are measured at each
 * step, so this bounds the work thrown away on the one not taken. */
#define MAX_SCAN (MAX_MATCH * 16)

typedef struct
{
  guint32 bits; /* in deflate's order: first bit in the lowest place */
  guint32 n;
} Code;

static Code literal_codes[256];
static Code length_codes[MAX_MATCH + 1];

static const guint16 length_base[29] = { 3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                         15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                         67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const guint8 length_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const guint16 distance_base[30] = { 1,    2,    3,    4,     5,     7,    9,    13,
                                           17,   25,   33,   49,    65,    97,   129,  193,
                                           257,  385,  513,  769,   1025,  1537, 2049, 3073,
                                           4097, 6145, 8193, 12289, 16385, 24577 };
static const guint8 distance_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                           6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* Huffman codes are sent most significant bit first, everything else least
 * significant first: store codes reversed. */
static guint32
reverse_bits (guint32 code, guint32 n)
{
  guint32 r = 0;

  for (guint32 i = 0; i < n; i++)
    r |= ((code >> i) & 1) << (n - 1 - i);
  return r;
}

/* The fixed literal/length code of RFC 1951, 3.2.6. */
static Code
fixed_code (guint symbol)
{
  guint32 code, n;

  if (symbol < 144)
    code = 0x30 + symbol, n = 8;
  else if (symbol < 256)
    code = 0x190 + (symbol - 144), n = 9;
  else if (symbol < 280)
    code = symbol - 256, n = 7;
  else
    code = 0xc0 + (symbol - 280), n = 8;
  return (Code){ reverse_bits (code, n), n };
}

static gpointer
init_tables (gpointer data)
{
  for (guint v = 0; v < 256; v++)
    literal_codes[v] = fixed_code (v);
  for (guint len = MIN_MATCH; len <= MAX_MATCH; len++)
    {
      guint k = G_N_ELEMENTS (length_base) - 1;
      Code c;

      while (length_base[k] > len)
        k--;
      c = fixed_code (257 + k);
      length_codes[len] = (Code){ c.bits | (len - length_base[k]) << c.n, c.n + length_extra[k] };
    }
  return NULL;
}

static void
ensure_tables (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_tables, NULL);
}

static Code
distance_code (guint distance)
{
  guint k = G_N_ELEMENTS (distance_base) - 1;

  while (distance_base[k] > distance)
    k--;
  return (Code){ reverse_bits (k, 5) | (distance - distance_base[k]) << 5, 5 + distance_extra[k] };
}

typedef struct
{
  guint8 *p;
  guint64 acc;
  guint32 n;
} Bits;

static inline void
put (Bits *b, Code c)
{
  b->acc |= (guint64)c.bits << b->n;
  b->n += c.n;
  if (b->n >= 32)
    {
      b->p[0] = (guint8)b->acc;
      b->p[1] = (guint8)(b->acc >> 8);
      b->p[2] = (guint8)(b->acc >> 16);
      b->p[3] = (guint8)(b->acc >> 24);
      b->p += 4;
      b->acc >>= 32;
      b->n -= 32;
    }
}

static void
flush_bits (Bits *b)
{
  while (b->n > 0)
    {
      *b->p++ = (guint8)b->acc;
      b->acc >>= 8;
      b->n = b->n > 8 ? b->n - 8 : 0;
    }
}

/* How many bytes from a equal those from b, up to max; b may overlap a. */
static inline gsize
common_length (const guint8 *a, const guint8 *b, gsize max)
{
  gsize n = 0;

  while (n + 8 <= max)
    {
      guint64 x, y;

      memcpy (&x, a + n, 8);
      memcpy (&y, b + n, 8);
      if (x != y)
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
        return n + ((gsize)__builtin_ctzll (x ^ y) >> 3);
#else
        return n + ((gsize)__builtin_clzll (x ^ y) >> 3);
#endif
      n += 8;
    }
  while (n < max && a[n] == b[n])
    n++;
  return n;
}

/* Deflate symbols for s[from, total): only matches inside s, so the bytes
 * before `from` (at least one row of them, except at the very start) are
 * what the first positions may refer back to. */
static void
deflate_span (Bits *b, const guint8 *s, gsize from, gsize total, gsize row)
{
  Code run_distance = distance_code (1);
  Code row_distance = distance_code (row <= MAX_DISTANCE ? (guint)row : 1);
  gboolean rows_ok = row <= MAX_DISTANCE;
  gsize i = from;

  while (i < total)
    {
      gsize max = MIN (total - i, MAX_SCAN);
      gsize run = i >= 1 ? common_length (s + i, s + i - 1, max) : 0;
      gsize up = rows_ok && i >= row ? common_length (s + i, s + i - row, max) : 0;
      gsize len = MAX (run, up);
      Code distance = run >= up ? run_distance : row_distance;

      if (len < MIN_MATCH)
        {
          put (b, literal_codes[s[i++]]);
          continue;
        }
      i += len;
      while (len > 0)
        {
          /* Pieces of at most 258; never leave a tail shorter than 3. */
          gsize piece = len <= MAX_MATCH ? len : MIN (MAX_MATCH, len - MIN_MATCH);

          put (b, length_codes[piece]);
          put (b, distance);
          len -= piece;
        }
    }
}

/* The deflate data of the zlib stream: one final block, fixed codes. */
static guint8 *
deflate_fixed (guint8 *out, const guint8 *s, gsize total, gsize row)
{
  Bits b = { out, 0, 0 };

  put (&b, (Code){ 1 | 1 << 1, 3 }); /* BFINAL = 1, BTYPE = 01 (fixed) */
  deflate_span (&b, s, 0, total, row);
  put (&b, fixed_code (256)); /* end of block */
  flush_bits (&b);
  return b.p;
}

static inline guint8 *
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8)(v >> 24);
  p[1] = (guint8)(v >> 16);
  p[2] = (guint8)(v >> 8);
  p[3] = (guint8)v;
  return p + 4;
}

/* Writes the CRC of a chunk whose type starts at type and data ends at end. */
static guint8 *
end_chunk (guint8 *type, guint8 *end)
{
  return put_be32 (end, (guint32)crc32_z (0, type, (z_size_t)(end - type)));
}

gsize
attention_png_scanlines_size (guint width, guint height)
{
  return ((gsize)width + 1) * height;
}

void
attention_png_encode_gray (GByteArray *out, const guint8 *scanlines, guint width, guint height)
{
  static const guint8 signature[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
  gsize row = (gsize)width + 1;
  gsize total = row * height;
  guint8 *start, *p, *type, *data;

  g_return_if_fail (out != NULL);
  g_return_if_fail (scanlines != NULL);
  g_return_if_fail (width > 0 && height > 0 && total < (1u << 30));

  ensure_tables ();

  /* At most 9 bits a byte (a literal), plus headers and slack for the last
   * 4-byte store of the bit writer. */
  g_byte_array_set_size (out, (guint)(total + total / 8 + 128));
  start = p = out->data;

  memcpy (p, signature, sizeof signature);
  p += sizeof signature;

  p = put_be32 (p, 13);
  type = p;
  memcpy (p, "IHDR", 4);
  p = put_be32 (p + 4, width);
  p = put_be32 (p, height);
  *p++ = 8; /* bit depth */
  *p++ = 0; /* grayscale */
  *p++ = 0; /* deflate */
  *p++ = 0; /* adaptive filtering, each row says its filter */
  *p++ = 0; /* not interlaced */
  p = end_chunk (type, p);

  type = p + 4;
  memcpy (type, "IDAT", 4);
  data = type + 4;
  data[0] = 0x78; /* zlib: deflate, 32 KiB window */
  data[1] = 0x01; /* no dictionary, fastest, (0x7801 % 31) == 0 */
  p = deflate_fixed (data + 2, scanlines, total, row);
  p = put_be32 (p, (guint32)adler32_z (1, scanlines, (z_size_t)total));
  put_be32 (type - 4, (guint32)(p - data));
  p = end_chunk (type, p);

  p = put_be32 (p, 0);
  type = p;
  memcpy (p, "IEND", 4);
  p = end_chunk (type, p + 4);

  g_byte_array_set_size (out, (guint)(p - start));
}

/* --- streaming ------------------------------------------------------------ */

struct _AttentionPngWriter
{
  guint width;
  guint height;
  gsize row;       /* bytes per scanline */
  guint max_rows;  /* per push */
  guint rows_done; /* pushed so far */
  guint8 *buffer;  /* the previous row, then room for max_rows */
  Bits bits;       /* bits not yet whole bytes: acc and n only */
  guint32 adler;
};

AttentionPngWriter *
attention_png_writer_new (guint width, guint height, guint max_rows)
{
  AttentionPngWriter *w;

  g_return_val_if_fail (width > 0 && height > 0 && max_rows > 0, NULL);
  w = g_new0 (AttentionPngWriter, 1);
  w->width = width;
  w->height = height;
  w->row = (gsize)width + 1;
  w->max_rows = max_rows;
  w->buffer = g_malloc (w->row * ((gsize)max_rows + 1));
  w->adler = (guint32)adler32_z (0, NULL, 0);
  return w;
}

void
attention_png_writer_free (AttentionPngWriter *writer)
{
  if (writer == NULL)
    return;
  g_free (writer->buffer);
  g_free (writer);
}

/* Room at the end of out for n more bytes; returns where they go. */
static guint8 *
grow (GByteArray *out, gsize n)
{
  guint len = out->len;

  g_byte_array_set_size (out, (guint)(len + n));
  return out->data + len;
}

static void
shrink_to (GByteArray *out, const guint8 *end)
{
  g_byte_array_set_size (out, (guint)(end - out->data));
}

void
attention_png_writer_begin (AttentionPngWriter *writer, GByteArray *out)
{
  static const guint8 signature[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
  guint8 *p, *type;

  ensure_tables ();
  p = grow (out, 8 + 25);
  memcpy (p, signature, sizeof signature);
  p += sizeof signature;
  p = put_be32 (p, 13);
  type = p;
  memcpy (p, "IHDR", 4);
  p = put_be32 (p + 4, writer->width);
  p = put_be32 (p, writer->height);
  *p++ = 8; /* bit depth */
  *p++ = 0; /* grayscale */
  *p++ = 0; /* deflate */
  *p++ = 0; /* adaptive filtering, each row says its filter */
  *p++ = 0; /* not interlaced */
  p = end_chunk (type, p);
  shrink_to (out, p);
}

guint8 *
attention_png_writer_rows (AttentionPngWriter *writer, guint n_rows)
{
  g_return_val_if_fail (n_rows <= writer->max_rows, NULL);
  return writer->buffer + writer->row;
}

/* Appends an IDAT chunk around whatever writes into it: returns where the
 * data goes; close_idat finishes it. */
static guint8 *
open_idat (GByteArray *out, gsize max_data, guint *chunk_start)
{
  guint8 *p;

  *chunk_start = out->len;
  p = grow (out, 8 + max_data + 4);
  memcpy (p + 4, "IDAT", 4);
  return p + 8;
}

static void
close_idat (GByteArray *out, guint chunk_start, guint8 *end)
{
  guint8 *start = out->data + chunk_start;
  gsize n = (gsize)(end - (start + 8));

  if (n == 0)
    {
      g_byte_array_set_size (out, chunk_start);
      return;
    }
  put_be32 (start, (guint32)n);
  end = end_chunk (start + 4, end);
  shrink_to (out, end);
}

void
attention_png_writer_push (AttentionPngWriter *writer, guint n_rows, GByteArray *out)
{
  gboolean first = writer->rows_done == 0;
  gsize len = writer->row * n_rows;
  guint8 *rows = writer->buffer + writer->row;
  guint chunk;
  guint8 *p;
  Bits b;

  g_return_if_fail (n_rows <= writer->max_rows);
  g_return_if_fail (writer->rows_done + n_rows <= writer->height);
  if (n_rows == 0)
    return;

  /* 9 bits a byte at most, the zlib and block headers, slack for put(). */
  p = open_idat (out, len + len / 8 + 16, &chunk);
  if (first)
    {
      *p++ = 0x78; /* zlib: deflate, 32 KiB window */
      *p++ = 0x01; /* no dictionary, fastest, (0x7801 % 31) == 0 */
    }
  b = (Bits){ p, writer->bits.acc, writer->bits.n };
  if (first)
    put (&b, (Code){ 1 | 1 << 1, 3 }); /* BFINAL = 1, BTYPE = 01 (fixed) */
  /* From the previous row on: the first new row may match it. */
  if (first)
    deflate_span (&b, rows, 0, len, writer->row);
  else
    deflate_span (&b, writer->buffer, writer->row, writer->row + len, writer->row);
  /* Whole bytes go out now; the rest waits for the next band. */
  while (b.n >= 8)
    {
      *b.p++ = (guint8)b.acc;
      b.acc >>= 8;
      b.n -= 8;
    }
  writer->bits = b;
  writer->adler = (guint32)adler32_z (writer->adler, rows, (z_size_t)len);
  close_idat (out, chunk, b.p);

  memmove (writer->buffer, rows + len - writer->row, writer->row);
  writer->rows_done += n_rows;
}

void
attention_png_writer_end (AttentionPngWriter *writer, GByteArray *out)
{
  guint chunk;
  guint8 *p, *type;
  Bits b;

  g_return_if_fail (writer->rows_done == writer->height);

  p = open_idat (out, 16, &chunk);
  b = (Bits){ p, writer->bits.acc, writer->bits.n };
  put (&b, fixed_code (256)); /* end of block */
  flush_bits (&b);
  p = put_be32 (b.p, writer->adler);
  close_idat (out, chunk, p);

  p = grow (out, 12);
  p = put_be32 (p, 0);
  type = p;
  memcpy (p, "IEND", 4);
  p = end_chunk (type, p + 4);
  shrink_to (out, p);
}

/* --- text chunks ------------------------------------------------------------ */

/* Longest text chunk read back: a sentence, not a payload. */
#define MAX_TEXT_CHUNK (1u << 20)

void
attention_png_append_text (GByteArray *out, const char *keyword, const char *text)
{
  gsize key_len, text_len;
  guint8 *p, *type;

  g_return_if_fail (out != NULL);
  g_return_if_fail (keyword != NULL && text != NULL);
  key_len = strlen (keyword);
  text_len = strlen (text);
  g_return_if_fail (key_len >= 1 && key_len <= 79);
  g_return_if_fail (text_len < MAX_TEXT_CHUNK);

  /* keyword, NUL, not compressed, method 0, no language tag (NUL), no
   * translated keyword (NUL), the text. */
  p = grow (out, 12 + key_len + 5 + text_len);
  p = put_be32 (p, (guint32)(key_len + 5 + text_len));
  type = p;
  memcpy (p, "iTXt", 4);
  p += 4;
  memcpy (p, keyword, key_len);
  p += key_len;
  *p++ = 0;
  *p++ = 0;
  *p++ = 0;
  *p++ = 0;
  *p++ = 0;
  memcpy (p, text, text_len);
  p = end_chunk (type, p + text_len);
  shrink_to (out, p);
}

static guint32
get_be32 (const guint8 *p)
{
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* The text of one chunk's data if it is keyword's, else NULL. */
static char *
chunk_text (const char *type, const guint8 *data, guint32 len, const char *keyword)
{
  gsize key_len = strlen (keyword);
  const guint8 *end = data + len, *p;

  if (len < key_len + 1 || memcmp (data, keyword, key_len) != 0 || data[key_len] != 0)
    return NULL;
  p = data + key_len + 1;
  if (strcmp (type, "tEXt") == 0)
    return g_convert ((const char *)p, end - p, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  /* iTXt: compression flag and method, then two NUL-ended strings. */
  if (end - p < 2 || p[0] != 0)
    return NULL;
  p += 2;
  for (int skip = 0; skip < 2; skip++)
    {
      p = memchr (p, 0, end - p);
      if (p == NULL)
        return NULL;
      p++;
    }
  if (!g_utf8_validate ((const char *)p, end - p, NULL))
    return NULL;
  return g_strndup ((const char *)p, end - p);
}

char *
attention_png_read_text (const char *path, const char *keyword)
{
  static const guint8 signature[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
  guint8 head[8];
  char *text = NULL;
  FILE *f;

  g_return_val_if_fail (path != NULL && keyword != NULL, NULL);

  f = fopen (path, "rb");
  if (f == NULL)
    return NULL;
  if (fread (head, 1, 8, f) != 8 || memcmp (head, signature, 8) != 0)
    {
      fclose (f);
      return NULL;
    }
  while (text == NULL && fread (head, 1, 8, f) == 8)
    {
      guint32 len = get_be32 (head);
      char type[5] = { 0 };
      g_autofree guint8 *data = NULL;

      memcpy (type, head + 4, 4);
      /* Text chunks come before the image data; nothing to find after. */
      if (strcmp (type, "IDAT") == 0 || strcmp (type, "IEND") == 0 || len > MAX_TEXT_CHUNK)
        break;
      if (strcmp (type, "iTXt") != 0 && strcmp (type, "tEXt") != 0)
        {
          if (fseek (f, (long)len + 4, SEEK_CUR) != 0)
            break;
          continue;
        }
      data = g_malloc (len + 4);
      if (fread (data, 1, len + 4, f) != len + 4)
        break;
      text = chunk_text (type, data, len, keyword);
    }
  fclose (f);
  return text;
}
