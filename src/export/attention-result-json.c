/* attention-result-json.c: a result as JSON (see the header) */

#include "attention-result-json.h"

#include "attention-export-file.h"
#include "attention-json-text.h"

typedef struct
{
  AttentionResult *result;
  const char *model_json;
  gsize model_json_len;
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
  g_string_append (out, ",\n \"attentions\": ");
  attention_json_append_attentions (out, dump->result, attention_export_file_flush_text, file);
  g_string_append (out, ",\n \"predictions\": ");
  attention_json_append_predictions (out, dump->result);
  if (attention_result_has_position_candidates (dump->result))
    {
      g_string_append (out, ",\n \"positions\": ");
      attention_json_append_positions (out, dump->result);
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
  Dump dump = { result, model_json, model_json_len };

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return attention_export_file_write_text (path, fill, &dump, error);
}
