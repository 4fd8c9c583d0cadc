/* test-export.c: the diagram files: names, count, contents, atomicity, faults */

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attention-export-folder.h"
#include "attention-export-job.h"
#include "attention-export-names.h"
#include "attention-export-png.h"
#include "attention-export-private.h"
#include "attention-export-registry.h"
#include "attention-shutdown.h"

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

/* The PNG set of result into dir. */
static gboolean
export_png (AttentionResult *result,
            const char *dir,
            const char *model_name,
            AttentionExportProgress progress,
            gpointer progress_data,
            GCancellable *cancellable,
            guint *n_written,
            GError **error)
{
  AttentionExportRequest request = { result,   dir,           model_name, ATTENTION_EXPORT_PNG,
                                     progress, progress_data, cancellable };

  return attention_export_png_set (&request, n_written, error);
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

/* Under every picture: which layer and heads, of which model, and the text. */
static void
test_captions (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  const guint one[] = { 2 }, several[] = { 0, 2, 9 };
  g_autofree char *a = attention_export_caption (result, 1, one, 1, "Test model");
  g_autofree char *b = attention_export_caption (result, 0, one, 1, NULL);
  g_autofree char *c = attention_export_caption (result, 1, several, 3, "");
  g_autofree char *d = attention_export_caption (result, 1, several, 2, "M");

  g_assert_cmpstr (a, ==, "Layer 2, Head 3 · Test model\nthe cat [MASK]");
  g_assert_cmpstr (b, ==, "Layer 1, Head 3\nthe cat [MASK]");
  g_assert_cmpstr (c, ==, "Layer 2, Heads 1, 3, 10\nthe cat [MASK]");
  g_assert_cmpstr (d, ==, "Layer 2, Heads 1, 3 · M\nthe cat [MASK]");
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
  g_assert_true (
      export_png (result, dir, "Test model", on_progress, NULL, NULL, &n_written, &error));
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
test_missing_dir (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-export-XXXXXX", NULL);
  guint n_written = 99;

  /* The folder was deleted after it was chosen. */
  g_rmdir (dir);
  g_assert_false (export_png (result, dir, NULL, NULL, NULL, NULL, &n_written, &error));
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
  g_assert_false (export_png (result, file, NULL, NULL, NULL, NULL, &n_written, &error));
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
  g_assert_false (export_png (result, dir, NULL, NULL, NULL, NULL, &n_written, &error));
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

  g_assert_false (export_png (result, dir, NULL, cancel_on_progress, cancellable, cancellable,
                              &n_written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Files already being drawn by the other core may still complete. */
  g_assert_cmpuint (n_written, >=, 2);
  g_assert_cmpuint (n_written, <, N_LAYERS * N_HEADS);
  g_assert_cmpuint (count_entries (dir, FALSE), ==, n_written);
  g_assert_cmpuint (count_entries (dir, TRUE), ==, 0);
  remove_dir (dir);
}

static void
touch (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
}

static gboolean
exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

/* Diagrams of a bigger set concern the kinds that write the diagram set
 * only; deleted when asked, once the folder is locked. */
static void
test_job_stale (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-job-XXXXXX", NULL);
  g_autoptr (AttentionExportJob) png =
      attention_export_job_new (result, attention_export_kind_find ("png"), dir, "Test");
  g_autoptr (AttentionExportJob) json =
      attention_export_job_new (result, attention_export_kind_find ("json"), dir, "Test");
  g_auto (GStrv) stale = NULL;
  g_auto (GStrv) none = NULL;

  /* Layer 3 of a 2-layer model, head 4 of 3, and one inside the set. */
  touch (dir, "Attention_Layer3_Head1.png");
  touch (dir, "Lines_Layer1_Head4.svg");
  touch (dir, "Attention_Layer2_Head3.pdf");
  stale = attention_export_job_find_stale (png);
  g_assert_cmpuint (g_strv_length (stale), ==, 2);
  g_assert_cmpstr (stale[0], ==, "Lines_Layer1_Head4.svg");
  g_assert_cmpstr (stale[1], ==, "Attention_Layer3_Head1.png");
  none = attention_export_job_find_stale (json);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  attention_export_job_set_remove (png, stale);
  g_assert_true (attention_export_job_run (png, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (attention_export_job_get_n_written (png), ==, N_LAYERS * N_HEADS);
  g_assert_false (exists (dir, "Attention_Layer3_Head1.png"));
  g_assert_false (exists (dir, "Lines_Layer1_Head4.svg"));
  g_assert_true (exists (dir, "Attention_Layer2_Head3.pdf"));
  g_assert_cmpuint (count_entries (dir, FALSE), ==, N_LAYERS * N_HEADS + 1);
  remove_dir (dir);
}

typedef struct
{
  AttentionExportLock *other; /* another export's hold on the folder */
  guint waited;
  guint workers; /* counted while waiting */
} Waiting;

static void
waiting_cb (AttentionExportJob *job, const char *message, Waiting *w)
{
  g_assert_nonnull (strstr (message, "Another export is writing into"));
  w->waited++;
  w->workers = attention_shutdown_n_workers ();
  /* Nothing is written before the lock is ours. */
  g_assert_cmpuint (count_entries (attention_export_job_get_dir (job), FALSE), ==, 0);
  g_clear_pointer (&w->other, attention_export_folder_unlock);
}

/* A folder another export holds: a sync run says so and waits, counted as a
 * worker a quitting app would wait for; an async one fails at once. */
static void
test_job_lock (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-job-XXXXXX", NULL);
  g_autoptr (AttentionExportJob) job =
      attention_export_job_new (result, attention_export_kind_find ("json"), dir, NULL);
  g_autoptr (GAsyncResult) async = NULL;
  Waiting w = { 0 };

  w.other = attention_export_folder_lock (dir, FALSE, &error);
  g_assert_no_error (error);
  attention_export_job_run_async (job, NULL, store_result, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (attention_export_job_run_finish (job, async, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir, FALSE), ==, 0);

  g_signal_connect (job, "waiting", G_CALLBACK (waiting_cb), &w);
  g_assert_true (attention_export_job_run (job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w.waited, ==, 1);
  g_assert_cmpuint (w.workers, ==, 1);
  g_assert_cmpuint (attention_shutdown_n_workers (), ==, 0);
  g_assert_true (exists (dir, "attention.json"));
  remove_dir (dir);
}

static void
count_progress (AttentionExportJob *job, guint done, guint total, guint *last)
{
  g_assert_cmpuint (total, ==, N_LAYERS * N_HEADS);
  g_assert_cmpuint (done, >, *last);
  g_assert_cmpuint (done, <=, total);
  *last = done;
}

/* An async run reports its progress in the caller's main context; a
 * cancelled one says how far it came. */
static void
test_job_async (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-job-XXXXXX", NULL);
  g_autoptr (AttentionExportJob) job =
      attention_export_job_new (result, attention_export_kind_find ("lines-svg"), dir, "Test");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) done = NULL;
  g_autoptr (GAsyncResult) cancelled = NULL;
  guint last = 0;

  g_signal_connect (job, "progress", G_CALLBACK (count_progress), &last);
  attention_export_job_run_async (job, NULL, store_result, &done);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (attention_export_job_run_finish (job, done, &error));
  g_assert_no_error (error);
  /* The last update is queued before the run ends. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (last, ==, N_LAYERS * N_HEADS);
  g_assert_cmpuint (attention_export_job_get_n_written (job), ==, N_LAYERS * N_HEADS);
  g_assert_cmpuint (count_entries (dir, FALSE), ==, N_LAYERS * N_HEADS);

  g_cancellable_cancel (cancellable);
  attention_export_job_run_async (job, cancellable, store_result, &cancelled);
  while (cancelled == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (attention_export_job_run_finish (job, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "0 of 6"));
  g_assert_cmpuint (attention_export_job_get_n_written (job), ==, 0);
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export/file-names", test_file_names);
  g_test_add_func ("/export/captions", test_captions);
  g_test_add_func ("/export/all-files", test_all_files);
  g_test_add_func ("/export/missing-dir", test_missing_dir);
  g_test_add_func ("/export/not-a-dir", test_not_a_dir);
  g_test_add_func ("/export/disk-full", test_disk_full);
  g_test_add_func ("/export/cancel", test_cancel);
  g_test_add_func ("/export/job-stale", test_job_stale);
  g_test_add_func ("/export/job-lock", test_job_lock);
  g_test_add_func ("/export/job-async", test_job_async);
  return g_test_run ();
}
