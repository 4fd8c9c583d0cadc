/* attention-export.c: the diagram set as files, drawn by the same renderer as
 * the view. PNGs are 8-bit grayscale, encoded by attention-png.c: encoding,
 * not drawing, is where the time goes (PLATFORM-NOTES). */

#include "attention-export-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attention-png.h"
#include "attention-render.h"

/* Fault injection for tests: files begun after `inject_after` fail. */
static int inject_after = -1;
static int inject_errno = 0;
static int inject_started = 0;

void
attention_export_inject_write_failure (int after, int error_code)
{
  g_atomic_int_set (&inject_started, 0);
  inject_errno = error_code;
  g_atomic_int_set (&inject_after, after);
}

int
attention_export_inject_begin_file (void)
{
  if (g_atomic_int_get (&inject_after) < 0)
    return 0;
  if (g_atomic_int_add (&inject_started, 1) < g_atomic_int_get (&inject_after))
    return 0;
  return inject_errno;
}

char *
attention_export_file_name (guint layer, guint head, const char *extension)
{
  return g_strdup_printf ("Attention_Layer%u_Head%u.%s", layer + 1, head + 1,
                          extension ? extension : "png");
}

/* A drawing surface, the grey scanlines and the encoded file, kept across
 * files by one worker: reallocating megabytes per file costs page faults on
 * these VMs. */
typedef struct
{
  cairo_surface_t *surface;
  guint8 *scanlines;
  GByteArray *file;
  int width;
  int height;
} Canvas;

static void
canvas_clear (Canvas *canvas)
{
  g_clear_pointer (&canvas->surface, cairo_surface_destroy);
  g_clear_pointer (&canvas->scanlines, g_free);
  g_clear_pointer (&canvas->file, g_byte_array_unref);
}

static gboolean
canvas_ensure (Canvas *canvas, int width, int height, GError **error)
{
  if (canvas->surface != NULL && canvas->width == width && canvas->height == height)
    return TRUE;

  canvas_clear (canvas);
  canvas->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  if (cairo_surface_status (canvas->surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Could not draw a %d × %d image: %s"),
                   width, height, cairo_status_to_string (cairo_surface_status (canvas->surface)));
      canvas_clear (canvas);
      return FALSE;
    }
  canvas->scanlines = g_malloc (attention_png_scanlines_size (width, height));
  canvas->file = g_byte_array_new ();
  canvas->width = width;
  canvas->height = height;
  return TRUE;
}

/* Returns 0 or an errno value. */
static int
write_all (int fd, const guint8 *data, gsize length, int inject_err)
{
  /* The injected failure strikes after part of the file is out, as a full
   * disk does. */
  gsize limit = inject_err != 0 ? length / 2 : length;
  gsize done = 0;

  while (done < limit)
    {
      gssize n = write (fd, data + done, limit - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? errno : EIO;
      done += (gsize)n;
    }
  return inject_err;
}

static gboolean
write_file_atomically (const char *path, const guint8 *data, gsize length, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int inject_err = attention_export_inject_begin_file ();
  int fd, err;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _ ("Could not create “%s”: %s"),
                   path, g_strerror (err));
      return FALSE;
    }

  err = write_all (fd, data, length, inject_err);
  if (close (fd) != 0 && err == 0)
    err = errno;
  /* No fsync: the rename keeps a crash of the app from leaving a torn file,
   * and 144 fsyncs would triple the export time. */
  if (err == 0 && g_rename (tmp, path) != 0)
    err = errno;
  if (err != 0)
    {
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _ ("Could not write “%s”: %s"),
                   path, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

static gboolean
render_to_file (Canvas *canvas,
                AttentionResult *result,
                guint layer,
                guint head,
                const char *caption,
                const char *path,
                GError **error)
{
  AttentionRenderStyle style;
  guint n = attention_result_get_n_tokens (result);
  double width, height;
  const guint8 *data;
  int stride, w, h;
  cairo_t *cr;

  attention_render_style_init_export (&style);
  style.caption = caption;
  attention_render_get_size (&style, n, &width, &height);
  if (!canvas_ensure (canvas, (int)width, (int)height, error))
    return FALSE;

  cr = cairo_create (canvas->surface);
  attention_render_matrix (cr, &style, attention_result_get_matrix (result, layer, head), n,
                           attention_result_get_tokens (result));
  cairo_destroy (cr);
  cairo_surface_flush (canvas->surface);

  /* Everything drawn is grey, so one channel holds the picture; each PNG
   * row starts with its filter type, 0 (none). */
  data = cairo_image_surface_get_data (canvas->surface);
  stride = cairo_image_surface_get_stride (canvas->surface);
  w = canvas->width;
  h = canvas->height;
  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *)(gconstpointer)(data + (gsize)y * stride);
      guint8 *out = canvas->scanlines + (gsize)y * (w + 1);

      out[0] = 0;
      for (int x = 0; x < w; x++)
        out[x + 1] = (guint8)(row[x] >> 8);
    }

  attention_png_encode_gray (canvas->file, canvas->scanlines, (guint)canvas->width,
                             (guint)canvas->height);
  return write_file_atomically (path, canvas->file->data, canvas->file->len, error);
}

