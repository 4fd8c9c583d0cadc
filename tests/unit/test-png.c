/* test-png.c: the diagram PNG encoder, checked by decoding with libpng */

#include <png.h>
#include <string.h>

#include "attention-png.h"

/* Scanlines (filter byte 0 + pixels per row) from plain pixels. */
static guint8 *
scanlines_of (const guint8 *pixels, guint width, guint height)
{
  guint8 *s = g_malloc (attention_png_scanlines_size (width, height));

  for (guint y = 0; y < height; y++)
    {
      s[(gsize)y * (width + 1)] = 0;
      memcpy (s + (gsize)y * (width + 1) + 1, pixels + (gsize)y * width, width);
    }
  return s;
}

/* Encodes, decodes with libpng (which checks every CRC and the Adler-32),
 * and compares every pixel. Returns the file size. */
static gsize
round_trip (const guint8 *pixels, guint width, guint height)
{
  g_autofree guint8 *s = scanlines_of (pixels, width, height);
  g_autoptr (GByteArray) file = g_byte_array_new ();
  png_image image = { 0 };
  g_autofree guint8 *back = NULL;

  attention_png_encode_gray (file, s, width, height);
  g_assert_cmpuint (file->len, <=, (gsize)(width + 1) * height * 9 / 8 + 128);

  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory (&image, file->data, file->len))
    g_error ("%u × %u: libpng: %s", width, height, image.message);
  g_assert_cmpuint (image.width, ==, width);
  g_assert_cmpuint (image.height, ==, height);
  g_assert_cmpuint (image.format, ==, PNG_FORMAT_GRAY);
  back = g_malloc (PNG_IMAGE_SIZE (image));
  if (!png_image_finish_read (&image, NULL, back, 0, NULL))
    g_error ("%u × %u: libpng: %s", width, height, image.message);
  for (gsize k = 0; k < (gsize)width * height; k++)
    if (back[k] != pixels[k])
      g_error ("%u × %u: pixel %" G_GSIZE_FORMAT " is %u, was %u", width, height, k, back[k],
               pixels[k]);
  return file->len;
}

/* The streaming writer, fed in bands of `band` rows: the same pixels back,
 * and the same deflate matches as the one-shot encoder (within the few bytes
 * of the extra IDAT chunk headers per band and matches cut at band edges). */
static void
stream_round_trip (const guint8 *pixels, guint width, guint height, guint band)
{
  g_autoptr (AttentionPngWriter) writer = attention_png_writer_new (width, height, band);
  g_autoptr (GByteArray) file = g_byte_array_new ();
  g_autoptr (GByteArray) piece = g_byte_array_new ();
  png_image image = { 0 };
  g_autofree guint8 *back = NULL;
  gsize one_shot = round_trip (pixels, width, height);

  attention_png_writer_begin (writer, piece);
  for (guint y = 0; y < height; y += band)
    {
      guint rows = MIN (band, height - y);
      guint8 *s = attention_png_writer_rows (writer, rows);

      for (guint r = 0; r < rows; r++)
        {
          s[(gsize)r * (width + 1)] = 0;
          memcpy (s + (gsize)r * (width + 1) + 1, pixels + (gsize)(y + r) * width, width);
        }
      attention_png_writer_push (writer, rows, piece);
      /* The caller writes out and empties each piece. */
      g_byte_array_append (file, piece->data, piece->len);
      g_byte_array_set_size (piece, 0);
    }
  attention_png_writer_end (writer, piece);
  g_byte_array_append (file, piece->data, piece->len);

  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory (&image, file->data, file->len))
    g_error ("%u × %u by %u: libpng: %s", width, height, band, image.message);
  g_assert_cmpuint (image.width, ==, width);
  g_assert_cmpuint (image.height, ==, height);
  back = g_malloc (PNG_IMAGE_SIZE (image));
  if (!png_image_finish_read (&image, NULL, back, 0, NULL))
    g_error ("%u × %u by %u: libpng: %s", width, height, band, image.message);
  g_assert_cmpmem (back, (gsize)width * height, pixels, (gsize)width * height);
  g_assert_cmpuint (file->len, <=, one_shot + ((height + band - 1) / band + 1) * 40);
}

static void
test_streaming (void)
{
  const guint sizes[][2] = { { 1, 1 }, { 7, 300 }, { 680, 741 }, { 2000, 64 } };
  const guint bands[] = { 1, 2, 3, 17, 64, 1000 };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
      {
        guint w = sizes[k][0], h = sizes[k][1];
        g_autofree guint8 *px = g_malloc ((gsize)w * h);
        guint32 seed = 12345;

        /* Runs and repeated rows (as diagrams have) with some noise. */
        for (gsize i = 0; i < (gsize)w * h; i++)
          {
            seed = seed * 1103515245u + 12345u;
            px[i] = (i / w) % 40 < 20 ? (guint8)((i % w) / 40 * 30) : (guint8)(seed >> 24);
          }
        stream_round_trip (px, w, h, bands[b]);
      }
}

