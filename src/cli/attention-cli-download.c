/* attention-cli-download.c: attention-cli --download MODEL_ID. A progress bar
 * on stderr (plain lines when stderr is not a terminal); Ctrl+C cancels and
 * keeps the partial file, so the same command resumes. */

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "attention-cli-private.h"
#include "attention-download.h"
#include "attention-hub.h"

#define BAR_WIDTH 30

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable;
  gboolean tty;
  gboolean line_open; /* a \r-updated bar is on the terminal */
  const char *file;   /* the file last reported */
  int decile;         /* last 10 % step printed in plain mode */
  gboolean resumed;   /* this file's resumption was seen (and said in plain mode) */
  gint64 file_start;  /* when this file's bytes began to flow, and how many */
  gint64 start_bytes; /* were on disk then: for the rate on a terminal */
  char *path;
  GError *error;
} Download;

static void
end_line (Download *d)
{
  if (d->line_open)
    g_printerr ("\n");
  d->line_open = FALSE;
}

static void
progress_cb (AttentionDownload *download, Download *d)
{
  AttentionDownloadProgress p;
  g_autofree char *received = NULL;
  g_autofree char *total = NULL;
  int percent;

  attention_download_get_progress (download, &p);
  if (p.file == NULL)
    return;
  received = g_format_size (p.received);
  total = p.total >= 0 ? g_format_size (p.total) : NULL;
  percent = p.total > 0 ? (int)(100 * p.received / p.total) : (p.total == 0 ? 100 : -1);

  if (d->tty)
    {
      char bar[BAR_WIDTH + 1];
      int filled = percent >= 0 ? percent * BAR_WIDTH / 100 : 0;
      g_autofree char *rate = NULL;
      gint64 now = g_get_monotonic_time ();

      if (d->file != p.file)
        {
          end_line (d);
          d->file_start = now;
          d->start_bytes = 0;
          d->resumed = FALSE;
        }
      /* A resumed part's bytes were not transferred now. */
      if (p.resumed && !d->resumed)
        {
          d->file_start = now;
          d->start_bytes = p.received;
          d->resumed = TRUE;
        }
      if (now - d->file_start > G_USEC_PER_SEC / 2)
        {
          g_autofree char *per_second = g_format_size ((p.received - d->start_bytes) *
                                                       G_USEC_PER_SEC / (now - d->file_start));

          rate = g_strdup_printf ("  %s/s", per_second);
        }
      for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '-';
      bar[BAR_WIDTH] = '\0';
      if (percent >= 0)
        g_printerr ("\r\033[K%-22s [%s] %3d%%  %s / %s%s", p.file, bar, percent, received, total,
                    rate != NULL ? rate : "");
      else
        g_printerr ("\r\033[K%-22s [%s]       %s%s", p.file, bar, received,
                    rate != NULL ? rate : "");
      d->line_open = TRUE;
    }
  else
    {
      /* A log: the file's start, every 10 %, its end. */
      int decile = percent >= 0 ? percent / 10 : -1;

      if (d->file != p.file)
        {
          g_printerr (_ ("%s: downloading\n"), p.file);
          d->decile = 0;
          d->resumed = FALSE;
        }
      if (p.resumed && !d->resumed)
        {
          /* TRANSLATORS: file name, bytes already on disk */
          g_printerr (_ ("%s: resuming after %s\n"), p.file, received);
          d->resumed = TRUE;
          d->decile = decile;
        }
      else if (decile > d->decile)
        {
          if (percent == 100)
            g_printerr (_ ("%s: done, %s\n"), p.file, received);
          else
            g_printerr ("%s: %d%% (%s / %s)\n", p.file, decile * 10, received, total);
          d->decile = decile;
        }
    }
  d->file = p.file;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Download *d = user_data;

  d->path = attention_download_run_finish (ATTENTION_DOWNLOAD (source), result, &d->error);
  g_main_loop_quit (d->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  Download *d = user_data;

  g_cancellable_cancel (d->cancellable);
  return G_SOURCE_CONTINUE;
}

int
attention_cli_run_download (AttentionCliOptions *options)
{
  g_autoptr (AttentionDownload) download = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *models_dir = attention_hub_get_models_dir ();
  Download d = { 0 };
  guint sigint, sigterm;
  struct sigaction old_sigint, old_sigterm;

  if (!attention_hub_model_id_is_valid (options->download_id, &error))
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }
  attention_hub_migrate (models_dir);
  if (attention_hub_is_installed (models_dir, options->download_id))
    g_printerr (_ ("%s is already downloaded.\n"), options->download_id);

  download = attention_download_new (options->download_id);
  d.loop = g_main_loop_new (NULL, FALSE);
  d.cancellable = g_cancellable_new ();
  d.tty = isatty (STDERR_FILENO);
  d.decile = 0;
  g_signal_connect (download, "progress", G_CALLBACK (progress_cb), &d);
  /* GLib sets SIGINT and SIGTERM to the default when its sources go: put
   * back what was there (the export's temp-file cleanup, or an inherited
   * "ignore"). */
  sigaction (SIGINT, NULL, &old_sigint);
  sigaction (SIGTERM, NULL, &old_sigterm);
  sigint = g_unix_signal_add (SIGINT, interrupt_cb, &d);
  sigterm = g_unix_signal_add (SIGTERM, interrupt_cb, &d);
  attention_download_run_async (download, d.cancellable, done_cb, &d);
  g_main_loop_run (d.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  sigaction (SIGINT, &old_sigint, NULL);
  sigaction (SIGTERM, &old_sigterm, NULL);
  g_signal_handlers_disconnect_by_data (download, &d);
  end_line (&d);
  g_main_loop_unref (d.loop);
  g_object_unref (d.cancellable);

  if (d.path == NULL)
    {
      if (g_error_matches (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("attention-cli: %s\n",
                    _ ("Download cancelled; run the same command again to resume it."));
      else
        {
          g_autofree char *message = g_strdup_printf (_ ("Could not download %s: %s"),
                                                      options->download_id, d.error->message);

          g_printerr ("attention-cli: %s\n", message);
        }
      g_clear_error (&d.error);
      return 2;
    }

  if (options->text == NULL)
    {
      puts (d.path);
      g_free (d.path);
      return 0;
    }
  g_printerr (_ ("Model folder: %s\n"), d.path);
  options->model_path = d.path;
  return attention_cli_run_mask (options);
}
