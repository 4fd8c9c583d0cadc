/* attention-cli-export.c: --output-dir with --format, any kind of the export
 * registry */

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "attention-cli-private.h"
#include "attention-export-folder.h"
#include "attention-export-job.h"

/* Another attention-cli (or the app) exporting into the same folder would
 * mix its set with ours: the job waits for it, and we say so. */
static void
waiting_cb (AttentionExportJob *job, const char *message, const char *dir)
{
  g_autofree char *display = g_filename_display_name (dir);

  g_printerr ("attention-cli: %s\n", message);
  g_printerr (_ ("attention-cli: waiting for the other export into “%s” to finish…\n"), display);
}

/* Diagrams of an earlier, bigger set beside the new one would pass for part
 * of it: name them (the window asks instead). */
static void
warn_stale (AttentionExportJob *job, const char *dir, AttentionResult *result)
{
  g_auto (GStrv) stale = attention_export_job_find_stale (job);
  guint n = g_strv_length (stale);
  g_autofree char *display = NULL;
  g_autofree char *which = NULL;

  if (n == 0)
    return;
  display = g_filename_display_name (dir);
  which = attention_export_folder_describe (stale);
  g_printerr ("attention-cli: ");
  g_printerr (ngettext ("warning: “%s” also holds %u diagram outside this model's %u layers × %u "
                        "heads, left by an earlier export (%s); it was kept.\n",
                        "warning: “%s” also holds %u diagrams outside this model's %u layers × %u "
                        "heads, left by an earlier export (%s); they were kept.\n",
                        n),
              display, n, attention_result_get_n_layers (result),
              attention_result_get_n_heads (result), which);
}

int
attention_cli_write_format (const AttentionCliOptions *options,
                            AttentionResult *result,
                            const char *model_name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionExportJob) job = NULL;
  g_autofree char *other = NULL;
  const char *dir = options->output_dir;
  const AttentionExportKind *kind =
      attention_export_kind_find (options->format != NULL ? options->format : "png");

  /* main() has checked the name already; this keeps the function honest on
   * its own. */
  if (kind == NULL)
    {
      g_autofree char *message =
          g_strdup_printf (_ ("--format must be one of %s."), attention_export_kind_list_ids ());

      g_printerr ("attention-cli: %s\n", message);
      return 2;
    }

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_autofree char *message =
          g_strdup_printf (_ ("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));

      g_printerr ("attention-cli: %s\n", message);
      return 2;
    }
  job = attention_export_job_new (result, kind, dir, model_name);
  g_signal_connect (job, "waiting", G_CALLBACK (waiting_cb), (gpointer)dir);
  /* A script does not stop to ask, as the window does: it says so. */
  other = attention_export_job_find_other_sentence (job);
  if (other != NULL)
    {
      g_autofree char *display = g_filename_display_name (dir);

      g_printerr ("attention-cli: ");
      g_printerr (
          _ ("warning: “%s” held diagrams of another sentence (“%s”); they are replaced.\n"),
          display, other);
    }
  if (!attention_export_job_run (job, NULL, &error))
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }
  warn_stale (job, dir, result);
  return 0;
}
