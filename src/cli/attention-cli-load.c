/* attention-cli-load.c: the model and the tokenizer the subcommands run */

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "attention-cli-private.h"
#include "attention-json-guard.h"

/* vocab.json ({"token": id, …}) as the tokens in id order, one a line. */
static BertVocab *
load_vocab_json (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *data = NULL;
  g_autoptr (GPtrArray) tokens = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  JsonObjectIter iter;
  JsonObject *object;
  JsonNode *node;
  const char *token;
  gsize len;
  guint n;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  if (!attention_json_depth_ok (data, (gssize)len, ATTENTION_JSON_MAX_DEPTH, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize)len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                   _ ("%s is not a vocab.json: a JSON object of token ids"), path);
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  n = json_object_get_size (object);
  tokens = g_ptr_array_new ();
  g_ptr_array_set_size (tokens, n);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &token, &node))
    {
      gint64 id = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
                      ? json_node_get_int (node)
                      : -1;

      /* One token a line in id order: ids 0…n-1 once each, no line breaks. */
      if (id < 0 || id >= n || tokens->pdata[id] != NULL || strchr (token, '\n') != NULL ||
          strchr (token, '\r') != NULL)
        {
          g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                       _ ("%s: the ids must be 0 to %u, each once, and tokens one line each"), path,
                       n - 1);
          return NULL;
        }
      tokens->pdata[id] = (gpointer)token;
    }
  for (guint i = 0; i < n; i++)
    {
      g_string_append (text, tokens->pdata[i]);
      g_string_append_c (text, '\n');
    }
  return bert_vocab_new_from_data_full (text->str, text->len, FALSE, error);
}

AttentionTokenizer *
attention_cli_load_tokenizer (const AttentionCliOptions *options, GError **error)
{
  g_autoptr (AttentionModel) model = NULL;

  if (options->spm_path != NULL)
    {
      g_autofree char *data = NULL;
      g_autofree char *name = g_filename_display_name (options->spm_path);
      gsize len;

      if (!g_file_get_contents (options->spm_path, &data, &len, error))
        return NULL;
      return attention_tokenizer_new_sentencepiece (data, len, name, FALSE, error);
    }
  if (options->merges_path != NULL)
    {
      g_autoptr (BertVocab) vocab = load_vocab_json (options->vocab_path, error);
      g_autofree char *merges = NULL;
      gsize len;

      if (vocab == NULL || !g_file_get_contents (options->merges_path, &merges, &len, error))
        return NULL;
      return attention_tokenizer_new_bpe (vocab, merges, len, error);
    }
  if (options->vocab_path != NULL)
    {
      g_autoptr (BertVocab) vocab = bert_vocab_new_from_file (options->vocab_path, error);
      g_autoptr (BertTokenizer) wordpiece = NULL;

      if (vocab == NULL)
        return NULL;
      wordpiece = bert_tokenizer_new (vocab, !options->cased);
      return attention_tokenizer_new_wordpiece (wordpiece);
    }

  model = attention_cli_load_model (options, error);
  if (model == NULL)
    return NULL;
  return attention_tokenizer_ref (attention_model_get_tokenizer (model));
}

AttentionModel *
attention_cli_load_model (const AttentionCliOptions *options, GError **error)
{
  g_autofree char *path = NULL;
  AttentionModel *model;

  path = options->model_path != NULL ? g_strdup (options->model_path)
                                     : attention_model_default_path ();
  /* One run and out: no probe forward at load (the first run is the probe). */
  model = attention_model_new_from_file_full (path, ATTENTION_MODEL_LOAD_ONE_SHOT, error);
  /* The file may come from $ATTENTION_MODEL or the default: name it. */
  if (model == NULL)
    g_prefix_error (error, "%s: ", path);
  return model;
}
