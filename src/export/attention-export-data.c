/* attention-export-data.c: JSON and NumPy exports (see the header) */

#include "attention-export-data.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "attention-export-file.h"
#include "attention-json-text.h"

/* Everything but the tensor, as members of an open object. */
static void
append_metadata (GString *out, AttentionResult *result)
{
  g_string_append (out, "\"text\": ");
  attention_json_append_string (out, attention_result_get_text (result));
  g_string_append_printf (out,
                          ",\n\"n_layers\": %u,\n\"n_heads\": %u,\n\"n_tokens\": %u,\n"
                          "\"layout\": \"attentions[layer][head][query][key]: row = the token "
                          "attending (query), column = the token attended to (key); each row "
                          "sums to 1; layers and heads from 0\",\n\"tokens\": ",
                          attention_result_get_n_layers (result),
                          attention_result_get_n_heads (result),
                          attention_result_get_n_tokens (result));
  attention_json_append_tokens (out, result);
  g_string_append (out, ",\n\"ids\": ");
  attention_json_append_ids (out, result);
  g_string_append (out, ",\n\"predictions\": ");
  attention_json_append_predictions (out, result);
  /* Gradient × input, when the run computed any (a prediction asked "why"). */
  if (attention_result_get_n_saliency (result) > 0)
    {
      g_string_append (out, ",\n\"saliency\": ");
      attention_json_append_saliency (out, result);
    }
}

static void
fill_json (GString *out, AttentionExportFile *file, gpointer result)
{
  g_string_append (out, "{\n\"format\": \"attention-export\",\n\"version\": 1,\n");
  append_metadata (out, result);
  g_string_append (out, ",\n\"attentions\": ");
  attention_json_append_attentions (out, result, attention_export_file_flush_text, file);
  g_string_append (out, "\n}\n");
}

gboolean
attention_export_json (AttentionResult *result, const char *path, GError **error)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return attention_export_file_write_text (path, fill_json, result, error);
}

gboolean
attention_export_npy (AttentionResult *result, const char *path, GError **error)
{
  g_autoptr (GString) header = NULL;
  g_autoptr (GString) sidecar = NULL;
  g_autofree char *sidecar_path = NULL;
  g_autofree char *base = NULL;
  guint n_layers, n_heads, n;
  const float *att;
  AttentionExportFile *file;
  gsize count;
  guint16 header_len;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  n = attention_result_get_n_tokens (result);
  att = attention_result_get_attentions (result);
  count = (gsize)n_layers * n_heads * n * n;

  /* NPY 1.0: magic, version, little-endian header length, then a Python
   * dict literal padded with spaces and a newline so the data starts on a
   * 64-byte boundary. */
  header = g_string_new (NULL);
  g_string_printf (header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%u, %u, %u, %u), }",
                   n_layers, n_heads, n, n);
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  header_len = GUINT16_TO_LE ((guint16)header->len);

  /* The sidecar first and removed again if the array cannot be written:
   * both files or neither, never an array nobody can read the layout of. */
  base = g_path_get_basename (path);
  sidecar = g_string_new ("{\n\"format\": \"attention-export\",\n\"version\": 1,\n\"array\": ");
  attention_json_append_string (sidecar, base);
  g_string_append_printf (sidecar,
                          ",\n\"dtype\": \"float32\",\n\"shape\": [%u, %u, %u, %u],\n"
                          "\"axes\": [\"layer\", \"head\", \"query\", \"key\"],\n",
                          n_layers, n_heads, n, n);
  append_metadata (sidecar, result);
  g_string_append (sidecar, "\n}\n");
  sidecar_path = g_strconcat (path, ".json", NULL);
  if (!attention_export_file_set_contents (sidecar_path, sidecar->str, sidecar->len, error))
    return FALSE;

  file = attention_export_file_open (path, error);
  if (file == NULL)
    {
      g_unlink (sidecar_path);
      return FALSE;
    }
  attention_export_file_write (file, "\x93NUMPY\x01\x00", 8);
  attention_export_file_write (file, &header_len, 2);
  attention_export_file_write (file, header->str, header->len);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  attention_export_file_write (file, att, count * sizeof (float));
#else
  for (gsize k = 0; k < count; k++)
    {
      guint32 bits;

      memcpy (&bits, &att[k], 4);
      bits = GUINT32_TO_LE (bits);
      attention_export_file_write (file, &bits, 4);
    }
#endif
  if (!attention_export_file_close (file, NULL, error))
    {
      g_unlink (sidecar_path);
      return FALSE;
    }
  return TRUE;
}

/* Writes one data file of a set of n_files; a failure says none of the set
 * is on disk. */
static gboolean
write_set (const AttentionExportRequest *request,
           gboolean (*write) (AttentionResult *result, const char *path, GError **error),
           const char *name,
           guint n_files,
           guint *n_written,
           GError **error)
{
  g_autofree char *path = g_build_filename (request->dir, name, NULL);
  gboolean ok = write (request->result, path, error);

  if (!ok)
    g_prefix_error (error, _ ("Wrote %u of %u files to “%s”: "), 0, n_files, request->dir);
  if (n_written != NULL)
    *n_written = ok ? n_files : 0;
  return ok;
}

gboolean
attention_export_json_set (const AttentionExportRequest *request, guint *n_written, GError **error)
{
  return write_set (request, attention_export_json, "attention.json", 1, n_written, error);
}

gboolean
attention_export_npy_set (const AttentionExportRequest *request, guint *n_written, GError **error)
{
  return write_set (request, attention_export_npy, "attention.npy", 2, n_written, error);
}
