/* attention-json-text.c: JSON written by hand (see the header) */

#include "attention-json-text.h"

#include <math.h>

void
attention_json_append_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *)s; p != NULL && *p != '\0'; p++)
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

void
attention_json_append_float (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

void
attention_json_append_tokens (GString *out, AttentionResult *result)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < attention_result_get_n_tokens (result); i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      attention_json_append_string (out, attention_result_get_token (result, i));
    }
  g_string_append_c (out, ']');
}

void
attention_json_append_ids (GString *out, AttentionResult *result)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < attention_result_get_n_tokens (result); i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "",
                            attention_result_get_id (result, i));
  g_string_append_c (out, ']');
}

static void
append_candidate_list (GString *out,
                       const char *name,
                       const AttentionCandidate *candidates,
                       guint n_candidates)
{
  g_string_append_printf (out, "\"%s\": [", name);
  for (guint c = 0; c < n_candidates; c++)
    {
      g_string_append_printf (out, "%s{\"token\": ", c > 0 ? ", " : "");
      attention_json_append_string (out, candidates[c].token);
      g_string_append_printf (
          out, ", \"id\": %" G_GINT64_FORMAT ", \"probability\": ", candidates[c].id);
      attention_json_append_float (out, candidates[c].probability);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

void
attention_json_append_predictions (GString *out, AttentionResult *result)
{
  g_string_append_c (out, '[');
  for (guint p = 0; p < attention_result_get_n_predictions (result); p++)
    {
      guint n_candidates = 0;
      const AttentionCandidate *candidates =
          attention_result_get_candidates (result, p, &n_candidates);

      guint n_shown = 0;
      const AttentionCandidate *shown = attention_result_get_shown_candidates (result, p, &n_shown);

      g_string_append_printf (out, "%s\n  {\"position\": %u, ", p > 0 ? "," : "",
                              attention_result_get_prediction_position (result, p));
      /* "candidates" is the raw top-k, as it always was; "shown" what the
       * window's chips and the CLI's completions show, special tokens
       * skipped. */
      append_candidate_list (out, "candidates", candidates, n_candidates);
      g_string_append (out, ", ");
      append_candidate_list (out, "shown", shown, n_shown);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

void
attention_json_append_positions (GString *out, AttentionResult *result)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < attention_result_get_n_tokens (result); i++)
    {
      guint n_candidates = 0, n_shown = 0;
      const AttentionCandidate *candidates =
          attention_result_get_position_candidates (result, i, &n_candidates);
      const AttentionCandidate *shown =
          attention_result_get_position_shown_candidates (result, i, &n_shown);

      g_string_append_printf (out, "%s\n  {\"index\": %u, \"token\": ", i > 0 ? "," : "", i);
      attention_json_append_string (out, attention_result_get_token (result, i));
      /* As for the predictions: the raw top-k, then what was shown. */
      g_string_append (out, ", ");
      append_candidate_list (out, "candidates", candidates, n_candidates);
      g_string_append (out, ", ");
      append_candidate_list (out, "shown", shown, n_shown);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

void
attention_json_append_attentions (GString *out,
                                  AttentionResult *result,
                                  void (*flush) (GString *out, gpointer data),
                                  gpointer data)
{
  guint n_layers = attention_result_get_n_layers (result);
  guint n_heads = attention_result_get_n_heads (result);
  guint n = attention_result_get_n_tokens (result);

  g_string_append_c (out, '[');
  for (guint l = 0; l < n_layers; l++)
    {
      g_string_append (out, l > 0 ? ",\n [" : "\n [");
      for (guint h = 0; h < n_heads; h++)
        {
          const float *matrix = attention_result_get_matrix (result, l, h);

          g_string_append (out, h > 0 ? ",\n  [" : "\n  [");
          for (guint q = 0; q < n; q++)
            {
              g_string_append (out, q > 0 ? ", [" : "[");
              for (guint k = 0; k < n; k++)
                {
                  if (k > 0)
                    g_string_append (out, ", ");
                  attention_json_append_float (out, matrix[(gsize)q * n + k]);
                }
              g_string_append_c (out, ']');
              flush (out, data);
            }
          g_string_append_c (out, ']');
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ']');
}

gboolean
attention_json_append_norms (GString *out,
                             AttentionResult *result,
                             void (*flush) (GString *out, gpointer data),
                             gpointer data)
{
  guint n_layers = attention_result_get_n_layers (result);
  guint n_heads = attention_result_get_n_heads (result);
  guint n = attention_result_get_n_tokens (result);

  if (attention_result_get_value_norms (result, 0, 0) == NULL)
    return FALSE;
  g_string_append_c (out, '[');
  for (guint l = 0; l < n_layers; l++)
    {
      g_string_append (out, l > 0 ? ",\n [" : "\n [");
      for (guint h = 0; h < n_heads; h++)
        {
          const float *matrix = attention_result_get_matrix (result, l, h);
          const float *norms = attention_result_get_value_norms (result, l, h);

          g_string_append (out, h > 0 ? ",\n  [" : "\n  [");
          for (guint q = 0; q < n; q++)
            {
              g_string_append (out, q > 0 ? ", [" : "[");
              for (guint k = 0; k < n; k++)
                {
                  if (k > 0)
                    g_string_append (out, ", ");
                  attention_json_append_float (out, matrix[(gsize)q * n + k] * norms[k]);
                }
              g_string_append_c (out, ']');
              flush (out, data);
            }
          g_string_append_c (out, ']');
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ']');
  return TRUE;
}

static void
append_vectors (GString *out, const float *vectors, guint n, guint d)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, i > 0 ? ",\n  [" : "\n  [");
      for (guint e = 0; e < d; e++)
        {
          if (e > 0)
            g_string_append (out, ", ");
          attention_json_append_float (out, vectors[(gsize)i * d + e]);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ']');
}

gboolean
attention_json_append_neuron (GString *out, AttentionResult *result, guint layer, guint head)
{
  const float *queries = attention_result_get_queries (result, layer, head);
  const float *keys = attention_result_get_keys (result, layer, head);
  guint n = attention_result_get_n_tokens (result);
  guint d = attention_result_get_head_size (result);

  if (queries == NULL || keys == NULL || d == 0)
    return FALSE;
  g_string_append_printf (out, "{\"layer\": %u, \"head\": %u, \"head_size\": %u,\n \"query\": ",
                          layer + 1, head + 1, d);
  append_vectors (out, queries, n, d);
  g_string_append (out, ",\n \"key\": ");
  append_vectors (out, keys, n, d);
  g_string_append_c (out, '}');
  return TRUE;
}

/* The spelling of token_id: a candidate's at position, else the vocab's as
 * the tokens of the result have it, else "". */
static const char *
target_token (AttentionResult *result, guint position, gint64 token_id)
{
  for (guint i = 0; i < attention_result_get_n_predictions (result); i++)
    {
      guint n_candidates, n_shown;
      const AttentionCandidate *candidates =
          attention_result_get_candidates (result, i, &n_candidates);
      const AttentionCandidate *shown = attention_result_get_shown_candidates (result, i, &n_shown);

      if (attention_result_get_prediction_position (result, i) != position)
        continue;
      for (guint c = 0; c < n_candidates; c++)
        if (candidates[c].id == token_id)
          return candidates[c].token;
      /* A chip's candidate need not be in the raw top-k (specials first). */
      for (guint c = 0; c < n_shown; c++)
        if (shown[c].id == token_id)
          return shown[c].token;
    }
  for (guint j = 0; j < attention_result_get_n_tokens (result); j++)
    if (attention_result_get_id (result, j) == token_id)
      return attention_result_get_token (result, j);
  return "";
}

void
attention_json_append_saliency (GString *out, AttentionResult *result)
{
  guint n = attention_result_get_n_tokens (result);

  g_string_append_c (out, '[');
  for (guint i = 0; i < attention_result_get_n_saliency (result); i++)
    {
      const float *scores = attention_result_get_saliency (result, i);
      guint position;
      gint64 token_id;

      attention_result_get_saliency_target (result, i, &position, &token_id);
      g_string_append_printf (out, "%s{\"mask_index\": %u, \"token\": ", i > 0 ? ",\n " : "\n ",
                              position);
      attention_json_append_string (out, target_token (result, position, token_id));
      g_string_append_printf (out, ", \"id\": %" G_GINT64_FORMAT ", \"scores\": [", token_id);
      for (guint j = 0; j < n; j++)
        {
          if (j > 0)
            g_string_append (out, ", ");
          attention_json_append_float (out, scores[j]);
        }
      g_string_append (out, "]}");
    }
  g_string_append_c (out, ']');
}
