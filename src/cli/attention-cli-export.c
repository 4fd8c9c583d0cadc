/* attention-cli-export.c: --output-dir with --format png|svg|pdf|npy|json|lines-png|
 * lines-svg|lines-pdf */

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "attention-cli-private.h"
#include "attention-export-folder.h"
#include "attention-export.h"

/* Another attention-cli (or the app) exporting into the same folder would
 * mix its set with ours: wait for it, and say so. */
static AttentionExportLock *
lock_folder (const char *dir)
{
  g_autoptr (GError) error = NULL;
  AttentionExportLock *lock = attention_export_folder_lock (dir, FALSE, &error);

  if (lock == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
    {
      g_autofree char *display = g_filename_display_name (dir);

      g_printerr ("attention-cli: %s\n", error->message);
      g_printerr (_ ("attention-cli: waiting for the other export into “%s” to finish…\n"),
                  display);
      g_clear_error (&error);
      lock = attention_export_folder_lock (dir, TRUE, &error);
    }
  if (lock == NULL)
    g_printerr ("attention-cli: %s\n", error->message);
  return lock;
}

/* Diagrams of an earlier, bigger set beside the new one would pass for part
 * of it: name them (the window asks instead). */
static void
warn_stale (const char *dir, AttentionResult *result)
{
  g_auto (GStrv) stale = attention_export_folder_find_stale (
      dir, attention_result_get_n_layers (result), attention_result_get_n_heads (result));
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
  g_autoptr (AttentionExportLock) lock = NULL;
  AttentionExportFormat format = ATTENTION_EXPORT_PNG;
  const char *dir = options->output_dir;

  /* main() has checked the name already; this keeps the function honest on
   * its own. */
  if (options->format != NULL && !attention_export_format_from_string (options->format, &format))
    {
      g_autofree char *message =
          g_strdup_printf (_ ("--format must be one of %s."), attention_export_format_list ());

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
  lock = lock_folder (dir);
  if (lock == NULL)
    return 2;
  if (!attention_export_all_format (result, format, dir, model_name, NULL, NULL, NULL, NULL,
                                    &error))
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }
  if (format == ATTENTION_EXPORT_PNG || format == ATTENTION_EXPORT_SVG ||
      format == ATTENTION_EXPORT_PDF)
    warn_stale (dir, result);
  return 0;
}
