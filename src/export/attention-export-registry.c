/* attention-export-registry.c: the table of export kinds (see the header) */

#include "attention-export-registry.h"

#include <glib/gi18n.h>

#include "attention-export-data.h"
#include "attention-export-lines.h"
#include "attention-export-names.h"
#include "attention-export-overview.h"
#include "attention-export-png.h"
#include "attention-export-vector.h"

static const AttentionExportKind kinds[] = {
  { "png", N_ ("PNG diagrams"),
    N_ ("One grayscale PNG per layer and head, as in the original exercise: "
        "Attention_Layer1_Head1.png, …"),
    ATTENTION_EXPORT_PNG, ATTENTION_EXPORT_DIAGRAMS, attention_export_png_set },
  { "svg", N_ ("SVG diagrams"), N_ ("One vector drawing per layer and head"), ATTENTION_EXPORT_SVG,
    ATTENTION_EXPORT_DIAGRAMS, attention_export_vector_set },
  { "pdf", N_ ("PDF diagrams"),
    N_ ("One PDF per layer and head, and attention.pdf with all of them"), ATTENTION_EXPORT_PDF,
    ATTENTION_EXPORT_DIAGRAMS, attention_export_vector_set },
  { "pdf-pages", N_ ("One multi-page PDF"),
    N_ ("attention.pdf: every layer and head, one page each"), ATTENTION_EXPORT_PDF,
    ATTENTION_EXPORT_SINGLE, attention_export_pdf_pages_set, "attention" },
  { "overview-png", N_ ("All heads as one PNG"),
    N_ ("attention-overview.png: the grid of every layer and head"), ATTENTION_EXPORT_PNG,
    ATTENTION_EXPORT_SINGLE, attention_export_overview_set, "attention-overview" },
  { "overview-svg", N_ ("All heads as one SVG"),
    N_ ("attention-overview.svg: the grid of every layer and head"), ATTENTION_EXPORT_SVG,
    ATTENTION_EXPORT_SINGLE, attention_export_overview_set, "attention-overview" },
  { "overview-pdf", N_ ("All heads as one PDF"),
    N_ ("attention-overview.pdf: the grid of every layer and head"), ATTENTION_EXPORT_PDF,
    ATTENTION_EXPORT_SINGLE, attention_export_overview_set, "attention-overview" },
  { "lines-png", N_ ("Lines as PNG"),
    N_ ("One lines picture per layer and head, as the Lines view draws it: "
        "Lines_Layer1_Head1.png, …"),
    ATTENTION_EXPORT_PNG, ATTENTION_EXPORT_LINES, attention_export_lines_set },
  { "lines-svg", N_ ("Lines as SVG"),
    N_ ("One vector lines picture per layer and head: Lines_Layer1_Head1.svg, …"),
    ATTENTION_EXPORT_SVG, ATTENTION_EXPORT_LINES, attention_export_lines_set },
  { "lines-pdf", N_ ("Lines as PDF"),
    N_ ("One PDF lines picture per layer and head: Lines_Layer1_Head1.pdf, …"),
    ATTENTION_EXPORT_PDF, ATTENTION_EXPORT_LINES, attention_export_lines_set },
  { "npy", N_ ("NumPy array"),
    N_ ("attention.npy (float32; layers, heads, query, key) and attention.npy.json with the "
        "tokens"),
    ATTENTION_EXPORT_NPY, ATTENTION_EXPORT_SINGLE, attention_export_npy_set },
  { "json", N_ ("JSON data"),
    N_ ("attention.json: tokens, ids, every attention weight and the predictions"),
    ATTENTION_EXPORT_JSON, ATTENTION_EXPORT_SINGLE, attention_export_json_set },
};

const AttentionExportKind *
attention_export_kinds (guint *n_kinds)
{
  if (n_kinds != NULL)
    *n_kinds = G_N_ELEMENTS (kinds);
  return kinds;
}

const AttentionExportKind *
attention_export_kind_find (const char *id)
{
  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_ascii_strcasecmp (id, kinds[i].id) == 0)
      return &kinds[i];
  return NULL;
}

char *
attention_export_kind_sentence_file (const AttentionExportKind *kind)
{
  const char *extension;

  g_return_val_if_fail (kind != NULL, NULL);

  extension = attention_export_format_extension (kind->format);
  switch (kind->files)
    {
      case ATTENTION_EXPORT_DIAGRAMS:
        return attention_export_file_name (0, 0, extension);
      case ATTENTION_EXPORT_LINES:
        return attention_export_lines_file_name (0, 0, extension);
      case ATTENTION_EXPORT_SINGLE:
      default:
        if (kind->single_name == NULL)
          return NULL;
        return g_strconcat (kind->single_name, ".", extension, NULL);
    }
}

const char *
attention_export_kind_list_ids (void)
{
  static char *list;

  if (g_once_init_enter (&list))
    {
      GString *out = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", kinds[i].id);
      g_once_init_leave (&list, g_string_free (out, FALSE));
    }
  return list;
}

gboolean
attention_export_kind_write (const AttentionExportKind *kind,
                             const AttentionExportRequest *request,
                             guint *n_written,
                             GError **error)
{
  AttentionExportRequest own = *request;

  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (ATTENTION_IS_RESULT (request->result), FALSE);
  g_return_val_if_fail (request->dir != NULL, FALSE);

  if (n_written != NULL)
    *n_written = 0;
  own.format = kind->format;
  return kind->write (&own, n_written, error);
}