static void
test_flat (void)
{
  const guint sizes[][2] = { { 1, 1 }, { 1, 700 }, { 700, 1 }, { 5, 5 }, { 259, 3 }, { 680, 741 } };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (guint v = 0; v <= 255; v += 255)
      {
        guint w = sizes[k][0], h = sizes[k][1];
        g_autofree guint8 *px = g_malloc ((gsize)w * h);
        gsize size;

        memset (px, (int)v, (gsize)w * h);
        size = round_trip (px, w, h);
        /* One colour compresses to almost nothing. */
        g_assert_cmpuint (size, <, 100 + (gsize)w * h / 50);
      }
}

static void
test_noise (void)
{
  /* Nothing repeats: every byte is a literal, the worst case for size. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  const guint w = 333, h = 77;
  g_autofree guint8 *px = g_malloc (w * h);

  for (guint k = 0; k < w * h; k++)
    px[k] = (guint8)g_rand_int (rand);
  round_trip (px, w, h);
}

static void
test_runs_of_every_length (void)
{
  /* Runs from 1 to 1,100 bytes cover every way of cutting a match into
   * deflate's 3…258 pieces, across row ends too. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  const guint w = 997, h = 300;
  g_autofree guint8 *px = g_malloc (w * h);
  guint len = 1;
  gsize k = 0;

  while (k < (gsize)w * h)
    {
      guint8 v = (guint8)g_rand_int (rand);

      for (guint i = 0; i < len && k < (gsize)w * h; i++)
        px[k++] = v;
      len = len % 1100 + 1;
    }
  round_trip (px, w, h);
}

static void
test_rows_repeat (void)
{
  /* Like a diagram: bands of equal rows with noise in the left part, so
   * rows match the row above from somewhere in the middle. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  const guint w = 680, h = 740;
  g_autofree guint8 *px = g_malloc (w * h);
  gsize size;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint8 cell = (guint8)((x / 40 * 37 + y / 40 * 91) & 0xff);

        px[y * w + x] = x < 200 ? (g_rand_int_range (rand, 0, 20) == 0 ? 255 : 0) : cell;
      }
  size = round_trip (px, w, h);
  /* The cells (70% of the picture) repeat: the file is a small fraction of
   * the raw size, or the matches are not found. */
  g_assert_cmpuint (size, <, (gsize)w * h / 10);
}

static void
test_wide_rows (void)
{
  /* Rows of noise repeated: only "same as the row above" compresses them.
   * 30,000 uses deflate's farthest distance code; rows longer than its
   * 32 KiB window cannot refer to the row above at all. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);
  const guint widths[] = { 24000, 30000, 32767, 32768, 33000 };

  for (guint k = 0; k < G_N_ELEMENTS (widths); k++)
    {
      const guint w = widths[k], h = 3;
      g_autofree guint8 *px = g_malloc ((gsize)w * h);
      gsize size;

      for (guint x = 0; x < w; x++)
        px[x] = (guint8)g_rand_int (rand);
      for (guint y = 1; y < h; y++)
        memcpy (px + (gsize)y * w, px, w);
      size = round_trip (px, w, h);
      if (w + 1 <= 32768)
        g_assert_cmpuint (size, <, (gsize)w * 2);
    }
}

static void
test_buffer_reused (void)
{
  /* A big picture then a small one into the same array: the second file
   * must not keep bytes of the first. */
  g_autoptr (GByteArray) file = g_byte_array_new ();
  guint8 big[64 * 64], small[2] = { 10, 20 };
  g_autofree guint8 *s1 = NULL, *s2 = NULL;
  png_image image = { 0 };
  guint8 back[2];

  memset (big, 200, sizeof big);
  s1 = scanlines_of (big, 64, 64);
  s2 = scanlines_of (small, 2, 1);
  attention_png_encode_gray (file, s1, 64, 64);
  attention_png_encode_gray (file, s2, 2, 1);
  image.version = PNG_IMAGE_VERSION;
  g_assert_true (png_image_begin_read_from_memory (&image, file->data, file->len));
  g_assert_true (png_image_finish_read (&image, NULL, back, 0, NULL));
  g_assert_cmpuint (back[0], ==, 10);
  g_assert_cmpuint (back[1], ==, 20);
  /* The file ends with IEND and its CRC. */
  g_assert_cmpmem (file->data + file->len - 12, 12, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/png/flat", test_flat);
  g_test_add_func ("/png/noise", test_noise);
  g_test_add_func ("/png/runs", test_runs_of_every_length);
  g_test_add_func ("/png/rows-repeat", test_rows_repeat);
  g_test_add_func ("/png/wide", test_wide_rows);
  g_test_add_func ("/png/buffer-reused", test_buffer_reused);
  g_test_add_func ("/png/streaming", test_streaming);
  return g_test_run ();
}
