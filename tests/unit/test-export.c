/* test-export.c: the diagram files: names, count, contents, atomicity, faults */

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attention-export-private.h"

#define N_LAYERS 2
#define N_HEADS 3

/* A result with hand-made tokens and a known matrix per layer/head:
 * cell (i, j) of layer l, head h is ((i + j + l + h) % 5) / 4. */
static AttentionResult *
make_result (void)
{
  static const char *tokens[] = { "[CLS]", "the", "cat", "[MASK]", "[SEP]" };
  const char *text = "the cat [MASK]";
  BertEncoding *enc = g_new0 (BertEncoding, 1);
  guint n = G_N_ELEMENTS (tokens);
  float *att = g_new (float, N_LAYERS *N_HEADS *n *n);

  enc->n_tokens = n;
  enc->ids = g_new0 (gint64, n);
  enc->tokens = g_new0 (char *, n + 1);
  enc->spans = g_new0 (BertSpan, n);
  for (guint i = 0; i < n; i++)
    {
      enc->ids[i] = 100 + i;
      enc->tokens[i] = g_strdup (tokens[i]);
    }
  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      for (guint i = 0; i < n; i++)
        for (guint j = 0; j < n; j++)
          att[((l * N_HEADS + h) * n + i) * n + j] = ((i + j + l + h) % 5) / 4.0f;

  return attention_result_new (text, enc, N_LAYERS, N_HEADS, att);
}

/* Reads a PNG back; asserts it is 8-bit gray. Returns the pixels. */
static guint8 *
read_gray_png (const char *path, int *width, int *height)
{
  png_image image = { 0 };
  guint8 *pixels;

  image.version = PNG_IMAGE_VERSION;
  g_assert_true (png_image_begin_read_from_file (&image, path));
  g_assert_cmpuint (image.format, ==, PNG_FORMAT_GRAY);
  image.format = PNG_FORMAT_GRAY;
  pixels = g_malloc (PNG_IMAGE_SIZE (image));
  g_assert_true (png_image_finish_read (&image, NULL, pixels, 0, NULL));
  *width = image.width;
  *height = image.height;
  return pixels;
}

static guint
count_entries (const char *dir, gboolean hidden_only)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (!hidden_only || name[0] == '.')
      count++;
  return count;
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_file_names (void)
{
  g_autofree char *a = attention_export_file_name (0, 0, "png");
  g_autofree char *b = attention_export_file_name (11, 9, "png");
  g_autofree char *c = attention_export_file_name (2, 3, "svg");

  g_assert_cmpstr (a, ==, "Attention_Layer1_Head1.png");
  g_assert_cmpstr (b, ==, "Attention_Layer12_Head10.png");
  g_assert_cmpstr (c, ==, "Attention_Layer3_Head4.svg");
}

static guint progress_calls;
static guint progress_last;

static void
on_progress (guint done, guint total, gpointer data)
{
  g_assert_cmpuint (total, ==, N_LAYERS * N_HEADS);
  g_assert_cmpuint (done, ==, progress_last + 1);
  progress_last = done;
  progress_calls++;
}

