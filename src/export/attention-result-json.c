/* attention-result-json.c: a result as JSON (see the header) */

#include "attention-result-json.h"

#include <glib/gi18n.h>

#include "attention-export-file.h"
#include "attention-json-text.h"

typedef struct
{
  AttentionResult *result;
  const char *model_json;
  gsize model_json_len;
  const AttentionDumpExtras *extras;
} Dump;

static void
fill (GString *out, AttentionExportFile *file, gpointer data)
{
  Dump *dump = data;

  g_string_append (out, "{\n \"text\": ");
  attention_json_append_string (out, attention_result_get_text (dump->result));
  g_string_append (out, ",\n \"tokens\": ");
  attention_json_append_tokens (out, dump->result);
  g_string_append (out, ",\n \"ids\": ");
  attention_json_append_ids (out, dump->result);
  g_string_append (out, ",\n \"token_type_ids\": [");
  for (guint i = 0; i < attention_result_get_n_tokens (dump->result); i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            attention_result_get_token_type_ids (dump->result)[i]);
  g_string_append_c (out, ']');
  g_string_append (out, ",\n \"attentions\": ");
  attention_json_append_attentions (out, dump->result, attention_export_file_flush_text, file);
  g_string_append (out, ",\n \"predictions\": ");
  attention_json_append_predictions (out, dump->result);
  if (attention_result_has_position_candidates (dump->result))
    {
      g_string_append (out, ",\n \"positions\": ");
      attention_json_append_positions (out, dump->result);
    }
  if (dump->extras != NULL && dump->extras->neuron_layer >= 0)
    {
      g_string_append (out, ",\n \"neuron\": ");
      attention_json_append_neuron (out, dump->result, (guint)dump->extras->neuron_layer,
                                    (guint)dump->extras->neuron_head);
    }
  if (dump->extras != NULL && dump->extras->norms)
    {
      g_string_append (out, ",\n \"norms\": ");
      attention_json_append_norms (out, dump->result, attention_export_file_flush_text, file);
    }
  if (attention_result_get_n_saliency (dump->result) > 0)
    {
      g_string_append (out, ",\n \"saliency\": ");
      attention_json_append_saliency (out, dump->result);
    }
  if (dump->extras != NULL && dump->extras->head_importance != NULL)
    {
      guint L = attention_result_get_n_layers (dump->result);
      guint H = attention_result_get_n_heads (dump->result);

      g_string_append (out, ",\n \"head_importance\": [");
      for (guint l = 0; l < L; l++)
        {
          g_string_append (out, l > 0 ? ",\n  [" : "\n  [");
          for (guint h = 0; h < H; h++)
            {
              if (h > 0)
                g_string_append (out, ", ");
              attention_json_append_float (out, dump->extras->head_importance[l * H + h]);
            }
          g_string_append_c (out, ']');
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, ",\n \"model\": ");
  if (dump->model_json != NULL && dump->model_json_len > 0)
    g_string_append_len (out, dump->model_json, dump->model_json_len);
  else
    g_string_append (out, "null");
  g_string_append (out, "\n}\n");
}

gboolean
attention_result_write_json (AttentionResult *result,
                             const char *model_json,
                             gsize model_json_len,
                             const char *path,
                             GError **error)
{
  return attention_result_write_json_full (result, model_json, model_json_len, NULL, path, error);
}

gboolean
attention_result_write_json_full (AttentionResult *result,
                                  const char *model_json,
                                  gsize model_json_len,
                                  const AttentionDumpExtras *extras,
                                  const char *path,
                                  GError **error)
{
  Dump dump = { result, model_json, model_json_len, extras };

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Checked before the file is opened: no half-written dump. */
  if (extras != NULL && extras->neuron_layer >= 0 &&
      attention_result_get_queries (result, (guint)extras->neuron_layer,
                                    (guint)extras->neuron_head) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _ ("This result holds no queries and keys: the model does not expose "
                              "them, or the run did not ask for them."));
      return FALSE;
    }
  if (extras != NULL && extras->norms && attention_result_get_value_norms (result, 0, 0) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _ ("This result holds no value norms: the model does not expose them, "
                              "or the run did not ask for them."));
      return FALSE;
    }
  return attention_export_file_write_text (path, fill, &dump, error);
}