gboolean
attention_export_png (AttentionResult *result,
                      guint layer,
                      guint head,
                      const char *caption,
                      const char *path,
                      GError **error)
{
  Canvas canvas = { 0 };
  gboolean ok;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (layer < attention_result_get_n_layers (result), FALSE);
  g_return_val_if_fail (head < attention_result_get_n_heads (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  ok = render_to_file (&canvas, result, layer, head, caption, path, error);
  canvas_clear (&canvas);
  return ok;
}

typedef struct
{
  AttentionResult *result;
  const char *dir;
  const char *model_name;
  guint total;
  int next;
  GCancellable *cancellable;
  AttentionExportProgress progress;
  gpointer progress_data;

  GMutex lock;
  guint done;    /* under lock */
  GError *error; /* under lock: the first failure */
} ExportJob;

static char *
make_caption (ExportJob *job, guint layer, guint head)
{
  g_autofree char *where = g_strdup_printf (_ ("Layer %u, Head %u"), layer + 1, head + 1);

  if (job->model_name != NULL && job->model_name[0] != '\0')
    return g_strdup_printf ("%s · %s\n%s", where, job->model_name,
                            attention_result_get_text (job->result));
  return g_strdup_printf ("%s\n%s", where, attention_result_get_text (job->result));
}

static gpointer
export_worker (gpointer data)
{
  ExportJob *job = data;
  guint n_heads = attention_result_get_n_heads (job->result);
  Canvas canvas = { 0 };

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *caption = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      gboolean stop;
      guint k, layer, head;

      g_mutex_lock (&job->lock);
      stop = job->error != NULL;
      g_mutex_unlock (&job->lock);
      if (stop || g_cancellable_is_cancelled (job->cancellable))
        break;

      k = (guint)g_atomic_int_add (&job->next, 1);
      if (k >= job->total)
        break;
      layer = k / n_heads;
      head = k % n_heads;

      caption = make_caption (job, layer, head);
      name = attention_export_file_name (layer, head, "png");
      path = g_build_filename (job->dir, name, NULL);

      if (!render_to_file (&canvas, job->result, layer, head, caption, path, &error))
        {
          g_mutex_lock (&job->lock);
          if (job->error == NULL)
            job->error = g_steal_pointer (&error);
          g_mutex_unlock (&job->lock);
          break;
        }

      g_mutex_lock (&job->lock);
      job->done++;
      if (job->progress)
        job->progress (job->done, job->total, job->progress_data);
      g_mutex_unlock (&job->lock);
    }

  canvas_clear (&canvas);
  return NULL;
}

gboolean
attention_export_all_png (AttentionResult *result,
                          const char *dir,
                          const char *model_name,
                          AttentionExportProgress progress,
                          gpointer progress_data,
                          GCancellable *cancellable,
                          guint *n_written,
                          GError **error)
{
  ExportJob job = { 0 };
  GThread *threads[8];
  guint n_threads;
  gboolean ok = TRUE;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  job.result = result;
  job.dir = dir;
  job.model_name = model_name;
  job.total = attention_result_get_n_layers (result) * attention_result_get_n_heads (result);
  job.cancellable = cancellable;
  job.progress = progress;
  job.progress_data = progress_data;
  g_mutex_init (&job.lock);

  /* Every core draws and encodes its own files; this thread is one of them. */
  n_threads = CLAMP (g_get_num_processors (), 1, G_N_ELEMENTS (threads) + 1);
  n_threads = MIN (n_threads, MAX (job.total, 1));
  for (guint i = 0; i + 1 < n_threads; i++)
    threads[i] = g_thread_new ("attention-export", export_worker, &job);
  export_worker (&job);
  for (guint i = 0; i + 1 < n_threads; i++)
    g_thread_join (threads[i]);

  if (job.error != NULL)
    {
      g_set_error (error, job.error->domain, job.error->code,
                   _ ("Wrote %u of %u diagrams to “%s”: %s"), job.done, job.total, dir,
                   job.error->message);
      g_clear_error (&job.error);
      ok = FALSE;
    }
  else if (job.done < job.total && g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _ ("Cancelled after writing %u of %u diagrams to “%s”."), job.done, job.total,
                   dir);
      ok = FALSE;
    }

  if (n_written)
    *n_written = job.done;
  g_mutex_clear (&job.lock);
  return ok;
}
