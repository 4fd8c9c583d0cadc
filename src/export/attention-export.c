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
#include "attention-shutdown.h"
#include "attention-tempfiles.h"

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

/* Diagrams are drawn and encoded a band of rows at a time: a 512-token
 * diagram is 20,680 pixels square, and whole-picture buffers (a 1.7 GB
 * surface and 430 MB of scanlines per worker) took an export of it to
 * 4.4 GB. A band holds at most this many pixels (16 MB of surface). */
#define BAND_PIXELS (4 * 1024 * 1024)

/* The band surface and the encoded bytes, kept across files by one worker:
 * reallocating megabytes per file costs page faults on these VMs. */
typedef struct
{
  cairo_surface_t *surface;
  GByteArray *file;
  int width;
  int band; /* rows */
} Canvas;

static void
canvas_clear (Canvas *canvas)
{
  g_clear_pointer (&canvas->surface, cairo_surface_destroy);
  g_clear_pointer (&canvas->file, g_byte_array_unref);
}

static gboolean
canvas_ensure (Canvas *canvas, int width, int band, GError **error)
{
  if (canvas->surface != NULL && canvas->width == width && canvas->band == band)
    return TRUE;

  canvas_clear (canvas);
  canvas->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, band);
  if (cairo_surface_status (canvas->surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Could not draw a %d × %d image: %s"),
                   width, band, cairo_status_to_string (cairo_surface_status (canvas->surface)));
      canvas_clear (canvas);
      return FALSE;
    }
  canvas->file = g_byte_array_new ();
  canvas->width = width;
  canvas->band = band;
  return TRUE;
}

/* Returns 0 or an errno value. */
static int
write_all (int fd, const guint8 *data, gsize length)
{
  gsize done = 0;

  while (done < length)
    {
      gssize n = write (fd, data + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? errno : EIO;
      done += (gsize)n;
    }
  return 0;
}

/* A file being written under a hidden temporary name, renamed into place
 * when complete; attention-tempfiles.h knows it until then, so a signal or a
 * quit removes it. */
typedef struct
{
  const char *path;
  char *tmp;
  int fd;
  int slot;
  int err;        /* first failure's errno */
  int inject_err; /* tests: fail part-way with this errno */
  gsize written;
} StreamFile;

static gboolean
stream_open (StreamFile *f, const char *path, GError **error)
{
  int err;

  memset (f, 0, sizeof *f);
  f->path = path;
  f->inject_err = attention_export_inject_begin_file ();
  f->fd = attention_tempfiles_create (path, &f->tmp, &f->slot);
  if (f->fd < 0)
    {
      err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _ ("Could not create “%s”: %s"),
                   path, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

/* Writes and empties buf. */
static void
stream_write (StreamFile *f, GByteArray *buf)
{
  gsize n = buf->len;

  if (f->err == 0 && f->inject_err != 0 && f->written > 0)
    /* The injected failure strikes after part of the file is out, as a
     * full disk does. */
    f->err = f->inject_err;
  if (f->err == 0)
    f->err = write_all (f->fd, buf->data, n);
  f->written += n;
  g_byte_array_set_size (buf, 0);
}

/* Closes, renames into place when all went well (cancelled: never). */
static gboolean
stream_close (StreamFile *f, gboolean cancelled, GError **error)
{
  int err = f->err;

  if (close (f->fd) != 0 && err == 0)
    err = errno;
  /* No fsync: the rename keeps a crash of the app from leaving a torn file,
   * and 144 fsyncs would triple the export time. */
  if (err == 0 && !cancelled && g_rename (f->tmp, f->path) != 0)
    err = errno;
  if (err != 0 || cancelled)
    g_unlink (f->tmp);
  attention_tempfiles_forget (f->slot);
  g_free (f->tmp);
  if (err != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), _ ("Could not write “%s”: %s"),
                   f->path, g_strerror (err));
      return FALSE;
    }
  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
      return FALSE;
    }
  return TRUE;
}

/* Draws rows [y, y + rows) of the diagram into the band surface and turns
 * them into PNG scanlines: everything drawn is grey, so one channel holds the
 * picture; each row starts with its filter type, 0 (none). */
static void
render_band (Canvas *canvas,
             const AttentionRenderStyle *style,
             AttentionResult *result,
             guint layer,
             guint head,
             int y,
             int rows,
             guint8 *out)
{
  guint n = attention_result_get_n_tokens (result);
  const guint8 *data;
  int stride, w = canvas->width;
  cairo_t *cr;

  cr = cairo_create (canvas->surface);
  cairo_rectangle (cr, 0, 0, w, rows);
  cairo_clip (cr);
  cairo_translate (cr, 0, -y);
  attention_render_matrix (cr, style, attention_result_get_matrix (result, layer, head), n,
                           attention_result_get_tokens (result));
  cairo_destroy (cr);
  cairo_surface_flush (canvas->surface);

  data = cairo_image_surface_get_data (canvas->surface);
  stride = cairo_image_surface_get_stride (canvas->surface);
  for (int r = 0; r < rows; r++)
    {
      const guint32 *row = (const guint32 *)(gconstpointer)(data + (gsize)r * stride);
      guint8 *line = out + (gsize)r * (w + 1);

      line[0] = 0;
      for (int x = 0; x < w; x++)
        line[x + 1] = (guint8)(row[x] >> 8);
    }
}

static gboolean
render_to_file (Canvas *canvas,
                AttentionResult *result,
                guint layer,
                guint head,
                const char *caption,
                const char *path,
                GCancellable *cancellable,
                GError **error)
{
  AttentionRenderStyle style;
  guint n = attention_result_get_n_tokens (result);
  g_autoptr (AttentionPngWriter) writer = NULL;
  double width, height;
  gboolean cancelled = FALSE;
  StreamFile file;
  int w, h, band;

  attention_render_style_init_export (&style);
  style.caption = caption;
  attention_render_get_size (&style, n, &width, &height);
  w = (int)width;
  h = (int)height;
  band = CLAMP (BAND_PIXELS / MAX (w, 1), 1, h);
  if (!canvas_ensure (canvas, w, band, error))
    return FALSE;
  if (!stream_open (&file, path, error))
    return FALSE;

  writer = attention_png_writer_new ((guint)w, (guint)h, (guint)band);
  attention_png_writer_begin (writer, canvas->file);
  for (int y = 0; y < h && !cancelled; y += band)
    {
      int rows = MIN (band, h - y);

      render_band (canvas, &style, result, layer, head, y, rows,
                   attention_png_writer_rows (writer, (guint)rows));
      attention_png_writer_push (writer, (guint)rows, canvas->file);
      stream_write (&file, canvas->file);
      /* A big diagram takes seconds: a cancel (or a quit) need not wait. */
      cancelled = g_cancellable_is_cancelled (cancellable);
    }
  if (!cancelled)
    {
      attention_png_writer_end (writer, canvas->file);
      stream_write (&file, canvas->file);
    }
  return stream_close (&file, cancelled, error);
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

  ok = render_to_file (&canvas, result, layer, head, caption, path, NULL, error);
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

      if (!render_to_file (&canvas, job->result, layer, head, caption, path, job->cancellable,
                           &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            break;
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