static void
test_all_files (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-export-XXXXXX", NULL);
  guint n_written = 0;

  progress_calls = progress_last = 0;
  g_assert_true (attention_export_all_png (result, dir, "Test model", on_progress, NULL, NULL,
                                           &n_written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_written, ==, N_LAYERS * N_HEADS);
  g_assert_cmpuint (progress_calls, ==, N_LAYERS * N_HEADS);
  g_assert_cmpuint (count_entries (dir, FALSE), ==, N_LAYERS * N_HEADS);
  g_assert_cmpuint (count_entries (dir, TRUE), ==, 0);

  for (guint l = 0; l < N_LAYERS; l++)
    for (guint h = 0; h < N_HEADS; h++)
      {
        g_autofree char *name = attention_export_file_name (l, h, "png");
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree guint8 *px = NULL;
        int w, ht;

        px = read_gray_png (path, &w, &ht);
        g_assert_cmpint (w, ==, 200 + 40 * 5);
        g_assert_cmpint (ht, >, w); /* the caption band */
        for (guint i = 0; i < 5; i++)
          for (guint j = 0; j < 5; j++)
            {
              guint expected = (guint)lrint (255.0 * (((i + j + l + h) % 5) / 4.0));
              g_assert_cmpuint (px[(200 + 40 * i + 20) * w + 200 + 40 * j + 20], ==, expected);
              g_assert_cmpuint (px[(200 + 40 * i) * w + 200 + 40 * j + 39], ==, expected);
            }
        /* White labels on black in the margin. */
        g_assert_cmpuint (px[5 * w + 5], ==, 0);
      }
  remove_dir (dir);
}

static void
test_single_file (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "one.png", NULL);
  g_autofree guint8 *px = NULL;
  int w, h;

  g_assert_true (attention_export_png (result, 1, 2, NULL, path, &error));
  g_assert_no_error (error);
  px = read_gray_png (path, &w, &h);
  g_assert_cmpint (w, ==, 400);
  g_assert_cmpint (h, ==, 400); /* no caption asked, the original's square */
  g_assert_cmpuint (count_entries (dir, TRUE), ==, 0);
  remove_dir (dir);
}

static void
test_missing_dir (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-export-XXXXXX", NULL);
  guint n_written = 99;

  /* The folder was deleted after it was chosen. */
  g_rmdir (dir);
  g_assert_false (
      attention_export_all_png (result, dir, NULL, NULL, NULL, NULL, &n_written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (n_written, ==, 0);
  g_assert_nonnull (strstr (error->message, "Wrote 0 of 6"));
}

static void
test_not_a_dir (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *file = NULL;
  int fd = g_file_open_tmp ("attention-export-XXXXXX", &file, NULL);
  guint n_written = 99;

  /* Permission bits do not stop root, a file in the folder's place does. */
  close (fd);
  g_assert_false (
      attention_export_all_png (result, file, NULL, NULL, NULL, NULL, &n_written, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (n_written, ==, 0);
  g_unlink (file);
}

static void
test_disk_full (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-export-XXXXXX", NULL);
  guint n_written = 99;

  attention_export_inject_write_failure (4, ENOSPC);
  g_assert_false (
      attention_export_all_png (result, dir, NULL, NULL, NULL, NULL, &n_written, &error));
  attention_export_inject_write_failure (-1, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpuint (n_written, ==, 4);
  g_assert_nonnull (strstr (error->message, "Wrote 4 of 6"));
  /* The four good files are there, complete; no temporary file is left. */
  g_assert_cmpuint (count_entries (dir, FALSE), ==, 4);
  g_assert_cmpuint (count_entries (dir, TRUE), ==, 0);
  remove_dir (dir);
}

static void
cancel_on_progress (guint done, guint total, gpointer data)
{
  if (done == 2)
    g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
test_cancel (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("attention-export-XXXXXX", NULL);
  guint n_written = 99;

  g_assert_false (attention_export_all_png (result, dir, NULL, cancel_on_progress, cancellable,
                                            cancellable, &n_written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Files already being drawn by the other core may still complete. */
  g_assert_cmpuint (n_written, >=, 2);
  g_assert_cmpuint (n_written, <, N_LAYERS * N_HEADS);
  g_assert_cmpuint (count_entries (dir, FALSE), ==, n_written);
  g_assert_cmpuint (count_entries (dir, TRUE), ==, 0);
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export/file-names", test_file_names);
  g_test_add_func ("/export/all-files", test_all_files);
  g_test_add_func ("/export/single-file", test_single_file);
  g_test_add_func ("/export/missing-dir", test_missing_dir);
  g_test_add_func ("/export/not-a-dir", test_not_a_dir);
  g_test_add_func ("/export/disk-full", test_disk_full);
  g_test_add_func ("/export/cancel", test_cancel);
  return g_test_run ();
}
