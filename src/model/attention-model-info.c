/* attention-model-info.c: parses and checks a bundle's config.json */

#include "attention-model-info.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "attention-json-guard.h"
#include "attention-model.h"

static gboolean
get_string (JsonObject *obj, const char *key, gboolean required, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                       _ ("config.json has no “%s”."), key);
          return FALSE;
        }
      *out = g_strdup ("");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json: “%s” is not a string."), key);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_bool (JsonObject *obj, const char *key, gboolean fallback, gboolean *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json: “%s” is not true or false."), key);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A whole number in [min, max]; JSON parsers give integers as gint64. */
static gboolean
get_int (JsonObject *obj, const char *key, gint64 min, gint64 max, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json has no “%s”."), key);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json: “%s” is not a whole number."), key);
      return FALSE;
    }
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json: “%s” is %lld, outside %lld…%lld."), key, (long long)*out,
                   (long long)min, (long long)max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_uint (JsonObject *obj, const char *key, guint *out, GError **error)
{
  gint64 v;

  if (!get_int (obj, key, 1, G_MAXINT32, &v, error))
    return FALSE;
  *out = (guint)v;
  return TRUE;
}

AttentionModelInfo *
attention_model_info_new_from_json (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AttentionModelInfo) info = g_new0 (AttentionModelInfo, 1);
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;
  JsonObject *obj, *special;
  JsonNode *special_node;
  struct
  {
    const char *token;
    gint64 *id;
    char **spelled;
  } specials[] = {
    { "[PAD]", &info->pad_id, &info->pad_token },    { "[UNK]", &info->unk_id, &info->unk_token },
    { "[CLS]", &info->cls_id, &info->cls_token },    { "[SEP]", &info->sep_id, &info->sep_token },
    { "[MASK]", &info->mask_id, &info->mask_token },
  };
  JsonNode *spelled_node;
  g_autofree char *tokenizer = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  /* json-glib recurses once per level: bound it before it parses. */
  if (!attention_json_depth_ok (data, len, ATTENTION_JSON_MAX_DEPTH, NULL))
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json nests arrays or objects more than %u levels deep; a model "
                      "configuration needs only a few, so it is refused."),
                   ATTENTION_JSON_MAX_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      /* json-glib quotes the offending bytes as they are: invalid UTF-8 in
       * the file would make the message itself invalid (found by fuzzing). */
      g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json is not valid JSON: %s"), reason);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                           _ ("config.json is not a JSON object."));
      return NULL;
    }
  obj = json_node_get_object (root);

  if (!get_uint (obj, "num_hidden_layers", &info->n_layers, error) ||
      !get_uint (obj, "num_attention_heads", &info->n_heads, error) ||
      !get_uint (obj, "hidden_size", &info->hidden_size, error) ||
      !get_uint (obj, "max_position_embeddings", &info->max_positions, error) ||
      !get_uint (obj, "vocab_size", &info->vocab_size, error) ||
      !get_string (obj, "hidden_act", TRUE, &info->hidden_act, error) ||
      !get_string (obj, "name", FALSE, &info->name, error) ||
      !get_string (obj, "description", FALSE, &info->description, error) ||
      !get_string (obj, "source", FALSE, &info->source, error) ||
      !get_bool (obj, "do_lower_case", TRUE, &info->lowercase, error) ||
      !get_bool (obj, "has_mlm_head", TRUE, &info->has_mlm_head, error) ||
      !get_bool (obj, "strip_accents", info->lowercase, &info->strip_accents, error) ||
      !get_bool (obj, "tokenize_chinese_chars", TRUE, &info->split_chinese, error))
    return NULL;

  if (json_object_has_member (obj, "trained_length"))
    {
      gint64 trained;

      if (!get_int (obj, "trained_length", 1, info->max_positions, &trained, error))
        return NULL;
      info->trained_length = (guint)trained;
    }
  else
    info->trained_length = info->max_positions;

  if (info->hidden_size % info->n_heads != 0)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json: hidden_size %u is not a multiple of num_attention_heads %u."),
                   info->hidden_size, info->n_heads);
      return NULL;
    }

  special_node = json_object_get_member (obj, "special_token_ids");
  if (special_node == NULL || !JSON_NODE_HOLDS_OBJECT (special_node))
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                           _ ("config.json has no “special_token_ids” object."));
      return NULL;
    }
  special = json_node_get_object (special_node);
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    {
      g_autoptr (GError) e = NULL;

      if (!get_int (special, specials[i].token, 0, (gint64)info->vocab_size - 1, specials[i].id,
                    &e))
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                       _ ("config.json: special_token_ids: %s"), e->message);
          return NULL;
        }
    }

  /* Each role's spelling: BERT's unless the config says otherwise. */
  spelled_node = json_object_get_member (obj, "special_tokens");
  if (spelled_node != NULL && !JSON_NODE_HOLDS_OBJECT (spelled_node))
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                           _ ("config.json: “special_tokens” is not an object."));
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    {
      g_autoptr (GError) e = NULL;
      char *spelled = NULL;

      if (spelled_node != NULL &&
          !get_string (json_node_get_object (spelled_node), specials[i].token, FALSE, &spelled, &e))
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                       _ ("config.json: special_tokens: %s"), e->message);
          return NULL;
        }
      if (spelled == NULL || spelled[0] == '\0')
        {
          g_free (spelled);
          spelled = g_strdup (specials[i].token);
        }
      *specials[i].spelled = spelled;
    }
  if (!get_string (obj, "tokenizer", FALSE, &tokenizer, error))
    return NULL;
  if (tokenizer[0] != '\0' && !g_str_equal (tokenizer, "bpe") &&
      !g_str_equal (tokenizer, "wordpiece") && !g_str_equal (tokenizer, "sentencepiece"))
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json: the tokenizer “%s” is not known (bpe, sentencepiece, "
                      "wordpiece)."),
                   tokenizer);
      return NULL;
    }
  info->bpe = g_str_equal (tokenizer, "bpe");
  info->sentencepiece = g_str_equal (tokenizer, "sentencepiece");
  if (info->sentencepiece)
    {
      g_autofree char *ids = NULL;
      g_autofree char *preparation = NULL;

      if (!get_string (obj, "sentencepiece_ids", FALSE, &ids, error) ||
          !get_string (obj, "sentencepiece_preparation", FALSE, &preparation, error) ||
          !get_bool (obj, "remove_space", TRUE, &info->remove_space, error) ||
          !get_bool (obj, "keep_accents", FALSE, &info->keep_accents, error))
        return NULL;
      /* The two go together: ALBERT's tokenizer, or XLM-RoBERTa's. */
      if ((ids[0] != '\0' && !g_str_equal (ids, "model") && !g_str_equal (ids, "fairseq")) ||
          (preparation[0] != '\0' && !g_str_equal (preparation, "albert") &&
           !g_str_equal (preparation, "none")) ||
          g_str_equal (ids, "model") != g_str_equal (preparation, "albert"))
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                       _ ("config.json: “sentencepiece_ids” “%s” with "
                          "“sentencepiece_preparation” “%s” is not a known tokenizer (model "
                          "with albert, or fairseq with none)."),
                       ids, preparation);
          return NULL;
        }
      info->albert = g_str_equal (ids, "model");
    }

  if (info->name[0] == '\0')
    {
      g_free (info->name);
      info->name = g_strdup (_ ("Unnamed model"));
    }
  return g_steal_pointer (&info);
}

