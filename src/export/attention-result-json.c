/* attention-result-json.c: writes a result as JSON by hand: json-glib builds a
 * node per float, far too slow for bert-base's millions of attention weights. */

#include "attention-result-json.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

static void
append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
    switch (*p)
      {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char)*p);
      }
  g_string_append_c (out, '"');
}

/* %.9g round-trips float32; JSON has no NaN/Infinity, so those become null. */
static void
append_float (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    {
      g_string_append (out, "null");
      return;
    }
  g_ascii_formatd (buf, sizeof buf, "%.9g", v);
  g_string_append (out, buf);
}

static void
append_attentions (GString *out, AttentionResult *result)
{
  guint n = attention_result_get_n_tokens (result);
  guint n_layers = attention_result_get_n_layers (result);
  guint n_heads = attention_result_get_n_heads (result);

  g_string_append_c (out, '[');
  for (guint l = 0; l < n_layers; l++)
    {
      g_string_append (out, l > 0 ? ",\n  [" : "\n  [");
      for (guint h = 0; h < n_heads; h++)
        {
          const float *m = attention_result_get_matrix (result, l, h);

          g_string_append (out, h > 0 ? ",\n   [" : "\n   [");
          for (guint q = 0; q < n; q++)
            {
              g_string_append (out, q > 0 ? ",[" : "[");
              for (guint k = 0; k < n; k++)
                {
                  if (k > 0)
                    g_string_append_c (out, ',');
                  append_float (out, m[(gsize)q * n + k]);
                }
              g_string_append_c (out, ']');
            }
          g_string_append_c (out, ']');
        }
      g_string_append (out, "]");
    }
  g_string_append (out, "]");
}

char *
attention_result_to_json (AttentionResult *result,
                          const char *model_json,
                          gsize model_json_len,
                          gsize *length)
{
  GString *out;
  guint n;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);

  n = attention_result_get_n_tokens (result);
  out = g_string_sized_new (64 + (gsize)attention_result_get_n_layers (result) *
                                     attention_result_get_n_heads (result) * n * n * 12);

  g_string_append (out, "{\n \"text\": ");
  append_string (out, attention_result_get_text (result));

  g_string_append (out, ",\n \"tokens\": [");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_string (out, attention_result_get_token (result, i));
    }

  g_string_append (out, "],\n \"ids\": [");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            attention_result_get_id (result, i));

  g_string_append (out, "],\n \"attentions\": ");
  append_attentions (out, result);

  g_string_append (out, ",\n \"predictions\": [");
  for (guint i = 0; i < attention_result_get_n_predictions (result); i++)
    {
      guint n_candidates;
      const AttentionCandidate *c = attention_result_get_candidates (result, i, &n_candidates);

      g_string_append_printf (out, "%s\n  {\"position\": %u, \"candidates\": [", i > 0 ? "," : "",
                              attention_result_get_prediction_position (result, i));
      for (guint j = 0; j < n_candidates; j++)
        {
          g_string_append (out, j > 0 ? ",\n    {\"token\": " : "\n    {\"token\": ");
          append_string (out, c[j].token);
          g_string_append_printf (out,
                                  ", \"id\": %" G_GINT64_FORMAT ", \"probability\": ", c[j].id);
          append_float (out, c[j].probability);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }

  g_string_append (out, "],\n \"model\": ");
  if (model_json != NULL && model_json_len > 0)
    g_string_append_len (out, model_json, model_json_len);
  else
    g_string_append (out, "null");
  g_string_append (out, "\n}\n");

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

gboolean
attention_result_write_json (AttentionResult *result,
                             const char *model_json,
                             gsize model_json_len,
                             const char *path,
                             GError **error)
{
  g_autofree char *json = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize len;

  json = attention_result_to_json (result, model_json, model_json_len, &len);
  if (!g_file_set_contents (path, json, len, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, _ ("Cannot write “%s”: %s"), path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}
