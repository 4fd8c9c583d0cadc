/* attention-cli-export.c: --output-dir with --format png|svg|pdf|npy|json|lines-png|
 * lines-svg|lines-pdf */

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "attention-cli-private.h"
#include "attention-export.h"

int
attention_cli_write_format (const AttentionCliOptions *options,
                            AttentionResult *result,
                            const char *model_name)
{
  g_autoptr (GError) error = NULL;
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
  if (!attention_export_all_format (result, format, dir, model_name, NULL, NULL, NULL, NULL,
                                    &error))
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }
  return 0;
}