void
attention_model_info_free (AttentionModelInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->source);
  g_free (info->hidden_act);
  g_free (info->pad_token);
  g_free (info->unk_token);
  g_free (info->cls_token);
  g_free (info->sep_token);
  g_free (info->mask_token);
  g_free (info);
}

char *
attention_model_info_describe_size (const AttentionModelInfo *info)
{
  /* BERT's parameter count from its shape: embeddings (word, position, 2 token
   * types, LayerNorm), per layer 4 h×h + 2 h×4h matrices with biases and two
   * LayerNorms, and the MLM head transform (its decoder is tied). */
  double h = info->hidden_size, v = info->vocab_size, p = info->max_positions;
  double ffn = 4 * h;
  double embeddings = (v + p + 2) * h + 2 * h;
  double layer = 4 * (h * h + h) + (h * ffn + ffn) + (ffn * h + h) + 4 * h;
  double head = h * h + h + 2 * h + v;
  double total = embeddings + info->n_layers * layer + head;
  g_autofree char *params = NULL;

  if (total >= 1e9)
    params = g_strdup_printf (_ ("%.1fB parameters"), total / 1e9);
  else if (total >= 1e6)
    params = g_strdup_printf (_ ("%.1fM parameters"), total / 1e6);
  else
    params = g_strdup_printf (_ ("%.0fK parameters"), total / 1e3);

  /* TRANSLATORS: "4 layers × 4 heads, hidden 256, 9.6M parameters" */
  return g_strdup_printf (_ ("%u layers × %u heads, hidden %u, %s"), info->n_layers, info->n_heads,
                          info->hidden_size, params);
}
