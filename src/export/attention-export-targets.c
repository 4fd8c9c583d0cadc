/* attention-export-targets.c: the list of exports (see the header) */

#include "attention-export-targets.h"

#include <glib/gi18n.h>
#include <string.h>

static const AttentionExportTarget targets[] = {
  { "png", N_ ("PNG diagrams"),
    N_ ("One grayscale PNG per layer and head, as in the original exercise: "
        "Attention_Layer1_Head1.png, …") },
  { "svg", N_ ("SVG diagrams"), N_ ("One vector drawing per layer and head") },
  { "pdf", N_ ("PDF diagrams"),
    N_ ("One PDF per layer and head, and attention.pdf with all of them") },
  { "pdf-pages", N_ ("One multi-page PDF"),
    N_ ("attention.pdf: every layer and head, one page each") },
  { "overview-png", N_ ("All heads as one PNG"),
    N_ ("attention-overview.png: the grid of every layer and head") },
  { "overview-svg", N_ ("All heads as one SVG"),
    N_ ("attention-overview.svg: the grid of every layer and head") },
  { "overview-pdf", N_ ("All heads as one PDF"),
    N_ ("attention-overview.pdf: the grid of every layer and head") },
  { "lines-png", N_ ("Lines as PNG"),
    N_ ("One lines picture per layer and head, as the Lines view draws it: "
        "Lines_Layer1_Head1.png, …") },
  { "lines-svg", N_ ("Lines as SVG"),
    N_ ("One vector lines picture per layer and head: Lines_Layer1_Head1.svg, …") },
  { "lines-pdf", N_ ("Lines as PDF"),
    N_ ("One PDF lines picture per layer and head: Lines_Layer1_Head1.pdf, …") },
  { "npy", N_ ("NumPy array"),
    N_ ("attention.npy (float32; layers, heads, query, key) and attention.npy.json with the "
        "tokens") },
  { "json", N_ ("JSON data"),
    N_ ("attention.json: tokens, ids, every attention weight and the predictions") },
};

const AttentionExportTarget *
attention_export_get_targets (guint *n_targets)
{
  if (n_targets != NULL)
    *n_targets = G_N_ELEMENTS (targets);
  return targets;
}

const AttentionExportTarget *
attention_export_find_target (const char *id)
{
  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (targets); i++)
    if (strcmp (id, targets[i].id) == 0)
      return &targets[i];
  return NULL;
}

gboolean
attention_export_target (const char *id,
                         AttentionResult *result,
                         const char *dir,
                         const char *model_name,
                         AttentionExportProgress progress,
                         gpointer progress_data,
                         GCancellable *cancellable,
                         guint *n_written,
                         GError **error)
{
  AttentionExportFormat format = ATTENTION_EXPORT_PNG;
  gboolean ok;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (n_written != NULL)
    *n_written = 0;
  if (attention_export_find_target (id) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("Unknown export “%s”"),
                   id ? id : "");
      return FALSE;
    }

  if (g_str_has_prefix (id, "overview-"))
    {
      g_autofree char *path = NULL;

      attention_export_format_from_string (id + strlen ("overview-"), &format);
      path = g_strdup_printf ("%s/attention-overview.%s", dir,
                              attention_export_format_to_string (format));
      /* The exported pictures stay grayscale, as the original set. */
      ok = attention_export_overview (result, format, ATTENTION_COLORMAP_GRAY, path, error);
      if (n_written != NULL)
        *n_written = ok ? 1 : 0;
      return ok;
    }
  if (strcmp (id, "pdf-pages") == 0)
    {
      g_autofree char *path = g_build_filename (dir, "attention.pdf", NULL);

      ok = attention_export_pdf_pages (result, path, model_name, progress, progress_data,
                                       cancellable, error);
      if (n_written != NULL)
        *n_written = ok ? 1 : 0;
      return ok;
    }
  if (g_str_has_prefix (id, "lines-"))
    {
      /* One picture per layer and head, grayscale with the files' own
       * threshold, exactly as attention-cli --format lines-*. */
      attention_export_format_from_string (id, &format);
      return attention_export_all_format (result, format, dir, model_name, progress, progress_data,
                                          cancellable, n_written, error);
    }
  attention_export_format_from_string (id, &format);
  return attention_export_all_format (result, format, dir, model_name, progress, progress_data,
                                      cancellable, n_written, error);
}
